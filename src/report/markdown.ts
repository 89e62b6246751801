/**
 * A migration summary in Markdown (GitHub-flavoured): summary counts, findings per rule and per file, the findings
 * to fix by hand as a checklist, and the files that were skipped or could not be processed.
 * The GitHub step summary (github.ts) is rendered by the same code, without the per-file table and with a size cap.
 */
import type { Finding, Severity } from '../core/types.js';
import { ruleMeta } from '../rules/registry.js';
import type { RuleLookup } from '../core/rules.js';
import type { Report } from './model.js';

export interface MarkdownOptions {
  /** Heading of the document. */
  title?: string;
  /** Include the table of findings per file (default true). */
  perFile?: boolean;
  /** At most this many findings to fix by hand are listed (default: all). */
  maxFindings?: number;
  /** At most this many files per table / list (default: all). */
  maxFiles?: number;
  /** Rule metadata (default: the registry). */
  rules?: RuleLookup;
}

export type SeverityCounts = Record<Severity, number>;

export function severityCounts(findings: readonly Finding[]): SeverityCounts {
  const c: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `a (1 error, 2 warnings, 0 info)` style breakdown. */
export function countsText(c: SeverityCounts): string {
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info`;
}

export interface RuleCount {
  ruleId: string;
  severity: Severity;
  count: number;
  description: string;
}

/** Findings per rule: most severe first, then most frequent, then by id. */
export function countsPerRule(findings: readonly Finding[], lookup: RuleLookup = ruleMeta): RuleCount[] {
  const map = new Map<string, RuleCount>();
  for (const f of findings) {
    let r = map.get(f.ruleId);
    if (!r) {
      const meta = lookup(f.ruleId);
      r = { ruleId: f.ruleId, severity: meta?.severity ?? f.severity, count: 0, description: meta?.description ?? '' };
      map.set(f.ruleId, r);
    }
    r.count++;
  }
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...map.values()].sort((a, b) => rank[a.severity] - rank[b.severity] || b.count - a.count || (a.ruleId < b.ruleId ? -1 : 1));
}

/** Inline code that survives backticks in the content. */
export function mdCode(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\r?\n|\r/g, ' ')}${pad}${fence}`;
}

/**
 * Prose that may already use Markdown code spans (rule messages do): `<` and `&` outside code spans are escaped so
 * type parameters and the like do not vanish as HTML; newlines become spaces (callers decide on line structure).
 */
export function mdText(s: string): string {
  return s
    .split(/(`+[^`]*?`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
    .replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ');
}

/** A table cell: mdText plus escaped pipes. */
export function mdCell(s: string): string {
  return mdText(s).replace(/\|/g, '\\|');
}

function sortFindings(list: readonly Finding[]): Finding[] {
  return [...list].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

/** The Markdown summary; sections are separated by blank lines and the document ends with a newline. */
export function formatMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const title = options.title ?? 'mongo-codemod migration summary';
  const perFile = options.perFile ?? true;
  const maxFindings = options.maxFindings ?? Infinity;
  const maxFiles = options.maxFiles ?? Infinity;
  const s = report.summary;
  const c = severityCounts(report.findings);
  const out: string[] = [];

  out.push(`## ${title}`, '');
  out.push(`mongo-codemod ${report.version}`, '');
  out.push('| | Count |', '|---|---:|');
  out.push(`| Files scanned | ${s.filesScanned} |`);
  out.push(`| Files changed | ${s.filesChanged} |`);
  out.push(`| Files skipped | ${s.filesSkipped} |`);
  out.push(`| Files with errors | ${s.errors} |`);
  out.push(`| Findings | ${report.findings.length} (${countsText(c)}) |`);
  out.push(`| Suppressed | ${s.suppressed} |`);
  if (s.baselined !== undefined) out.push(`| In baseline | ${s.baselined} |`);
  out.push('');

  if (report.findings.length) {
    out.push('### Findings per rule', '');
    out.push('| Rule | Severity | Count | Description |', '|---|---|---:|---|');
    for (const r of countsPerRule(report.findings, options.rules)) {
      out.push(`| ${mdCode(r.ruleId).replace(/\|/g, '\\|')} | ${r.severity} | ${r.count} | ${mdCell(r.description || '—')} |`);
    }
    out.push('');
  }

  if (perFile && report.findings.length) {
    const files = new Map<string, SeverityCounts>();
    for (const f of report.findings) {
      let fc = files.get(f.file);
      if (!fc) files.set(f.file, (fc = { error: 0, warning: 0, info: 0 }));
      fc[f.severity]++;
    }
    const rows = [...files].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1));
    out.push('### Findings per file', '');
    out.push('| File | Errors | Warnings | Info | Total |', '|---|---:|---:|---:|---:|');
    for (const [file, fc] of rows.slice(0, maxFiles)) {
      out.push(`| ${mdCode(file).replace(/\|/g, '\\|')} | ${fc.error} | ${fc.warning} | ${fc.info} | ${total(fc)} |`);
    }
    if (rows.length > maxFiles) out.push(`| … ${plural(rows.length - maxFiles, 'more file')} | | | | |`);
    out.push('');
  }

  const manual = sortFindings(report.findings.filter((f) => f.severity === 'error' || f.severity === 'warning'));
  if (manual.length) {
    out.push(`### To fix by hand (${manual.length})`, '');
    for (const f of manual.slice(0, maxFindings)) {
      out.push(`- [ ] ${mdCode(`${f.file}:${f.line}:${f.column}`)} **${f.severity}** ${mdCode(f.ruleId)}: ${mdText(f.message)}`);
      if (f.fix) out.push(`  - Fix: ${mdText(f.fix)}`);
    }
    if (manual.length > maxFindings) out.push(`- … and ${plural(manual.length - maxFindings, 'more finding')} (see the full report)`);
    out.push('');
  }

  const problems = report.files.filter((f) => f.status === 'error' || f.status === 'skipped');
  if (problems.length) {
    out.push(`### Files not processed (${problems.length})`, '');
    for (const f of problems.slice(0, maxFiles)) {
      out.push(`- ${mdCode(f.path)}: ${f.status === 'error' ? '**error**' : 'skipped'}${f.reason ? ` — ${mdText(f.reason)}` : ''}`);
    }
    if (problems.length > maxFiles) out.push(`- … and ${plural(problems.length - maxFiles, 'more file')}`);
    out.push('');
  }

  if (!report.findings.length && !problems.length) out.push('No findings: nothing left to migrate by hand.', '');
  return out.join('\n');
}

function total(c: SeverityCounts): number {
  return c.error + c.warning + c.info;
}
