/**
 * Processing one candidate file (its bytes already read): decoding, skip rules, the engine, and the outcome.
 * Pure of I/O but for the engine itself, so it runs the same in the main thread and in pool workers.
 */
import path from 'node:path';
import { clientsFor } from '../presets/index.js';
import type { EngineFinding, EngineOptions } from '../core/types.js';
import { escapeRe, LineIndex, looseText } from '../core/text.js';
import { annotateMigrated, findMarkers, MARKER_TAG } from '../report/annotate.js';
import type { FileReport } from '../report/model.js';
import { engineFor } from '../engines.js';
import { COFFEE } from '../js/index.js';
import { isPythonLockfile, migratePythonDependencyFile, pythonLockfileFinding } from '../python/deps.js';
import { isBareSpecifier, packageName, wrapperModulesOf } from '../js/modules.js';

export { looseText };

export const MAX_FILE_BYTES = 1024 * 1024;
export const BOM = '\uFEFF';
// ignoreBOM keeps a BOM in the decoded text (the default would drop it silently).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface Outcome {
  report: FileReport;
  findings: EngineFinding[];
  /** The text the findings refer to (without BOM). */
  text?: string;
  oldText?: string;
  newText?: string;
  replacedPackages: string[];
  /** How the file is written back (a PEP 263 Latin-1 Python file); UTF-8 otherwise. */
  encoding?: 'latin1';
  /** JS/TS: the handles the file exports, when the engine tracked it (see indexAndProcess). */
  exports?: Record<string, unknown>;
  /** JS/TS: what the file tells the run about handles flowing into code, when it was parsed (src/tracking/facts.ts). */
  facts?: Record<string, unknown>;
}

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
  if (!m || !inComment(above, m.index)) return false;
  const id = m[1]!;
  const name = (r: string) => r.slice(r.lastIndexOf('/') + 1);
  return id === f.ruleId || id === '*' || (id.endsWith('/*') && f.ruleId.startsWith(id.slice(0, -1))) || (id.includes('/') && name(id) === name(f.ruleId));
}

/** The legacy JS module names, under the chosen preset, an import of which keeps `check` red (bare package names). */
export function legacyModules(options: Pick<EngineOptions, 'wrapperModules' | 'wrapperSpecs' | 'preset'>): string[] {
  const preset = options.preset;
  const wrappers = preset === 'auto' || preset === 'motor' ? wrapperModulesOf(options).filter(isBareSpecifier).map(packageName) : [];
  const legacy = preset === 'auto' || preset === 'mongodb-legacy' || preset === 'mongodb-callbacks' ? ['mongodb-legacy'] : [];
  return [...new Set([...legacy, ...wrappers, ...clientsFor(preset).map((c) => c.module)])];
}

const reCache = new Map<string, RegExp>();

/**
 * Imports of a legacy module in source text (JS/TS: require, import, import = require, dynamic import, export from,
 * template literals; Python: `import motor`, `from motor...`), outside comments. Offsets into `text`.
 */
export function legacyImports(text: string, python: boolean, modules: readonly string[]): { module: string; offset: number }[] {
  // Most files name none of the modules: no comment stripping (a copy of the whole text) for them.
  if (python ? !text.includes('motor') : !modules.some((m) => text.includes(m))) return [];
  const key = `${python}:${modules.join('\0')}`;
  let re = reCache.get(key);
  if (!re) {
    const names = modules.map(escapeRe).join('|');
    re = python
      ? /^[ \t]*(?:from[ \t]+(motor)\b|import[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*(motor)\b)/gm
      : new RegExp(`(?:\\brequire\\s*\\(\\s*|\\bfrom\\s*|\\bimport\\s*\\(\\s*|\\bimport\\s*)(['"\`])(${names})(?:/[^'"\`\\n]*)?\\1`, 'g');
    reCache.set(key, re);
  }
  // Comments blanked (same length): a mention in a comment is not an import.
  const code = python ? text.replace(/#[^\n]*/g, (c) => ' '.repeat(c.length)) : text.replace(/\/\*[\s\S]*?\*\/|(?<![:'"`\\])\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  const out: { module: string; offset: number }[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const module = python ? (m[1] ?? m[2] ?? 'motor') : m[2]!;
    out.push({ module, offset: m.index + m[0].indexOf(module) });
  }
  return out;
}

function skippedModules(python: boolean, options: ProcessOptions): string[] {
  return python ? (options.preset === 'auto' || options.preset === 'motor-python' ? ['motor'] : []) : legacyModules(options);
}

/** skippedFinding over raw bytes (a file too large to analyse): decoded only when the bytes name a legacy module. */
export function skippedFindingOfBytes(bytes: Buffer, python: boolean, reason: string, options: ProcessOptions): EngineFinding | undefined {
  if (!skippedModules(python, options).some((m) => bytes.includes(m))) return undefined;
  return skippedFinding(bytes.toString('latin1'), python, reason, options);
}

/** A finding for a file that was skipped (or not analysed) though it imports a legacy module; undefined otherwise. */
export function skippedFinding(text: string, python: boolean, reason: string, options: ProcessOptions): EngineFinding | undefined {
  const modules = skippedModules(python, options);
  if (!modules.length) return undefined;
  const hit = legacyImports(text, python, modules)[0];
  if (!hit) return undefined;
  const { line, column } = new LineIndex(text).position(hit.offset);
  return {
    ruleId: 'mongo-codemod/skipped',
    severity: options.mode === 'check' ? 'error' : 'warning',
    message: `This file imports '${hit.module}' but was not analysed (${reason}): it was not migrated.`,
    fix: 'Migrate it by hand, or exclude it with the `ignore` configuration if it is not yours to migrate.',
    line,
    column,
    endLine: line,
    endColumn: column + hit.module.length,
  };
}

/** Does the name say minified (`app.min.js`, `vendor-min.js`)? */
const MINIFIED_NAME = /[.-]min\.[cm]?[jt]sx?$/i;

/** Is position `at` of a line inside a comment (`//`, `/*`, `#`, or a block comment's continuation line), not a string? */
export function inComment(line: string, at: number): boolean {
  if (/^\s*\*/.test(line)) return true;
  let quote = '';
  for (let i = 0; i < at; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '#' || (c === '/' && (line[i + 1] === '/' || line[i + 1] === '*'))) return true;
  }
  return false;
}

export function looksMinified(text: string, rel = ''): boolean {
  // A short file is read by a person, however long a line: minified only when the name says so, or when large.
  if (text.length < (MINIFIED_NAME.test(rel) ? 2000 : 16 * 1024)) return false;
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
      o.findings.push({
        ruleId: 'mongo-codemod/marker',
        severity: 'error',
        message: `Marker left by run --annotate: ${m.ruleId} still needs its manual fix.`,
        line: m.line,
        column: m.column,
        endLine: m.line,
        endColumn: end,
        fix: 'Apply the fix the marker describes, then delete the marker comment.',
      });
    }
  }
  // check: an import of a legacy module that the engine neither migrates nor flags (`import m = require('motor')`,
  // a template-literal require) still keeps the gate red.
  if (options.mode === 'check' && language === 'js' && !o.findings.some((f) => f.ruleId.endsWith('/legacy-import'))) {
    const flagged = new Set(o.findings.filter((f) => f.severity === 'error').map((f) => f.line));
    let lines: LineIndex | undefined;
    const modules = legacyModules(options);
    for (const hit of modules.length ? legacyImports(o.text, false, modules) : []) {
      const { line, column } = (lines ??= new LineIndex(o.text)).position(hit.offset);
      if (flagged.has(line)) continue;
      flagged.add(line);
      o.findings.push({
        ruleId: 'mongo-codemod/unmigrated-import',
        severity: 'error',
        message: `'${hit.module}' is still imported here, in a form the tool does not migrate.`,
        fix: "Rewrite the import by hand (e.g. `import { MongoClient } from 'mongodb'`), then run `mongo-codemod run` again.",
        line,
        column,
        endLine: line,
        endColumn: column + hit.module.length,
      });
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
  if (!engine) {
    if (COFFEE.test(rel)) return processUnparsed(rel, buf, options);
    return processPythonDependency(rel, buf, options.mode, motorCodeUnder(path.dirname(abs), options.pythonMotorDirs));
  }
  const python = engine.id === 'python';
  // A file it cannot analyse: skipped with its reason, and a finding when it imports a legacy module (never a pass).
  const skip = (reason: string, text: string): Outcome => {
    const f = skippedFinding(text, python, reason, options);
    return f ? { ...base, text, findings: [f], report: { path: rel, status: 'skipped', reason } } : { ...base, report: { path: rel, status: 'skipped', reason } };
  };
  if (buf.includes(0)) return skip('binary (contains NUL bytes)', looseText(buf));
  let raw = decode(buf);
  let encoding: 'latin1' | undefined;
  if (raw === undefined && python) {
    // PEP 263: the coding line names the encoding. Latin-1 is read and written back as such; another encoding is
    // read by check (it writes nothing) and skipped by run (it writes UTF-8 only).
    const declared = pep263(buf);
    if (declared === 'latin1') {
      raw = Buffer.from(buf).toString('latin1');
      encoding = 'latin1';
    } else if (declared) {
      let decoded: string | undefined;
      try {
        decoded = new TextDecoder(declared, { fatal: true }).decode(buf);
      } catch {
        decoded = undefined;
      }
      if (decoded === undefined) return skip(`not valid ${declared} (its coding line)`, looseText(buf));
      if (options.mode !== 'check') return skip(`encoded in ${declared}: run writes UTF-8 and Latin-1 only`, decoded);
      raw = decoded;
    }
  }
  if (raw === undefined) return skip('not valid UTF-8', looseText(buf));
  const bom = raw.startsWith(BOM) ? BOM : '';
  const text = bom ? raw.slice(1) : raw;
  if (!engine.prefilter(text, options, rel)) return { ...base, text, report: { path: rel, status: 'unchanged' } };
  if (looksMinified(text, rel)) return skip('minified', text);
  if (/@generated\b/.test(text.slice(0, 1000))) return skip('generated (@generated marker)', text);
  let result;
  try {
    result = await engine.process({ absPath: abs, relPath: rel, text }, options);
  } catch (err) {
    return { ...base, text, report: { path: rel, status: 'error', reason: `internal error: ${(err as Error).message}` } };
  }
  const exports = result.exports;
  const facts = result.facts;
  if (result.error) return { ...base, text, exports, facts, findings: result.findings, report: { path: rel, status: 'error', reason: result.error } };
  if (result.output === null || result.output === text)
    return { ...base, text, exports, facts, findings: result.findings, replacedPackages: result.replacedPackages ?? [], report: { path: rel, status: 'unchanged' } };
  const changed: Outcome = {
    text,
    exports,
    facts,
    findings: result.findings,
    oldText: raw,
    newText: bom + result.output,
    replacedPackages: result.replacedPackages ?? [],
    report: { path: rel, status: 'changed' },
  };
  if (encoding) {
    // Written back in its own encoding: only when every character fits it.
    if (/[^\x00-\xff]/.test(changed.newText!))
      return { ...base, text, findings: result.findings, report: { path: rel, status: 'error', reason: 'the migrated text does not fit the Latin-1 encoding its coding line declares: not written' } };
    changed.encoding = encoding;
  }
  return changed;
}

/** The encoding a Python file's PEP 263 coding line (line 1 or 2) declares: 'latin1', another WHATWG label, or undefined. */
export function pep263(buf: Uint8Array): string | undefined {
  const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, 400))
    .toString('latin1')
    .split(/\r?\n|\r/, 2);
  for (const line of head) {
    const m = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(line);
    if (m) {
      const name = m[1]!.toLowerCase().replace(/_/g, '-');
      if (/^(latin-?1|iso-?8859-1|iso8859-1|l1|cp819|iso-ir-100)$/.test(name)) return 'latin1';
      if (/^utf-?8/.test(name)) return undefined;
      try {
        return new TextDecoder(name).encoding;
      } catch {
        return undefined;
      }
    }
    if (!/^[ \t\f]*(#.*)?$/.test(line)) break;
  }
  return undefined;
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

/**
 * A source file no engine parses (CoffeeScript): each `require 'client'` of a legacy module, and each later line that
 * uses the name it is bound to, is reported (an error for check), and the file is listed as skipped.
 */
function processUnparsed(rel: string, buf: Uint8Array, options: ProcessOptions): Outcome {
  const base = { replacedPackages: [] as string[], findings: [] as EngineFinding[] };
  const reason = 'CoffeeScript is not parsed';
  const modules = legacyModules(options);
  const text = looseText(buf);
  if (!modules.some((m) => text.includes(m))) return { ...base, report: { path: rel, status: 'unchanged' } };
  const code = text.replace(/###[\s\S]*?###|#[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  const names = modules.map(escapeRe).join('|');
  const req = new RegExp(`(?:([A-Za-z_$][\\w$]*)\\s*=\\s*)?\\brequire\\s*\\(?\\s*(['"])(${names})\\2`, 'g');
  const lines = new LineIndex(text);
  const findings: EngineFinding[] = [];
  const severity = options.mode === 'check' ? 'error' : 'warning';
  const at = (offset: number, length: number, message: string): void => {
    const { line, column } = lines.position(offset);
    findings.push({
      ruleId: 'mongo-codemod/skipped',
      severity,
      message,
      fix: 'Migrate it by hand (or compile it to JavaScript and run the codemod on that).',
      line,
      column,
      endLine: line,
      endColumn: column + length,
    });
  };
  for (const m of code.matchAll(req)) {
    const module = m[3]!;
    at(m.index + m[0].lastIndexOf(module), module.length, `This file requires '${module}' but was not analysed (${reason}): it was not migrated.`);
    const bound = m[1];
    if (!bound) continue;
    const use = new RegExp(`(?<![\\w$.])${bound.replace(/\$/g, '\\$')}\\b`, 'g');
    use.lastIndex = m.index + m[0].length;
    let lastLine = lines.position(m.index).line;
    for (let u = use.exec(code); u; u = use.exec(code)) {
      const line = lines.position(u.index).line;
      if (line === lastLine) continue;
      lastLine = line;
      at(u.index, bound.length, `'${bound}' (${module}) is used here, in a file that was not analysed (${reason}).`);
    }
  }
  return { ...base, text, findings, report: findings.length ? { path: rel, status: 'skipped', reason } : { path: rel, status: 'unchanged' } };
}

/** Does a Python file that imports Motor sit in `dir` or below it? */
function motorCodeUnder(dir: string, motorDirs: readonly string[] = []): boolean {
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return motorDirs.some((d) => d === dir || d.startsWith(prefix));
}

/** requirements*.txt, pyproject.toml, setup.cfg, Pipfile (edited) and Python lockfiles (reported as stale). */
export function processPythonDependency(rel: string, buf: Uint8Array, mode: 'run' | 'check', motorCode = false): Outcome {
  const base = { replacedPackages: [] as string[], findings: [] as EngineFinding[] };
  const raw = decode(buf);
  if (raw === undefined) return { ...base, report: { path: rel, status: 'skipped', reason: 'not valid UTF-8' } };
  const bom = raw.startsWith(BOM) ? BOM : '';
  const text = bom ? raw.slice(1) : raw;
  if (isPythonLockfile(rel)) {
    const f = pythonLockfileFinding(rel, text);
    return { ...base, text, findings: f ? [f] : [], report: { path: rel, status: 'unchanged' } };
  }
  const { output, findings } = migratePythonDependencyFile(rel, text, mode, motorCode);
  if (output === null || output === text) return { ...base, text, findings, report: { path: rel, status: 'unchanged' } };
  return { ...base, text, findings, oldText: raw, newText: bom + output, report: { path: rel, status: 'changed' } };
}
