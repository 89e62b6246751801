/** One formatter per output format, all rendering the same Report. */
import type { Report } from './model.js';
import type { RuleLookup } from '../core/rules.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';
import { formatStylish } from './stylish.js';
import { formatSarif } from './sarif.js';
import { formatGithub } from './github.js';
import { formatMarkdown } from './markdown.js';

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

export { buildReport, type Report } from './model.js';
export { githubStepSummary, writeGithubStepSummary } from './github.js';
export { formatSarif, buildSarif, type SarifOptions, type ReadLine } from './sarif.js';
