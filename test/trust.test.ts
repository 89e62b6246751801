/**
 * Trust (issue 17): the working tree, the CI gate and the machine are safe whatever the repository holds. Each test
 * reproduces one way a hostile or merely odd repository used to get the tool to follow a symlink, lose an edit,
 * pass `check` over legacy code, write outside the repository, or run the repository's own programs.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { ROOT } from './helpers/fixtures.js';
import { SERVICE } from './helpers/sample-project.js';
import { safeGitArgs } from '../src/runner/git.js';
import { gitQuote } from '../src/runner/diff.js';
import { progress } from '../src/cli.js';
import { writeAtomic, stampOf, WriteRefused } from '../src/runner/write.js';
import { runFiles } from '../src/runner/run.js';
import { escapeControl } from '../src/core/text.js';

const BIN = path.join(ROOT, 'bin/mongo-codemod.js');
const IS_ROOT = process.getuid?.() === 0;

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 120_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-trust-')));
}

function repo(files: Record<string, string | Buffer>): string {
  const dir = tmp();
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init', '--allow-empty');
  return dir;
}

function commitAll(dir: string) {
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'more');
}

function json(out: string) {
  return JSON.parse(out) as {
    files: { path: string; status: string; reason?: string }[];
    findings: { ruleId: string; file: string; line: number; severity: string }[];
    summary: Record<string, number>;
  };
}

const LEGACY = "const legacy = require('mongodb-legacy');\nmodule.exports = legacy;\n";

describe('the working tree', () => {
  test('a committed symlink to a FIFO does not hang check; a symlink out of the repo is never replaced by run', () => {
    const outer = tmp();
    const dir = path.join(outer, 'repo');
    fs.mkdirSync(dir);
    execFileSync('mkfifo', [path.join(outer, 'f')]);
    fs.writeFileSync(path.join(outer, 'outside.js'), SERVICE);
    fs.symlinkSync('../f', path.join(dir, 'a.js'));
    fs.symlinkSync('../outside.js', path.join(dir, 'l.js'));
    fs.writeFileSync(path.join(dir, 'ok.js'), SERVICE);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'x');
    const check = cli(['check', '--format', 'json', '.'], dir, {}, 60_000);
    assert.equal(check.signal, null, 'check hung on a FIFO behind a symlink');
    const report = json(check.stdout);
    assert.match(report.files.find((f) => f.path === 'a.js')!.reason!, /symlink/);
    const run = cli(['run', '--format', 'json', '.'], dir, {}, 60_000);
    assert.equal(run.signal, null);
    assert.ok(fs.lstatSync(path.join(dir, 'l.js')).isSymbolicLink(), 'the symlink was replaced by a file');
    assert.equal(fs.readFileSync(path.join(outer, 'outside.js'), 'utf8'), SERVICE, 'a file outside the repository was read and migrated');
    assert.notEqual(fs.readFileSync(path.join(dir, 'ok.js'), 'utf8'), SERVICE);
    fs.rmSync(outer, { recursive: true, force: true });
  });

  test('a symlink or FIFO named on the command line gets a message and exit 2', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'real.js'), LEGACY);
    fs.symlinkSync('real.js', path.join(dir, 'link.js'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.js')]);
    for (const name of ['link.js', 'pipe.js']) {
      const r = cli(['check', name], dir, {}, 60_000);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`not read: ${name}: (a symlink|not a regular file)`));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('run keeps the owner and group of the files it rewrites', { skip: !IS_ROOT && 'needs root to chown' }, () => {
    const dir = repo({ 'a.js': SERVICE });
    fs.chownSync(path.join(dir, 'a.js'), 1000, 1001);
    const r = cli(['run', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    const st = fs.statSync(path.join(dir, 'a.js'));
    assert.notEqual(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), SERVICE);
    assert.deepEqual([st.uid, st.gid], [1000, 1001]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a file with another hard link is refused with a reason, both names left as they were', () => {
    const dir = repo({ 'a.js': SERVICE });
    const other = path.join(path.dirname(dir), path.basename(dir) + '-hardlink.js');
    fs.linkSync(path.join(dir, 'a.js'), other);
    const ino = fs.statSync(path.join(dir, 'a.js')).ino;
    const r = cli(['run', '--format', 'json', '.'], dir);
    assert.equal(r.code, 3, r.stderr);
    const a = json(r.stderr).files.find((f) => f.path === 'a.js')!;
    assert.equal(a.status, 'error');
    assert.match(a.reason!, /2 hard links/);
    assert.equal(fs.statSync(path.join(dir, 'a.js')).ino, ino);
    assert.equal(fs.readFileSync(other, 'utf8'), SERVICE);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(other, { force: true });
  });

  test('an edit made during the run is detected before the rename: not written, status error', async () => {
    const dir = tmp();
    for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(dir, `s${i}.js`), SERVICE);
    const edited = new Set<string>();
    const result = await runFiles({
      mode: 'run',
      preset: 'auto',
      wrapperModules: [],
      wrapperSpecs: [],
      toList: 'loop',
      cwd: dir,
      paths: ['.'],
      dryRun: false,
      // Every other file is edited by "someone else" after it was read, before the writes.
      onFile: (done) => {
        const f = path.join(dir, `s${(done - 1) * 2}.js`);
        if (done <= 3 && !edited.has(f)) {
          fs.appendFileSync(f, '// edit\n');
          edited.add(f);
        }
      },
    });
    assert.equal(edited.size, 3);
    for (const f of result.files) {
      const abs = path.join(dir, f.path);
      if (edited.has(abs)) {
        assert.equal(f.status, 'error', f.path);
        assert.match(f.reason!, /changed during the run/);
        assert.equal(fs.readFileSync(abs, 'utf8'), SERVICE + '// edit\n', `${f.path}: the edit was lost`);
      } else assert.equal(f.status, 'changed', f.path);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('writeAtomic: a same-size edit is caught by content; a symlink is never written through', () => {
    const dir = tmp();
    const f = path.join(dir, 'a.js');
    fs.writeFileSync(f, 'aaaa');
    const stamp = stampOf(fs.statSync(f, { bigint: true }));
    fs.writeFileSync(f, 'bbbb');
    fs.utimesSync(f, fs.statSync(f).atime, fs.statSync(f).mtime);
    assert.throws(() => writeAtomic(f, 'cccc', { ...stampOf(fs.statSync(f, { bigint: true })) }, Buffer.from('aaaa')), WriteRefused);
    assert.throws(() => writeAtomic(f, 'cccc', stamp), WriteRefused);
    assert.equal(fs.readFileSync(f, 'utf8'), 'bbbb');
    fs.symlinkSync('a.js', path.join(dir, 'l.js'));
    assert.throws(() => writeAtomic(path.join(dir, 'l.js'), 'x'), WriteRefused);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.js', 'l.js'], 'a temporary file was left behind');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('leftover temporary files of a killed run are recognised, removed and named; the run goes ahead', () => {
    const dir = repo({ 'src/a.js': SERVICE });
    const leftover = path.join(dir, 'src/.a.js.mongo-codemod-999999-0badf00d.tmp');
    fs.writeFileSync(leftover, 'half');
    const r = cli(['run', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /removed 1 temporary file left by an interrupted run: src\/\.a\.js\.mongo-codemod-999999-0badf00d\.tmp/);
    assert.ok(!fs.existsSync(leftover));
    assert.notEqual(fs.readFileSync(path.join(dir, 'src/a.js'), 'utf8'), SERVICE);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a tracked file deleted from the work tree is simply not there', () => {
    const dir = repo({ 'a.js': SERVICE, 'b.js': LEGACY });
    fs.unlinkSync(path.join(dir, 'b.js'));
    const r = cli(['check', '--format', 'json', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    const report = json(r.stdout);
    assert.equal(report.summary.filesScanned, 1, r.stdout);
    assert.equal(report.summary.errors, 0, r.stdout);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${signal} ends the run with exit ${code}, no temporary file left, every file original or migrated`, async () => {
      const dir = tmp();
      for (let i = 0; i < 1500; i++) fs.writeFileSync(path.join(dir, `s${i}.js`), SERVICE);
      const child = spawn(process.execPath, [BIN, 'run', '.'], {
        cwd: dir,
        env: { ...process.env, CI: 'true', MONGO_CODEMOD_THREADS: '1', MONGO_CODEMOD_DEBUG: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      // Once the CLI is running (its handlers installed): the files have been found.
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (d) => {
          stderr += d;
          if (/discovered \d+ files/.test(stderr)) resolve();
        }),
      );
      child.kill(signal);
      const status = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      assert.equal(status, code, stderr);
      const names = fs.readdirSync(dir);
      assert.ok(!names.some((n) => n.endsWith('.tmp')), 'temporary files left');
      for (const n of names) {
        const t = fs.readFileSync(path.join(dir, n), 'utf8');
        assert.ok(t === SERVICE || t.startsWith("import { MongoClient } from 'mongodb';"), `${n} is neither original nor migrated`);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});

describe('the CI gate', () => {
  const cases: [string, string | Buffer][] = [
    ['ts-legacy.ts', "import m = require('mongodb-legacy');\nexport const c = new m.MongoClient('x');\n"],
    ['ts-motor.ts', "import motor = require('motor');\nexport const c = motor;\n"],
    ['template.js', 'const m = require(`mongodb-legacy`);\nmodule.exports = m;\n'],
    ['short-long-line.js', "const m = require('mongodb-legacy');\nexport const n = " + Array.from({ length: 1200 }, () => '1').join('+') + ';\nmodule.exports = m;\n'],
    ['huge.js', LEGACY + '// padding\n'.repeat(120_000)],
    ['gen.js', '// @generated by a tool\n' + LEGACY],
    ['app.min.js', "var m=require('mongodb-legacy');" + 'var a=1;'.repeat(400)],
    [
      'latin.py',
      Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\n# caf'), Buffer.from([0xe9]), Buffer.from('\nimport motor.motor_asyncio\nclient = motor.motor_asyncio.AsyncIOMotorClient()\n')]),
    ],
  ];
  for (const [name, data] of cases) {
    test(`check is red on ${name}`, () => {
      const dir = repo({ [name]: data });
      const r = cli(['check', '--format', 'json', '.'], dir);
      assert.equal(r.code, 1, `${r.stderr}\n${r.stdout}`);
      const report = json(r.stdout);
      assert.ok(
        report.findings.some((f) => f.file === name && f.severity === 'error'),
        r.stdout,
      );
      // Excluded by the user: no longer a finding.
      fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), JSON.stringify({ ignore: [name] }));
      const ignored = cli(['check', '--format', 'json', '.'], dir);
      assert.equal(ignored.code, 0, ignored.stdout);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }

  test('a latin-1 .py with a coding line is migrated and written back in latin-1', () => {
    const src = Buffer.concat([
      Buffer.from('# -*- coding: latin-1 -*-\n# caf'),
      Buffer.from([0xe9]),
      Buffer.from('\nimport motor.motor_asyncio\n\nclient = motor.motor_asyncio.AsyncIOMotorClient()\n'),
    ]);
    const dir = repo({ 'app.py': src });
    const r = cli(['run', '--format', 'json', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = fs.readFileSync(path.join(dir, 'app.py'));
    assert.ok(out.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])), 'the latin-1 byte was not kept');
    assert.match(out.toString('latin1'), /AsyncMongoClient/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an unreadable folder (as an unprivileged user) makes check fail with a reason', { skip: !hasSetpriv() && 'setpriv not available' }, () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, 'secret'));
    fs.writeFileSync(path.join(dir, 'secret/db.js'), LEGACY);
    fs.writeFileSync(path.join(dir, 'ok.js'), 'export const a = 1;\n');
    fs.chmodSync(path.join(dir, 'secret'), 0o700);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'check', '--format', 'json', '.'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', HOME: '/tmp' },
    });
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stdout, /"secret\/",\s*"status": "error",\s*"reason": "folder could not be read/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a string is not a comment: only real comments suppress', () => {
    const dir = repo({
      'a.js': "const s = 'mongo-codemod-ignore *';\nconst legacy = require('mongodb-legacy');\nmodule.exports = [s, legacy];\n",
      'b.js': "// mongo-codemod-ignore *\nconst legacy = require('mongodb-legacy');\nmodule.exports = legacy;\n",
    });
    const r = cli(['check', '--format', 'json', '.'], dir);
    const report = json(r.stdout);
    assert.ok(
      report.findings.some((f) => f.file === 'a.js'),
      'a string suppressed a finding',
    );
    assert.ok(!report.findings.some((f) => f.file === 'b.js'), 'a comment no longer suppresses');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the same report with one thread and with four (deep nesting)', () => {
    const nested = "const m = require('mongodb-legacy');\nexport const x = " + '['.repeat(3000) + ']'.repeat(3000) + ';\nmodule.exports = m;\n';
    const chain =
      "import { AsyncIOMotorClient } from 'motor';\nconst c = new AsyncIOMotorClient('x');\nexport const y = " +
      Array.from({ length: 6000 }, (_, i) => `a${i}`).join(' + ') +
      ';\nexport const d = c.getDatabase("a");\n';
    const py = 'import motor.motor_asyncio\nclient = motor.motor_asyncio.AsyncIOMotorClient()\nx = ' + '('.repeat(400) + '1' + ')'.repeat(400) + '\n';
    const dir = repo({ 'nested.js': nested, 'chain.js': chain, 'deep.py': py });
    const one = cli(['check', '--format', 'json', '.'], dir, { MONGO_CODEMOD_THREADS: '1' });
    const four = cli(['check', '--format', 'json', '.'], dir, { MONGO_CODEMOD_THREADS: '4' });
    assert.deepEqual(json(one.stdout).files, json(four.stdout).files);
    assert.deepEqual(json(one.stdout).findings, json(four.stdout).findings);
    assert.equal(one.code, four.code);
    for (const f of json(one.stdout).files) assert.doesNotMatch(f.reason ?? '', /Maximum call stack/, JSON.stringify(f));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the machine', () => {
  for (const [where, key, value] of [
    ['config', 'reportFile', '../evil/deep/authorized_keys'],
    ['config', 'baseline', '../evil/baseline.json'],
    ['config', 'wrappers', ['../evil/spec.json']],
    ['config', 'wrapperModules', ['../evil/motor']],
    ['package.json', 'reportFile', '../evil/r.txt'],
  ] as const) {
    test(`a repository's ${where} cannot name a path outside it (${key})`, () => {
      const outer = tmp();
      const dir = path.join(outer, 'repo');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'a.js'), SERVICE);
      if (where === 'config') fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), JSON.stringify({ [key]: value }));
      else fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', 'mongo-codemod': { [key]: value } }));
      git(dir, 'init', '-q');
      const r = cli(['check', '.'], dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`'${key}'.*outside the repository`));
      assert.ok(!fs.existsSync(path.join(outer, 'evil')), 'a folder was created outside the repository');
      // The same path from the command line is the user's choice.
      if (key === 'reportFile') {
        const ok = cli(['check', '--no-config', '--report-file', '../evil/r.txt', '.'], dir);
        assert.equal(ok.code, 1, ok.stderr);
        assert.ok(fs.existsSync(path.join(outer, 'evil/r.txt')));
      }
      fs.rmSync(outer, { recursive: true, force: true });
    });
  }

  test("a repository's configuration file is never read through a symlink or from a FIFO", () => {
    const outer = tmp();
    const dir = path.join(outer, 'repo');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.js'), LEGACY);
    fs.writeFileSync(path.join(outer, 'elsewhere.json'), JSON.stringify({ ignore: ['a.js'] }));
    fs.symlinkSync('../elsewhere.json', path.join(dir, 'mongo-codemod.config.json'));
    const link = cli(['check', '.'], dir);
    assert.equal(link.code, 2, link.stderr);
    assert.match(link.stderr, /mongo-codemod\.config\.json: a symlink/);
    fs.unlinkSync(path.join(dir, 'mongo-codemod.config.json'));
    execFileSync('mkfifo', [path.join(dir, 'mongo-codemod.config.json')]);
    const fifo = cli(['check', '.'], dir, {}, 60_000);
    assert.equal(fifo.signal, null, 'hung on a FIFO');
    assert.equal(fifo.code, 2, fifo.stderr);
    fs.rmSync(outer, { recursive: true, force: true });
  });

  test('control characters in file names are escaped in every text format', () => {
    const dir = repo({ 'evil\nerror  injected.js:1:1\x1b[31m.js': LEGACY });
    for (const format of ['text', 'stylish', 'markdown', 'github']) {
      const r = cli(['check', '--format', format, '.'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(!r.stdout.includes('\x1b'), `${format}: raw escape sequence`);
      assert.ok(!/^error {2}injected/m.test(r.stdout), `${format}: a file name injected a line:\n${r.stdout}`);
      assert.ok(r.stdout.includes('evil\\nerror'), `${format}: the name is not shown escaped:\n${r.stdout}`);
    }
    assert.equal(escapeControl('a\tb\u2028'), 'a\\tb\\u2028');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Repository configurations that make git run a program; each program would create the marker file. */
  const HOSTILE: { key: string; files?: (dir: string, marker: string) => Record<string, string>; config: (dir: string, marker: string) => [string, string] }[] = [
    { key: 'core.fsmonitor', config: (_, m) => ['core.fsmonitor', `touch ${m}; false`] },
    {
      key: 'core.hooksPath (post-index-change)',
      files: (_, m) => ({ 'hooks/post-index-change': `#!/bin/sh\ntouch ${m}\n` }),
      config: (dir) => ['core.hooksPath', path.join(dir, 'hooks')],
    },
    { key: 'filter.<driver>.clean', files: () => ({ '.gitattributes': '*.js filter=evil\n' }), config: (_, m) => ['filter.evil.clean', `sh -c 'touch ${m}; cat'`] },
    { key: 'filter.<driver>.process', files: () => ({ '.gitattributes': '*.js filter=evilp\n' }), config: (_, m) => ['filter.evilp.process', `sh -c 'touch ${m}; exit 1'`] },
    { key: 'diff.<driver>.textconv', files: () => ({ '.gitattributes': '*.js diff=evild\n' }), config: (_, m) => ['diff.evild.textconv', `sh -c 'touch ${m}; cat "$1"' --`] },
  ];
  for (const { key, files, config } of HOSTILE) {
    test(`git never runs the repository's ${key}`, () => {
      const dir = tmp();
      const marker = `${dir}-pwned`;
      const extra = files?.(dir, marker) ?? {};
      for (const [rel, data] of Object.entries({ 'a.js': SERVICE, 'b.js': 'export const b = 1;\n', ...extra })) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), data, { mode: 0o755 });
      }
      git(dir, 'init', '-q');
      commitAll(dir);
      git(dir, 'config', ...config(dir, marker));
      // Stat information that changed makes git status look at the content (and run the filters).
      const later = new Date(Date.now() + 5000);
      for (const f of ['a.js', 'b.js']) fs.utimesSync(path.join(dir, f), later, later);
      fs.rmSync(marker, { force: true });
      cli(['check', '.'], dir);
      const r = cli(['run', '.'], dir);
      assert.ok(!fs.existsSync(marker), `${key} was executed`);
      assert.equal(r.code, 0, r.stderr);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(marker, { force: true });
    });
  }

  test('git is called with every repository-controlled program switched off', () => {
    const dir = repo({ 'a.js': '' });
    git(dir, 'config', 'filter.x.clean', 'evil');
    git(dir, 'config', 'diff.y.textconv', 'evil');
    const args = safeGitArgs(dir, ['status'], true).join(' ');
    for (const c of [
      'core.fsmonitor=false',
      'core.hooksPath=/dev/null',
      'filter.x.clean=',
      'filter.x.process=',
      'filter.x.smudge=',
      'diff.y.textconv=',
      'diff.y.command=',
      'diff.external=',
      'credential.helper=',
      'core.sshCommand=',
    ]) {
      assert.ok(args.includes(`-c ${c}`), `${c} missing in ${args}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the jscodeshift transform reports a file it cannot fully migrate alone', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'db.js'), "import { AsyncIOMotorClient } from 'motor';\nexport const db = new AsyncIOMotorClient('x').getDatabase('a');\n");
    fs.writeFileSync(path.join(dir, 'use.js'), "import { db } from './db';\nexport async function all() {\n  return db.getCollection('b').find({}).toList();\n}\n");
    const out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/jscodeshift/bin/jscodeshift.js'), '-t', path.join(ROOT, 'dist/transforms/motor.cjs'), 'use.js'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.match(out, /not fully migrated/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('output', () => {
  test('a closed stdout ends quietly; a full disk is one line, no stack trace', () => {
    const dir = repo({ 'a.js': SERVICE, 'b.js': SERVICE.replace('orders', 'items') });
    const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" run --dry-run . 2>"${dir}.err" | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    const err = fs.readFileSync(`${dir}.err`, 'utf8');
    assert.doesNotMatch(err, /EPIPE|internal error|at /, err);
    assert.ok(['0', '1', '141'].includes(piped.stdout.trim()) || piped.stdout.trim() === '0', piped.stdout);
    if (fs.existsSync('/dev/full')) {
      const full = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" check . > /dev/full`], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
      assert.equal(full.status, 2, full.stderr);
      assert.match(full.stderr, /could not write the output: ENOSPC/);
      assert.doesNotMatch(full.stderr, /\n\s+at /);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}.err`, { force: true });
  });

  test('the report destination is checked before anything is written', () => {
    const dir = repo({ 'a.js': SERVICE });
    fs.writeFileSync(path.join(dir, 'f'), '');
    commitAll(dir);
    const r = cli(['run', '--report-file', 'f/r.json', '.'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--report-file f\/r\.json: .*not a folder/);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), SERVICE, 'files were rewritten before the report failed');
    const proc = cli(['check', '--report-file', '/proc/nope/x.json', '.'], dir, {}, 30_000);
    assert.equal(proc.signal, null, 'spun');
    assert.equal(proc.code, 2, proc.stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the code cache names no temporary build folder (stack traces)', () => {
    const bundle = path.join(ROOT, 'dist/bundle');
    for (const f of fs.readdirSync(bundle)) assert.ok(!fs.readFileSync(path.join(bundle, f)).includes('dist.tmp-'), `${f} names a temporary build folder`);
  });

  test('the dry-run diff quotes odd names like git, and git apply takes it; paths outside the working directory are refused', () => {
    const dir = repo({ 'tab\there.js': SERVICE, 'new\nline.js': SERVICE, 'caf\u00e9.js': SERVICE });
    const dry = cli(['run', '--dry-run', '.'], dir);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^diff --git "a\/tab\\there\.js" "b\/tab\\there\.js"$/m);
    fs.writeFileSync(`${dir}.patch`, dry.stdout);
    git(dir, 'apply', `${dir}.patch`);
    assert.notEqual(fs.readFileSync(path.join(dir, 'new\nline.js'), 'utf8'), SERVICE);
    assert.equal(gitQuote('a/caf\u00e9.js'), '"a/caf\\303\\251.js"');
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    const outside = cli(['run', '--dry-run', '..'], sub);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /outside the working directory/);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}.patch`, { force: true });
  });

  test('progress: written as it goes, and check says no "changed"', () => {
    let t = 0;
    const lines: string[] = [];
    const onFile = progress(
      true,
      'check',
      (s) => lines.push(s),
      () => t,
    )!;
    t = 2000;
    onFile(1, 3, 0, 1);
    assert.match(lines.join(''), /1\/3 files, 1 finding$/);
    const run: string[] = [];
    const onRun = progress(
      true,
      'run',
      (s) => run.push(s),
      () => t,
    )!;
    t = 4000;
    onRun(2, 3, 1, 2);
    assert.match(run.join(''), /2\/3 files, 1 changed, 2 findings$/);
  });

  test('usage: no arguments is a usage error; a wrong flag is one line and a hint', () => {
    const dir = tmp();
    const none = cli([], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: mongo-codemod/);
    const wrong = cli(['check', '--bogus', '.'], dir);
    assert.equal(wrong.code, 2);
    assert.ok(wrong.stderr.trim().split('\n').length <= 3, wrong.stderr);
    assert.match(wrong.stderr, /unknown option '--bogus'/);
    assert.match(wrong.stderr, /--help/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('"1 file scanned"; FORCE_COLOR colours a piped report', () => {
    const dir = repo({ 'a.js': LEGACY });
    const r = cli(['check', '--format', 'text', '.'], dir);
    assert.match(r.stdout, /; 1 file scanned,/);
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', FORCE_COLOR: '1' };
    delete env.NO_COLOR;
    const colored = spawnSync(process.execPath, [BIN, 'check', '--format', 'text', '.'], { cwd: dir, encoding: 'utf8', env });
    assert.match(colored.stdout, /\x1b\[/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('README: every preset in the --preset row, and a security model section', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `--preset'))!;
    assert.ok(row, 'no --preset row');
    const presets = execFileSync(process.execPath, [BIN, 'presets'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]!);
    for (const p of presets) assert.ok(row.includes(`\`${p}\``), `${p} missing from the --preset row`);
    assert.match(readme, /^## Security model$/m);
  });
});

function hasSetpriv(): boolean {
  return IS_ROOT && spawnSync('setpriv', ['--version']).status === 0;
}
