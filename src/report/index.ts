/** One formatter per output format, all rendering the same Report. */
import type { Report } from './model.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';
import { formatStylish } from './stylish.js';
import { formatSarif } from './sarif.js';
import { formatGithub } from './github.js';
import { formatMarkdown } from './markdown.js';

export const FORMATS = ['stylish', 'text', 'json', 'sarif', 'github', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function formatReport(report: Report, format: Format, color = false): string {
  switch (format) {
    case 'stylish':
      return formatStylish(report, color);
    case 'json':
      return formatJson(report);
    case 'text':
      return formatText(report, color);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report);
    case 'markdown':
      return formatMarkdown(report);
  }
}

export { buildReport, type Report } from './model.js';
export { githubStepSummary, writeGithubStepSummary } from './github.js';
export { formatSarif, buildSarif, type SarifOptions, type ReadLine } from './sarif.js';
