/**
 * Benchmark (issue 5): `npm run bench` (= node scripts/build.mjs && node dist/bench/bench.js). Never part of
 * `npm test`. No network: the corpus is the JS/TS files of the installed node_modules (real code nobody here
 * wrote), copied to a temporary folder outside any node_modules, with generated Motor-style wrapper files mixed
 * in at a known rate, plus a generated Python corpus. Measured on the same files in the same run:
 *   (a) mongo-codemod run --dry-run        (b) mongo-codemod check
 *   (c) the jscodeshift CLI with our transform (dist/transforms/motor.cjs) in --dry mode
 *   (d) mongo-codemod run --dry-run on the Python corpus (if the CLI handles .py files)
 *   (e) `rg -l motor` when rg is installed, else a bare Node read-and-search of the same files (the reference
 *       for `check`).
 * The commands run interleaved: one round runs each once, in turn, and the ratios are medians of per-round ratios.
 * Wall time is performance.now() around each child process; peak RSS is `/usr/bin/time -f %M` when present, else
 * process.resourceUsage().maxRSS of every Node process in the run (a --require preload writes it at exit).
 *
 * Environment:
 *   BENCH_FILES        JS/TS corpus size (default: every installed JS/TS file, about 10,000, plus the wrapper
 *                      files; at most 50,000). Below the number available a spread-out subset is taken; above it the real files
 *                      are copied again under copy-<n>/ folders.
 *   BENCH_WRAPPER_RATE one generated wrapper-using file per this many files (default 200)
 *   BENCH_PY_FILES     Python corpus size (default 5,000), BENCH_PY_RATE (default 100)
 *   BENCH_REPEAT       timed runs per command, the median is shown (default 3)
 *   BENCH_KEEP=1       keep the temporary corpus (its path is printed)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin', 'mongo-codemod.js');
const JSCODESHIFT = path.join(ROOT, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js');
const TRANSFORM = path.join(ROOT, 'dist', 'transforms', 'motor.cjs');
const JS_TS = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const EXTENSIONS = 'js,jsx,mjs,cjs,ts,tsx,mts,cts';

const envInt = (name: string, dflt: number | undefined, max = Infinity): number | undefined => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${v}'`);
  return Math.min(Math.floor(n), max);
};

const BENCH_FILES = envInt('BENCH_FILES', undefined, 50_000);
const WRAPPER_RATE = envInt('BENCH_WRAPPER_RATE', 200)!;
const PY_FILES = envInt('BENCH_PY_FILES', 5000, 50_000)!;
const PY_RATE = envInt('BENCH_PY_RATE', 100)!;
const REPEAT = envInt('BENCH_REPEAT', 3, 20)!;

// ---------------------------------------------------------------------------------------------------------------
// Corpus.

function listJsTs(src: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && JS_TS.test(e.name)) out.push(abs); // symlinks (node_modules/.bin) are not followed
    }
  };
  walk(src);
  return out.sort();
}

/** The relative path inside the corpus: every `node_modules` segment renamed (the walkers skip node_modules). */
function corpusPath(rel: string): string {
  return rel
    .split(path.sep)
    .map((s) => (s === 'node_modules' ? 'nm' : s))
    .join(path.sep);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wrapperFile(i: number, ts: boolean): string {
  const coll = ['orders', 'users', 'events', 'jobs'][i % 4]!;
  const t = (s: string) => (ts ? s : '');
  return [
    `// Generated Motor-style service #${i}.`,
    `import { AsyncIOMotorClient${i % 3 === 0 ? ', ObjectId' : ''} } from 'motor';`,
    '',
    `const client = new AsyncIOMotorClient(process.env.MONGO_URL${i % 5 === 0 ? ', { maxPoolSize: 10, ioLoop: null }' : ''});`,
    `const db = client.getDatabase('app${i % 7}');`,
    `const ${coll} = db.getCollection('${coll}');`,
    '',
    `export async function list${i}(filter${t(': Record<string, unknown>')})${t(': Promise<unknown[]>')} {`,
    `  const rows = await ${coll}.find(filter).sort({ createdAt: -1 }).toList();`,
    '  return rows;',
    '}',
    '',
    `export async function count${i}()${t(': Promise<number>')} {`,
    `  return ${coll}.countDocuments({});`,
    '}',
    '',
    `export async function top${i}() {`,
    `  const agg = await ${coll}.aggregate([{ $group: { _id: '$kind', n: { $sum: 1 } } }]).toList();`,
    '  return agg;',
    '}',
    '',
    'export function close() {',
    '  client.close();',
    '}',
    '',
  ].join('\n');
}

interface Corpus {
  dir: string;
  real: number;
  wrappers: number;
  bytes: number;
}

/**
 * Dev dependencies of the wire oracle (test/wire/): the old MongoDB clients under npm aliases and mingo. Left out so
 * the corpus, and the figures, stay what they were before they were installed.
 */
const WIRE_ORACLE_PACKAGES = ['mongodb2', 'mongodb3', 'mongodb4', 'mongodb-legacy', 'mongodb-legacy4', 'mingo'];

function buildJsCorpus(dir: string): Corpus {
  const nm = path.join(ROOT, 'node_modules');
  const skip = WIRE_ORACLE_PACKAGES.map((p) => path.join(nm, p) + path.sep);
  const all = listJsTs(nm)
    .filter((f) => !skip.some((s) => f.startsWith(s)))
    .map((f) => ({ abs: f, rel: path.join('nm', corpusPath(path.relative(nm, f))) }));
  const target = BENCH_FILES ?? all.length + Math.round(all.length / (WRAPPER_RATE - 1));
  const wrappers = Math.floor(target / WRAPPER_RATE);
  const realWanted = target - wrappers;
  // A spread-out subset when fewer files are wanted; copies under copy-<n>/ when more.
  const chosen: { abs: string; rel: string }[] = [];
  if (realWanted <= all.length) {
    for (let i = 0; i < realWanted; i++) chosen.push(all[Math.floor((i * all.length) / realWanted)]!);
  } else {
    for (let i = 0; i < realWanted; i++) {
      const f = all[i % all.length]!;
      const copy = Math.floor(i / all.length);
      chosen.push({ abs: f.abs, rel: copy ? path.join(`copy-${copy}`, f.rel) : f.rel });
    }
  }
  let bytes = 0;
  const made = new Set<string>();
  const mkdir = (d: string) => {
    if (made.has(d)) return;
    fs.mkdirSync(d, { recursive: true });
    made.add(d);
  };
  for (const f of chosen) {
    const to = path.join(dir, f.rel);
    mkdir(path.dirname(to));
    fs.copyFileSync(f.abs, to);
    bytes += fs.statSync(to).size;
  }
  // Wrapper files: one next to every WRAPPER_RATE-th real file, so they are spread over the packages.
  for (let i = 0; i < wrappers; i++) {
    const near = chosen[Math.min(chosen.length - 1, Math.floor((i + 0.5) * (chosen.length / Math.max(1, wrappers))))];
    const folder = near ? path.dirname(path.join(dir, near.rel)) : dir;
    mkdir(folder);
    const ts = i % 2 === 1;
    const text = wrapperFile(i, ts);
    fs.writeFileSync(path.join(folder, `motor-service-${i}.${ts ? 'ts' : 'js'}`), text);
    bytes += text.length;
  }
  return { dir, real: chosen.length, wrappers, bytes };
}

function pythonFile(i: number, motor: boolean, r: () => number): string {
  const lines: string[] = [`"""Generated module ${i}."""`, 'import asyncio', 'import json', 'from typing import Any, Dict, List', ''];
  if (motor) lines.push('from motor.motor_asyncio import AsyncIOMotorClient', '', "client = AsyncIOMotorClient('mongodb://localhost:27017')", "db = client['app']", '');
  const fns = 2 + Math.floor(r() * 6);
  for (let f = 0; f < fns; f++) {
    lines.push(`async def handler_${f}(payload: Dict[str, Any]) -> List[Any]:`);
    lines.push(`    """Handle ${f}."""`);
    if (motor && f % 2 === 0) {
      lines.push(`    docs = await db.items.find({'kind': payload.get('kind')}).to_list(length=100)`);
      lines.push('    return docs');
    } else {
      lines.push('    out = []');
      lines.push(`    for k, v in sorted(payload.items()):`);
      lines.push(`        if isinstance(v, (int, float)) and v > ${f}:`);
      lines.push('            out.append({k: v * 2})');
      lines.push('    await asyncio.sleep(0)');
      lines.push('    return out');
    }
    lines.push('');
  }
  lines.push('', "if __name__ == '__main__':", `    print(json.dumps(asyncio.run(handler_0({'a': ${i}}))))`, '');
  return lines.join('\n');
}

function buildPyCorpus(dir: string): { files: number; motor: number } {
  const r = mulberry32(0xb3c4);
  let motor = 0;
  for (let i = 0; i < PY_FILES; i++) {
    const sub = path.join(dir, `pkg${i % 40}`, `mod${Math.floor(i / 40) % 10}`);
    fs.mkdirSync(sub, { recursive: true });
    const isMotor = i % PY_RATE === PY_RATE - 1;
    if (isMotor) motor++;
    fs.writeFileSync(path.join(sub, `m${i}.py`), pythonFile(i, isMotor, r));
  }
  return { files: PY_FILES, motor };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement.

const TIME = fs.existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0 ? '/usr/bin/time' : undefined;

interface Measured {
  wallMs: number;
  rssMb?: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

function measureOnce(cmd: string, args: string[], cwd: string, tmp: string): Measured {
  const rssFile = path.join(tmp, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  let file = cmd;
  let argv = args;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: '1' };
  if (TIME) {
    file = TIME;
    argv = ['-f', '%M', '-o', rssFile, cmd, ...args];
  } else {
    // Every Node process of the run (jscodeshift forks workers) appends its own maxRSS (KB) at exit.
    const preload = path.join(tmp, 'rss-preload.cjs');
    if (!fs.existsSync(preload))
      fs.writeFileSync(preload, "process.on('exit', () => { try { require('fs').appendFileSync(process.env.BENCH_RSS_FILE, process.resourceUsage().maxRSS + '\\n'); } catch {} });\n");
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${preload}`.trim();
    env.BENCH_RSS_FILE = rssFile;
  }
  // A report file left by the previous repetition is removed first: truncating a just-written file makes ext4
  // flush it (auto_da_alloc), a stall of up to a few hundred ms that belongs to the file system, not the tool.
  const reportAt = args.indexOf('--report-file');
  if (reportAt >= 0 && args[reportAt + 1]) fs.rmSync(path.resolve(cwd, args[reportAt + 1]!), { force: true });
  const t0 = performance.now();
  const res = spawnSync(file, argv, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t0;
  let rssMb: number | undefined;
  try {
    const kb = fs
      .readFileSync(rssFile, 'utf8')
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => Number.isFinite(n) && n > 0);
    if (kb.length) rssMb = Math.max(...kb) / 1024;
    fs.rmSync(rssFile, { force: true });
  } catch {
    /* not measured */
  }
  if (res.error) throw res.error;
  return { wallMs, rssMb, status: res.status, stdout: res.stdout, stderr: res.stderr };
}

type Timed = Measured & { runs: number[] };

interface Job {
  cmd: string;
  args: string[];
}

/**
 * Every job once to warm up (file cache, module cache), then `repeat` rounds that run each job once, in turn: the
 * machine's speed drifts (other tenants), and interleaving gives every command the same share of fast and slow
 * moments, so that the ratios between them (paired round by round, see pairedRatio) do not follow the drift.
 */
function measureAll(jobs: Job[], cwd: string, tmp: string, repeat = REPEAT): Timed[] {
  for (const j of jobs) measureOnce(j.cmd, j.args, cwd, tmp);
  const runs: Measured[][] = jobs.map(() => []);
  for (let i = 0; i < repeat; i++) jobs.forEach((j, k) => runs[k]!.push(measureOnce(j.cmd, j.args, cwd, tmp)));
  return runs.map((list) => {
    const sorted = [...list].sort((a, b) => a.wallMs - b.wallMs);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const rss = list.map((r) => r.rssMb).filter((x): x is number => x !== undefined);
    return { ...median, rssMb: rss.length ? Math.max(...rss) : undefined, runs: list.map((r) => r.wallMs) };
  });
}

/** The median, over the rounds, of a's time divided by b's time in the same round. */
function pairedRatio(a: Timed, b: Timed): number {
  const r = a.runs.map((x, i) => x / b.runs[i]!).sort((x, y) => x - y);
  return r[Math.floor(r.length / 2)]!;
}

function which(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The reference for `check`: list the tree (same extensions, no node_modules) and search every file for 'motor'. */
const NODE_GREP = `
const fs = require('fs'), path = require('path');
const re = /\\.(?:[cm]?[jt]s|[jt]sx)$/;
let hits = 0, n = 0;
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '.git') walk(p); }
    else if (e.isFile() && re.test(e.name)) { n++; if (fs.readFileSync(p, 'latin1').includes('motor')) hits++; }
  }
})(process.argv[1]);
process.stdout.write(hits + ' of ' + n + ' files\\n');
`;

// ---------------------------------------------------------------------------------------------------------------

interface Row {
  name: string;
  files: number;
  m?: Measured & { runs: number[] };
  note: string;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: Row[]): string {
  const head = ['command', 'files', 'wall s (median)', 'files/s', 'peak RSS MB', 'notes'];
  const body = rows.map((r) =>
    r.m
      ? [r.name, fmt(r.files), (r.m.wallMs / 1000).toFixed(2), fmt(r.files / (r.m.wallMs / 1000)), r.m.rssMb !== undefined ? fmt(r.m.rssMb) : 'n/a', r.note]
      : [r.name, fmt(r.files), '-', '-', '-', r.note],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w, i) => (i >= 1 && i <= 4 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|', ...body.map(line)].join('\n');
}

function parseJsonReport(file: string): { summary: Record<string, number> } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  for (const f of [CLI, path.join(ROOT, 'dist', 'src', 'cli.js'), TRANSFORM, JSCODESHIFT]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run \`npm run bench\` (it builds first)`);
  }
  const cpus = os.cpus();
  console.log('mongo-codemod benchmark');
  console.log(
    `machine: ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}; node ${process.version}; ` +
      `availableParallelism ${os.availableParallelism?.() ?? cpus.length}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mongo-codemod-bench-'));
  const jsDir = path.join(tmp, 'js');
  const pyDir = path.join(tmp, 'py');
  try {
    let t0 = performance.now();
    const corpus = buildJsCorpus(jsDir);
    const total = corpus.real + corpus.wrappers;
    console.log(
      `JS/TS corpus: ${fmt(total)} files (${fmt(corpus.real)} copied from installed node_modules, ${fmt(corpus.wrappers)} generated wrapper files = 1 in ${WRAPPER_RATE}), ` +
        `${fmt(corpus.bytes / 2 ** 20, 1)} MiB, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    t0 = performance.now();
    const py = buildPyCorpus(pyDir);
    console.log(`Python corpus: ${fmt(py.files)} generated .py files (${py.motor} import motor = 1 in ${PY_RATE}), built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(
      `timing: median of ${REPEAT} rounds (each command once per round, in turn) after one warm-up run each; peak RSS via ${TIME ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS of each Node process'}`,
    );
    console.log(`corpus: ${tmp}${process.env.BENCH_KEEP ? ' (kept)' : ''}\n`);

    const rows: Row[] = [];
    const node = process.execPath;

    // (d) Python is measured only when the CLI handles .py files.
    const probeDir = path.join(tmp, 'py-probe');
    fs.mkdirSync(probeDir);
    fs.writeFileSync(path.join(probeDir, 'probe.py'), pythonFile(0, true, mulberry32(1)));
    const probe = spawnSync(node, [CLI, 'check', '--format', 'json', probeDir], { cwd: tmp, encoding: 'utf8' });
    let pyScanned = 0;
    try {
      pyScanned = (JSON.parse(probe.stdout) as { summary: { filesScanned: number } }).summary.filesScanned;
    } catch {
      pyScanned = 0;
    }

    // (a) run --dry-run, (b) check, (c) jscodeshift with our transform (--dry), (e) the references for check: rg -l
    // when installed (the issue's anchor), and always a bare Node read-and-search (one thread, what any Node tool
    // pays before doing anything), (d) Python. Measured interleaved (measureAll).
    const runReport = path.join(tmp, 'run.json');
    const checkReport = path.join(tmp, 'check.json');
    const pyReport = path.join(tmp, 'py.json');
    const rg = which('rg');
    const jobs: Record<string, Job> = {
      run: { cmd: node, args: [CLI, 'run', '--dry-run', '--format', 'json', '--report-file', runReport, jsDir] },
      check: { cmd: node, args: [CLI, 'check', '--format', 'json', '--report-file', checkReport, jsDir] },
      jscs: { cmd: node, args: [JSCODESHIFT, '-t', TRANSFORM, '--dry', `--extensions=${EXTENSIONS}`, '--ignore-pattern=**/node_modules/**', jsDir] },
      ...(rg ? { rg: { cmd: rg, args: ['-l', '--no-messages', '-g', `*.{${EXTENSIONS}}`, 'motor', jsDir] } } : {}),
      grep: { cmd: node, args: ['-e', NODE_GREP, jsDir] },
      ...(pyScanned > 0 ? { py: { cmd: node, args: [CLI, 'run', '--dry-run', '--format', 'json', '--report-file', pyReport, pyDir] } } : {}),
    };
    const names = Object.keys(jobs);
    const timed = measureAll(Object.values(jobs), tmp, tmp);
    const m = (name: string): Timed | undefined => timed[names.indexOf(name)];
    const run = m('run')!;
    const check = m('check')!;
    const jscs = m('jscs')!;

    const runSummary = parseJsonReport(runReport)?.summary;
    rows.push({
      name: 'mongo-codemod run --dry-run',
      files: total,
      m: run,
      note: runSummary
        ? `exit ${run.status}; scanned ${runSummary.filesScanned}, changed ${runSummary.filesChanged}, findings ${runSummary.findings}, errors ${runSummary.errors}`
        : `exit ${run.status}: no report`,
    });
    const checkSummary = parseJsonReport(checkReport)?.summary;
    rows.push({
      name: 'mongo-codemod check',
      files: total,
      m: check,
      note: checkSummary ? `exit ${check.status}; scanned ${checkSummary.filesScanned}, findings ${checkSummary.findings}` : `exit ${check.status}: no report`,
    });
    const counts = Object.fromEntries([...jscs.stdout.matchAll(/(\d+) (errors|unmodified|skipped|ok)/g)].map((x) => [x[2]!, Number(x[1])]));
    const workers = /Spawning (\d+) workers?/.exec(jscs.stdout)?.[1];
    rows.push({
      name: 'jscodeshift -t motor.cjs --dry',
      files: total,
      m: jscs,
      note: `exit ${jscs.status}; ${workers ?? '?'} worker(s); ok ${counts.ok ?? '?'}, unmodified ${counts.unmodified ?? '?'}, skipped ${counts.skipped ?? '?'}, errors ${counts.errors ?? '?'}`,
    });
    const refs: Row[] = [];
    const rgM = m('rg');
    if (rgM)
      refs.push({ name: 'rg -l motor', files: total, m: rgM, note: `${rgM.stdout.split('\n').filter(Boolean).length} files listed; ${os.availableParallelism?.() ?? os.cpus().length} threads` });
    const grepM = m('grep')!;
    refs.push({ name: 'node read+search', files: total, m: grepM, note: `${grepM.stdout.trim()} contain 'motor'` });
    rows.push(...refs);
    const pyM = m('py');
    if (pyM) {
      const s = parseJsonReport(pyReport)?.summary;
      rows.push({
        name: 'mongo-codemod run --dry-run (Python)',
        files: py.files,
        m: pyM,
        note: s ? `exit ${pyM.status}; scanned ${s.filesScanned}, changed ${s.filesChanged}, findings ${s.findings}, errors ${s.errors}` : `exit ${pyM.status}: no report`,
      });
    } else {
      rows.push({ name: 'mongo-codemod run --dry-run (Python)', files: py.files, note: 'python: not measured (engine not integrated)' });
    }
    // Where check's time goes (MONGO_CODEMOD_DEBUG phases, ms since the process started).
    const debug = spawnSync(node, [CLI, 'check', '--format', 'json', jsDir], { cwd: tmp, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, MONGO_CODEMOD_DEBUG: '1', CI: '1' } });
    const phases = [...debug.stderr.matchAll(/^\[mongo-codemod\] (.+): (\d+) ms$/gm)].map((x) => `${x[1]} ${x[2]}`);

    console.log(table(rows));
    console.log();
    const rate = (m: Measured, n: number) => n / (m.wallMs / 1000);
    // Ratios: the median of the per-round ratios (the two commands ran back to back in each round).
    console.log(`run --dry-run vs jscodeshift: ${pairedRatio(jscs, run).toFixed(1)}x faster (target >= 10x; ratio of the medians ${(rate(run, total) / rate(jscs, total)).toFixed(1)}x)`);
    for (const ref of refs)
      console.log(
        `check vs ${ref.name}: ${pairedRatio(check, ref.m as Timed).toFixed(2)}x the time (target <= 3x of rg -l, aim 2x; ratio of the medians ${(check.wallMs / ref.m!.wallMs).toFixed(2)}x)`,
      );
    if (phases.length) console.log(`check phases (ms since start): ${phases.join('; ')}`);
    const py2 = rows.find((r) => r.name.includes('Python'));
    if (py2?.m) console.log(`Python run --dry-run: ${fmt(rate(py2.m, py.files))} files/s (target >= 5,000)`);
    else console.log('python: not measured (engine not integrated)');
    const rss = rows.filter((r) => r.name.startsWith('mongo-codemod') && r.m?.rssMb !== undefined).map((r) => r.m!.rssMb!);
    if (rss.length) console.log(`mongo-codemod peak RSS: ${fmt(Math.max(...rss))} MB (target < 500 MB)`);
    console.log(
      `individual runs (s): ${rows
        .filter((r) => r.m)
        .map((r) => `${r.name}: ${r.m!.runs.map((x) => (x / 1000).toFixed(2)).join(' ')}`)
        .join('; ')}`,
    );
    for (const [name, m] of [
      ['run', run],
      ['check', check],
      ['jscodeshift', jscs],
    ] as const) {
      if (m.status !== 0 && !(name === 'check' && m.status === 1)) console.log(`warning: ${name} exited ${m.status}: ${m.stderr.slice(-500)}`);
    }
  } finally {
    if (!process.env.BENCH_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
