/** What every JS rule module sees: the text, the AST, the tracker, the edit list and the findings. */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { EngineFinding, EngineOptions, Severity } from '../core/types.js';
import { LineIndex, detectEol, indentUnit, type Edit } from '../core/text.js';
import { ruleMeta } from '../rules/registry.js';
import type { Tracker } from '../tracking/tracker.js';

export class RuleContext {
  readonly edits: Edit[] = [];
  readonly findings: EngineFinding[] = [];
  readonly lines: LineIndex;
  readonly eol: '\n' | '\r\n';
  private unit?: string;
  /** Package names of bare wrapper specifiers that this file no longer imports. */
  readonly replacedPackages = new Set<string>();

  constructor(
    readonly text: string,
    readonly filePath: string,
    readonly tracker: Tracker,
    readonly options: EngineOptions,
  ) {
    this.lines = new LineIndex(text);
    this.eol = detectEol(text);
  }

  get indentUnit(): string {
    return (this.unit ??= indentUnit(this.text));
  }

  get isTypeScript(): boolean {
    return /\.[cm]?tsx?$/.test(this.filePath);
  }

  /** Top-level await is allowed here: an ES module by extension. */
  get allowsTopLevelAwait(): boolean {
    return /\.m[jt]s$/.test(this.filePath);
  }

  edit(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text });
  }

  /** Source text of [start, end) with the edits that lie entirely inside it applied; those edits are consumed. */
  render(start: number, end: number): string {
    const inside = this.edits.filter((e) => e.start >= start && e.end <= end);
    if (inside.length === 0) return this.text.slice(start, end);
    inside.sort((a, b) => a.start - b.start || a.end - b.end);
    let out = '';
    let pos = start;
    for (const e of inside) {
      out += this.text.slice(pos, e.start) + e.text;
      pos = e.end;
    }
    out += this.text.slice(pos, end);
    const rest = this.edits.filter((e) => !inside.includes(e));
    this.edits.length = 0;
    this.edits.push(...rest);
    return out;
  }

  /** Would an edit of [start, end) partly overlap an existing one? */
  overlaps(start: number, end: number): boolean {
    return this.edits.some((e) => e.start < end && start < e.end && !(e.start >= start && e.end <= end));
  }

  /**
   * Report a finding; returns it, or undefined when the same rule already reported at that position (it is then not
   * added again).
   */
  report(ruleId: string, node: t.Node | { start: number; end: number }, message: string, fix?: string, severity?: Severity): EngineFinding | undefined {
    const start = node.start ?? 0;
    const end = node.end ?? start;
    const a = this.lines.position(start);
    const b = this.lines.position(end);
    const meta = ruleMeta(ruleId);
    const f: EngineFinding = {
      ruleId,
      severity: severity ?? meta?.severity ?? 'warning',
      message,
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
    };
    const help = fix ?? meta?.help;
    if (help) f.fix = help;
    return this.keep(f);
  }

  /** Add a finding made earlier (see checkpoint), unless the same rule already reported at that position. */
  keep(f: EngineFinding): EngineFinding | undefined {
    if (this.findings.some((x) => x.ruleId === f.ruleId && x.line === f.line && x.column === f.column)) return undefined;
    this.findings.push(f);
    return f;
  }

  /** The edits, findings and replaced packages as they are now; the function returned puts them back so. */
  checkpoint(): () => void {
    const edits = [...this.edits];
    const findings = this.findings.length;
    const replaced = [...this.replacedPackages];
    return () => {
      this.edits.length = 0;
      this.edits.push(...edits);
      this.findings.length = findings;
      this.replacedPackages.clear();
      for (const r of replaced) this.replacedPackages.add(r);
    };
  }

  slice(node: t.Node): string {
    return this.text.slice(node.start!, node.end!);
  }

  /** The whitespace before `offset` on its line, when only whitespace precedes it there; otherwise undefined. */
  lineIndentBefore(offset: number): string | undefined {
    const ls = this.text.lastIndexOf('\n', offset - 1) + 1;
    const before = this.text.slice(ls, offset);
    return /^[ \t]*$/.test(before) ? before : undefined;
  }
}

export type Rule = (ctx: RuleContext) => void;

export function isInAsyncContext(path: NodePath, ctx: RuleContext): boolean {
  const fn = path.getFunctionParent();
  if (fn) return !!fn.node.async;
  return ctx.allowsTopLevelAwait;
}
