/**
 * mongo-codemod CLI (commander). Commands: run, check, presets.
 * Exit codes, highest first when several apply: 2 usage or configuration error; 3 some files could not be read,
 * parsed or transformed; 1 `check` found error findings; 0 otherwise.
 * Settings come from the command line, else the project configuration (mongo-codemod.config.json or the
 * `mongo-codemod` key of package.json; see src/core/config.ts), else the defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { EngineOptions, WrapperSpec } from './core/types.js';
import { ConfigError, loadWrapperSpec } from './presets/spec.js';
import { loadConfig, pathFilter, type ProjectConfig } from './core/config.js';
import { EXIT, exitCodeOf } from './core/exit.js';
import { applyBaseline, createBaseline, readBaseline, resultLineReader, writeBaseline } from './report/baseline.js';
import { ENGINES, presetNames } from './engines.js';
import { phase } from './core/debug.js';
import { runFiles, type RunOptions, type RunResult } from './runner/run.js';
import { dirtyWorkTrees } from './runner/git.js';
import { buildReport, formatReport, writeGithubStepSummary, type Format } from './report/index.js';
import { FORMATS } from './report/index.js';
import { toolVersion } from './report/model.js';
import { writeAtomic } from './runner/write.js';
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
  const inConfigDir = (p: string) => path.resolve(loaded.dir, p);
  const pick = <T>(key: string, flag: T, configured: T | undefined, fallback: T): T => (fromCli(key) ? flag : configured !== undefined ? configured : fallback);
  const wrapperModules = fromCli('wrapperModule')
    ? flags.wrapperModule.map((m) => {
        if (!m) throw new ConfigError('--wrapper-module needs a module specifier');
        return resolveWrapperModule(m, cwd);
      })
    : (c.wrapperModules ?? []).map((m) => resolveWrapperModule(m, loaded.dir));
  const s: Settings = {
    preset: pick('preset', flags.preset, c.preset, 'auto'),
    wrapperModules,
    wrappers: fromCli('wrapper') ? flags.wrapper : (c.wrappers ?? []).map(inConfigDir),
    ignore: c.ignore ?? [],
    toList: pick('toList', flags.toList ?? 'loop', c.toList, 'loop'),
    color: pick('color', flags.color !== false, c.color, true),
    quiet: pick('quiet', !!flags.quiet, c.quiet, false),
    annotate: pick('annotate', !!flags.annotate, c.annotate, false),
  };
  const format = fromCli('format') ? flags.format : c.format;
  if (format) s.format = format;
  const reportFile = fromCli('reportFile') ? flags.reportFile : c.reportFile !== undefined ? inConfigDir(c.reportFile) : undefined;
  if (reportFile) s.reportFile = reportFile;
  const baseline = fromCli('baseline') ? flags.baseline : c.baseline !== undefined ? inConfigDir(c.baseline) : undefined;
  if (baseline) s.baseline = baseline;
  return s;
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
  const color = flags.color && tty && !process.env.NO_COLOR;
  const readLine = (file: string, line: number) => result.texts.get(file)?.split(/\r?\n/)[line - 1];
  const text = formatReport(report, format, { color, readLine });
  if (format === 'github') writeGithubStepSummary(report);
  if (flags.reportFile) {
    fs.mkdirSync(path.dirname(path.resolve(flags.reportFile)), { recursive: true });
    fs.writeFileSync(flags.reportFile, text);
  } else stream.write(text);
}

/** Drop ignored paths from a result that wrote nothing (check), in case the runner does not filter them itself. */
function dropIgnored(result: RunResult, patterns: string[]): void {
  if (!patterns.length) return;
  const ignored = pathFilter(patterns);
  result.files = result.files.filter((f) => !ignored(f.path));
  result.findings = result.findings.filter((f) => !ignored(f.file));
}

function progress(enabled: boolean): ((done: number, total: number, changed: number, findings: number) => void) | undefined {
  if (!enabled) return undefined;
  const started = Date.now();
  let last = 0;
  return (done, total, changed, findings) => {
    const now = Date.now();
    if (now - started < 1500 || (now - last < 100 && done !== total)) return;
    last = now;
    process.stderr.write(`\r\x1b[2K${done}/${total} files, ${changed} changed, ${findings} findings`);
    if (done === total) process.stderr.write('\r\x1b[2K');
  };
}

export async function main(argv: string[]): Promise<number> {
  const cwd = process.cwd();
  const program = new Command();
  let exitCode: number = EXIT.ok;
  program
    .name('mongo-codemod')
    .description('Migrate legacy MongoDB client code (Motor-style wrappers, ...) onto the native async drivers.')
    .version(toolVersion())
    .showHelpAfterError()
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
      .addOption(new Option('--modify-result <style>', 'callback presets: findOneAnd* results read through .value: drop .value (document) or ask for the metadata (metadata)').choices(['document', 'metadata']).default('document')),
  ).action(async (paths: string[], flags: RunFlags, cmd: Command) => {
    const settings = settingsOf(flags, cmd, cwd);
    const options = engineOptions(settings, 'run', cwd);
    if (!flags.dryRun && !flags.force) {
      const dirty = dirtyWorkTrees(paths, cwd);
      if (dirty.length) {
        process.stderr.write(
          `mongo-codemod: refusing to write: the git work tree ${dirty.join(', ')} has uncommitted changes.\n` +
            'Commit or stash them first so the migration is one reviewable diff, or pass --force (or use --dry-run).\n',
        );
        exitCode = EXIT.usage;
        return;
      }
    }
    const runOptions: RunOptions & RunnerExtras = { ...options, paths, dryRun: !!flags.dryRun, onFile: progress(process.stderr.isTTY === true && !process.env.CI) };
    if (settings.ignore.length) runOptions.ignorePaths = settings.ignore;
    if (settings.annotate) runOptions.annotate = true;
    if (flags.from) runOptions.from = Number(flags.from);
    runOptions.target = Number(flags.target ?? 7);
    runOptions.modifyResult = flags.modifyResult ?? 'document';
    const result = await runFiles(runOptions);
    for (const m of result.missing) process.stderr.write(`mongo-codemod: path not found: ${m}\n`);
    if (flags.dryRun) process.stdout.write(result.diff);
    emitReport(result, settings, process.stderr);
    exitCode = exitCodeOf(result, 'run');
  });

  shared(
    program
      .command('check')
      .description('report remaining legacy usage without writing anything; exits 1 while error findings remain')
      .argument('[paths...]', 'files or folders (default: .)')
      .option('--baseline <file>', 'findings recorded in this baseline file do not fail the check (only new ones do)')
      .option('--write-baseline <file>', 'record the current findings as the baseline in this file (exit 0 unless files failed)'),
  ).action(async (paths: string[], flags: CheckFlags, cmd: Command) => {
    const settings = settingsOf(flags, cmd, cwd);
    const options = engineOptions(settings, 'check', cwd);
    // Read the baseline first: a broken one is a configuration error before any work.
    const baseline = settings.baseline && !flags.writeBaseline ? readBaseline(settings.baseline) : undefined;
    const runOptions: RunOptions & RunnerExtras = { ...options, paths, dryRun: true, onFile: progress(process.stderr.isTTY === true && !process.env.CI) };
    if (settings.ignore.length) runOptions.ignorePaths = settings.ignore;
    phase('options read');
    const result = await runFiles(runOptions);
    dropIgnored(result, settings.ignore);
    for (const m of result.missing) process.stderr.write(`mongo-codemod: path not found: ${m}\n`);
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
  });

  program
    .command('presets')
    .description('list the presets and what each covers')
    .action(() => {
      const lines = ['auto  (default) decide per file from its imports'];
      for (const e of ENGINES) for (const p of e.presets) lines.push(`${p.name}  [${p.language}] ${p.description}`);
      process.stdout.write(lines.join('\n') + '\n');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
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
