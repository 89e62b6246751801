/** What rules see and produce during one pass. */
import type { Node } from './parse.js';
import type { Severity } from '../core/types.js';
import type { Edit } from '../core/text.js';
import type { ImportInfo } from './imports.js';
import type { Tracker } from './tracker.js';
import { awaitAllowed, contextLabel, needsParensForAwait, unparen, logicalParent } from './ast.js';

export const RULE_PREFIX = 'motor-python/';

/** A finding with offsets into the text of the pass that produced it. */
export interface RawFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  fix?: string;
  start: number;
  end: number;
}

/** An edit plus the note to report if (and only if) the edit is applied. */
export interface PlannedEdit extends Edit {
  rule: string;
  note?: RawFinding;
  /** Edits that must be applied together (same group id) or not at all. */
  group?: number;
}

export interface Ctx {
  text: string;
  root: Node;
  info: ImportInfo;
  tracker: Tracker;
  /** True when the file imports something from motor (gates every call-site rewrite). */
  motor: boolean;
  edits: PlannedEdit[];
  findings: RawFinding[];
  nextGroup: number;
  /** The file's project depends on Motor (run) or on Motor/PyMongo (check): untraced Motor shapes are looked at. */
  project: boolean;
  /** The file imports an ODM that still runs on Motor, and Motor: it keeps Motor (no rewrite, findings only). */
  keepMotor: boolean;
  /** The project sorts its imports (isort, ruff's I rules): a new from-line goes to its sorted place. */
  sortsImports?: boolean;
  /**
   * Third-party method names the project defines itself (`def get_motor_collection` in a file of the run, in this
   * file, or the project is Beanie): calls to them are not renamed.
   */
  ownMethods: ReadonlySet<string>;
  /** check mode: PyMongo async names are tracked too, and nothing heuristic is proposed. */
  checkMode: boolean;
  /** Cached by the untraced rules: the file imports mongomock_motor / a Motor-bound ODM. */
  untracedExclusions?: { mock: boolean; odm: boolean };
  /** Cached: does the file show signs of several event loops (asyncio.run, threads, pytest)? */
  multiLoop?: boolean;
}

export function finding(ctx: Ctx, rule: string, severity: Severity, node: Node | { startIndex: number; endIndex: number }, message: string, fix?: string): void {
  ctx.findings.push({ ruleId: RULE_PREFIX + rule, severity, message, fix, start: node.startIndex, end: node.endIndex });
}

export function note(rule: string, severity: Severity, node: Node, message: string, fix?: string): RawFinding {
  return { ruleId: RULE_PREFIX + rule, severity, message, fix, start: node.startIndex, end: node.endIndex };
}

export function edit(ctx: Ctx, rule: string, start: number, end: number, text: string, n?: RawFinding, group?: number): void {
  ctx.edits.push({ rule, start, end, text, note: n, group });
}

/**
 * Add `await` in front of expr (a call or attribute), with parentheses when expr is a receiver.
 * Refuses (returns false and flags) when the await would be invalid (sync def, lambda, module level).
 */
export function addAwait(ctx: Ctx, expr: Node, rule: string, what: string, n?: RawFinding, fix?: string): boolean {
  // operate on the outermost parenthesized wrapper so `(x.f()).g` stays well-formed
  const { outer } = logicalParent(expr);
  const target = outer;
  if (!awaitAllowed(target)) {
    finding(
      ctx,
      'needs-await-in-sync',
      'error',
      expr,
      `${what} is a coroutine in PyMongo's async API, but this code is in ${contextLabel(expr)}, where \`await\` is not allowed; it was not rewritten.`,
      fix ?? `Move this call into an async function and \`await\` it (or run it with asyncio.run / the framework's async shutdown hook).`,
    );
    return false;
  }
  const group = ctx.nextGroup++;
  if (needsParensForAwait(target)) {
    edit(ctx, rule, target.startIndex, target.startIndex, '(await ', n, group);
    edit(ctx, rule, target.endIndex, target.endIndex, ')', undefined, group);
  } else {
    edit(ctx, rule, target.startIndex, target.startIndex, 'await ', n, group);
  }
  return true;
}

/** Remove the `await` keyword of an await node (keeps its operand). */
export function removeAwait(ctx: Ctx, awaitNode: Node, rule: string, n?: RawFinding): void {
  const operand = awaitNode.namedChildren.find((c) => c !== null);
  if (!operand) return;
  edit(ctx, rule, awaitNode.startIndex, operand.startIndex, '', n);
}

export { unparen };
