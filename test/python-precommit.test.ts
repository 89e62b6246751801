/**
 * The repository's .pre-commit-hooks.yaml with the real `pre-commit` (Debian packages it; .ci/run installs it),
 * against a local clone of this repository at HEAD: pre-commit installs the hook with `npm install` + `npm pack`
 * (both run `prepare`, the build) into its own environment, then
 *   - `mongo-codemod-check` fails on a Motor project,
 *   - the manual-stage `mongo-codemod-run` migrates it (pre-commit reports the files it modified),
 *   - `mongo-codemod-check` passes on the result.
 * Skipped only when `pre-commit` or `git` is not installed. Slow (two builds): one test, a generous timeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const have = (cmd: string) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 1_200_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

test('pre-commit hooks: check fails on Motor code, the manual run hook migrates it, check then passes', { skip: !have('pre-commit') || !have('git'), timeout: 1_500_000 }, () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'mcpy-precommit-'));
  try {
    const clone = path.join(tmp, 'clone');
    assert.equal(sh('git', ['clone', '--quiet', ROOT, clone], tmp).status, 0);
    const head = sh('git', ['rev-parse', 'HEAD'], ROOT).out.trim();
    assert.equal(sh('git', ['checkout', '--quiet', head], clone).status, 0, 'the clone has HEAD');
    const project = path.join(tmp, 'project');
    mkdirSync(project);
    const git = (...args: string[]) => sh('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], project);
    assert.equal(git('init', '--quiet').status, 0);
    writeFileSync(path.join(project, 'app.py'), 'from motor.motor_asyncio import AsyncIOMotorClient\n\nclient = AsyncIOMotorClient()\n\n\nasync def stop():\n    client.close()\n');
    writeFileSync(path.join(project, 'requirements.txt'), 'motor==3.6.0\n');
    writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${clone}\n    rev: ${head}\n    hooks:\n      - id: mongo-codemod-check\n      - id: mongo-codemod-run\n`);
    git('add', '-A');
    assert.equal(git('commit', '--quiet', '-m', 'init').status, 0);
    const env = { PRE_COMMIT_HOME: path.join(tmp, 'cache'), CI: 'true', NO_COLOR: '1' };

    const red = sh('pre-commit', ['run', '--all-files'], project, env);
    assert.notEqual(red.status, 0, red.out);
    assert.match(red.out, /mongo-codemod check\.+Failed/);
    assert.match(red.out, /motor-python\/legacy-import/);

    const ran = sh('pre-commit', ['run', '--hook-stage', 'manual', 'mongo-codemod-run', '--all-files'], project, env);
    assert.match(ran.out, /files were modified by this hook/, ran.out);
    assert.equal(readFileSync(path.join(project, 'app.py'), 'utf8'), 'from pymongo import AsyncMongoClient\n\nclient = AsyncMongoClient()\n\n\nasync def stop():\n    await client.close()\n');
    assert.equal(readFileSync(path.join(project, 'requirements.txt'), 'utf8'), 'pymongo==4.13.0\n');

    git('add', '-A');
    assert.equal(git('commit', '--quiet', '-m', 'migrated').status, 0);
    const green = sh('pre-commit', ['run', '--all-files'], project, env);
    assert.equal(green.status, 0, green.out);
    assert.match(green.out, /mongo-codemod check\.+Passed/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
