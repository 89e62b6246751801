/**
 * Processing one candidate file (its bytes already read): decoding, skip rules, the engine, and the outcome.
 * Pure of I/O but for the engine itself, so it runs the same in the main thread and in pool workers.
 */
import type { EngineFinding, EngineOptions } from '../core/types.js';
import { LineIndex } from '../core/text.js';
import { defineRules } from '../core/rules.js';
import { annotateMigrated, findMarkers, MARKER_TAG } from '../report/annotate.js';
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
  /** JS/TS: the handles the file exports, when the engine tracked it (see indexAndProcess). */
  exports?: Record<string, unknown>;
  /** JS/TS: what the file tells the run about handles flowing into code, when it was parsed (src/tracking/facts.ts). */
  facts?: Record<string, unknown>;
}

defineRules({
  'mongo-codemod/marker': {
    severity: 'error',
    description: 'A `mongo-codemod:` marker left by `run --annotate`: a flagged site still waits for its manual fix.',
    help: 'Apply the fix the marker describes, then delete the marker comment.',
  },
});

/** Options the runner adds for processing (they travel to pool workers with the engine options). */
export interface ProcessOptions extends EngineOptions {
  /** `run --annotate`: leave a marker comment above every flagged site. */
  annotate?: boolean;
}

/**
 * `mongo-codemod-ignore <ruleId> -- <reason>` on the line above a finding suppresses it. `*` and `prefix/*` match
 * several rules; the rule's name also matches under another preset's prefix (`motor/cursor-each` keeps suppressing
 * the same site once the migrated code reports it as `mongodb-callbacks/cursor-each`).
 */
export function isSuppressed(lines: LineIndex, f: EngineFinding): boolean {
  if (f.line < 2) return false;
  const above = lines.lineText(f.line - 1);
  const m = /mongo-codemod-ignore\s+([\w@/.*-]+)/.exec(above);
  if (!m) return false;
  const id = m[1]!;
  const name = (r: string) => r.slice(r.lastIndexOf('/') + 1);
  return id === f.ruleId || id === '*' || (id.endsWith('/*') && f.ruleId.startsWith(id.slice(0, -1))) || (id.includes('/') && name(id) === name(f.ruleId));
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

/** The text the cross-file passes read: lossy UTF-8 decoding (they only look for exports), BOM dropped. */
export function looseText(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8').replace(/^\uFEFF/, '');
}

/** Decode UTF-8 strictly; undefined when the bytes are not valid UTF-8. */
export function decode(buf: Uint8Array): string | undefined {
  try {
    return decoder.decode(buf);
  } catch {
    return undefined;
  }
}

export async function processCandidate(abs: string, rel: string, buf: Uint8Array, options: ProcessOptions): Promise<Outcome> {
  const o = await processEngine(abs, rel, buf, options);
  const engine = engineFor(abs);
  if (!engine || o.text === undefined || o.report.status === 'error' || o.report.status === 'skipped') return o;
  const language = engine.id === 'python' ? 'python' : 'js';
  // check: markers left by `run --annotate` keep failing until the manual fix is made.
  if (options.mode === 'check' && o.text.includes(MARKER_TAG)) {
    const lines = new LineIndex(o.text);
    for (const m of findMarkers(o.text, language)) {
      const end = lines.lineText(m.line).length + 1;
      o.findings.push({ ruleId: 'mongo-codemod/marker', severity: 'error', message: `Marker left by run --annotate: ${m.ruleId} still needs its manual fix.`, line: m.line, column: m.column, endLine: m.line, endColumn: end, fix: 'Apply the fix the marker describes, then delete the marker comment.' });
    }
  }
  // run --annotate: a marker comment above every flagged site that is not suppressed.
  if (options.mode === 'run' && options.annotate) {
    const lines = new LineIndex(o.text);
    const flagged = o.findings.filter((f) => (f.severity === 'error' || f.severity === 'warning') && !isSuppressed(lines, f));
    if (flagged.length) {
      const bom = o.oldText?.startsWith(BOM) || (o.oldText === undefined && decode(buf)?.startsWith(BOM)) ? BOM : '';
      const before = o.text;
      const after = o.newText !== undefined ? o.newText.slice(bom.length) : before;
      const annotated = annotateMigrated(before, after, flagged, language);
      if (annotated !== after) {
        o.oldText ??= bom + before;
        o.newText = bom + annotated;
        o.report = { path: rel, status: 'changed' };
      }
    }
  }
  return o;
}

async function processEngine(abs: string, rel: string, buf: Uint8Array, options: ProcessOptions): Promise<Outcome> {
  const base = { replacedPackages: [] as string[], findings: [] as EngineFinding[] };
  const engine = engineFor(abs);
  if (!engine) return processPythonDependency(rel, buf, options.mode);
  if (buf.includes(0)) return { ...base, report: { path: rel, status: 'skipped', reason: 'binary (contains NUL bytes)' } };
  const raw = decode(buf);
  if (raw === undefined) return { ...base, report: { path: rel, status: 'skipped', reason: 'not valid UTF-8' } };
  const bom = raw.startsWith(BOM) ? BOM : '';
  const text = bom ? raw.slice(1) : raw;
  if (!engine.prefilter(text, options, rel)) return { ...base, text, report: { path: rel, status: 'unchanged' } };
  if (looksMinified(text)) return { ...base, report: { path: rel, status: 'skipped', reason: 'minified' } };
  if (/@generated\b/.test(text.slice(0, 1000))) return { ...base, report: { path: rel, status: 'skipped', reason: 'generated (@generated marker)' } };
  let result;
  try {
    result = await engine.process({ absPath: abs, relPath: rel, text }, options);
  } catch (err) {
    return { ...base, text, report: { path: rel, status: 'error', reason: `internal error: ${(err as Error).message}` } };
  }
  const exports = result.exports;
  const facts = result.facts;
  if (result.error) return { ...base, text, exports, facts, findings: result.findings, report: { path: rel, status: 'error', reason: result.error } };
  if (result.output === null || result.output === text) return { ...base, text, exports, facts, findings: result.findings, report: { path: rel, status: 'unchanged' } };
  return {
    text,
    exports,
    facts,
    findings: result.findings,
    oldText: raw,
    newText: bom + result.output,
    replacedPackages: result.replacedPackages ?? [],
    report: { path: rel, status: 'changed' },
  };
}

/** A JS/TS candidate indexed and processed in one task (see the runner's jsSpeculative). */
export interface Speculation {
  /** The cross-file index's prefilter let it through (it was indexed). */
  indexed: boolean;
  /** The handles it exports, when indexed. */
  exports?: Record<string, unknown>;
  outcome: Outcome;
}

/** `index`: the runner found the file passes the cross-file index's prefilter (jsIndexPrefilter). */
export async function indexAndProcess(abs: string, rel: string, buf: Uint8Array, options: ProcessOptions, index: boolean): Promise<Speculation> {
  const outcome = await processCandidate(abs, rel, buf, options);
  const tracked = outcome.exports;
  delete outcome.exports;
  if (!index) return { indexed: false, outcome };
  // The processing tracked the file: its tracker answers (one parse, one tracking). Otherwise (a file the
  // processing's prefilter let go, a skipped file) the index parses it for itself, from the same lossy decoding
  // the runner's prefilter read.
  const exports = tracked ?? (await import('../js/engine.js')).jsModuleExports({ absPath: abs, relPath: rel, text: looseText(buf) }, options);
  return { indexed: true, exports, outcome };
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
