/**
 * mongo-codemod CLI (commander). Commands: run, check, presets.
 * Exit codes, highest first when several apply: 2 usage or configuration error; 3 some files could not be read,
 * parsed or transformed; 1 `check` found error findings; 0 otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { EngineOptions, WrapperSpec } from './core/types.js';
import { ConfigError, loadWrapperSpec } from './core/spec.js';
import { ENGINES, presetNames } from './engines.js';
import { runFiles, type RunResult } from './runner/run.js';
import { dirtyWorkTrees } from './runner/git.js';
import { buildReport, formatReport, writeGithubStepSummary, type Format } from './report/index.js';
import { FORMATS } from './report/index.js';
import { toolVersion } from './report/model.js';
import { writeAtomic } from './runner/write.js';
import { resolveWrapperModule } from './js/modules.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, fileErrors: 3 } as const;

interface SharedFlags {
  preset: string;
  wrapperModule: string[];
  wrapper: string[];
  format?: Format;
  reportFile?: string;
  color?: boolean;
  quiet?: boolean;
}

interface RunFlags extends SharedFlags {
  dryRun?: boolean;
  toList: 'loop' | 'to-array';
  force?: boolean;
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function engineOptions(flags: SharedFlags, mode: 'run' | 'check', cwd: string, toList: 'loop' | 'to-array'): EngineOptions {
  if (!presetNames().includes(flags.preset)) throw new ConfigError(`unknown preset '${flags.preset}' (known: ${presetNames().join(', ')}; see \`mongo-codemod presets\`)`);
  const specs: WrapperSpec[] = flags.wrapper.map((f) => loadWrapperSpec(f, cwd));
  const wrapperModules = flags.wrapperModule.map((m) => {
    if (!m) throw new ConfigError('--wrapper-module needs a module specifier');
    return resolveWrapperModule(m, cwd);
  });
  return { mode, preset: flags.preset, wrapperModules, wrapperSpecs: specs, toList, cwd };
}

function shared(cmd: Command): Command {
  return cmd
    .option('--preset <name>', 'preset to apply (auto decides per file from its imports; see `presets`)', 'auto')
    .option('--wrapper-module <specifier>', 'an in-house module that follows the Motor-style API (repeatable; a relative path names a file, matched from every importing folder)', collect, [])
    .option('--wrapper <spec.json>', 'a declarative spec of an in-house wrapper with other names (repeatable; see README)', collect, [])
    .addOption(new Option('--format <format>', 'report format (default: stylish on a terminal, text otherwise)').choices([...FORMATS]))
    .option('--report-file <path>', 'write the report to this file instead of the terminal')
    .option('--quiet', 'report only findings of severity error')
    .option('--no-color', 'no colours in the stylish and text reports');
}

function emitReport(result: RunResult, flags: SharedFlags, stream: NodeJS.WriteStream): void {
  const report = buildReport(result);
  if (flags.quiet) {
    report.findings = report.findings.filter((f) => f.severity === 'error');
  }
  const tty = stream.isTTY === true && !flags.reportFile;
  const format: Format = flags.format ?? (tty ? 'stylish' : 'text');
  const color = flags.color !== false && tty && !process.env.NO_COLOR;
  const readLine = (file: string, line: number) => result.texts.get(file)?.split(/\r?\n/)[line - 1];
  const text = formatReport(report, format, { color, readLine });
  if (format === 'github') writeGithubStepSummary(report);
  if (flags.reportFile) {
    fs.mkdirSync(path.dirname(path.resolve(flags.reportFile)), { recursive: true });
    fs.writeFileSync(flags.reportFile, text);
  } else stream.write(text);
}

function exitCodeOf(result: RunResult, mode: 'run' | 'check'): number {
  if (result.missing.length) return EXIT.usage;
  if (result.files.some((f) => f.status === 'error')) return EXIT.fileErrors;
  if (mode === 'check' && result.findings.some((f) => f.severity === 'error')) return EXIT.findings;
  return EXIT.ok;
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
      .option('--force', 'write even when the git work tree has uncommitted changes'),
  ).action(async (paths: string[], flags: RunFlags) => {
    const options = engineOptions(flags, 'run', cwd, flags.toList);
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
    const result = await runFiles({ ...options, paths, dryRun: !!flags.dryRun, onFile: progress(process.stderr.isTTY === true && !process.env.CI) });
    for (const m of result.missing) process.stderr.write(`mongo-codemod: path not found: ${m}\n`);
    if (flags.dryRun) process.stdout.write(result.diff);
    emitReport(result, flags, process.stderr);
    exitCode = exitCodeOf(result, 'run');
  });

  shared(
    program
      .command('check')
      .description('report remaining legacy usage without writing anything; exits 1 while error findings remain')
      .argument('[paths...]', 'files or folders (default: .)'),
  ).action(async (paths: string[], flags: SharedFlags) => {
    const options = engineOptions(flags, 'check', cwd, 'loop');
    const result = await runFiles({ ...options, paths, dryRun: true, onFile: progress(process.stderr.isTTY === true && !process.env.CI) });
    for (const m of result.missing) process.stderr.write(`mongo-codemod: path not found: ${m}\n`);
    emitReport(result, flags, process.stdout);
    exitCode = exitCodeOf(result, 'check');
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
