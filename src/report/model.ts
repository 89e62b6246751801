/** The report document every format is rendered from (the JSON format prints it as is). */
import type { Finding } from '../core/types.js';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'error';

export interface FileReport {
  path: string;
  status: FileStatus;
  reason?: string;
}

/** What a run produced, before it is rendered: the runner fills it, every format reads it. */
export interface RunResult {
  files: FileReport[];
  findings: Finding[];
  suppressed: number;
  /** Unified diff of every change (dry run). */
  diff: string;
  missing: string[];
  /** Paths given on the command line that were not looked at (a symlink, a FIFO), with why. */
  refused: { path: string; reason: string }[];
  /** Temporary files of an interrupted run that this run removed (cwd-relative). */
  leftoversRemoved?: string[];
  /** Original text of every file with findings (for formats that quote source lines). */
  texts: Map<string, string>;
}

export interface Report {
  tool: 'mongo-codemod';
  version: string;
  summary: {
    filesScanned: number;
    filesChanged: number;
    filesSkipped: number;
    findings: number;
    suppressed: number;
    errors: number;
    /** Findings dropped because `check --baseline` lists them (present only with a baseline). */
    baselined?: number;
  };
  files: FileReport[];
  findings: Finding[];
}

export function toolVersion(): string {
  for (const p of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version?: string };
      if (pkg.name === 'mongo-codemod' && pkg.version) return pkg.version;
    } catch {
      /* next */
    }
  }
  return '0.0.0';
}

export function buildReport(result: RunResult): Report {
  const files = result.files;
  return {
    tool: 'mongo-codemod',
    version: toolVersion(),
    summary: {
      filesScanned: files.length,
      filesChanged: files.filter((f) => f.status === 'changed').length,
      filesSkipped: files.filter((f) => f.status === 'skipped').length,
      findings: result.findings.length,
      suppressed: result.suppressed,
      errors: files.filter((f) => f.status === 'error').length,
    },
    // Only files worth mentioning: a listing of every unchanged file would bury the rest.
    files: files.filter((f) => f.status !== 'unchanged'),
    findings: result.findings,
  };
}
