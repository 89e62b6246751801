/**
 * Filesystem fuzzing (issue 17): seeded random trees, within a fixed time budget, through the real CLI. Trees hold
 * symlinks (inside and out of the root, loops, to FIFOs and devices), hard links, FIFOs, odd names (spaces,
 * newlines, tabs, leading dashes, bytes that are not UTF-8), unreadable folders (read as an unprivileged user with
 * `setpriv --reuid=65534` when the tests run as root, since root reads everything), files edited and deleted during
 * the run, and runs killed with SIGKILL. Invariants: no hang; nothing written outside the root; every file either
 * original or fully migrated; every file not processed is named with a reason; a second run changes nothing but the files the first refused because they were edited during it; `check`
 * never exits 0 while a readable file still imports a legacy module, nor when a folder could not be read.
 *
 * FUZZ_SEED replays a run; FUZZ_FS_BUDGET_MS bounds it (default 25 s; at least two trees are always tried).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { ROOT } from './helpers/fixtures.js';
import { SERVICE } from './helpers/sample-project.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x17f5) >>> 0;
const BUDGET_MS = Number(process.env.FUZZ_FS_BUDGET_MS ?? 25_000);
const BIN = path.join(ROOT, 'bin/mongo-codemod.js');
const IS_ROOT = process.getuid?.() === 0;
const SETPRIV = IS_ROOT && spawnSync('setpriv', ['--version']).status === 0;

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

const LEGACY = "const legacy = require('mongodb-legacy');\nmodule.exports = legacy;\n";
const DECOY = "import { List } from 'immutable';\nexport const names = List(['a']).toList();\n";
const TEMPLATES = [SERVICE, LEGACY, DECOY, 'export const plain = 1;\n'];
const LEGACY_IMPORT = /require\(['"`](mongodb-legacy|motor)['"`]\)|from ['"](mongodb-legacy|motor)['"]/;

/** Name pieces: plain, spaces, tabs, newlines, a leading dash, a byte that is not UTF-8. */
function oddName(rnd: () => number, i: number): Buffer {
  const kinds = [
    () => Buffer.from(`f${i}.js`),
    () => Buffer.from(`with space ${i}.js`),
    () => Buffer.from(`tab\t${i}.js`),
    () => Buffer.from(`new\nline${i}.js`),
    () => Buffer.from(`-dash${i}.js`),
    () => Buffer.concat([Buffer.from(`bad${i}`), Buffer.from([0xff, 0xfe]), Buffer.from('.js')]),
  ];
  return kinds[Math.floor(rnd() * kinds.length)]!();
}

interface Tree {
  outer: string;
  root: string;
  outside: string;
  /** Regular files: relative path (bytes, latin1) -> original content. */
  files: Map<string, Buffer>;
  unreadable: boolean;
}

function makeTree(rnd: () => number, n: number): Tree {
  const outer = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-fuzzfs-')));
  fs.chmodSync(outer, 0o755);
  const root = path.join(outer, 'root');
  const outside = path.join(outer, 'outside');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'target.js'), SERVICE);
  execFileSync('mkfifo', [path.join(outside, 'fifo')]);
  const files = new Map<string, Buffer>();
  const count = 4 + Math.floor(rnd() * 10);
  for (let i = 0; i < count; i++) {
    const dir = rnd() < 0.3 ? 'sub' : '';
    const name = oddName(rnd, i);
    const rel = Buffer.concat([Buffer.from(dir ? `${dir}/` : ''), name]);
    const data = Buffer.from(TEMPLATES[Math.floor(rnd() * TEMPLATES.length)]!);
    fs.writeFileSync(Buffer.concat([Buffer.from(root + '/'), rel]), data);
    files.set(rel.toString('latin1'), data);
  }
  const anyFile = () => [...files.keys()][Math.floor(rnd() * files.size)]!;
  const links: [string, string][] = [
    [path.join(outside, 'target.js'), 'out-link.js'],
    [path.join(outside, 'fifo'), 'fifo-link.js'],
    ['/dev/zero', 'dev-link.js'],
    ['loop-b.js', 'loop-a.js'],
    ['loop-a.js', 'loop-b.js'],
    [outside, 'out-dir'],
  ];
  for (const [target, name] of links) if (rnd() < 0.6) fs.symlinkSync(target, path.join(root, name));
  if (rnd() < 0.5) execFileSync('mkfifo', [path.join(root, `fifo${n}.js`)]);
  if (rnd() < 0.5) {
    const f = anyFile();
    fs.linkSync(Buffer.concat([Buffer.from(root + '/'), Buffer.from(f, 'latin1')]), path.join(root, `hard${n}.js`));
    files.set(`hard${n}.js`, files.get(f)!);
  }
  let unreadable = false;
  if (SETPRIV && rnd() < 0.5) {
    fs.mkdirSync(path.join(root, 'locked'));
    fs.writeFileSync(path.join(root, 'locked/db.js'), LEGACY);
    unreadable = true;
  }
  if (rnd() < 0.5) {
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['add', '-A'], { cwd: root, stdio: 'ignore' });
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'x'], { cwd: root, stdio: 'ignore' });
  }
  if (unreadable) {
    // Everything readable by the unprivileged user but the locked folder.
    execFileSync('chown', ['-R', '65534:65534', root, outside]);
    fs.chownSync(path.join(root, 'locked'), 0, 0);
    fs.chmodSync(path.join(root, 'locked'), 0o700);
  }
  return { outer, root, outside, files, unreadable };
}

function read(tree: Tree, rel: string): Buffer | undefined {
  try {
    return fs.readFileSync(Buffer.concat([Buffer.from(tree.root + '/'), Buffer.from(rel, 'latin1')]));
  } catch {
    return undefined;
  }
}

function cli(tree: Tree, args: string[], asNobody: boolean) {
  const cmd = asNobody ? 'setpriv' : process.execPath;
  const argv = asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args] : [BIN, ...args];
  const r = spawnSync(cmd, argv, { cwd: tree.root, encoding: 'utf8', timeout: 90_000, env: { ...process.env, CI: 'true', NO_COLOR: '1', HOME: '/tmp' } });
  assert.equal(r.signal, null, `${args.join(' ')}: hung or killed (seed ${SEED})\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `${args.join(' ')} (seed ${SEED}): ${r.stderr}`);
  return r;
}

function outsideIntact(tree: Tree) {
  assert.equal(fs.readFileSync(path.join(tree.outside, 'target.js'), 'utf8'), SERVICE, `written outside the root (seed ${SEED})`);
  assert.ok(fs.lstatSync(path.join(tree.outside, 'fifo')).isFIFO());
  for (const name of ['out-link.js', 'fifo-link.js', 'dev-link.js', 'loop-a.js', 'out-dir']) {
    const st = fs.lstatSync(path.join(tree.root, name), { throwIfNoEntry: false });
    if (st) assert.ok(st.isSymbolicLink(), `${name} was replaced (seed ${SEED})`);
  }
}

function noTemporaryFiles(dir: string) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) assert.ok(!/\.mongo-codemod-\d+-[0-9a-f]+\.tmp$/.test(e.name), `temporary file left: ${e.name}`);
}

test(`filesystem fuzz: seeded trees within ${BUDGET_MS} ms (seed ${SEED})`, { skip: process.platform === 'win32' && 'POSIX filesystem features' }, async (t) => {
  if (IS_ROOT && !SETPRIV) t.diagnostic('setpriv not found: unreadable folders are not exercised (root reads everything)');
  const rnd = mulberry32(SEED);
  const started = Date.now();
  let trees = 0;
  let rerun = 0;
  while (trees < 2 || Date.now() - started < BUDGET_MS) {
    const tree = makeTree(rnd, trees);
    try {
      // check, as the unprivileged user when a folder is locked.
      const check = cli(tree, ['check', '--format', 'json', '.'], tree.unreadable);
      const legacyLeft = [...tree.files.values()].some((b) => LEGACY_IMPORT.test(b.toString('utf8')));
      if (legacyLeft || tree.unreadable) assert.notEqual(check.status, 0, `check passed over legacy code (seed ${SEED}, tree ${trees})\n${check.stdout}`);
      if (tree.unreadable) assert.match(check.stdout, /"locked\/"[\s\S]*?could not be read/);
      const report = JSON.parse(check.stdout) as { files: { path: string; status: string; reason?: string }[] };
      for (const f of report.files) if (f.status === 'skipped' || f.status === 'error') assert.ok(f.reason, `${f.path}: no reason`);
      outsideIntact(tree);

      // A killed run: every file original, or what a complete run writes.
      const killed = spawn(process.execPath, [BIN, 'run', '--force', '.'], { cwd: tree.root, env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
      // Listened for at once: a run that ends before the kill has already emitted 'exit'.
      const killedExit = new Promise((r) => killed.on('exit', r));
      await new Promise((r) => setTimeout(r, 200 + Math.floor(rnd() * 900)));
      killed.kill('SIGKILL');
      await killedExit;
      const afterKill = new Map([...tree.files.keys()].map((rel) => [rel, read(tree, rel)]));

      // A complete run, with files edited and deleted while it works.
      const edits = new Map<string, string>();
      const vanished = new Set<string>();
      const run = spawn(process.execPath, [BIN, 'run', '--force', '--format', 'json', '.'], { cwd: tree.root, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      run.stderr.on('data', (d) => (stderr += d));
      const keys = [...tree.files.keys()];
      let exited = false;
      const exit = new Promise<number | null>((r) => run.on('exit', (c) => ((exited = true), r(c))));
      for (let i = 0; i < 3 && !exited; i++) {
        await new Promise((r) => setTimeout(r, 50 + Math.floor(rnd() * 300)));
        const rel = keys[Math.floor(rnd() * keys.length)]!;
        const abs = Buffer.concat([Buffer.from(tree.root + '/'), Buffer.from(rel, 'latin1')]);
        const line = `// edit ${i}\n`;
        try {
          if (rnd() < 0.25 && !edits.has(rel)) {
            // A file that vanishes during the run: no crash, and it stays gone.
            fs.unlinkSync(abs);
            vanished.add(rel);
          } else if (!vanished.has(rel)) {
            fs.appendFileSync(abs, line);
            edits.set(rel, (edits.get(rel) ?? '') + line);
          }
        } catch {
          /* locked */
        }
      }
      const code = await exit;
      assert.doesNotMatch(stderr, /internal error|\n\s+at /, `run (seed ${SEED}): ${stderr}`);
      assert.notEqual(code, null);
      noTemporaryFiles(tree.root);
      outsideIntact(tree);
      for (const rel of vanished) assert.equal(read(tree, rel), undefined, `${JSON.stringify(rel)} came back after it was deleted (seed ${SEED})`);
      for (const [rel, appended] of edits) {
        const now = read(tree, rel);
        if (now) assert.ok(now.toString('latin1').includes(appended), `${JSON.stringify(rel)}: an edit made during the run was lost (seed ${SEED})`);
      }
      const final = new Map([...tree.files.keys()].map((rel) => [rel, read(tree, rel)]));
      for (const [rel, original] of tree.files) {
        const k = afterKill.get(rel);
        if (!k || edits.has(rel) || vanished.has(rel)) continue;
        assert.ok(k.equals(original) || k.equals(final.get(rel) ?? Buffer.alloc(0)), `${JSON.stringify(rel)}: after SIGKILL neither original nor migrated (seed ${SEED})`);
      }

      // A second run changes nothing, except the files the complete run refused to write because they were edited
      // while it worked ("run again"): those it migrates, and a third run changes nothing at all.
      type RunReport = { summary: { filesChanged: number }; files: { path: string; status: string; reason?: string }[] };
      // The report, after any notice the run printed first (the temporary files the killed run left, removed).
      const first = JSON.parse(stderr.slice(Math.max(0, stderr.search(/^\{/m)))) as RunReport;
      const refused = new Set(first.files.filter((f) => f.status === 'error' && /changed during the run/.test(f.reason ?? '')).map((f) => f.path));
      const again = cli(tree, ['run', '--force', '--format', 'json', '.'], false);
      const second = JSON.parse(again.stderr) as RunReport;
      for (const f of second.files.filter((x) => x.status === 'changed')) assert.ok(refused.has(f.path), `the second run changed ${JSON.stringify(f.path)} (seed ${SEED})`);
      if (refused.size) {
        rerun += refused.size;
        const third = JSON.parse(cli(tree, ['run', '--force', '--format', 'json', '.'], false).stderr) as RunReport;
        assert.equal(third.summary.filesChanged, 0, `the third run changed files (seed ${SEED})`);
      } else {
        assert.equal(second.summary.filesChanged, 0, `the second run changed files (seed ${SEED})`);
        for (const [rel, before] of final) assert.ok((read(tree, rel) ?? Buffer.alloc(0)).equals(before ?? Buffer.alloc(0)), `${JSON.stringify(rel)} changed in the second run`);
      }
    } finally {
      fs.rmSync(tree.outer, { recursive: true, force: true });
    }
    trees++;
  }
  t.diagnostic(`${trees} trees in ${Date.now() - started} ms; ${rerun} files edited during a run were migrated by the next`);
});
