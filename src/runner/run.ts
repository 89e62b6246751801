/**
 * The runner: discover files, prefilter, process candidates with their engine, apply ignore comments, then
 * write atomically (run), print a git-apply-able diff (--dry-run) or only report (check).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EngineFinding, EngineOptions, Finding } from '../core/types.js';
import { engineFor, engineRuns } from '../engines.js';
import { isPythonDependencyFile, isPythonLockfile, migratePythonDependencyFile, pythonLockfileFinding } from '../python/deps.js';
import { pythonModuleHandles } from '../python/engine.js';
import { discover } from './discover.js';
import { unifiedDiff } from './diff.js';
import { writeAtomic } from './write.js';
import { listedPackages, migratePackageJson, nearestPackageJson, positionAt, staleLockfiles } from './deps.js';
import { LineIndex } from '../core/text.js';
import { isBareSpecifier, normalisePath, packageName, wrapperModulesOf } from '../js/modules.js';
import { jsModuleExports, jsPrefilter } from '../js/engine.js';

export const MAX_FILE_BYTES = 1024 * 1024;

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'error';

export interface FileReport {
  path: string;
  status: FileStatus;
  reason?: string;
}

export interface RunOptions extends EngineOptions {
  paths: string[];
  dryRun: boolean;
  /** Called after each file (progress). */
  onFile?: (done: number, total: number, changed: number, findings: number) => void;
}

export interface RunResult {
  files: FileReport[];
  findings: Finding[];
  suppressed: number;
  /** Unified diff of every change (dry run). */
  diff: string;
  missing: string[];
  /** Original text of every file with findings (for formats that quote source lines). */
  texts: Map<string, string>;
}

const BOM = '\uFEFF';
// ignoreBOM keeps a BOM in the decoded text (the default would drop it silently).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function relativePath(cwd: string, abs: string): string {
  return path.relative(cwd, abs).split(path.sep).join('/');
}

/** `mongo-codemod-ignore <ruleId> -- <reason>` on the line above a finding suppresses it. */
function isSuppressed(lines: LineIndex, f: EngineFinding): boolean {
  if (f.line < 2) return false;
  const above = lines.lineText(f.line - 1);
  const m = /mongo-codemod-ignore\s+([\w@/.*-]+)/.exec(above);
  if (!m) return false;
  const id = m[1]!;
  return id === f.ruleId || id === '*' || (id.endsWith('/*') && f.ruleId.startsWith(id.slice(0, -1)));
}

function looksMinified(text: string): boolean {
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

/** A finding with the file attached, keys in the documented order. */
function withFile(f: EngineFinding, file: string): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, message: f.message, file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn };
  if (f.fix) out.fix = f.fix;
  return out;
}

export async function runFiles(options: RunOptions): Promise<RunResult> {
  const cwd = options.cwd;
  const pythonOn = options.preset === 'auto' || options.preset === 'motor-python';
  const isPyDep = (abs: string) => pythonOn && (isPythonDependencyFile(relativePath(cwd, abs)) || isPythonLockfile(relativePath(cwd, abs)));
  const { files, missing } = discover(options.paths, cwd, (abs) => {
    const e = engineFor(abs);
    return (!!e && engineRuns(e, options.preset)) || isPyDep(abs);
  });
  if (pythonOn) options = { ...options, pythonImportedHandles: await pythonHandles(files, cwd, options) };
  if (options.preset !== 'motor-python') options = { ...options, jsModuleExports: jsIndex(files, cwd, options) };
  const reports: FileReport[] = [];
  const findings: Finding[] = [];
  let suppressed = 0;
  let diff = '';
  let changedCount = 0;
  const packagesByManifest = new Map<string, Set<string>>();
  const roots = (options.paths.length ? options.paths : ['.']).map((p) => path.resolve(cwd, p));

  const texts = new Map<string, string>();
  const pushFindings = (rel: string, text: string | undefined, list: EngineFinding[]) => {
    if (text !== undefined && list.length) texts.set(rel, text);
    const lines = text !== undefined ? new LineIndex(text) : undefined;
    for (const f of list) {
      if (lines && isSuppressed(lines, f)) {
        suppressed++;
        continue;
      }
      findings.push(withFile(f, rel));
    }
  };

  let done = 0;
  for (const abs of files) {
    const rel = relativePath(cwd, abs);
    const engine = engineFor(abs);
    const outcome = engine && engineRuns(engine, options.preset) ? await processOne(abs, rel, engine, options) : processPythonDependency(abs, rel, options.mode);
    if (options.mode === 'check' && outcome.report.status === 'changed') outcome.report.status = 'unchanged';
    reports.push(outcome.report);
    pushFindings(rel, outcome.text, outcome.findings);
    if (outcome.newText !== undefined && outcome.oldText !== undefined) {
      if (options.mode === 'run') {
        changedCount++;
        if (options.dryRun) diff += unifiedDiff(rel, outcome.oldText, outcome.newText);
        else {
          try {
            writeAtomic(abs, outcome.newText);
          } catch (err) {
            outcome.report.status = 'error';
            outcome.report.reason = `could not write: ${(err as Error).message}`;
          }
        }
      }
      for (const pkg of engine?.id === 'js' ? outcome.replacedPackages : []) {
        const manifest = nearestPackageJson(path.dirname(abs), path.parse(abs).root);
        if (!manifest) continue;
        let set = packagesByManifest.get(manifest);
        if (!set) packagesByManifest.set(manifest, (set = new Set()));
        set.add(pkg);
      }
    }
    done++;
    options.onFile?.(done, files.length, changedCount, findings.length);
  }

  // Dependencies: package.json files that list migrated wrapper packages.
  if (options.mode === 'run') {
    for (const [manifest, pkgs] of packagesByManifest) {
      const rel = relativePath(cwd, manifest);
      const inside = roots.some((r) => manifest === r || manifest.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
      let text: string;
      try {
        text = fs.readFileSync(manifest, 'utf8');
      } catch {
        continue;
      }
      const { output, findings: depFindings } = migratePackageJson(text, [...pkgs]);
      if (!output) continue;
      if (!inside) {
        for (const f of depFindings)
          findings.push(withFile({ ...f, severity: 'warning', message: `${f.message.replace(/^Replaced/, 'Replace').replace(/^Removed/, 'Remove')} (not edited: outside the given paths)` }, rel));
        continue;
      }
      pushFindings(rel, undefined, depFindings);
      reports.push({ path: rel, status: 'changed' });
      if (options.dryRun) diff += unifiedDiff(rel, text, output);
      else writeAtomic(manifest, output);
      for (const { file, finding } of staleLockfiles(manifest, [...pkgs])) findings.push(withFile(finding, relativePath(cwd, file)));
    }
  } else {
    // check: a package.json inside the paths that still lists a wrapper package.
    const packages = [...new Set(wrapperModulesOf(options).filter(isBareSpecifier).map(packageName))];
    for (const root of roots) {
      const manifest = path.join(root, 'package.json');
      let text: string;
      try {
        text = fs.readFileSync(manifest, 'utf8');
      } catch {
        continue;
      }
      for (const { pkg, offset } of listedPackages(text, packages)) {
        findings.push(
          withFile(
            {
              ruleId: 'motor/legacy-dependency',
              severity: 'error',
              message: `package.json still lists '${pkg}'.`,
              fix: 'Run `mongo-codemod run`, or replace the dependency with `mongodb` by hand.',
              ...positionAt(text, offset),
            },
            relativePath(cwd, manifest),
          ),
        );
      }
    }
  }

  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return { files: reports, findings, suppressed, diff, missing, texts };
}

/** Dotted module names a Python file can be imported as: every suffix of its path (src/app/db.py -> src.app.db, app.db, db). */
function dottedNames(rel: string): string[] {
  const parts = rel.replace(/\.pyi?$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push(parts.slice(i).join('.'));
  return out.filter(Boolean);
}

/** First pass for Python: which module-level names of the run's files hold Motor handles (for `from app.db import db`). */
async function pythonHandles(files: string[], cwd: string, options: RunOptions): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const abs of files) {
    if (!/\.pyi?$/.test(abs)) continue;
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch {
      continue;
    }
    if (!/motor/i.test(text)) continue;
    let handles: Record<string, string>;
    try {
      handles = await pythonModuleHandles(text.replace(/^\uFEFF/, ''));
    } catch {
      continue;
    }
    const rel = relativePath(cwd, abs);
    for (const [name, kind] of Object.entries(handles)) {
      if (name.startsWith('fixture:')) out[name] = kind;
      else for (const mod of dottedNames(rel)) out[`${mod}.${name}`] = kind;
    }
  }
  void options;
  return out;
}

/**
 * First pass for JS/TS: which files export wrapper (or native) handles — `export const db = client.getDatabase(..)`,
 * `module.exports = db`, `exports.getDb = () => db` — so that files importing them (`require('./db').getCollection`)
 * migrate too. Repeated while new exporters appear (a models/ file re-exporting a collection of db.js), at most 4 rounds.
 */
function jsIndex(files: string[], cwd: string, options: RunOptions): Record<string, Record<string, unknown>> {
  const index: Record<string, Record<string, unknown>> = {};
  const done = new Set<string>();
  const jsFiles = files.filter((f) => engineFor(f)?.id === 'js');
  for (let round = 0; round < 4; round++) {
    const opts: EngineOptions = { ...options, jsModuleExports: round === 0 ? undefined : { ...index } };
    let added = false;
    for (const abs of jsFiles) {
      if (done.has(abs)) continue;
      let text: string;
      try {
        if (fs.statSync(abs).size > MAX_FILE_BYTES) continue;
        text = fs.readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
      } catch {
        continue;
      }
      if (!jsPrefilter(text, opts)) continue;
      done.add(abs);
      const exported = jsModuleExports({ absPath: abs, relPath: relativePath(cwd, abs), text }, opts);
      if (Object.keys(exported).length) {
        index[normalisePath(abs)] = exported;
        added = true;
      }
    }
    if (!added) break;
  }
  return index;
}

/** requirements*.txt, pyproject.toml, setup.cfg, Pipfile (edited) and Python lockfiles (reported as stale). */
function processPythonDependency(abs: string, rel: string, mode: 'run' | 'check'): Outcome {
  const base = { replacedPackages: [] as string[], findings: [] as EngineFinding[] };
  let raw: string;
  try {
    raw = decoder.decode(fs.readFileSync(abs));
  } catch (err) {
    return { ...base, report: { path: rel, status: 'skipped', reason: (err as Error).message.includes('encoded') ? 'not valid UTF-8' : `could not be read: ${(err as Error).message}` } };
  }
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

interface Outcome {
  report: FileReport;
  findings: EngineFinding[];
  text?: string;
  oldText?: string;
  newText?: string;
  replacedPackages: string[];
}

async function processOne(abs: string, rel: string, engine: NonNullable<ReturnType<typeof engineFor>>, options: RunOptions): Promise<Outcome> {
  const base = { replacedPackages: [] as string[], findings: [] as EngineFinding[] };
  let buf: Buffer;
  try {
    const st = fs.statSync(abs);
    if (st.size > MAX_FILE_BYTES) return { ...base, report: { path: rel, status: 'skipped', reason: `larger than ${MAX_FILE_BYTES} bytes` } };
    buf = fs.readFileSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'vanished before it could be read' : `could not be read: ${(err as Error).message}`;
    return { ...base, report: { path: rel, status: 'error', reason } };
  }
  if (buf.includes(0)) return { ...base, report: { path: rel, status: 'skipped', reason: 'binary (contains NUL bytes)' } };
  let raw: string;
  try {
    raw = decoder.decode(buf);
  } catch {
    return { ...base, report: { path: rel, status: 'skipped', reason: 'not valid UTF-8' } };
  }
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
