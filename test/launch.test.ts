/**
 * The CLI bundle and its code cache (src/launch.ts, built by scripts/build.mjs): the installed CLI starts from the
 * cache and behaves exactly like the plain tsc build; a cache that does not belong to the bundle (made for another
 * build, or damaged) is never used, and the CLI then compiles as usual and behaves the same.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers/fixtures.js';
import { FLAGGED, SERVICE } from './helpers/sample-project.js';
import { codeCacheFile } from '../src/launch.js';

const BUNDLE = path.join(ROOT, 'dist/bundle/mongo-codemod.cjs');
const LAUNCH = pathToFileURL(path.join(ROOT, 'dist/src/launch.js')).href;
const CLI = pathToFileURL(path.join(ROOT, 'dist/src/cli.js')).href;
const ARGS = ['run', '--dry-run', '.'];
const env = { ...process.env, CI: 'true', NO_COLOR: '1', MONGO_CODEMOD_DEBUG: '1' };

/** Runs `main(ARGS)` from an ES module given as code, in a child process; the cache state from the debug line. */
function node(code: string, cwd: string) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, state: /\[mongo-codemod\] code cache: (\w+)/.exec(r.stderr)?.[1], stderr: r.stderr };
}

const viaBundle = (bundle: string, cwd: string) =>
  node(`import { loadBundle } from ${JSON.stringify(LAUNCH)}; process.exitCode = await loadBundle(${JSON.stringify(bundle)}).main(${JSON.stringify(ARGS)});`, cwd);

describe('CLI bundle with its code cache', () => {
  let project: string;
  let copy: string;
  let expected: ReturnType<typeof node>;
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-launch-'));
    fs.mkdirSync(path.join(project, 'src'));
    fs.writeFileSync(path.join(project, 'src/service.js'), SERVICE);
    fs.writeFileSync(path.join(project, 'src/flagged.js'), FLAGGED);
    // The plain tsc build is the reference: no bundle, no cache.
    expected = node(`import { main } from ${JSON.stringify(CLI)}; process.exitCode = await main(${JSON.stringify(ARGS)});`, project);
    assert.equal(expected.code, 0, expected.stderr);
    assert.match(expected.stdout, /\+import \{ MongoClient \} from 'mongodb';/);
    // A copy of the package layout the bundle expects (../../package.json, node_modules) with its own bundle.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-launch-pkg-'));
    fs.mkdirSync(path.join(copy, 'dist/bundle'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  });
  after(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(copy, { recursive: true, force: true });
  });

  /** Puts a bundle (the built one, maybe edited) and a cache file into the copy; returns the bundle's path. */
  function install(bundle: Buffer, cache: Buffer): string {
    const file = path.join(copy, 'dist/bundle/mongo-codemod.cjs');
    fs.writeFileSync(file, bundle);
    fs.writeFileSync(codeCacheFile(file), cache);
    return file;
  }

  test('the built CLI starts from its code cache and prints what the tsc build prints', () => {
    // Strict mode, like the ES modules it is made of: the directive is the script's first statement.
    assert.match(fs.readFileSync(BUNDLE, 'utf8'), /^'use strict';\n/);
    assert.ok(fs.existsSync(codeCacheFile(BUNDLE)), 'the build made no code cache for this Node');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/mongo-codemod.js'), ...ARGS], { cwd: project, encoding: 'utf8', env });
    assert.equal(/\[mongo-codemod\] code cache: (\w+)/.exec(r.stderr)?.[1], 'used');
    assert.equal(r.status, expected.code);
    assert.equal(r.stdout, expected.stdout);
  });

  test('a copy of the bundle with its cache uses it', () => {
    const file = install(fs.readFileSync(BUNDLE), fs.readFileSync(codeCacheFile(BUNDLE)));
    const r = viaBundle(file, project);
    assert.equal(r.state, 'used', r.stderr);
    assert.deepEqual([r.code, r.stdout], [expected.code, expected.stdout]);
  });

  test('a cache made for another bundle of the same length is not offered', () => {
    // V8 itself checks only the source's length: the digest is what keeps stale bytecode out.
    const source = fs.readFileSync(BUNDLE, 'utf8');
    const edited = source.replace('// src/cli.ts', '// src/cli.tx');
    assert.notEqual(edited, source);
    assert.equal(Buffer.byteLength(edited), Buffer.byteLength(source));
    const file = install(Buffer.from(edited), fs.readFileSync(codeCacheFile(BUNDLE)));
    const r = viaBundle(file, project);
    assert.equal(r.state, 'none', r.stderr);
    assert.deepEqual([r.code, r.stdout], [expected.code, expected.stdout]);
  });

  test('a damaged cache is rejected by V8 and the bundle compiles as usual', () => {
    const cache = fs.readFileSync(codeCacheFile(BUNDLE));
    const damaged = Buffer.concat([cache.subarray(0, 20), Buffer.alloc(cache.length - 20, 0x5a)]);
    const file = install(fs.readFileSync(BUNDLE), damaged);
    const r = viaBundle(file, project);
    assert.equal(r.state, 'rejected', r.stderr);
    assert.deepEqual([r.code, r.stdout], [expected.code, expected.stdout]);
  });
});
