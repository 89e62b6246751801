/**
 * The package works from its tarball on a clean machine: `npm pack`, install the tarball into a fresh project, then
 * `npx mongo-codemod run --dry-run <dir>`, `npx --package=<tarball> mongo-codemod run --dry-run <dir>` and
 * `npx jscodeshift -t node_modules/mongo-codemod/dist/transforms/motor.cjs <file>`.
 *
 * Installs are offline first (npm's cache); when the cache lacks a dependency they fall back to the registry.
 * Skipped only when npm itself is not available. `npm pack --ignore-scripts`: the packed dist/ is the one the test
 * runs from (packing must not rebuild it under the other tests' feet).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers/fixtures.js';
import { SERVICE } from './helpers/sample-project.js';

const MIGRATED = `import { MongoClient } from 'mongodb';

const client = new MongoClient(process.env.MONGO_URL);
const orders = client.db('shop').collection('orders');

export async function open() {
  const rows = [];
  for await (const row of orders.find({ open: true })) {
    rows.push(row);
  }
  return rows;
}
`;

const PY = `from motor import motor_asyncio

client = motor_asyncio.AsyncIOMotorClient()
`;

const env = { ...process.env, CI: 'true', NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function sh(cmd: string, args: string[], cwd: string, timeout = 60_000, extraEnv: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...env, ...extraEnv }, timeout });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function npmAvailable(): boolean {
  const r = spawnSync('npm', ['--version'], { encoding: 'utf8', env });
  return !r.error && r.status === 0;
}

test('the npm tarball works on a clean project: CLI via npx and the jscodeshift transform', { timeout: 150_000 }, (t) => {
  if (!npmAvailable()) {
    t.skip('npm is not available on PATH: cannot pack and install the tarball');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-pack-'));
  try {
    const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
    assert.equal(pack.code, 0, pack.stderr);
    const info = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = path.join(tmp, info[0]!.filename);
    const shipped = new Set(info[0]!.files.map((f) => f.path));
    for (const needed of [
      'bin/mongo-codemod.js',
      'dist/src/cli.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/transforms/motor.cjs',
      'dist/wasm/tree-sitter-python.wasm',
      'dist/bundle/mongo-codemod.cjs',
      'dist/bundle/worker.js',
      'package.json',
    ])
      assert.ok(shipped.has(needed), `${needed} is in the tarball`);
    assert.deepEqual(
      [...shipped].filter((p) => p.endsWith('.cache')),
      [],
      "no V8 code cache is shipped (it fits only the publisher's exact V8)",
    );

    const proj = path.join(tmp, 'proj');
    fs.mkdirSync(path.join(proj, 'fx'), { recursive: true });
    fs.writeFileSync(path.join(proj, 'package.json'), '{ "name": "clean-project", "version": "1.0.0", "private": true }\n');
    fs.writeFileSync(path.join(proj, 'fx/service.js'), SERVICE);
    fs.writeFileSync(path.join(proj, 'fx/db.py'), PY);
    const install = (extra: string[]) => sh('npm', ['install', ...extra, '--no-audit', '--no-fund', '--ignore-scripts', tarball], proj, 120_000);
    let inst = install(['--offline']);
    if (inst.code !== 0) inst = install(['--prefer-offline']);
    assert.equal(inst.code, 0, `npm install of the tarball failed:\n${inst.stderr}`);

    // The CLI from the installed tarball.
    const dry = sh('npx', ['--no-install', 'mongo-codemod', 'run', '--dry-run', 'fx'], proj);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^diff --git a\/fx\/service\.js b\/fx\/service\.js$/m);
    assert.match(dry.stdout, /^-import \{ AsyncIOMotorClient \} from 'motor';\n\+import \{ MongoClient \} from 'mongodb';$/m);
    assert.match(dry.stdout, /^\+ {2}for await \(const row of orders\.find\(\{ open: true \}\)\) \{$/m);
    assert.match(dry.stdout, /^diff --git a\/fx\/db\.py b\/fx\/db\.py$/m, 'the Python engine (wasm grammar) works from the tarball');
    assert.match(dry.stdout, /^\+client = AsyncMongoClient\(\)$/m);
    assert.match(dry.stderr, /2 files scanned, 2 changed/);
    assert.equal(fs.readFileSync(path.join(proj, 'fx/service.js'), 'utf8'), SERVICE, 'dry run wrote nothing');

    // The programmatic API resolves through the package's "exports".
    const api = sh(
      process.execPath,
      ['--input-type=module', '-e', "import { migrate } from 'mongo-codemod'; const r = await migrate({ source: process.argv[1], path: 'a.js' }); process.stdout.write(r.output);", SERVICE],
      proj,
    );
    assert.equal(api.code, 0, api.stderr);
    assert.equal(api.stdout, MIGRATED);

    // npx straight from the tarball (no install into the project).
    const viaTarball = sh('npx', ['--yes', '--prefer-offline', `--package=${tarball}`, 'mongo-codemod', 'run', '--dry-run', 'fx'], proj, 90_000);
    assert.equal(viaTarball.code, 0, viaTarball.stderr);
    assert.equal(viaTarball.stdout, dry.stdout);

    // jscodeshift (a dependency of mongo-codemod, installed with it) with the built transform.
    const js = sh('npx', ['--no-install', 'jscodeshift', '-t', 'node_modules/mongo-codemod/dist/transforms/motor.cjs', 'fx/service.js'], proj, 90_000);
    assert.equal(js.code, 0, js.stderr + js.stdout);
    assert.match(js.stdout, /1 ok/);
    assert.equal(fs.readFileSync(path.join(proj, 'fx/service.js'), 'utf8'), MIGRATED);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
