/** One formatter per output format, all rendering the same Report. */
import type { Report } from './model.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function formatReport(report: Report, format: Format, color = false): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'text':
      return formatText(report, color);
  }
}

export { buildReport, type Report } from './model.js';
