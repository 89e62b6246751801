/**
 * Exit codes of the CLI contract, highest first when several apply: 2 usage or configuration error; 3 some files could
 * not be read, parsed or transformed; 1 `check` found error findings (the CLI adds --max-warnings); 0 otherwise.
 */
import type { Finding } from './types.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, fileErrors: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ExitInput {
  missing: readonly string[];
  /** Paths given on the command line that are not regular files or folders. */
  refused?: readonly unknown[];
  files: readonly { status: string }[];
  findings: readonly Pick<Finding, 'severity'>[];
}

export function exitCodeOf(result: ExitInput, mode: 'run' | 'check'): ExitCode {
  if (result.missing.length || result.refused?.length) return EXIT.usage;
  if (result.files.some((f) => f.status === 'error')) return EXIT.fileErrors;
  if (mode === 'check' && result.findings.some((f) => f.severity === 'error')) return EXIT.findings;
  return EXIT.ok;
}
