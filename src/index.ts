/**
 * The programmatic API: `import { migrate, check } from 'mongo-codemod'`.
 *
 *   const { output, changed, findings } = await migrate({ source, path: 'src/db.js' });
 *   const { files, findings, report } = await migrate({ files: ['src'] }, { preset: 'motor' });
 *   const { exitCode } = await check({ files: ['.'] });
 *
 * Nothing is ever written. A source string is dispatched by the extension of `path` (JS/TS or Python; other
 * extensions come back unchanged with no findings); `mongo-codemod-ignore <ruleId> -- <reason>` comments apply as in
 * the CLI. A list of files or folders goes through the CLI's runner (discovery honours .gitignore and skips
 * node_modules; package.json files listing migrated wrappers are part of the result).
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyPatch } from 'diff';
import type { EngineFinding, EngineOptions, Finding, WrapperSpec } from './core/types.js';
import { ConfigError, loadWrapperSpec } from './presets/spec.js';
import { engineFor, engineRuns, presetNames } from './engines.js';
import { runFiles, type FileStatus, type RunResult } from './runner/run.js';
import { resolveWrapperModule } from './js/modules.js';
import { buildReport, type Report } from './report/index.js';
import { EXIT, exitCodeOf, type ExitCode } from './core/exit.js';
import { pathFilter } from './core/config.js';
import { applyBaseline, readBaseline, resultLineReader } from './report/baseline.js';

export type { Finding, Severity, WrapperSpec, HandleKindName } from './core/types.js';
export type { Report } from './report/model.js';
export type { FileReport, FileStatus } from './runner/run.js';
export { buildReport, formatReport, FORMATS, type Format, type FormatOptions } from './report/index.js';
export { annotateText, findMarkers, markerComment, type AnnotateFinding, type Marker } from './report/annotate.js';
export { createBaseline, applyBaseline, parseBaseline, type Baseline, type BaselineEntry } from './report/baseline.js';
export { loadConfig, pathIgnored, type ProjectConfig } from './core/config.js';
export { ConfigError } from './core/errors.js';
export { EXIT, type ExitCode } from './core/exit.js';

export interface MigrateOptions {
  /** `auto` (default) or a preset name (see `mongo-codemod presets`). */
  preset: string;
  /** In-house Motor-style modules: bare package names, or paths (relative ones resolved against `cwd`). */
  wrapperModules: string[];
  /** Wrapper spec files (paths relative to `cwd`), loaded like `--wrapper`. */
  wrappers: string[];
  /** Wrapper specs already parsed (added to `wrappers`). */
  wrapperSpecs: WrapperSpec[];
  /** How `toList()` is materialised (default `loop`). */
  toList: 'loop' | 'to-array';
  /** Directory paths are relative to (report paths, relative wrapper modules); default process.cwd(). */
  cwd: string;
  /** gitignore-style patterns of cwd-relative paths to leave out (the config file's `ignore`). */
  ignore: string[];
}

export interface CheckOptions extends MigrateOptions {
  /** A baseline file (`check --write-baseline`): findings recorded there are dropped. */
  baseline?: string;
}

export interface SourceInput {
  source: string;
  /** The file's path (absolute or relative to `cwd`): picks the engine and resolves relative wrapper modules. */
  path: string;
}

export interface FilesInput {
  /** Files or folders, relative to `cwd` or absolute. */
  files: string[];
}

export interface SourceResult {
  /** The new text (the input text when nothing changes). */
  output: string;
  changed: boolean;
  findings: Finding[];
  /** Set when the file could not be processed (e.g. a parse error); `output` is then the input. */
  error?: string;
}

export interface FileResult {
  /** cwd-relative, '/' separators. */
  path: string;
  status: FileStatus;
  reason?: string;
  /** The new text, for changed files. */
  output?: string;
  findings: Finding[];
}

export interface FilesResult {
  files: FileResult[];
  findings: Finding[];
  report: Report;
}

export interface SourceCheckResult {
  findings: Finding[];
  error?: string;
  /** What `mongo-codemod check` would exit with: 1 while error findings remain, 3 when the file could not be processed. */
  exitCode: ExitCode;
}

export interface FilesCheckResult {
  files: FileResult[];
  findings: Finding[];
  report: Report;
  exitCode: ExitCode;
}

function resolveOptions(options: Partial<MigrateOptions>, mode: 'run' | 'check'): EngineOptions & { ignore: string[] } {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const preset = options.preset ?? 'auto';
  if (!presetNames().includes(preset)) throw new ConfigError(`unknown preset '${preset}' (known: ${presetNames().join(', ')})`);
  const wrapperModules = (options.wrapperModules ?? []).map((m) => resolveWrapperModule(m, cwd));
  const wrapperSpecs = [...(options.wrappers ?? []).map((f) => loadWrapperSpec(f, cwd)), ...(options.wrapperSpecs ?? [])];
  const toList = options.toList ?? 'loop';
  if (toList !== 'loop' && toList !== 'to-array') throw new ConfigError(`toList must be 'loop' or 'to-array'`);
  return { mode, preset, wrapperModules, wrapperSpecs, toList, cwd, ignore: options.ignore ?? [] };
}

function toRel(cwd: string, abs: string): string {
  return path.relative(cwd, abs).split(path.sep).join('/');
}

/** The runner's rule: `mongo-codemod-ignore <ruleId>` (or `*`, or `family/*`) on the line above suppresses a finding. */
function suppressed(lines: string[], f: EngineFinding): boolean {
  if (f.line < 2) return false;
  const m = /mongo-codemod-ignore\s+([\w@/.*-]+)/.exec(lines[f.line - 2] ?? '');
  if (!m) return false;
  const id = m[1]!;
  return id === f.ruleId || id === '*' || (id.endsWith('/*') && f.ruleId.startsWith(id.slice(0, -1)));
}

function withFile(f: EngineFinding, file: string): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, message: f.message, file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn };
  if (f.fix) out.fix = f.fix;
  return out;
}

async function processSource(input: SourceInput, options: EngineOptions): Promise<SourceResult> {
  const abs = path.resolve(options.cwd, input.path);
  const rel = toRel(options.cwd, abs);
  const unchanged: SourceResult = { output: input.source, changed: false, findings: [] };
  const engine = engineFor(abs);
  if (!engine || !engineRuns(engine, options.preset)) return unchanged;
  const bom = input.source.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = bom ? input.source.slice(1) : input.source;
  if (!engine.prefilter(text, options)) return unchanged;
  const result = await engine.process({ absPath: abs, relPath: rel, text }, options);
  const lines = text.split(/\r?\n/);
  const findings = result.findings.filter((f) => !suppressed(lines, f)).map((f) => withFile(f, rel));
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  if (result.error) return { ...unchanged, findings, error: result.error };
  const changed = options.mode === 'run' && result.output !== null && result.output !== text;
  return { output: changed ? bom + result.output! : input.source, changed, findings };
}

/** New text per changed file: the runner's hook when it provides one, else the dry-run diff applied to the file. */
function outputsOf(result: RunResult, cwd: string): Map<string, string> {
  const hook = (result as { outputs?: Map<string, string> }).outputs;
  if (hook instanceof Map) return hook;
  const out = new Map<string, string>();
  const parts = result.diff.split(/^(?=diff --git a\/)/m).filter((p) => p.startsWith('diff --git a/'));
  for (const part of parts) {
    const rel = /^diff --git a\/(.*) b\//.exec(part)?.[1];
    if (!rel) continue;
    let before: string;
    try {
      before = fs.readFileSync(path.resolve(cwd, rel), 'utf8');
    } catch {
      continue;
    }
    const after = applyPatch(before, part.slice(part.indexOf('\n') + 1));
    if (typeof after === 'string') out.set(rel, after);
  }
  return out;
}

async function processFiles(input: FilesInput, options: EngineOptions & { ignore: string[] }, mode: 'run' | 'check'): Promise<{ result: RunResult; files: FileResult[] }> {
  const ignored = pathFilter(options.ignore);
  const { ignore, ...engine } = options;
  const runOptions = { ...engine, paths: input.files, dryRun: true, ignorePaths: ignore };
  const result = await runFiles(runOptions);
  // Until the runner filters by `ignorePaths` itself, drop ignored paths from what it returns (nothing was written).
  result.files = result.files.filter((f) => !ignored(f.path));
  result.findings = result.findings.filter((f) => !ignored(f.file));
  const outputs = mode === 'run' ? outputsOf(result, options.cwd) : new Map<string, string>();
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }
  const files: FileResult[] = result.files.map((f) => {
    const r: FileResult = { path: f.path, status: f.status, findings: byFile.get(f.path) ?? [] };
    if (f.reason) r.reason = f.reason;
    const o = outputs.get(f.path);
    if (f.status === 'changed' && o !== undefined) r.output = o;
    return r;
  });
  // Findings on files outside the scanned list (stale lockfiles, package.json) get an entry too.
  const listed = new Set(files.map((f) => f.path));
  for (const [file, list] of byFile) if (!listed.has(file)) files.push({ path: file, status: 'unchanged', findings: list });
  return { result, files };
}

/** Migrate a source string or a list of files/folders, writing nothing. */
export async function migrate(input: SourceInput, options?: Partial<MigrateOptions>): Promise<SourceResult>;
export async function migrate(input: FilesInput, options?: Partial<MigrateOptions>): Promise<FilesResult>;
export async function migrate(input: SourceInput | FilesInput, options: Partial<MigrateOptions> = {}): Promise<SourceResult | FilesResult> {
  const o = resolveOptions(options, 'run');
  if ('source' in input) return processSource(input, o);
  if (!input || !Array.isArray((input as FilesInput).files)) throw new TypeError('migrate: pass { source, path } or { files: [...] }');
  const { result, files } = await processFiles(input, o, 'run');
  return { files, findings: result.findings, report: buildReport(result) };
}

/** Report remaining legacy usage, as `mongo-codemod check` does, with the exit code it would give. */
export async function check(input: SourceInput, options?: Partial<CheckOptions>): Promise<SourceCheckResult>;
export async function check(input: FilesInput, options?: Partial<CheckOptions>): Promise<FilesCheckResult>;
export async function check(input: SourceInput | FilesInput, options: Partial<CheckOptions> = {}): Promise<SourceCheckResult | FilesCheckResult> {
  const o = resolveOptions(options, 'check');
  const baseline = options.baseline ? readBaseline(path.resolve(o.cwd, options.baseline)) : undefined;
  if ('source' in input) {
    const r = await processSource(input, o);
    let findings = r.findings;
    if (baseline) {
      const lines = input.source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
      findings = applyBaseline(findings, baseline, (_file, line) => lines[line - 1]).kept;
    }
    const exitCode: ExitCode = r.error ? EXIT.fileErrors : findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
    return { findings, ...(r.error ? { error: r.error } : {}), exitCode };
  }
  if (!input || !Array.isArray((input as FilesInput).files)) throw new TypeError('check: pass { source, path } or { files: [...] }');
  const { result, files } = await processFiles(input, o, 'check');
  let baselined: number | undefined;
  if (baseline) {
    const applied = applyBaseline(result.findings, baseline, resultLineReader(result.texts, o.cwd));
    result.findings = applied.kept;
    baselined = applied.baselined;
    const keep = new Set(applied.kept);
    for (const f of files) f.findings = f.findings.filter((x) => keep.has(x));
  }
  const report = buildReport(result);
  if (baselined !== undefined) report.summary.baselined = baselined;
  return { files, findings: result.findings, report, exitCode: exitCodeOf(result, 'check') };
}
