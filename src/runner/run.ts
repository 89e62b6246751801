/**
 * The runner: discover files, prefilter, process candidates with their engine, apply ignore comments, then
 * write atomically (run), print a git-apply-able diff (--dry-run) or only report (check).
 */
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type Tinypool from 'tinypool';
import type { Engine, EngineFinding, EngineOptions, Finding } from '../core/types.js';
import { ENGINES, engineFor, engineRuns } from '../engines.js';
import { importExternal } from './external.js';
import { isSuppressed, processCandidate, type Outcome, type ProcessOptions } from './process.js';
import { pathFilter } from '../core/config.js';
import { discover } from './discover.js';
import { unifiedDiff } from './diff.js';
import { removeStaleLeftovers, writeAtomic, WriteRefused } from './write.js';
import { nearestPackageJson } from './deps.js';
import { LineIndex } from '../core/text.js';
import { phase } from '../core/debug.js';
import runTask, { type Settled } from './worker.js';
import type { FileReport, RunResult } from '../report/model.js';
import { relativePath } from './paths.js';
import { checkManifests, migrateManifests, withFile, type ManifestContext } from './manifests.js';
import { scanFiles } from './scan.js';
import { batching, poolThreshold, retryDeep, serially, turn, YIELD_EVERY, type Submit } from './pool.js';
import { jsFactRounds, jsSpeculative, promote } from './rounds.js';

export { MAX_FILE_BYTES } from './process.js';
export type { FileStatus, FileReport, RunResult } from '../report/model.js';
export { relativePath };
export { batching, poolThreshold, DEEP_STACK_MB } from './pool.js';

export interface RunOptions extends ProcessOptions {
  /** Paths (cwd-relative, gitignore patterns) that the config file tells to skip. */
  ignorePaths?: string[];
  paths: string[];
  dryRun: boolean;
  /** Called after each file (progress). */
  onFile?: (done: number, total: number, changed: number, findings: number) => void;
}

/** The options that travel to the engines (and to pool workers: no functions). */
function withoutProgress(options: RunOptions): ProcessOptions {
  const { onFile, ...rest } = options;
  void onFile;
  return rest;
}

export async function runFiles(options: RunOptions): Promise<RunResult> {
  const cwd = options.cwd;
  const engines = ENGINES.filter((e) => engineRuns(e, options.preset));
  const ignored = pathFilter(options.ignorePaths);
  const filtering = !!options.ignorePaths?.length;
  const discovered = discover(options.paths, cwd, (abs) => {
    if (filtering && ignored(relativePath(cwd, abs))) return false;
    const e = engineFor(abs);
    if (e) return engines.includes(e);
    const rel = relativePath(cwd, abs);
    return engines.some((en) => en.claims?.(rel, options));
  });
  const { missing, refused } = discovered;
  let files = discovered.files;
  // The temporary files of a killed run: removed by the next real run (and named in its output).
  const leftoversRemoved = options.mode === 'run' && !options.dryRun ? removeStaleLeftovers(discovered.leftovers).map((f) => relativePath(cwd, f)) : [];

  phase(`discovered ${files.length} files`);
  // MONGO_CODEMOD_THREADS caps the pool (1 = everything in-process).
  const threads = Math.max(1, Number(process.env.MONGO_CODEMOD_THREADS) || (os.availableParallelism?.() ?? os.cpus().length));
  // MONGO_CODEMOD_THREADS=N (N > 1) forces the pool whatever the count (tests exercise the pool this way).
  const forced = Number(process.env.MONGO_CODEMOD_THREADS) > 1;
  // tinypool loads only when a run needs the pool (importing it costs ~20 ms).
  let pool: Promise<Tinypool> | undefined;
  const getPool = (): Promise<Tinypool> =>
    (pool ??= importExternal<{ default: typeof Tinypool }>('tinypool').then(
      ({ default: Pool }) => new Pool({ filename: fileURLToPath(new URL('./worker.js', import.meta.url)), minThreads: threads, maxThreads: threads, idleTimeout: 100 }),
    ));
  const toPool = batching((batch) => getPool().then((p) => p.run(batch) as Promise<Settled[]>), threads);
  /** Do this many candidates go to the pool? */
  const usePool = (count: number): boolean => threads > 1 && count > 0 && (forced || count >= poolThreshold(threads));
  // Scan: read every file once; keep the bytes of candidates only (a byte search, no decoding, no parse).
  const { candidates, kept, early, earlyFindings, stamps, gone, counts, read } = scanFiles(files, cwd, options, engines);
  if (gone.size) files = files.filter((f) => !gone.has(f));

  phase(`scanned, ${candidates.size} candidates`);
  const onFile = options.onFile;
  const outcomes = new Map<string, Outcome>();
  let done = 0;
  let changedSoFar = 0;
  let findingsSoFar = 0;
  const settle = (abs: string, o: Outcome) => {
    // A file processed again (jsSpeculative) replaces its first outcome in the counts.
    const before = outcomes.get(abs);
    if (!before) done++;
    else {
      if (before.report.status === 'changed') changedSoFar--;
      findingsSoFar -= before.findings.length;
    }
    outcomes.set(abs, o);
    if (o.report.status === 'changed') changedSoFar++;
    findingsSoFar += o.findings.length;
    onFile?.(done + (files.length - candidates.size), files.length, changedSoFar, findingsSoFar);
  };
  const failed = (abs: string, err: Error): Outcome => ({ report: { path: relativePath(cwd, abs), status: 'error', reason: `internal error: ${err.message}` }, findings: [], replacedPackages: [] });
  // Bytes of a file for the cross-file rounds, kept from the scan or read again: a view, valid until the next read.
  const bytesOf = (abs: string) => (early.has(abs) ? undefined : (kept.get(abs) ?? read(abs)));
  try {
    // First passes: what every file must know of the others. An engine's own pass (Python: the handles its modules
    // export, run-wide facts), then the JS/TS rounds, which process their candidates as they go.
    for (const engine of engines) {
      if (!engine.crossFile) continue;
      const own = files.filter((f) => engineFor(f) === engine);
      const promoteOwn = (names: string[], among: string[]) => promote(names, among, (abs) => candidates.has(abs), candidates, bytesOf);
      const patch = await engine.crossFile({ files: own, candidates, bytesOf, promote: promoteOwn, rel: (abs) => relativePath(cwd, abs) }, options);
      options = { ...options, ...patch };
    }
    if (engines.some((e) => e.id === 'js')) {
      // Worker threads from poolThreshold JS/TS candidates; below that, one thread does it faster (each worker pays
      // for loading and warming up the parser). Measured on 2 cores: handing the candidates to a worker while this
      // thread still scans the tree gained nothing either.
      const submit: Submit = usePool(counts.get('js') ?? 0) ? toPool : serially(runTask);
      const index = await jsSpeculative(submit, files, candidates, cwd, withoutProgress(options), bytesOf, settle, failed);
      options = { ...options, jsModuleExports: index };
      const facts = await jsFactRounds(submit, files, candidates, cwd, withoutProgress(options), bytesOf, settle, failed, outcomes, index);
      if (facts) options = { ...options, jsRunFacts: facts as EngineOptions['jsRunFacts'] };
    }
    kept.clear();

    phase(`cross-file index, ${candidates.size} candidates`);
    // Process the remaining candidates: in a worker pool sized to the machine for large runs, in-process otherwise.
    const engineOptions = withoutProgress(options);
    const rest = [...candidates].filter(([abs]) => !outcomes.has(abs));
    if (usePool(rest.length)) {
      await release(engines); // workers parse for themselves
      phase(`worker pool: ${threads} threads`);
      await Promise.all(
        rest.map(([abs, buf]) =>
          (toPool({ abs, rel: relativePath(cwd, abs), buf, options: engineOptions }) as Promise<Outcome>).then(
            (o) => settle(abs, o),
            (err: Error) => settle(abs, failed(abs, err)),
          ),
        ),
      );
    } else {
      let n = 0;
      for (const [abs, buf] of rest) {
        if (++n % YIELD_EVERY === 0) await turn();
        settle(abs, await processCandidate(abs, relativePath(cwd, abs), buf, engineOptions));
      }
    }
    await retryDeep(outcomes, candidates, cwd, engineOptions, settle, failed);
  } finally {
    // A pool that never came up (tinypool failed to load) has nothing to destroy, and must not hide the run's error.
    if (pool)
      await pool.then(
        (p) => p.destroy(),
        () => undefined,
      );
  }
  candidates.clear();
  await release(engines);
  phase('processed');

  const reports: FileReport[] = [];
  const findings: Finding[] = [];
  let suppressed = 0;
  let diff = '';
  const packagesByManifest = new Map<string, Set<string>>();
  const roots = (options.paths.length ? options.paths : ['.']).map((p) => path.resolve(cwd, p));
  const insideRoots = (p: string) => roots.some((r) => p === r || p.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  // The nearest package.json of a directory, looked up once per directory.
  const manifests = new Map<string, string | undefined>();
  const manifestOf = (file: string): string | undefined => {
    const dir = path.dirname(file);
    if (!manifests.has(dir)) manifests.set(dir, nearestPackageJson(dir, path.parse(dir).root));
    return manifests.get(dir);
  };

  const texts = new Map<string, string>();
  const pushFindings = (rel: string, text: string | undefined, list: EngineFinding[]) => {
    if (!list.length) return;
    if (text !== undefined) texts.set(rel, text);
    const lines = text !== undefined ? new LineIndex(text) : undefined;
    for (const f of list) {
      if (lines && isSuppressed(lines, f)) {
        suppressed++;
        continue;
      }
      findings.push(withFile(f, rel));
    }
  };

  // Report and write in file order, whatever order the pool finished in.
  for (const abs of files) {
    const rel = relativePath(cwd, abs);
    const outcome: Outcome = outcomes.get(abs) ?? { report: early.get(abs) ?? { path: rel, status: 'unchanged' }, findings: earlyFindings.get(abs) ?? [], replacedPackages: [] };
    if (options.mode === 'check' && outcome.report.status === 'changed') outcome.report.status = 'unchanged';
    reports.push(outcome.report);
    pushFindings(rel, outcome.text, outcome.findings);
    if (outcome.newText !== undefined && outcome.oldText !== undefined) {
      if (options.mode === 'run') {
        if (options.dryRun) diff += unifiedDiff(rel, outcome.oldText, outcome.newText);
        else {
          try {
            const enc = outcome.encoding ?? 'utf8';
            writeAtomic(abs, Buffer.from(outcome.newText, enc), stamps.get(abs), Buffer.from(outcome.oldText, enc));
          } catch (err) {
            outcome.report.status = 'error';
            outcome.report.reason = err instanceof WriteRefused ? `not written: ${err.message}` : `could not write: ${(err as Error).message}`;
          }
        }
      }
    }
    // A file left unwritten still needs its old dependency. (An unchanged file names a package when it keeps sites
    // of a legacy client: the manifest pass then holds that package with a finding.)
    for (const pkg of engineFor(abs)?.id === 'js' && outcome.report.status !== 'error' ? outcome.replacedPackages : []) {
      const manifest = manifestOf(abs);
      if (!manifest) continue;
      let set = packagesByManifest.get(manifest);
      if (!set) packagesByManifest.set(manifest, (set = new Set()));
      set.add(pkg);
    }
  }

  // Dependencies: package.json files that list migrated packages (run), or still list legacy ones (check).
  const ctx: ManifestContext = { cwd, options, roots, insideRoots, manifestOf, findings, reports, pushFindings };
  if (options.mode === 'run') diff += migrateManifests(ctx, packagesByManifest);
  else checkManifests(ctx, outcomes.keys());

  // Folders that could not be listed: what they hold was not looked at, which is never a pass.
  for (const u of discovered.unreadable) reports.push({ path: relativePath(cwd, u.abs) + '/', status: 'error', reason: `folder could not be read (${u.reason}): its files were not looked at` });

  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  phase('reported');
  return { files: reports, findings, suppressed, diff, missing, refused, texts, ...(leftoversRemoved.length ? { leftoversRemoved } : {}) };
}

/** Drop what the engines' cross-file passes kept in this thread. */
async function release(engines: Engine[]): Promise<void> {
  for (const e of engines) await e.release?.();
}
