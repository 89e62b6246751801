/**
 * ESLint "stylish"-like output: per file an underlined header and aligned rows `  line:col  severity  message  ruleId`,
 * then `✖ N problems (E errors, W warnings, I info)`, the file counts and the files that were skipped or failed.
 * Colours only when `color` is true.
 */
import pc from 'picocolors';
import type { Finding, Severity } from '../core/types.js';
import type { Report } from './model.js';
import { plural, severityCounts } from './markdown.js';

/** Messages are shown on one line. */
function oneLine(s: string): string {
  return s.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ');
}

/** Display width in code points (good enough for alignment; colour codes are added after padding). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}

function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s;
}

export function formatStylish(report: Report, color = false): string {
  const c = pc.createColors(color);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const out: string[] = [];

  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }

  for (const [file, unsorted] of byFile) {
    const list = [...unsorted].sort((a, b) => a.line - b.line || a.column - b.column);
    const rows = list.map((f) => ({ line: String(f.line), col: String(f.column), sev: f.severity, msg: oneLine(f.message), rule: f.ruleId }));
    const wLine = Math.max(...rows.map((r) => width(r.line)));
    const wCol = Math.max(...rows.map((r) => width(r.col)));
    const wSev = Math.max(...rows.map((r) => width(r.sev)));
    const wMsg = Math.max(...rows.map((r) => width(r.msg)));
    out.push('', c.underline(file));
    for (const r of rows) {
      const pos = c.dim(`${padStart(r.line, wLine)}:${padEnd(r.col, wCol)}`);
      out.push(`  ${pos}  ${paint[r.sev](padEnd(r.sev, wSev))}  ${padEnd(r.msg, wMsg)}  ${c.dim(r.rule)}`.trimEnd());
    }
  }

  const counts = severityCounts(report.findings);
  const total = report.findings.length;
  if (total) {
    out.push('');
    const footer = `✖ ${plural(total, 'problem')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info)`;
    const tint = counts.error ? c.red : counts.warning ? c.yellow : c.blue;
    out.push(c.bold(tint(footer)));
  } else {
    out.push(c.bold(c.green('✔ no problems')));
  }

  const s = report.summary;
  out.push(
    c.dim(
      `${plural(s.filesScanned, 'file')} scanned, ${s.filesChanged} changed, ${s.filesSkipped} skipped, ${s.errors} with errors; ` +
        `${s.suppressed} finding${s.suppressed === 1 ? '' : 's'} suppressed` +
        (s.baselined !== undefined ? `, ${s.baselined} in baseline` : ''),
    ),
  );

  const problems = report.files.filter((f) => f.status === 'error' || f.status === 'skipped');
  if (problems.length) {
    out.push('');
    const w = Math.max(...problems.map((f) => width(f.status)));
    for (const f of problems) {
      const label = padEnd(f.status, w);
      out.push(`  ${f.status === 'error' ? c.red(label) : c.yellow(label)}  ${f.path}${f.reason ? c.dim(`  ${oneLine(f.reason)}`) : ''}`);
    }
  }
  return out.join('\n') + '\n';
}
