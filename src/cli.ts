/**
 * mongo-codemod CLI (commander). Commands: run, check, presets.
 * Exit codes, highest first when several apply: 2 usage or configuration error; 3 some files could not be read,
 * parsed or transformed; 1 `check` found error findings; 0 otherwise.
 * Settings come from the command line, else the project configuration (mongo-codemod.config.json or the
 * `mongo-codemod` key of package.json; see src/core/config.ts), else the defaults.
 */
import { clientOfSpecifier } from './presets/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { EngineOptions, WrapperSpec } from './core/types.js';
import { ConfigError, loadWrapperSpec } from './presets/spec.js';
import { loadConfig, pathFilter, type ProjectConfig } from './core/config.js';
import { EXIT, exitCodeOf } from './core/exit.js';
import { applyBaseline, createBaseline, readBaseline, resultLineReader, writeBaseline } from './report/baseline.js';
import { ENGINES, presetNames } from './engines.js';
import { phase } from './core/debug.js';
import { runFiles, type RunOptions, type RunResult } from './runner/run.js';
import { gitTopLevel, workTreeState } from './runner/git.js';
import { buildReport, formatReport, writeGithubStepSummary, type Format } from './report/index.js';
import { FORMATS } from './report/index.js';
import { toolVersion } from './report/model.js';
import { removeStaleLeftovers, removeTemporaryFiles, writeAtomic } from './runner/write.js';
import { escapeControl } from './core/text.js';
import { resolveWrapperModule } from './js/modules.js';

export { EXIT };

interface SharedFlags {
  preset: string;
  wrapperModule: string[];
  wrapper: string[];
  format?: Format;
  reportFile?: string;
  color?: boolean;
  quiet?: boolean;
  /** A config file path, or false for --no-config. */
  config?: string | false;
}

interface RunFlags extends SharedFlags {
  dryRun?: boolean;
  toList: 'loop' | 'to-array';
  force?: boolean;
  annotate?: boolean;
  from?: string;
  target?: string;
  modifyResult?: 'document' | 'metadata';
}

interface CheckFlags extends SharedFlags {
  baseline?: string;
  writeBaseline?: string;
  /** ESLint's --max-warnings: more warnings than this fail the check too (-1: never, the default). */
  maxWarnings: number;
}

/** The settings of one command after merging flags over the project configuration. */
interface Settings {
  preset: string;
  /** Bare names, or absolute paths. */
  wrapperModules: string[];
  /** Spec files: absolute paths, or as given on the command line (relative to cwd). */
  wrappers: string[];
  ignore: string[];
  toList: 'loop' | 'to-array';
  format?: Format;
  reportFile?: string;
  color: boolean;
  quiet: boolean;
  baseline?: string;
  annotate: boolean;
}

/** Merge command-line flags over the project configuration (a flag counts only when given on the command line). */
function settingsOf(flags: SharedFlags & Partial<RunFlags> & Partial<CheckFlags>, cmd: Command, cwd: string): Settings {
  const fromCli = (key: string) => cmd.getOptionValueSource(key) === 'cli';
  const loaded = flags.config === false ? { config: {} as ProjectConfig, dir: cwd } : loadConfig(cwd, flags.config);
  const c = loaded.config;
  // Paths from a configuration file the repository holds stay inside the repository (its git work tree, else the
  // config's folder); a path named on the command line (a flag, --config) is the user's choice.
  const fromRepo = loaded.source !== undefined && flags.config === undefined;
  const root = fromRepo ? realOrSelf(gitTopLevel(loaded.dir) ?? loaded.dir) : undefined;
  const contained = (key: string, abs: string): string => {
    if (root && !isInside(abs, root))
      throw new ConfigError(
        `${loaded.source}: '${key}' (${escapeControl(abs)}) is outside the repository (${root}): a repository's configuration may only name paths inside it (pass it on the command line instead)`,
      );
    const st = root && key !== 'wrapperModules' ? fs.lstatSync(abs, { throwIfNoEntry: false }) : undefined;
    if (st && !st.isFile()) throw new ConfigError(`${loaded.source}: '${key}' (${escapeControl(abs)}) is not a regular file (a symlink, a FIFO, ...)`);
    return abs;
  };
  const inConfigDir = (p: string, key = 'path') => contained(key, path.resolve(loaded.dir, p));
  const pick = <T>(key: string, flag: T, configured: T | undefined, fallback: T): T => (fromCli(key) ? flag : configured !== undefined ? configured : fallback);
  const wrapperModules = fromCli('wrapperModule')
    ? flags.wrapperModule.map((m) => {
        if (!m) throw new ConfigError('--wrapper-module needs a module specifier');
        const client = clientOfSpecifier(m);
        if (client) throw new ConfigError(`--wrapper-module ${m}: '${client.module}' has a built-in preset (its API is not Motor-style); drop the option, or pass --preset ${client.info.name}`);
        return resolveWrapperModule(m, cwd);
      })
    : (c.wrapperModules ?? []).map((m) => {
        const resolved = resolveWrapperModule(m, loaded.dir);
        return path.isAbsolute(resolved) ? contained('wrapperModules', resolved) : resolved;
      });
  const s: Settings = {
    preset: pick('preset', flags.preset, c.preset, 'auto'),
    wrapperModules,
    wrappers: fromCli('wrapper') ? flags.wrapper : (c.wrappers ?? []).map((p) => inConfigDir(p, 'wrappers')),
    ignore: c.ignore ?? [],
    toList: pick('toList', flags.toList ?? 'loop', c.toList, 'loop'),
    color: pick('color', flags.color !== false, c.color, true),
    quiet: pick('quiet', !!flags.quiet, c.quiet, false),
    annotate: pick('annotate', !!flags.annotate, c.annotate, false),
  };
  const format = fromCli('format') ? flags.format : c.format;
  if (format) s.format = format;
  const reportFile = fromCli('reportFile') ? flags.reportFile : c.reportFile !== undefined ? inConfigDir(c.reportFile, 'reportFile') : undefined;
  if (reportFile) s.reportFile = reportFile;
  const baseline = fromCli('baseline') ? flags.baseline : c.baseline !== undefined ? inConfigDir(c.baseline, 'baseline') : undefined;
  if (baseline) s.baseline = baseline;
  return s;
}

/** The real path of a file or of its nearest existing folder, the rest appended (symlinks resolved where they exist). */
function realOrSelf(abs: string): string {
  const rest: string[] = [];
  let p = path.resolve(abs);
  for (;;) {
    try {
      return path.join(fs.realpathSync(p), ...rest.reverse());
    } catch {
      const parent = path.dirname(p);
      if (parent === p) return path.resolve(abs);
      rest.push(path.basename(p));
      p = parent;
    }
  }
}

function isInside(abs: string, root: string): boolean {
  const real = realOrSelf(abs);
  const rel = path.relative(root, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Checks the report destination before anything else is written: its missing folders are created (one by one),
 * the folder must be writable and the file, when it exists, a regular file. A ConfigError (exit 2) otherwise.
 */
function prepareReportFile(file: string): void {
  const abs = path.resolve(file);
  const missing: string[] = [];
  let dir = path.dirname(abs);
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`--report-file ${escapeControl(file)}: ${(err as Error).message}`);
    }
    if (st) {
      if (!st.isDirectory()) throw new ConfigError(`--report-file ${escapeControl(file)}: ${escapeControl(dir)} is not a folder`);
      break;
    }
    missing.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    for (const d of missing.reverse()) fs.mkdirSync(d);
    fs.accessSync(path.dirname(abs), fs.constants.W_OK);
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (st && !st.isFile()) throw new Error('it exists and is not a regular file');
  } catch (err) {
    throw new ConfigError(`--report-file ${escapeControl(file)}: cannot write there: ${(err as Error).message}`);
  }
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function engineOptions(s: Settings, mode: 'run' | 'check', cwd: string): EngineOptions {
  if (!presetNames().includes(s.preset)) throw new ConfigError(`unknown preset '${s.preset}' (known: ${presetNames().join(', ')}; see \`mongo-codemod presets\`)`);
  const specs: WrapperSpec[] = s.wrappers.map((f) => loadWrapperSpec(f, cwd));
  return { mode, preset: s.preset, wrapperModules: s.wrapperModules, wrapperSpecs: specs, toList: mode === 'run' ? s.toList : 'loop', cwd };
}

/**
 * Options the runner reads beyond RunOptions: `ignorePaths` (the config's `ignore` patterns; files whose cwd-relative
 * path matches are not processed) and `annotate` (run --annotate).
 */
interface RunnerExtras {
  ignorePaths?: string[];
  annotate?: boolean;
}

function maxWarningsOf(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < -1) throw new InvalidArgumentError('a whole number: -1 (warnings never fail), 0, 1, ...');
  return n;
}

function shared(cmd: Command): Command {
  return cmd
    .option('--preset <name>', 'preset to apply (auto decides per file from its imports; see `presets`)', 'auto')
    .option('--wrapper-module <specifier>', 'an in-house module that follows the Motor-style API (repeatable; a relative path names a file, matched from every importing folder)', collect, [])
    .option('--wrapper <spec.json>', 'a declarative spec of an in-house wrapper with other names (repeatable; see README)', collect, [])
    .addOption(new Option('--format <format>', 'report format (default: stylish on a terminal, text otherwise)').choices([...FORMATS]))
    .option('--report-file <path>', 'write the report to this file instead of the terminal')
    .option('--quiet', 'report only findings of severity error')
    .option('--no-color', 'no colours in the stylish and text reports')
    .option('--config <file>', 'configuration file (default: ./mongo-codemod.config.json, else the "mongo-codemod" key of ./package.json)')
    .option('--no-config', 'ignore the configuration file');
}

function emitReport(result: RunResult, flags: Settings, stream: NodeJS.WriteStream, baselined?: number): void {
  const report = buildReport(result);
  if (baselined !== undefined) report.summary.baselined = baselined;
  if (flags.quiet) {
    report.findings = report.findings.filter((f) => f.severity === 'error');
  }
  const tty = stream.isTTY === true && !flags.reportFile;
  const format: Format = flags.format ?? (tty ? 'stylish' : 'text');
  // NO_COLOR and FORCE_COLOR (https://force-color.org) as usual; --no-color / `color: false` win over both.
  const force = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0' && process.env.FORCE_COLOR !== 'false';
  const color = flags.color && !process.env.NO_COLOR && (tty || (force && !flags.reportFile));
  const readLine = (file: string, line: number) => result.texts.get(file)?.split(/\r?\n/)[line - 1];
  const text = formatReport(report, format, { color, readLine });
  if (format === 'github') writeGithubStepSummary(report);
  if (flags.reportFile) fs.writeFileSync(flags.reportFile, text);
  else write(stream, text);
}

/** Writes to stdout / stderr; a closed pipe (EPIPE) ends the output quietly, a full disk is one line on stderr. */
function write(stream: NodeJS.WriteStream, text: string): void {
  if (outputClosed.has(stream)) return;
  try {
    stream.write(text);
  } catch (err) {
    outputError(stream, err as NodeJS.ErrnoException);
  }
}

const outputClosed = new Set<NodeJS.WriteStream>();

function outputError(stream: NodeJS.WriteStream, err: NodeJS.ErrnoException): void {
  if (outputClosed.has(stream)) return;
  outputClosed.add(stream);
  if (err.code === 'EPIPE') return; // the reader is gone (`| head`): nothing more to say
  process.exitCode = EXIT.usage;
  if (stream !== process.stderr) {
    try {
      fs.writeSync(2, `mongo-codemod: could not write the output: ${err.code ?? err.message}\n`);
    } catch {
      /* stderr is gone too */
    }
  }
}

let handlersInstalled = false;

/** Once per process: output errors handled, and SIGINT / SIGTERM remove the run's temporary files (exit 130 / 143). */
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (err: NodeJS.ErrnoException) => outputError(stream, err));
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      removeTemporaryFiles();
      try {
        fs.writeSync(2, `\nmongo-codemod: interrupted (${signal}); files already written stay migrated, the others are untouched\n`);
      } catch {
        /* stderr is gone */
      }
      process.exit(code);
    });
  }
}

/** Drop ignored paths from a result that wrote nothing (check), in case the runner does not filter them itself. */
function dropIgnored(result: RunResult, patterns: string[]): void {
  if (!patterns.length) return;
  const ignored = pathFilter(patterns);
  result.files = result.files.filter((f) => !ignored(f.path));
  result.findings = result.findings.filter((f) => !ignored(f.file));
}

/**
 * A progress line on stderr (a terminal). Written synchronously: in single-thread mode the event loop gets no turn
 * while files are processed, and an asynchronous write would only appear at the end.
 */
export function progress(
  enabled: boolean,
  mode: 'run' | 'check' = 'run',
  out: (s: string) => void = (s) => fs.writeSync(2, s),
  clock: () => number = Date.now,
): ((done: number, total: number, changed: number, findings: number) => void) | undefined {
  if (!enabled) return undefined;
  const started = clock();
  let last = 0;
  return (done, total, changed, findings) => {
    const now = clock();
    if (now - started < 1500 || (now - last < 100 && done !== total)) return;
    last = now;
    try {
      out(`\r\x1b[2K${done}/${total} files, ${mode === 'run' ? `${changed} changed, ` : ''}${findings} finding${findings === 1 ? '' : 's'}`);
      if (done === total) out('\r\x1b[2K');
    } catch {
      /* stderr is gone: no progress */
    }
  };
}

/** Refused paths (symlinks, FIFOs named on the command line) and missing ones: one line each. */
function reportPaths(result: RunResult): void {
  for (const m of result.missing) write(process.stderr, `mongo-codemod: path not found: ${escapeControl(m)}\n`);
  for (const r of result.refused) write(process.stderr, `mongo-codemod: not read: ${escapeControl(r.path)}: ${r.reason}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const cwd = process.cwd();
  const program = new Command();
  let exitCode: number = EXIT.ok;
  installHandlers();
  program
    .name('mongo-codemod')
    .description('Migrate legacy MongoDB client code (Motor-style wrappers, ...) onto the native async drivers.')
    .version(toolVersion())
    .showHelpAfterError("(see 'mongo-codemod --help', or 'mongo-codemod <command> --help')")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  shared(
    program
      .command('run')
      .description('migrate files in place (or print a git-apply-able diff with --dry-run)')
      .argument('[paths...]', 'files or folders (default: .)')
      .option('--dry-run', 'write nothing; print a unified diff on stdout (the report goes to stderr)')
      .addOption(new Option('--to-list <style>', 'how toList() is materialised').choices(['loop', 'to-array']).default('loop'))
      .option('--force', 'write even when the git work tree has uncommitted changes')
      .option('--annotate', 'leave a `mongo-codemod:` marker comment above every flagged line (check fails while markers remain)')
      .addOption(new Option('--from <major>', 'callback presets: the mongodb driver major the old code ran on (default: read from package.json / lockfile)').choices(['2', '3', '4', '5', '6']))
      .addOption(new Option('--target <major>', 'callback presets: the mongodb major to migrate to').choices(['6', '7']).default('7'))
      .addOption(
        new Option('--modify-result <style>', 'callback presets: findOneAnd* results read through .value: drop .value (document) or ask for the metadata (metadata)')
          .choices(['document', 'metadata'])
          .default('document'),
      ),
  ).action(async (paths: string[], flags: RunFlags, cmd: Command) => {
    const settings = settingsOf(flags, cmd, cwd);
    const options = engineOptions(settings, 'run', cwd);
    if (settings.reportFile) prepareReportFile(settings.reportFile);
    if (flags.dryRun) {
      // The diff names files relative to the working directory: a file outside it has no such name.
      const outside = paths.filter((p) => !isInside(path.resolve(cwd, p), realOrSelf(cwd)));
      if (outside.length)
        throw new ConfigError(
          `--dry-run: ${outside.map(escapeControl).join(', ')} is outside the working directory, and the diff names files relative to it: run the dry run from a folder that contains it`,
        );
    }
    if (!flags.dryRun) {
      const state = workTreeState(paths, cwd);
      // Temporary files of an interrupted run (its process gone): removed, and said so.
      const stale = removeStaleLeftovers(state.leftovers);
      if (stale.length)
        write(
          process.stderr,
          `mongo-codemod: removed ${stale.length} temporary file${stale.length === 1 ? '' : 's'} left by an interrupted run: ${stale.map((f) => escapeControl(path.relative(cwd, f))).join(', ')}\n`,
        );
      const dirty = flags.force ? [] : state.dirty;
      if (dirty.length) {
        process.stderr.write(
          `mongo-codemod: refusing to write: the git work tree ${dirty.join(', ')} has uncommitted changes.\n` +
            'Commit or stash them first so the migration is one reviewable diff, or pass --force (or use --dry-run).\n',
        );
        exitCode = EXIT.usage;
        return;
      }
    }
    const runOptions: RunOptions & RunnerExtras = { ...options, paths, dryRun: !!flags.dryRun, onFile: progress(process.stderr.isTTY === true && !process.env.CI, 'run') };
    if (settings.ignore.length) runOptions.ignorePaths = settings.ignore;
    if (settings.annotate) runOptions.annotate = true;
    if (flags.from) runOptions.from = Number(flags.from);
    runOptions.target = Number(flags.target ?? 7);
    runOptions.modifyResult = flags.modifyResult ?? 'document';
    const result = await runFiles(runOptions);
    reportPaths(result);
    const removed = result.leftoversRemoved ?? [];
    if (removed.length)
      write(process.stderr, `mongo-codemod: removed ${removed.length} temporary file${removed.length === 1 ? '' : 's'} left by an interrupted run: ${removed.map(escapeControl).join(', ')}\n`);
    if (flags.dryRun) write(process.stdout, result.diff);
    emitReport(result, settings, process.stderr);
    exitCode = exitCodeOf(result, 'run');
  });

  shared(
    program
      .command('check')
      .description('report remaining legacy usage without writing anything; exits 1 while error findings remain')
      .argument('[paths...]', 'files or folders (default: .)')
      .option('--baseline <file>', 'findings recorded in this baseline file do not fail the check (only new ones do)')
      .option('--write-baseline <file>', 'record the current findings as the baseline in this file (exit 0 unless files failed)')
      .option('--max-warnings <number>', 'exit 1 when there are more warnings than this, as with ESLint (default: -1, warnings never fail)', maxWarningsOf, -1),
  ).action(async (paths: string[], flags: CheckFlags, cmd: Command) => {
    const settings = settingsOf(flags, cmd, cwd);
    const options = engineOptions(settings, 'check', cwd);
    // Read the baseline first: a broken one is a configuration error before any work.
    const baseline = settings.baseline && !flags.writeBaseline ? readBaseline(settings.baseline) : undefined;
    if (settings.reportFile) prepareReportFile(settings.reportFile);
    const runOptions: RunOptions & RunnerExtras = { ...options, paths, dryRun: true, onFile: progress(process.stderr.isTTY === true && !process.env.CI, 'check') };
    if (settings.ignore.length) runOptions.ignorePaths = settings.ignore;
    phase('options read');
    const result = await runFiles(runOptions);
    dropIgnored(result, settings.ignore);
    reportPaths(result);
    let baselined: number | undefined;
    if (flags.writeBaseline) {
      const written = createBaseline(result.findings, resultLineReader(result.texts, cwd));
      writeBaseline(flags.writeBaseline, written);
      process.stderr.write(`mongo-codemod: wrote ${written.findings.length} finding${written.findings.length === 1 ? '' : 's'} to the baseline ${flags.writeBaseline}\n`);
      baselined = written.findings.length;
    } else if (baseline) {
      const applied = applyBaseline(result.findings, baseline, resultLineReader(result.texts, cwd));
      result.findings = applied.kept;
      baselined = applied.baselined;
    }
    emitReport(result, settings, process.stdout, baselined);
    phase('printed');
    // With --write-baseline every current finding is in the baseline: only usage and file errors fail.
    exitCode = exitCodeOf(flags.writeBaseline ? { ...result, findings: [] } : result, 'check');
    const warnings = result.findings.filter((f) => f.severity === 'warning').length;
    if (exitCode === EXIT.ok && !flags.writeBaseline && flags.maxWarnings >= 0 && warnings > flags.maxWarnings) {
      process.stderr.write(`mongo-codemod: ${warnings} warning${warnings === 1 ? '' : 's'} found (--max-warnings ${flags.maxWarnings})\n`);
      exitCode = EXIT.findings;
    }
  });

  program
    .command('presets')
    .description('list the presets and what each covers')
    .action(() => {
      const lines = ['auto  (default) decide per file from its imports'];
      for (const e of ENGINES) for (const p of e.presets) lines.push(`${p.name}  [${p.language}] ${p.description}`);
      write(process.stdout, lines.join('\n') + '\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      // No command at all: the help went to stderr, and it is a usage error.
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`mongo-codemod: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  return exitCode;
}

export { writeAtomic };
