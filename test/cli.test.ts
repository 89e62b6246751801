/**
 * End to end through bin/mongo-codemod.js: the CLI contract (exit codes, dry-run diff that `git apply` accepts,
 * dirty-tree refusal, reports, ignore comments, bad input left byte-identical, idempotent second run).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { ROOT } from './helpers/fixtures.js';

const BIN = path.join(ROOT, 'bin/mongo-codemod.js');

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const SERVICE = `import { AsyncIOMotorClient } from 'motor';

const client = new AsyncIOMotorClient(process.env.MONGO_URL);
const orders = client.getDatabase('shop').getCollection('orders');

export async function open() {
  const rows = await orders.find({ open: true }).toList();
  return rows;
}
`;

const FLAGGED = `import { AsyncIOMotorClient } from 'motor';

const people = new AsyncIOMotorClient(process.env.MONGO_URL).getDatabase('hr').getCollection('people');

export function each(cb) {
  // mongo-codemod-ignore motor/cursor-each -- kept until the report job is rewritten
  people.find({}).each(cb);
}

export async function none() {
  return people.find({}).toList(0);
}
`;

const DECOY = `import { List } from 'immutable';
export const names = List(['a']).toList();
`;

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-cli-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src/service.js'), SERVICE);
  fs.writeFileSync(path.join(dir, 'src/flagged.js'), FLAGGED);
  fs.writeFileSync(path.join(dir, 'src/decoy.js'), DECOY);
  // CRLF and a BOM survive exactly.
  fs.writeFileSync(path.join(dir, 'src/windows.js'), '\uFEFF' + SERVICE.replace(/\n/g, '\r\n'));
  fs.writeFileSync(path.join(dir, 'src/tool.mjs'), SERVICE);
  fs.chmodSync(path.join(dir, 'src/tool.mjs'), 0o755);
  fs.writeFileSync(path.join(dir, 'package.json'), '{\n  "name": "shop",\n  "dependencies": {\n    "express": "^4.21.0",\n    "motor": "^2.0.0"\n  }\n}\n');
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{\n  "packages": {\n    "node_modules/motor": { "version": "2.0.0" }\n  }\n}\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'ignored/\n');
  fs.mkdirSync(path.join(dir, 'ignored'));
  fs.writeFileSync(path.join(dir, 'ignored/skip.js'), SERVICE);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
  return dir;
}

function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

describe('mongo-codemod CLI', () => {
  test('run --dry-run prints a diff that git apply accepts and that equals what run writes', () => {
    const dir = project();
    const before = snapshot(dir);
    const dry = cli(['run', '--dry-run', '.'], dir);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(snapshot(dir), before, 'dry run wrote something');
    assert.match(dry.stdout, /^diff --git a\/package\.json b\/package\.json$/m);
    assert.match(dry.stdout, /^diff --git a\/src\/windows\.js b\/src\/windows\.js$/m);
    assert.doesNotMatch(dry.stdout, /decoy\.js|ignored\/skip\.js/);
    // The report goes to stderr, never into the diff.
    assert.match(dry.stderr, /files scanned/);
    const patch = path.join(dir, '..', path.basename(dir) + '.patch');
    fs.writeFileSync(patch, dry.stdout);
    git(dir, 'apply', '--check', patch);
    git(dir, 'apply', patch);
    const applied = snapshot(dir);
    git(dir, 'checkout', '-q', '.');
    const run = cli(['run', '.'], dir);
    assert.equal(run.code, 0, run.stderr);
    const written = snapshot(dir);
    assert.deepEqual([...applied.keys()].sort(), [...written.keys()].sort());
    for (const [k, v] of written) assert.ok(applied.get(k)!.equals(v), `${k} differs between git apply and run`);
    const win = written.get('src/windows.js')!.toString('utf8');
    assert.ok(win.startsWith('\uFEFFimport { MongoClient } from \'mongodb\';\r\n'), 'BOM and CRLF kept');
    assert.ok(!/[^\r]\n/.test(win), 'every line ending stays CRLF');
    assert.equal(written.get('src/decoy.js')!.toString(), DECOY);
    assert.equal(written.get('ignored/skip.js')!.toString(), SERVICE, 'git-ignored file untouched');
    assert.equal(fs.statSync(path.join(dir, 'src/tool.mjs')).mode & 0o777, 0o755, 'file mode kept');
    assert.match(written.get('package.json')!.toString(), /"mongodb": "\^7\.0\.0"/);
    assert.match(run.stderr, /package-lock\.json/, 'stale lockfile reported');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(patch, { force: true });
  });

  test('a second run changes nothing', () => {
    const dir = project();
    assert.equal(cli(['run', '.'], dir).code, 0);
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'migrated');
    const first = snapshot(dir);
    const again = cli(['run', '--format', 'json', '.'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stderr).summary.filesChanged, 0);
    assert.deepEqual(snapshot(dir), first);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('run refuses a dirty git tree without --force, and writes nothing', () => {
    const dir = project();
    fs.appendFileSync(path.join(dir, 'src/decoy.js'), '// local edit\n');
    const before = snapshot(dir);
    const r = cli(['run', '.'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /uncommitted changes/);
    assert.deepEqual(snapshot(dir), before);
    const forced = cli(['run', '--force', '.'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(fs.readFileSync(path.join(dir, 'src/service.js'), 'utf8'), SERVICE);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('check: exit 1 while legacy usage remains, JSON report shape, ignore comments counted', () => {
    const dir = project();
    const r = cli(['check', '--format', 'json', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.tool, 'mongo-codemod');
    assert.deepEqual(Object.keys(report.summary), ['filesScanned', 'filesChanged', 'filesSkipped', 'findings', 'suppressed', 'errors']);
    assert.equal(report.summary.suppressed, 1);
    assert.equal(report.summary.filesChanged, 0);
    const ids = report.findings.map((f: { ruleId: string }) => f.ruleId);
    assert.ok(ids.includes('motor/legacy-import'));
    assert.ok(ids.includes('motor/legacy-dependency'));
    assert.ok(ids.includes('motor/to-list-zero'));
    assert.ok(!ids.includes('motor/cursor-each'), 'suppressed by the ignore comment');
    const f = report.findings.find((x: { ruleId: string }) => x.ruleId === 'motor/to-list-zero');
    assert.deepEqual(
      { file: f.file, line: f.line, column: f.column, severity: f.severity },
      { file: 'src/flagged.js', line: 11, column: 10, severity: 'error' },
    );
    assert.deepEqual(Object.keys(f), ['ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'fix']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('check after run: only what was flagged remains', () => {
    const dir = project();
    fs.rmSync(path.join(dir, 'src/flagged.js'));
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'x');
    assert.equal(cli(['run', '.'], dir).code, 0);
    const r = cli(['check', '--format', 'json', '.'], dir);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(JSON.parse(r.stdout).summary.findings, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a file that does not parse is reported, left byte-identical, exit 3; the others are still migrated', () => {
    const dir = project();
    const broken = "import { AsyncIOMotorClient } from 'motor';\nconst x = ;\n";
    fs.writeFileSync(path.join(dir, 'src/broken.js'), broken);
    fs.writeFileSync(path.join(dir, 'src/latin1.js'), Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0x0a, 0x6d, 0x6f, 0x74, 0x6f, 0x72, 0x0a]));
    const r = cli(['run', '--force', '--format', 'json', '.'], dir);
    assert.equal(r.code, 3, r.stderr);
    const report = JSON.parse(r.stderr);
    const broke = report.files.find((f: { path: string }) => f.path === 'src/broken.js');
    assert.equal(broke.status, 'error');
    assert.match(broke.reason, /parse error at 2:11/);
    const latin = report.files.find((f: { path: string }) => f.path === 'src/latin1.js');
    assert.deepEqual([latin.status, latin.reason], ['skipped', 'not valid UTF-8']);
    assert.equal(fs.readFileSync(path.join(dir, 'src/broken.js'), 'utf8'), broken);
    assert.notEqual(fs.readFileSync(path.join(dir, 'src/service.js'), 'utf8'), SERVICE);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('usage and configuration errors exit 2', () => {
    const dir = project();
    assert.equal(cli(['run', '--bogus'], dir).code, 2);
    assert.equal(cli(['check', '--preset', 'nope', '.'], dir).code, 2);
    assert.equal(cli(['check', 'does-not-exist'], dir).code, 2);
    fs.writeFileSync(path.join(dir, 'spec.json'), '{ "modules": [], "extra": 1 }');
    const bad = cli(['check', '--wrapper', 'spec.json', '.'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown key 'extra'/);
    assert.equal(cli(['check', '--format', 'xml', '.'], dir).code, 2);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('presets lists the presets; --report-file writes the report there', () => {
    const dir = project();
    const p = cli(['presets'], dir);
    assert.equal(p.code, 0);
    assert.match(p.stdout, /^motor\b/m);
    const r = cli(['check', '--format', 'json', '--report-file', 'out/report.json', 'src/decoy.js'], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'out/report.json'), 'utf8')).summary.filesScanned, 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('outside git, .gitignore files are honoured and node_modules is skipped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-nogit-'));
    fs.mkdirSync(path.join(dir, 'a/gen'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules/motor'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a/.gitignore'), 'gen/\n!keep.js\n');
    fs.writeFileSync(path.join(dir, 'a/gen/x.js'), SERVICE);
    fs.writeFileSync(path.join(dir, 'a/keep.js'), SERVICE);
    fs.writeFileSync(path.join(dir, 'node_modules/motor/index.js'), SERVICE);
    const r = cli(['check', '--format', 'json', '.'], dir);
    const files = new Set(JSON.parse(r.stdout).findings.map((f: { file: string }) => f.file));
    assert.deepEqual([...files], ['a/keep.js']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
