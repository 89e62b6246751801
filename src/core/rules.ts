/**
 * Every rule id the tool can report, with its default severity, a one-line description and the help text.
 * Ids are stable: CI baselines, ignore comments and SARIF fingerprints depend on them.
 */
import type { Severity } from './types.js';

export interface RuleMeta {
  severity: Severity;
  description: string;
  help: string;
}

const rules = new Map<string, RuleMeta>();

export function defineRules(entries: Record<string, RuleMeta>): void {
  for (const [id, meta] of Object.entries(entries)) rules.set(id, meta);
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return rules.get(id);
}

export function allRules(): ReadonlyMap<string, RuleMeta> {
  return rules;
}

defineRules({
  'parse-error': {
    severity: 'error',
    description: 'The file could not be parsed; it was left unchanged.',
    help: 'Fix the syntax error (or exclude the file), then run again.',
  },
});
