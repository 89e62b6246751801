/**
 * Processing one candidate file (its bytes already read): decoding, skip rules, the engine, and the outcome.
 * Pure of I/O but for the engine itself, so it runs the same in the main thread and in pool workers.
 */
import type { EngineFinding, EngineOptions } from '../core/types.js';
import { engineFor } from '../engines.js';
import { isPythonLockfile, migratePythonDependencyFile, pythonLockfileFinding } from '../python/deps.js';

export const MAX_FILE_BYTES = 1024 * 1024;
export const BOM = '\uFEFF';
// ignoreBOM keeps a BOM in the decoded text (the default would drop it silently).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'error';

export interface FileReport {
  path: string;
  status: FileStatus;
  reason?: string;
}

export interface Outcome {
  report: FileReport;
  findings: EngineFinding[];
  /** The text the findings refer to (without BOM). */
  text?: string;
  oldText?: string;
  newText?: string;
  replacedPackages: string[];
}

export function looksMinified(text: string): boolean {
  if (text.length < 2000) return false;
  let lines = 1;
  let longest = 0;
  let last = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    lines++;
    longest = Math.max(longest, i - last);
    last = i + 1;
  }
  longest = Math.max(longest, text.length - last);
  return longest > 1000 && text.length / lines > 250;
}

/** Decode UTF-8 strictly; undefined when the bytes are not valid UTF-8. */
export function decode(buf: Uint8Array): string | undefined {
  try {
    return decoder.decode(buf);
  } catch {
    return undefined;
  }
}

export async function processCandidate(abs: string, rel: string, buf: Uint8Array, options: EngineOptions): Promise<Outcome> {
  const base = { replacedPackages: [] as string[], findings: [] as EngineFinding[] };
  const engine = engineFor(abs);
  if (!engine) return processPythonDependency(rel, buf, options.mode);
  if (buf.includes(0)) return { ...base, report: { path: rel, status: 'skipped', reason: 'binary (contains NUL bytes)' } };
  const raw = decode(buf);
  if (raw === undefined) return { ...base, report: { path: rel, status: 'skipped', reason: 'not valid UTF-8' } };
  const bom = raw.startsWith(BOM) ? BOM : '';
  const text = bom ? raw.slice(1) : raw;
  if (!engine.prefilter(text, options)) return { ...base, report: { path: rel, status: 'unchanged' } };
  if (looksMinified(text)) return { ...base, report: { path: rel, status: 'skipped', reason: 'minified' } };
  if (/@generated\b/.test(text.slice(0, 1000))) return { ...base, report: { path: rel, status: 'skipped', reason: 'generated (@generated marker)' } };
  let result;
  try {
    result = await engine.process({ absPath: abs, relPath: rel, text }, options);
  } catch (err) {
    return { ...base, text, report: { path: rel, status: 'error', reason: `internal error: ${(err as Error).message}` } };
  }
  if (result.error) return { ...base, text, findings: result.findings, report: { path: rel, status: 'error', reason: result.error } };
  if (result.output === null || result.output === text) return { ...base, text, findings: result.findings, report: { path: rel, status: 'unchanged' } };
  return {
    text,
    findings: result.findings,
    oldText: raw,
    newText: bom + result.output,
    replacedPackages: result.replacedPackages ?? [],
    report: { path: rel, status: 'changed' },
  };
}

/** requirements*.txt, pyproject.toml, setup.cfg, Pipfile (edited) and Python lockfiles (reported as stale). */
export function processPythonDependency(rel: string, buf: Uint8Array, mode: 'run' | 'check'): Outcome {
  const base = { replacedPackages: [] as string[], findings: [] as EngineFinding[] };
  const raw = decode(buf);
  if (raw === undefined) return { ...base, report: { path: rel, status: 'skipped', reason: 'not valid UTF-8' } };
  const bom = raw.startsWith(BOM) ? BOM : '';
  const text = bom ? raw.slice(1) : raw;
  if (isPythonLockfile(rel)) {
    const f = pythonLockfileFinding(rel, text);
    return { ...base, text, findings: f ? [f] : [], report: { path: rel, status: 'unchanged' } };
  }
  const { output, findings } = migratePythonDependencyFile(rel, text, mode);
  if (output === null || output === text) return { ...base, text, findings, report: { path: rel, status: 'unchanged' } };
  return { ...base, text, findings, oldText: raw, newText: bom + output, report: { path: rel, status: 'changed' } };
}
