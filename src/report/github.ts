/**
 * GitHub Actions output: one workflow-command annotation per finding, then the full list as plain text in a
 * collapsed group (GitHub shows only 10 error and 10 warning annotations per step, 50 per job), plus a Markdown
 * step summary for $GITHUB_STEP_SUMMARY.
 *
 * Escaping follows actions/toolkit (packages/core/src/command.ts): message data `%`→%25, CR→%0D, LF→%0A; property
 * values additionally `:`→%3A and `,`→%2C.
 * Columns are given only when the finding starts and ends on the same line: the runner and the Checks API reject
 * column information on multi-line annotations.
 * The plain list is wrapped in `::stop-commands::` so nothing in a message or a path can be read as a command.
 */
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { Finding, Severity } from '../core/types.js';
import type { Report } from './model.js';
import type { RuleLookup } from '../core/rules.js';
import { countsText, formatMarkdown, plural, severityCounts } from './markdown.js';

/** GitHub displays at most this many error (and, separately, warning) annotations per step. */
export const ANNOTATIONS_SHOWN_PER_STEP = 10;
/** The step summary is capped by GitHub at 1 MiB; stay well below. */
const SUMMARY_MAX_FINDINGS = 500;

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::command key=value,…::message`, properties in the given order, empty/undefined ones left out. */
export function workflowCommand(command: string, properties: Array<[string, string | number | undefined]>, message: string): string {
  const props = properties
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function positive(n: number, fallback: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.trunc(n) : fallback;
}

export function annotation(f: Finding): string {
  const line = positive(f.line, 1);
  const endLine = Math.max(line, positive(f.endLine, line));
  const sameLine = endLine === line;
  const col = positive(f.column, 1);
  const endColumn = Math.max(col, positive(f.endColumn, col));
  const message = f.fix ? `${f.message}\nFix: ${f.fix}` : f.message;
  return workflowCommand(
    COMMAND[f.severity] ?? 'warning',
    [
      ['file', f.file],
      ['line', line],
      ['endLine', endLine],
      ['col', sameLine ? col : undefined],
      ['endColumn', sameLine ? endColumn : undefined],
      ['title', `mongo-codemod ${f.ruleId}`],
    ],
    message,
  );
}

/** Continuation lines of multi-line messages are indented under their finding. */
function indentLines(s: string, indent: string): string {
  return s.replace(/\r\n|\r|\n/g, `\n${indent}`);
}

/** The full, plain-text list (no commands): findings, problem files, counts. */
export function plainList(report: Report): string[] {
  const out: string[] = [];
  for (const f of report.findings) {
    out.push(`${f.file}:${f.line}:${f.column}  ${f.severity}  ${indentLines(f.message, '    ')}  [${f.ruleId}]`);
    if (f.fix) out.push(`    fix: ${indentLines(f.fix, '    ')}`);
  }
  const problems = report.files.filter((f) => f.status === 'error' || f.status === 'skipped');
  if (problems.length && report.findings.length) out.push('');
  for (const f of problems) out.push(`${f.status === 'error' ? 'error' : 'skipped'}  ${f.path}${f.reason ? `: ${indentLines(f.reason, '    ')}` : ''}`);
  out.push('', summaryLine(report));
  return out;
}

function summaryLine(report: Report): string {
  const s = report.summary;
  return (
    `${plural(report.findings.length, 'finding')} (${countsText(severityCounts(report.findings))}), ${s.suppressed} suppressed${s.baselined !== undefined ? `, ${s.baselined} in baseline` : ''}; ` +
    `${s.filesScanned} file${s.filesScanned === 1 ? '' : 's'} scanned, ${s.filesChanged} changed, ${s.filesSkipped} skipped, ${s.errors} with errors`
  );
}

export function formatGithub(report: Report): string {
  const out: string[] = [];
  for (const f of report.findings) out.push(annotation(f));
  for (const f of report.files) {
    if (f.status !== 'error') continue;
    // A file the tool could not process is a CI problem of its own (unless a finding already points at it).
    if (report.findings.some((x) => x.file === f.path && x.severity === 'error')) continue;
    out.push(
      workflowCommand(
        'error',
        [
          ['file', f.path],
          ['title', 'mongo-codemod: file not processed'],
        ],
        f.reason ?? 'The file could not be processed.',
      ),
    );
  }

  const c = severityCounts(report.findings);
  const list = plainList(report);
  if (c.error > ANNOTATIONS_SHOWN_PER_STEP || c.warning > ANNOTATIONS_SHOWN_PER_STEP) {
    list.unshift(`GitHub shows only ${ANNOTATIONS_SHOWN_PER_STEP} error and ${ANNOTATIONS_SHOWN_PER_STEP} warning annotations per step; every finding is listed here.`, '');
  }
  const body = list.join('\n');
  // A token derived from the content cannot occur in it (to any practical degree), and keeps the output deterministic.
  const token = `mongo-codemod-${createHash('sha256').update(body).digest('hex').slice(0, 24)}`;
  out.push(`::group::mongo-codemod: ${plural(report.findings.length, 'finding')} (${countsText(c)})`);
  out.push(`::stop-commands::${token}`);
  out.push(body);
  out.push(`::${token}::`);
  out.push('::endgroup::');
  return out.join('\n') + '\n';
}

/** The Markdown for $GITHUB_STEP_SUMMARY: counts, findings per rule, the findings to fix by hand (capped). */
export function githubStepSummary(report: Report, rules?: RuleLookup): string {
  return formatMarkdown(report, { title: 'mongo-codemod', perFile: false, maxFindings: SUMMARY_MAX_FINDINGS, maxFiles: 200, ...(rules ? { rules } : {}) });
}

/**
 * Appends the step summary to the file named by GITHUB_STEP_SUMMARY. Returns true when it wrote, false when the
 * variable is unset/empty or the file cannot be written (a summary must never fail the check itself).
 */
export function writeGithubStepSummary(report: Report, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  try {
    appendFileSync(file, githubStepSummary(report) + '\n', 'utf8');
    return true;
  } catch {
    return false;
  }
}
