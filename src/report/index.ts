/** One formatter per output format, all rendering the same Report. */
import type { Report } from './model.js';
import type { RuleLookup } from '../core/rules.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';
import { formatStylish } from './stylish.js';
import { formatSarif } from './sarif.js';
import { formatGithub } from './github.js';
import { formatMarkdown } from './markdown.js';
import { escapeControl } from '../core/text.js';

export const FORMATS = ['stylish', 'text', 'json', 'sarif', 'github', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatOptions {
  color?: boolean;
  /** Line text as it was before the run (SARIF fingerprints must match between `run` and `check`). */
  readLine?: (file: string, line: number) => string | undefined;
  /** Rule metadata (default: the registry). */
  rules?: RuleLookup;
}

export function formatReport(report: Report, format: Format, options: FormatOptions | boolean = {}): string {
  const o: FormatOptions = typeof options === 'boolean' ? { color: options } : options;
  const color = o.color ?? false;
  // Text formats: control characters in file names and reasons escaped (JSON and SARIF escape for themselves).
  if (format !== 'json' && format !== 'sarif') report = printable(report);
  switch (format) {
    case 'stylish':
      return formatStylish(report, color);
    case 'json':
      return formatJson(report);
    case 'text':
      return formatText(report, color);
    case 'sarif':
      return formatSarif(report, { ...(o.readLine ? { readLine: o.readLine } : {}), ...(o.rules ? { rules: o.rules } : {}) });
    case 'github':
      return formatGithub(report);
    case 'markdown':
      return formatMarkdown(report, o.rules ? { rules: o.rules } : {});
  }
}

/** The report with control characters escaped in every file name and reason. */
function printable(report: Report): Report {
  return {
    ...report,
    findings: report.findings.map((f) => (escapeControl(f.file) === f.file ? f : { ...f, file: escapeControl(f.file) })),
    files: report.files.map((f) => {
      const p = escapeControl(f.path);
      const r = f.reason === undefined ? undefined : escapeControl(f.reason);
      return p === f.path && r === f.reason ? f : { ...f, path: p, ...(r !== undefined ? { reason: r } : {}) };
    }),
  };
}

export { buildReport, type Report } from './model.js';
export { githubStepSummary, writeGithubStepSummary } from './github.js';
export { formatSarif, buildSarif, type SarifOptions, type ReadLine } from './sarif.js';
