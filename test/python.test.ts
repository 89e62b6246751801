/**
 * Python engine (motor-python) tests.
 *
 * Fixtures, fixtures/motor-python/:
 *   <case>.input.py|pyi    the file before the run
 *   <case>.output.py|pyi   the expected file after `run` (absent = the file must stay unchanged)
 *   <case>.findings.json   expected findings of `run`: [{ ruleId, severity, line, column }] sorted by line, column
 *
 * Dependency fixtures, fixtures/motor-python-deps/: <case>.input.<ext> / <case>.output.<ext> / optional <case>.findings.json.
 * The extension picks the file name the migration sees:
 *   .txt -> requirements.txt   .toml -> pyproject.toml   .cfg -> setup.cfg   .pipfile -> Pipfile
 *   .lock -> poetry.lock (lockfiles are never edited; output must be absent)
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { pythonEngine, transformPython, prefilterPython, pythonModuleHandles } from '../src/python/engine.js';
import { parsePython, firstSyntaxProblem } from '../src/python/parse.js';
import { selectEdits, OffsetMap } from '../src/python/passes.js';
import { migratePythonDependencyFile, isPythonDependencyFile, isPythonLockfile, pythonLockfileFinding, raiseSpec, specLike } from '../src/python/deps.js';
import { sortsImports } from '../src/python/project.js';
import { applyEdits, OverlapError } from '../src/core/text.js';
import type { EngineOptions, EngineFinding } from '../src/core/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = join(ROOT, 'fixtures', 'motor-python');
const DEPS = join(ROOT, 'fixtures', 'motor-python-deps');

function options(mode: 'run' | 'check' = 'run', extra: Record<string, unknown> = {}): EngineOptions {
  return { mode, preset: 'motor-python', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: ROOT, ...extra } as EngineOptions;
}

async function run(text: string, mode: 'run' | 'check' = 'run', relPath = 'app/mod.py', extra: Record<string, unknown> = {}) {
  return pythonEngine.process({ absPath: join(ROOT, relPath), relPath, text }, options(mode, extra));
}

type Short = { ruleId: string; severity: string; line: number; column: number };
function short(fs: readonly EngineFinding[]): Short[] {
  return fs.map((f) => ({ ruleId: f.ruleId, severity: f.severity, line: f.line, column: f.column })).sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}

async function assertParses(text: string, label: string): Promise<void> {
  const tree = await parsePython(text);
  try {
    const bad = firstSyntaxProblem(tree.rootNode);
    assert.equal(bad, null, `${label}: ERROR/MISSING node at ${bad?.startPosition.row}:${bad?.startPosition.column}`);
  } finally {
    tree.delete();
  }
}

const cases = existsSync(FIX)
  ? readdirSync(FIX)
      .filter((f) => /\.input\.pyi?$/.test(f))
      .map((f) => {
        const m = /^(.*)\.input\.(pyi?)$/.exec(f)!;
        return { name: m[1], ext: m[2] };
      })
      .sort((a, b) => a.name.localeCompare(b.name))
  : [];

describe('motor-python fixtures', () => {
  test('there are at least 40 fixture cases', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  });

  for (const c of cases) {
    test(c.name, async () => {
      const input = readFileSync(join(FIX, `${c.name}.input.${c.ext}`), 'utf8');
      const outPath = join(FIX, `${c.name}.output.${c.ext}`);
      const expected = existsSync(outPath) ? readFileSync(outPath, 'utf8') : input;
      const expectedFindings = JSON.parse(readFileSync(join(FIX, `${c.name}.findings.json`), 'utf8')) as Short[];

      // project-*: the file belongs to a project whose dependency files list motor
      const project = c.name.startsWith('project-') ? { pythonMotorProject: true } : {};
      const res = await run(input, 'run', `app/${c.name}.${c.ext}`, project);
      assert.equal(res.error, undefined, `engine error: ${res.error}`);
      const actual = res.output ?? input;
      assert.equal(actual, expected, 'output differs from the expected file');
      assert.deepEqual(short(res.findings), expectedFindings, 'findings differ');
      for (const f of res.findings) {
        assert.ok(f.ruleId.startsWith('motor-python/'), f.ruleId);
        assert.ok(f.message.length > 10, 'finding has a message');
        assert.ok(f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column), 'end after start');
        if (f.severity !== 'info') assert.ok(f.fix && f.fix.length > 5, `${f.ruleId} has a manual fix`);
      }
      // every file the engine changes or flags passes the prefilter
      if (res.output !== null || res.findings.length) assert.ok(prefilterPython(input));
      // the expected output is valid Python
      await assertParses(expected, 'expected output');
      // idempotence: the expected output is a fixed point
      const again = await run(expected, 'run', `app/${c.name}.${c.ext}`, project);
      assert.equal(again.output, null, 'a second run changed the file');
      assert.equal(again.error, undefined);
    });
  }
});

describe('engine contract', () => {
  test('engine metadata', () => {
    assert.equal(pythonEngine.id, 'python');
    assert.deepEqual([...pythonEngine.extensions], ['.py', '.pyi']);
    assert.equal(pythonEngine.presets[0].name, 'motor-python');
    assert.equal(pythonEngine.presets[0].language, 'python');
  });

  test('prefilter skips files without motor and accepts every Motor spelling', () => {
    assert.equal(pythonEngine.prefilter('import os\nprint(1)\n', options()), false);
    for (const s of ['import motor', 'from mongomock_motor import X', 'x: "AsyncIOMotorClient"', 'MOTOR = 1']) assert.equal(pythonEngine.prefilter(s, options()), true, s);
  });

  test('CRLF line endings survive byte for byte', async () => {
    const src = 'from motor.motor_asyncio import AsyncIOMotorClient\r\n\r\nclient = AsyncIOMotorClient("mongodb://x")\r\n\r\nasync def stop():\r\n\tclient.close()  # bye\r\n';
    const res = await run(src);
    assert.equal(res.output, 'from pymongo import AsyncMongoClient\r\n\r\nclient = AsyncMongoClient("mongodb://x")\r\n\r\nasync def stop():\r\n\tawait client.close()  # bye\r\n');
    assert.deepEqual(res.replacedPackages, ['motor']);
  });

  test('a multi-module import rebuilt on a CRLF file uses CRLF', async () => {
    const src = 'from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase\r\nx: AsyncIOMotorDatabase\r\n';
    const res = await run(src);
    assert.equal(res.output, 'from pymongo import AsyncMongoClient\r\nfrom pymongo.asynchronous.database import AsyncDatabase\r\nx: AsyncDatabase\r\n');
  });

  test('a file without a final newline keeps it that way', async () => {
    const src = 'from motor.motor_asyncio import AsyncIOMotorClient\nc = AsyncIOMotorClient()\nasync def f():\n    c.close()';
    const res = await run(src);
    assert.equal(res.output, 'from pymongo import AsyncMongoClient\nc = AsyncMongoClient()\nasync def f():\n    await c.close()');
  });

  test('garbage that is not Python yields an error or no change, never a throw', async () => {
    const garbage = '\u0000\u0001motor\uFFFD\u0007 ((( def class :: \u0000 ]]] motor.motor_asyncio """';
    const res = await run(garbage);
    assert.equal(res.output, null);
    assert.ok(res.error, 'an error is reported');
    assert.ok(res.findings.some((f) => f.ruleId === 'motor-python/parse-error' && f.severity === 'error'));
    const bin = Buffer.from([0xff, 0xfe, 0x00, 0x6d, 0x6f, 0x74, 0x6f, 0x72, 0x89, 0x50, 0x4e, 0x47]).toString('latin1');
    const res2 = await run(bin);
    assert.equal(res2.output, null);
    // a broken file that merely says "motorcycle" is not reported
    const res3 = await run('def f(:\n    return "motorcycle"\n');
    assert.deepEqual([res3.output, res3.findings, res3.error], [null, [], undefined]);
  });

  test('a Python 2 file that tree-sitter accepts is not broken', async () => {
    const src = 'from motor.motor_asyncio import AsyncIOMotorClient\nprint "connecting"\nc = AsyncIOMotorClient()\n';
    const res = await run(src);
    assert.equal(res.error, undefined);
    assert.equal(res.output, 'from pymongo import AsyncMongoClient\nprint "connecting"\nc = AsyncMongoClient()\n');
  });

  test('an unused motor import is removed, a duplicate one too', async () => {
    const res = await run('import os\nimport motor\nimport motor.motor_asyncio\nc = motor.motor_asyncio.AsyncIOMotorClient()\n');
    assert.equal(res.output, 'import os\nfrom pymongo import AsyncMongoClient\nc = AsyncMongoClient()\n');
    // alone in a block, the import becomes `pass` so the block stays valid
    const res2 = await run('if TYPE_CHECKING:\n    import motor\nx = 1\n');
    assert.equal(res2.output, 'if TYPE_CHECKING:\n    pass\nx = 1\n');
    // rebinding the module name (optional-dependency idiom) is left for a human
    const res3 = await run('try:\n    import motor\nexcept ImportError:\n    motor = None\n');
    assert.equal(res3.output, null);
    assert.ok(res3.findings.some((f) => f.ruleId === 'motor-python/unmapped-name' && f.line === 4));
  });

  test("mode 'check' reports every remaining motor import as an error", async () => {
    const src = 'import motor.motor_asyncio\nfrom motor.motor_asyncio import AsyncIOMotorClient\nfrom motor.motor_tornado import MotorClient\nimport os\n\nc = AsyncIOMotorClient()\n';
    const res = await run(src, 'check');
    const legacy = res.findings.filter((f) => f.ruleId === 'motor-python/legacy-import');
    assert.deepEqual(
      legacy.map((f) => [f.severity, f.line, f.column]),
      [
        ['error', 1, 1],
        ['error', 2, 1],
        ['error', 3, 1],
      ],
    );
    const runRes = await run(src, 'run');
    assert.equal(runRes.findings.filter((f) => f.ruleId === 'motor-python/legacy-import').length, 0, 'run mode does not add legacy-import');
    const clean = await run('from pymongo import AsyncMongoClient\n# motor is gone\n', 'check');
    assert.equal(clean.findings.length, 0);
  });

  test('check mode still reports what run would flag', async () => {
    const src = 'from motor.motor_asyncio import AsyncIOMotorClient\nc = AsyncIOMotorClient()\ndef stop():\n    c.close()\n';
    const res = await run(src, 'check');
    assert.ok(res.findings.some((f) => f.ruleId === 'motor-python/needs-await-in-sync' && f.line === 4));
  });

  test('check on migrated code: a change run would make only under a Motor import is an error there, not a note', async () => {
    const migrated = 'from pymongo.asynchronous.collection import AsyncCollection\n\nasync def count(coll: AsyncCollection):\n    return len(await coll.list_indexes().to_list())\n';
    const checked = await run(migrated, 'check');
    assert.deepEqual(
      short(checked.findings).map((f) => [f.ruleId, f.severity, f.line]),
      [['motor-python/await-added', 'error', 4]],
    );
    // run leaves a file without Motor imports alone; with one, it adds the await and check on its output is clean
    assert.equal((await run(migrated, 'run')).output, null);
    const mixed = `from motor.motor_asyncio import AsyncIOMotorClient\n${migrated}\nclient = AsyncIOMotorClient()\n`;
    const ran = await run(mixed, 'run');
    assert.match(ran.output ?? '', /len\(await \(await coll\.list_indexes\(\)\)\.to_list\(\)\)/);
    assert.deepEqual((await run(ran.output!, 'check')).findings, []);
  });

  test('overlapping edits are refused, not guessed', () => {
    const a = { start: 0, end: 5, text: 'x', rule: 'a' };
    const b = { start: 3, end: 8, text: 'y', rule: 'b' };
    const c = { start: 8, end: 8, text: 'z', rule: 'c' };
    const { accepted, deferred } = selectEdits([a, b, c]);
    assert.deepEqual(
      accepted.map((e) => e.rule),
      ['a', 'c'],
    );
    assert.deepEqual(
      deferred.map((e) => e.rule),
      ['b'],
    );
    assert.throws(() => applyEdits('0123456789', [a, b]), OverlapError);
    // two inserts at the same offset are a conflict too (their order would be a guess)
    const i1 = { start: 4, end: 4, text: 'await ', rule: 'i1' };
    const i2 = { start: 4, end: 4, text: '(await ', rule: 'i2' };
    assert.deepEqual(
      selectEdits([i1, i2]).deferred.map((e) => e.rule),
      ['i2'],
    );
    // an insert strictly inside a replaced range conflicts; at its edges it does not
    const r = { start: 2, end: 6, text: '', rule: 'r' };
    assert.deepEqual(
      selectEdits([r, { start: 4, end: 4, text: 'q', rule: 'in' }]).deferred.map((e) => e.rule),
      ['in'],
    );
    assert.deepEqual(selectEdits([r, { start: 6, end: 6, text: 'q', rule: 'edge' }]).deferred, []);
    // groups are atomic
    const g1 = { start: 0, end: 0, text: '(await ', rule: 'g', group: 1 };
    const g2 = { start: 9, end: 9, text: ')', rule: 'g', group: 1 };
    const blocker = { start: 8, end: 10, text: '', rule: 'blocker' };
    const sel = selectEdits([blocker, g1, g2]);
    assert.deepEqual(
      sel.accepted.map((e) => e.rule),
      ['blocker'],
    );
    assert.equal(sel.deferred.length, 2);
  });

  test('offsets of later passes map back to the original text', () => {
    const m = new OffsetMap();
    // original: "abc client.close()" ; pass 1 inserts "await " at 4
    m.push([{ start: 4, end: 4, text: 'await ' }]);
    assert.equal(m.toOriginal(0), 0);
    assert.equal(m.toOriginal(4), 4);
    assert.equal(m.toOriginal(10), 4);
    assert.equal(m.toOriginal(12), 6);
    // pass 2 deletes 2 chars at 0
    m.push([{ start: 0, end: 2, text: '' }]);
    assert.equal(m.toOriginal(8), 4);
    assert.equal(m.toOriginal(10), 6);
  });

  test('findings point at the original text in UTF-16 columns', async () => {
    const src = 'from motor.motor_asyncio import AsyncIOMotorClient\nc = AsyncIOMotorClient()\nlabel = "é😀"; c.close()\n';
    const res = await run(src);
    const f = res.findings.find((x) => x.ruleId === 'motor-python/needs-await-in-sync');
    assert.ok(f);
    assert.equal(f.line, 3);
    assert.equal(f.column, src.split('\n')[2].indexOf('c.close') + 1);
  });

  test('never adds await in a sync def, a lambda or a generator expression', async () => {
    const src = [
      'from motor.motor_asyncio import AsyncIOMotorClient',
      'client = AsyncIOMotorClient()',
      'def a():',
      '    client.close()',
      'async def b():',
      '    f = lambda: client.close()',
      '    g = (client.is_primary for _ in range(3))',
      '    return f, g',
      '',
    ].join('\n');
    const res = await run(src);
    assert.ok(!/await client/.test(res.output ?? ''), res.output ?? '');
    assert.deepEqual(
      res.findings.filter((f) => f.ruleId === 'motor-python/needs-await-in-sync').map((f) => f.line),
      [4, 6, 7],
    );
  });

  test('receivers that are not provably Motor are never awaited', async () => {
    const src = [
      'from motor.motor_asyncio import AsyncIOMotorClient',
      'from pymongo import MongoClient',
      'sync = MongoClient()',
      'async def f(unknown, client: AsyncIOMotorClient):',
      '    sync.close()',
      '    unknown.close()',
      '    x = sync.db.users.aggregate([])',
      '    y = unknown.aggregate([])',
      '    z = client.db.users.aggregate([])',
      '',
    ].join('\n');
    const res = await run(src);
    const lines = (res.output ?? '').split('\n');
    // the AsyncMongoClient import joins the file's `from pymongo import` line
    assert.equal(lines[0], 'from pymongo import MongoClient, AsyncMongoClient');
    assert.equal(lines[3], '    sync.close()');
    assert.equal(lines[4], '    unknown.close()');
    assert.equal(lines[5], '    x = sync.db.users.aggregate([])');
    assert.equal(lines[6], '    y = unknown.aggregate([])');
    assert.equal(lines[7], '    z = await client.db.users.aggregate([])');
  });

  test('handles imported from other modules can be injected', async () => {
    const src = ['import motor', 'from app.db import database', 'async def f():', '    async for x in database.users.aggregate([]):', '        print(x)', ''].join('\n');
    const without = await run(src);
    assert.ok(!(without.output ?? src).includes('await database'));
    assert.ok(without.findings.some((f) => f.ruleId === 'motor-python/untraced-cursor-coroutine' && f.severity === 'error'));
    const withInjected = await run(src, 'run', 'app/x.py', { pythonImportedHandles: { 'app.db.database': 'db' } });
    assert.ok((withInjected.output ?? '').includes('async for x in await database.users.aggregate([]):'));
    // bad injected values are ignored, not trusted
    const bad = await run(src, 'run', 'app/x.py', { pythonImportedHandles: { 'app.db.database': 'nonsense' } });
    assert.ok(!(bad.output ?? src).includes('await database'));
  });

  test('injected cross-module handles and factories reach files that never mention motor', async () => {
    const src = [
      'from app.database.connection import db',
      'from app.database import get_collection',
      '',
      'async def categories():',
      '    return await db["schemes"].aggregate([]).to_list(length=None)',
      '',
      'async def monthly():',
      '    cases = await get_collection("cases")',
      '    return await cases.aggregate([]).to_list(None)',
      '',
    ].join('\n');
    const extra = { pythonImportedHandles: { 'app.database.connection.db': 'db', 'app.database.get_collection': 'asyncFactory:collection' } };
    assert.equal(pythonEngine.prefilter(src.replace(/aggregate/g, 'find'), options()), false);
    assert.equal(pythonEngine.prefilter(src.replace(/aggregate/g, 'find'), options('run', extra)), true);
    const res = await run(src, 'run', 'app/routes.py', extra);
    assert.equal(
      res.output,
      src
        .replace('await db["schemes"].aggregate([]).to_list(length=None)', 'await (await db["schemes"].aggregate([])).to_list()')
        .replace('await cases.aggregate([]).to_list(None)', 'await (await cases.aggregate([])).to_list()'),
    );
    // without the injection nothing is touched
    assert.equal((await run(src, 'run', 'app/routes.py')).output, null);
  });

  test('module handles are exported for cross-module injection', async () => {
    const src = [
      'from motor.motor_asyncio import AsyncIOMotorClient',
      'import pytest',
      'client = AsyncIOMotorClient()',
      'database = client.app',
      'users = database["users"]',
      'other = 3',
      '@pytest.fixture',
      'def coll():',
      '    return users',
      'async def get_collection(name):',
      '    return database[name]',
      '',
    ].join('\n');
    assert.deepEqual(await pythonModuleHandles(src), {
      client: 'client',
      database: 'db',
      users: 'collection',
      coll: 'factory:collection',
      get_collection: 'asyncFactory:collection',
      'fixture:coll': 'collection',
    });
  });

  test('process() never throws, even on odd input', async () => {
    for (const t of ['', 'motor', '\n\n\nmotor\n', 'def (motor:', '\uD800motor']) {
      const res = await run(t);
      assert.ok(res && Array.isArray(res.findings));
    }
  });
});

describe('dependency files', () => {
  const depCases = existsSync(DEPS)
    ? readdirSync(DEPS)
        .filter((f) => /\.input\.[a-z]+$/.test(f))
        .map((f) => {
          const m = /^(.*)\.input\.([a-z]+)$/.exec(f)!;
          return { name: m[1], ext: m[2] };
        })
    : [];
  const asPath: Record<string, string> = { txt: 'requirements.txt', toml: 'pyproject.toml', cfg: 'setup.cfg', pipfile: 'Pipfile', lock: 'poetry.lock' };

  test('fixture cases exist for every format', () => {
    for (const ext of ['txt', 'toml', 'cfg'])
      assert.ok(
        depCases.some((c) => c.ext === ext),
        ext,
      );
  });

  for (const c of depCases) {
    test(c.name, () => {
      const rel = `svc/${asPath[c.ext]}`;
      const input = readFileSync(join(DEPS, `${c.name}.input.${c.ext}`), 'utf8');
      const outPath = join(DEPS, `${c.name}.output.${c.ext}`);
      const expected = existsSync(outPath) ? readFileSync(outPath, 'utf8') : input;
      const findingsPath = join(DEPS, `${c.name}.findings.json`);
      if (c.ext === 'lock') {
        assert.ok(isPythonLockfile(rel));
        assert.ok(!isPythonDependencyFile(rel));
        const f = pythonLockfileFinding(rel, input);
        const exp = JSON.parse(readFileSync(findingsPath, 'utf8')) as Short[];
        assert.deepEqual(f ? short([f]) : [], exp);
        return;
      }
      assert.ok(isPythonDependencyFile(rel));
      const res = migratePythonDependencyFile(rel, input, 'run');
      assert.equal(res.output ?? input, expected);
      if (existsSync(findingsPath)) assert.deepEqual(short(res.findings), JSON.parse(readFileSync(findingsPath, 'utf8')));
      // idempotent, and check mode is clean on the migrated file
      const again = migratePythonDependencyFile(rel, expected, 'run');
      assert.equal(again.output, null);
      const check = migratePythonDependencyFile(rel, expected, 'check');
      // (unless motor is kept for an ODM that still runs on it: then check stays red on purpose)
      const kept = res.findings.some((f) => f.ruleId === 'motor-python/motor-kept');
      assert.equal(check.findings.filter((f) => f.ruleId === 'motor-python/legacy-dependency').length, kept ? 1 : 0);
      // check mode on the input flags every motor requirement it would change
      if (expected !== input) {
        const chk = migratePythonDependencyFile(rel, input, 'check');
        assert.ok(chk.findings.some((f) => f.ruleId === 'motor-python/legacy-dependency' && f.severity === 'error'));
      }
    });
  }

  test('file routing', () => {
    for (const p of ['requirements.txt', 'requirements-dev.txt', 'a/requirements/base.txt', 'requirements.in', 'pyproject.toml', 'x/setup.cfg', 'Pipfile']) assert.ok(isPythonDependencyFile(p), p);
    for (const p of ['README.txt', 'setup.py', 'poetry.lock', 'package.json', 'notes/requirements.md']) assert.ok(!isPythonDependencyFile(p), p);
    for (const p of ['poetry.lock', 'a/uv.lock', 'Pipfile.lock']) assert.ok(isPythonLockfile(p), p);
    assert.ok(!isPythonLockfile('package-lock.json'));
  });

  test('lockfiles: stale warning only when motor is pinned', () => {
    const uv = '[[package]]\nname = "fastapi"\nversion = "0.1"\n\n[[package]]\nname = "motor"\nversion = "3.6.0"\n';
    const f = pythonLockfileFinding('uv.lock', uv);
    assert.ok(f);
    assert.equal(f.ruleId, 'motor-python/stale-lockfile');
    assert.equal(f.severity, 'warning');
    assert.equal(f.line, 6);
    assert.equal(pythonLockfileFinding('uv.lock', '[[package]]\nname = "pymongo"\n'), null);
    assert.equal(pythonLockfileFinding('uv.lock', '[[package]]\nname = "motor-types"\n'), null);
    const pip = '{\n  "default": {\n    "motor": {\n      "version": "==3.3.2"\n    }\n  }\n}\n';
    assert.equal(pythonLockfileFinding('Pipfile.lock', pip)?.line, 3);
  });

  test('requirements: CRLF, comments and unrelated lines stay byte-identical', () => {
    const src = '# deps\r\nfastapi==0.110.0\r\nmotor[srv,zstd]==3.3.2 ; python_version >= "3.9"  # db\r\nmotor-types\r\n';
    const res = migratePythonDependencyFile('requirements.txt', src, 'run');
    assert.equal(res.output, '# deps\r\nfastapi==0.110.0\r\npymongo[zstd]==4.13.0 ; python_version >= "3.9"  # db\r\nmotor-types\r\n');
  });

  test("pymongo's constraint keeps the style of motor's: operator, version parts, an upper major bound, the padding", () => {
    assert.equal(specLike('~=3.3'), '~=4.13');
    assert.equal(specLike('==3.3.1'), '==4.13.0');
    assert.equal(specLike('>=3'), '>=4.13');
    assert.equal(specLike('^3.6.0'), '^4.13.0');
    assert.equal(specLike('>=2.5.0,<4.0.0'), '>=4.13.0,<5.0.0');
    assert.equal(specLike('<4, >=3.1'), '>=4.13, <5');
    assert.equal(specLike('>=3,<3.7'), '>=4.13');
    assert.equal(specLike('!=3.1'), '>=4.13');
    assert.equal(specLike(''), '>=4.13');
    const padded = migratePythonDependencyFile('requirements.in', 'fastapi             ~=0.110\nmotor               ~=3.3\n', 'run');
    assert.equal(padded.output, 'fastapi             ~=0.110\npymongo             ~=4.13\n');
    // a compiled file: motor's pip-compile annotation goes with it, the pymongo pin stays a pin
    const compiled = 'idna==3.4\n    # via\n    #   anyio\nmotor==3.3.1\n    # via -r requirements.in\npydantic==2.6.3\npymongo==4.5.0\n    # via motor\n';
    assert.equal(migratePythonDependencyFile('requirements.txt', compiled, 'run').output, 'idna==3.4\n    # via\n    #   anyio\npydantic==2.6.3\npymongo==4.13.0\n    # via motor\n');
  });

  test('raiseSpec', () => {
    assert.deepEqual(raiseSpec('', 'pep440').spec, '>=4.13');
    assert.deepEqual(raiseSpec('>=4.13', 'pep440'), { spec: '>=4.13', changed: false, dropped: [] });
    assert.equal(raiseSpec('==4.15.1', 'pep440').changed, false);
    assert.equal(raiseSpec('>=4.6,<5', 'pep440').spec, '>=4.13,<5');
    assert.equal(raiseSpec('==4.6.1', 'pep440').spec, '==4.13.0');
    assert.equal(raiseSpec('==4.6.1,<5', 'pep440').spec, '>=4.13.0,<5');
    assert.equal(raiseSpec('>=4,<4.10', 'pep440').spec, '>=4.13');
    assert.equal(raiseSpec('^4.6', 'poetry').spec, '^4.13');
    assert.equal(raiseSpec('*', 'poetry').spec, '>=4.13');
  });

  test('check: a beanie pin before 2.0 next to pymongo is an error; run raises it with the driver', () => {
    const migrated = 'pymongo>=4.13\nbeanie==1.26.0\n';
    const chk = migratePythonDependencyFile('requirements.txt', migrated, 'check');
    assert.deepEqual(
      chk.findings.map((f) => [f.ruleId, f.severity, f.line]),
      [['motor-python/beanie-pin', 'error', 2]],
    );
    assert.deepEqual(migratePythonDependencyFile('requirements.txt', 'pymongo>=4.13\nbeanie>=2.0\n', 'check').findings, []);
    const ran = migratePythonDependencyFile('requirements.txt', 'motor==3.6\nbeanie~=1.26\n', 'run');
    assert.equal(ran.output, 'pymongo==4.13\nbeanie>=2.0\n');
  });

  test('check mode reports a lingering motor dependency', () => {
    const res = migratePythonDependencyFile('requirements.txt', 'motor>=3\n', 'check');
    assert.deepEqual(short(res.findings), [{ ruleId: 'motor-python/legacy-dependency', severity: 'error', line: 1, column: 1 }]);
    assert.equal(migratePythonDependencyFile('requirements.txt', 'motor>=3\n', 'run').findings.length, 0);
  });

  test('unrelated dependency files are untouched', () => {
    for (const [p, t] of [
      ['requirements.txt', 'fastapi\nmotorway==1.0\n'],
      ['pyproject.toml', '[project]\ndependencies = ["motorway"]\n'],
      ['setup.cfg', '[metadata]\nname = motor\n'],
    ] as const)
      assert.equal(migratePythonDependencyFile(p, t, 'run').output, null, p);
  });
});

describe('Beanie 2.0 rename: the project is Beanie itself', () => {
  // A run over part of Beanie's own tree (the file defining get_motor_collection is not in it): the pyproject name says
  // the method is the project's own API, so calls on its Document subclasses keep their name.
  const text =
    'from beanie import Document\nfrom motor.motor_asyncio import AsyncIOMotorClient\n\n\nclass Sample(Document):\n    num: int\n\n\nasync def reset():\n    await Sample.get_motor_collection().drop()\n';
  async function inProject(pyproject: string) {
    const dir = mkdtempSync(join(tmpdir(), 'mc-beanie-'));
    try {
      mkdirSync(join(dir, '.git'));
      mkdirSync(join(dir, 'tests'));
      writeFileSync(join(dir, 'pyproject.toml'), pyproject);
      return await pythonEngine.process({ absPath: join(dir, 'tests', 'test_reset.py'), relPath: 'tests/test_reset.py', text }, options('run', { cwd: dir }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  test('[project] name = "beanie": not renamed', async () => {
    const res = await inProject('[build-system]\nrequires = ["flit_core >=3.2,<4"]\n\n[project]\nauthors = [\n    {name = "Roman Right"},\n]\nname = "beanie"\n');
    assert.ok(res.output && !res.output.includes('get_pymongo_collection') && res.output.includes('AsyncMongoClient'));
    assert.deepEqual(
      res.findings.filter((f) => /beanie/.test(f.ruleId)),
      [],
    );
  });
  test('another project (name in [tool.poetry], a tool table named beanie): renamed', async () => {
    const res = await inProject('[tool.poetry]\nname = "shop"\n\n[tool.other]\nname = "beanie"\n');
    assert.ok(res.output?.includes('await Sample.get_pymongo_collection().drop()'));
    assert.deepEqual(
      short(res.findings).map((f) => f.ruleId),
      ['motor-python/beanie-2'],
    );
  });
});

before(async () => {
  // parser init is lazy; warm it once so per-test timings are not skewed
  await transformPython('import motor\n');
});

test('new from-lines go to their isort place in a sorted block, and stay in place otherwise', async () => {
  // two from-lines in order: the block is sorted, pymongo.* goes after pydantic
  const sorted = 'from bson import ObjectId\nfrom motor.motor_asyncio import AsyncIOMotorDatabase\nfrom pydantic import BaseModel\n\n\ndef f(db: AsyncIOMotorDatabase) -> None: ...\n';
  assert.equal(
    (await run(sorted)).output,
    'from bson import ObjectId\nfrom pydantic import BaseModel\nfrom pymongo.asynchronous.database import AsyncDatabase\n\n\ndef f(db: AsyncDatabase) -> None: ...\n',
  );
  // not sorted: the new line takes the Motor line's place
  const unsorted = 'from pydantic import BaseModel\nfrom motor.motor_asyncio import AsyncIOMotorDatabase\nfrom bson import ObjectId\n\n\ndef f(db: AsyncIOMotorDatabase) -> None: ...\n';
  assert.equal(
    (await run(unsorted)).output,
    unsorted.replace('from motor.motor_asyncio import AsyncIOMotorDatabase', 'from pymongo.asynchronous.database import AsyncDatabase').replace('db: AsyncIOMotorDatabase', 'db: AsyncDatabase'),
  );
  // one neighbour: sorted only when the project says so (isort / ruff's I rules)
  const one = 'from motor.motor_asyncio import AsyncIOMotorDatabase\nfrom pydantic import BaseModel\n\n\ndef f(db: AsyncIOMotorDatabase) -> None: ...\n';
  assert.equal((await run(one)).output, 'from pymongo.asynchronous.database import AsyncDatabase\nfrom pydantic import BaseModel\n\n\ndef f(db: AsyncDatabase) -> None: ...\n');
  const configured = await transformPython(one, { ...options('run'), pythonSortsImports: true } as Parameters<typeof transformPython>[1]);
  assert.equal(configured.output, 'from pydantic import BaseModel\nfrom pymongo.asynchronous.database import AsyncDatabase\n\n\ndef f(db: AsyncDatabase) -> None: ...\n');
});

test('a project sorts its imports when isort or ruff says so (pyproject, ruff.toml, setup.cfg, .isort.cfg)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-isort-'));
  const cases: [string, string, boolean][] = [
    ['pyproject.toml', '[tool.ruff.lint]\nextend-select = ["I001"]\n', true],
    ['pyproject.toml', '[tool.ruff.lint]\nselect = ["E", "F", "I"]\n', true],
    ['pyproject.toml', '[tool.isort]\nprofile = "black"\n', true],
    ['setup.cfg', '[isort]\nline_length = 100\n', true],
    ['.isort.cfg', '[settings]\n', true],
    ['pyproject.toml', '[tool.ruff.lint]\nselect = ["E", "F"]\n', false],
  ];
  cases.forEach(([name, text, want], i) => {
    const d = join(dir, String(i));
    mkdirSync(join(d, '.git'), { recursive: true });
    writeFileSync(join(d, name), text);
    assert.equal(sortsImports(d), want, `${name}: ${text.trim()}`);
  });
  rmSync(dir, { recursive: true, force: true });
});
