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
import { SERVICE, FLAGGED } from './helpers/sample-project.js';

const BIN = path.join(ROOT, 'bin/mongo-codemod.js');

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

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
    assert.ok(win.startsWith("\uFEFFimport { MongoClient } from 'mongodb';\r\n"), 'BOM and CRLF kept');
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
    assert.deepEqual({ file: f.file, line: f.line, column: f.column, severity: f.severity }, { file: 'src/flagged.js', line: 11, column: 10, severity: 'error' });
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
    // A root .gitignore: patterns anchored at the root, and a pattern for a directory at any depth.
    fs.mkdirSync(path.join(dir, 'b/tmp'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.gitignore'), '/b/skip.js\ntmp/\n');
    fs.writeFileSync(path.join(dir, 'b/skip.js'), SERVICE);
    fs.writeFileSync(path.join(dir, 'b/tmp/x.js'), SERVICE);
    fs.writeFileSync(path.join(dir, 'b/take.js'), SERVICE);
    fs.writeFileSync(path.join(dir, 'a/skip.js'), SERVICE); // `/b/skip.js` is anchored: a/skip.js stays
    const r = cli(['check', '--format', 'json', '.'], dir);
    const files = new Set(JSON.parse(r.stdout).findings.map((f: { file: string }) => f.file));
    assert.deepEqual([...files].sort(), ['a/keep.js', 'a/skip.js', 'b/take.js']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('mongo-codemod CLI: config file, baselines, --quiet, CI formats', () => {
  const ids = (stdout: string): string[] => JSON.parse(stdout).findings.map((f: { ruleId: string }) => f.ruleId);

  test('mongo-codemod.config.json sets options, CLI flags override it, --no-config ignores it', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), JSON.stringify({ preset: 'native', format: 'json', ignore: ['src/windows.js'] }));
    const viaConfig = cli(['check', 'src'], dir);
    assert.equal(viaConfig.code, 0, viaConfig.stdout + viaConfig.stderr);
    assert.ok(!ids(viaConfig.stdout).includes('motor/legacy-import'), 'preset native from the config');
    const overridden = cli(['check', '--preset', 'auto', 'src'], dir);
    assert.equal(overridden.code, 1);
    const report = JSON.parse(overridden.stdout);
    assert.ok(ids(overridden.stdout).includes('motor/legacy-import'), '--preset overrides the config');
    assert.ok(!report.findings.some((f: { file: string }) => f.file === 'src/windows.js'), 'ignore patterns from the config');
    const text = cli(['check', '--preset', 'auto', '--format', 'text', 'src'], dir);
    assert.match(text.stdout, /^\d+ findings? \(/m, '--format overrides the config');
    const noConfig = cli(['check', '--no-config', '--format', 'json', 'src'], dir);
    assert.ok(JSON.parse(noConfig.stdout).findings.some((f: { file: string }) => f.file === 'src/windows.js'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the mongo-codemod key of package.json is read when there is no config file; unknown keys exit 2 naming the key', () => {
    const dir = project();
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, 'mongo-codemod': { format: 'json', quiet: true } }));
    const r = cli(['check', '.'], dir);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).tool, 'mongo-codemod');
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), '{ "preset": "motor", "wrapperModule": ["x"] }');
    const bad = cli(['check', '.'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /mongo-codemod\.config\.json: unknown key 'wrapperModule'/);
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), '{ "toList": "array" }');
    assert.match(cli(['run', '--dry-run', '.'], dir).stderr, /'toList' must be 'loop' or 'to-array'/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('check --max-warnings: more warnings than allowed fail the check, as with ESLint; errors fail whatever it says', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-maxw-'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "dependencies": { "mongodb": "^6.0.0" } }');
    // A callback passed by name on a receiver the codemod cannot follow (the collection's name is a variable): a warning.
    fs.writeFileSync(path.join(dir, 'store.js'), 'module.exports = (db, name, cb) => db.collection(name).findOne({}, cb);\n');
    const plain = cli(['check', '--format', 'json', '.'], dir);
    assert.equal(plain.code, 0, plain.stdout);
    assert.equal(JSON.parse(plain.stdout).findings.filter((f: { severity: string }) => f.severity === 'warning').length, 1);
    assert.equal(cli(['check', '--max-warnings', '1', '.'], dir).code, 0);
    const strict = cli(['check', '--max-warnings', '0', '.'], dir);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /1 warning found \(--max-warnings 0\)/);
    assert.equal(cli(['check', '--max-warnings', 'many', '.'], dir).code, 2);
    // The collection shape (`x.collection('name')`), or an err-first callback written out, is an error: mongodb 5+
    // ignores the callback.
    fs.writeFileSync(path.join(dir, 'store.js'), "module.exports = (db, cb) => db.collection('users').findOne({}, cb);\n");
    assert.equal(cli(['check', '.'], dir).code, 1);
    fs.writeFileSync(path.join(dir, 'store.js'), 'module.exports = (db, name, cb) => db.collection(name).findOne({}, (err, r) => cb(err, r));\n');
    assert.equal(cli(['check', '.'], dir).code, 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--write-baseline records the findings; --baseline fails only on new ones, even when code moves', () => {
    const dir = project();
    const w = cli(['check', '--write-baseline', 'mongo-baseline.json', '--format', 'json', '.'], dir);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /wrote \d+ findings to the baseline mongo-baseline\.json/);
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, 'mongo-baseline.json'), 'utf8'));
    const total = JSON.parse(w.stdout).summary.findings;
    assert.equal(baseline.findings.length, total);
    const same = cli(['check', '--baseline', 'mongo-baseline.json', '--format', 'json', '.'], dir);
    assert.equal(same.code, 0, same.stdout);
    const rep = JSON.parse(same.stdout);
    assert.deepEqual([rep.summary.findings, rep.summary.baselined], [0, total]);
    assert.deepEqual(Object.keys(rep.summary), ['filesScanned', 'filesChanged', 'filesSkipped', 'findings', 'suppressed', 'errors', 'baselined']);
    // Code moves down: still the same findings.
    const flagged = path.join(dir, 'src/flagged.js');
    fs.writeFileSync(flagged, '// a header\n\n' + fs.readFileSync(flagged, 'utf8'));
    assert.equal(cli(['check', '--baseline', 'mongo-baseline.json', '.'], dir).code, 0);
    // A new legacy call fails, alone.
    fs.appendFileSync(flagged, 'export const more = () => people.find({ more: true }).toList(0);\n');
    const fresh = cli(['check', '--baseline', 'mongo-baseline.json', '--format', 'text', '.'], dir);
    assert.equal(fresh.code, 1);
    assert.match(fresh.stdout, /^1 finding \(1 error, 0 warnings, 0 info\).*, \d+ in baseline;/m);
    assert.match(fresh.stdout, /src\/flagged\.js\n {2}15:\d+ {2}error/);
    // The baseline can come from the config file too; a missing baseline is a usage error.
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), '{ "baseline": "mongo-baseline.json" }');
    assert.match(cli(['check', '--format', 'stylish', '.'], dir).stdout, /\d+ in baseline/);
    const missing = cli(['check', '--baseline', 'nope.json', '.'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--baseline nope\.json: file not found/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--quiet reports only errors; exit codes do not change', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'src/reexport.js'), "export * from 'motor';\n");
    const all = cli(['check', '--format', 'json', '.'], dir);
    const quiet = cli(['check', '--quiet', '--format', 'json', '.'], dir);
    assert.equal(quiet.code, all.code);
    const sev = (s: string) => JSON.parse(s).findings.map((f: { severity: string }) => f.severity);
    assert.ok(
      sev(all.stdout).some((s: string) => s !== 'error'),
      'the project has non-error findings',
    );
    assert.ok(sev(quiet.stdout).length > 0);
    assert.ok(sev(quiet.stdout).every((s: string) => s === 'error'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--format sarif and --format github (with $GITHUB_STEP_SUMMARY) keep the exit codes', () => {
    const dir = project();
    const sarif = cli(['check', '--format', 'sarif', '.'], dir);
    assert.equal(sarif.code, 1);
    const log = JSON.parse(sarif.stdout);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif/);
    const result = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'motor/to-list-zero');
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'src/flagged.js');
    assert.ok(result.partialFingerprints['mongoCodemod/v1']);
    const summary = path.join(dir, '..', path.basename(dir) + '-summary.md');
    fs.writeFileSync(summary, '');
    const gh = cli(['check', '--format', 'github', '.'], dir, { GITHUB_STEP_SUMMARY: summary });
    assert.equal(gh.code, 1);
    assert.match(gh.stdout, /^::error file=src\/flagged\.js,line=11,endLine=11,col=10,endColumn=\d+,title=/m);
    assert.match(fs.readFileSync(summary, 'utf8'), /^#+ .*mongo-codemod/im);
    const clean = cli(['check', '--format', 'github', 'src/decoy.js'], dir, { GITHUB_STEP_SUMMARY: summary });
    assert.equal(clean.code, 0);
    const dry = cli(['run', '--dry-run', '--format', 'sarif', '.'], dir);
    assert.equal(dry.code, 0);
    assert.equal(JSON.parse(dry.stderr).version, '2.1.0');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(summary, { force: true });
  });

  test('config ignore patterns also keep `run` away from the files', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), '{ "ignore": ["src/service.js"] }');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'config');
    assert.equal(cli(['run', '.'], dir).code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'src/service.js'), 'utf8'), SERVICE);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('run --annotate leaves markers; check fails on them; a second run adds none', () => {
    const dir = project();
    assert.equal(cli(['run', '--annotate', '.'], dir).code, 0);
    const text = fs.readFileSync(path.join(dir, 'src/flagged.js'), 'utf8');
    assert.match(text, /^ {2}\/\/ mongo-codemod: motor\/to-list-zero — /m);
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'annotated');
    assert.equal(cli(['run', '--annotate', '.'], dir).code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'src/flagged.js'), 'utf8'), text);
    const r = cli(['check', '--format', 'json', '.'], dir);
    assert.equal(r.code, 1);
    assert.ok(ids(r.stdout).includes('mongo-codemod/marker'));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

test('the worker pool produces exactly what in-process processing produces', () => {
  const dir = project();
  const inProcess = cli(['run', '--dry-run', '--format', 'json', '.'], dir, { MONGO_CODEMOD_THREADS: '1' });
  const pooled = cli(['run', '--dry-run', '--format', 'json', '.'], dir, { MONGO_CODEMOD_THREADS: '2' });
  assert.equal(pooled.code, inProcess.code);
  assert.equal(pooled.stdout, inProcess.stdout);
  assert.ok(pooled.stdout.length > 0);
  assert.deepEqual(JSON.parse(pooled.stderr).findings, JSON.parse(inProcess.stderr).findings);
  fs.rmSync(dir, { recursive: true, force: true });
});
