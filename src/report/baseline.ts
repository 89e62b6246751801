/**
 * Baselines: `check --write-baseline <file>` records the current findings; `check --baseline <file>` drops the
 * findings recorded there, so an existing codebase can adopt the check and only new findings fail it.
 *
 * A finding's identity is the SARIF partial fingerprint (src/report/sarif.ts `fingerprints`): rule id + file + a hash
 * of the trimmed text of the flagged line + the occurrence index of that triple in the file. Line numbers are not part
 * of it, so code moving up or down keeps its identity; editing the flagged line, renaming the file or adding an
 * identical flagged line above an existing one (the occurrence indexes shift) makes it new.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../core/types.js';
import { ConfigError } from '../core/errors.js';
import { diskLineReader, fingerprints, type ReadLine } from './sarif.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  ruleId: string;
  file: string;
  fingerprint: string;
  /** For people reading the file; not part of the identity. */
  line?: number;
  message?: string;
}

export interface Baseline {
  tool: 'mongo-codemod';
  baselineVersion: number;
  findings: BaselineEntry[];
}

export function createBaseline(findings: readonly Finding[], readLine: ReadLine): Baseline {
  const prints = fingerprints(findings, readLine);
  const entries = findings.map((f, i) => ({ ruleId: f.ruleId, file: f.file, fingerprint: prints[i]!, line: f.line, message: f.message }));
  entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.fingerprint < b.fingerprint ? -1 : 1)));
  return { tool: 'mongo-codemod', baselineVersion: BASELINE_VERSION, findings: entries };
}

export function formatBaseline(baseline: Baseline): string {
  return JSON.stringify(baseline, null, 2) + '\n';
}

export function writeBaseline(file: string, baseline: Baseline): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, formatBaseline(baseline));
}

/** Parse a baseline document; `where` names it in errors (ConfigError: exit 2). */
export function parseBaseline(text: string, where: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const doc = raw as Partial<Baseline> | null;
  if (!doc || typeof doc !== 'object' || doc.tool !== 'mongo-codemod' || !Array.isArray(doc.findings))
    throw new ConfigError(`${where}: not a mongo-codemod baseline (write one with \`check --write-baseline\`)`);
  if (doc.baselineVersion !== BASELINE_VERSION) throw new ConfigError(`${where}: baseline version ${String(doc.baselineVersion)} is not supported (expected ${BASELINE_VERSION}); write it again`);
  for (const e of doc.findings) {
    if (!e || typeof e !== 'object' || typeof e.ruleId !== 'string' || typeof e.file !== 'string' || typeof e.fingerprint !== 'string')
      throw new ConfigError(`${where}: every finding needs ruleId, file and fingerprint strings`);
  }
  return doc as Baseline;
}

export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--baseline ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  return parseBaseline(text, `--baseline ${file}`);
}

/** Split findings into those not in the baseline (kept, in order) and the number that are. */
export function applyBaseline<F extends Finding>(findings: readonly F[], baseline: Baseline, readLine: ReadLine): { kept: F[]; baselined: number } {
  const known = new Set(baseline.findings.map((e) => `${e.ruleId}\0${e.file}\0${e.fingerprint}`));
  const prints = fingerprints(findings, readLine);
  const kept: F[] = [];
  let baselined = 0;
  findings.forEach((f, i) => {
    if (known.has(`${f.ruleId}\0${f.file}\0${prints[i]}`)) baselined++;
    else kept.push(f);
  });
  return { kept, baselined };
}

/** Line text for fingerprints: the runner's copy of the text as it was before the run, else the file on disk. */
export function resultLineReader(texts: ReadonlyMap<string, string>, cwd: string): ReadLine {
  const disk = diskLineReader(cwd);
  const split = new Map<string, string[]>();
  return (file, line) => {
    const text = texts.get(file);
    if (text === undefined) return disk(file, line);
    let lines = split.get(file);
    if (!lines) split.set(file, (lines = text.split(/\r\n|\r|\n/)));
    return lines[line - 1];
  };
}
