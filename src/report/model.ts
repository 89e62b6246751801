/** The report document every format is rendered from (the JSON format prints it as is). */
import type { Finding } from '../core/types.js';
import type { FileReport, RunResult } from '../runner/run.js';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

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
