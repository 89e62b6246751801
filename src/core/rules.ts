/**
 * The shape of rule metadata, and the rules of the core itself. Every rule id the tool can report has one entry in
 * a static table beside the code that reports it; src/rules/registry.ts joins the tables. Ids are stable: CI
 * baselines, ignore comments and SARIF fingerprints depend on them.
 */
import type { Severity } from './types.js';

export interface RuleMeta {
  severity: Severity;
  description: string;
  help: string;
}

/** A table of rules: id -> metadata. */
export type RuleTable = Readonly<Record<string, RuleMeta>>;

/** Looks up a rule's metadata (the registry's, or a test's own). */
export type RuleLookup = (id: string) => RuleMeta | undefined;

export const CORE_RULES: RuleTable = {
  'parse-error': {
    severity: 'error',
    description: 'The file could not be parsed; it was left unchanged.',
    help: 'Fix the syntax error (or exclude the file), then run again.',
  },
  'mongo-codemod/skipped': {
    severity: 'error',
    description: 'A file the tool could not analyse (too large, minified, generated, not text) imports a legacy module: it was not migrated.',
    help: 'Migrate the file by hand, or exclude it with the `ignore` configuration if it is not yours to migrate.',
  },
  'mongo-codemod/unmigrated-import': {
    severity: 'error',
    description: 'A legacy module is still imported in a form the engine does not migrate (`import m = require(..)`, a template-literal require, ...).',
    help: 'Rewrite the import by hand to the native driver (`mongodb`), then run again.',
  },
  'mongo-codemod/marker': {
    severity: 'error',
    description: 'A `mongo-codemod:` marker left by `run --annotate`: a flagged site still waits for its manual fix.',
    help: 'Apply the fix the marker describes, then delete the marker comment.',
  },
};
