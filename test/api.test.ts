/** The programmatic API: import { migrate, check } from 'mongo-codemod'. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, check, formatReport, buildReport, createBaseline, EXIT, type Finding, type Report } from '../src/index.js';
import { formatBaseline } from '../src/report/baseline.js';
import { SERVICE, FLAGGED } from './helpers/sample-project.js';

const PY_IN = `from motor import motor_asyncio

client = motor_asyncio.AsyncIOMotorClient()
db = client["reports"]

async def monthly(coll: motor_asyncio.AsyncIOMotorCollection, month: int):
    cursor = coll.aggregate([{"$match": {"month": month}}])
    return await cursor.to_list(None)
`;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mc-api-'));
}

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

describe('programmatic API', () => {
  test('migrate a JS source string: new text, changed, findings with the path', async () => {
    const r = await migrate({ source: SERVICE, path: 'src/service.js' });
    assert.equal(r.changed, true);
    assert.match(r.output, /^import \{ MongoClient \} from 'mongodb';/);
    assert.match(r.output, /\.toArray\(\)|for await/);
    assert.ok(r.findings.every((f: Finding) => f.file === 'src/service.js'));
    // Idempotent: the output migrates to itself.
    const again = await migrate({ source: r.output, path: 'src/service.js' });
    assert.equal(again.changed, false);
    assert.equal(again.output, r.output);
  });

  test('BOM and CRLF survive; ignore comments apply; unknown extensions come back unchanged', async () => {
    const crlf = '\uFEFF' + SERVICE.replace(/\n/g, '\r\n');
    const r = await migrate({ source: crlf, path: 'win.ts' });
    assert.ok(r.output.startsWith("\uFEFFimport { MongoClient } from 'mongodb';\r\n"));
    assert.ok(!/[^\r]\n/.test(r.output));
    const flagged = await migrate({ source: FLAGGED, path: 'flagged.js' });
    const ids = flagged.findings.map((f) => f.ruleId);
    assert.ok(ids.includes('motor/to-list-zero'));
    assert.ok(!ids.includes('motor/cursor-each'), 'suppressed by the ignore comment');
    const other = await migrate({ source: SERVICE, path: 'notes.txt' });
    assert.deepEqual(other, { output: SERVICE, changed: false, findings: [] });
  });

  test('a parse error is reported, not thrown; check gives exit 3 for it', async () => {
    const src = "import { AsyncIOMotorClient } from 'motor';\nconst x = ;\n";
    const r = await migrate({ source: src, path: 'broken.js' });
    assert.equal(r.changed, false);
    assert.equal(r.output, src);
    assert.match(r.error ?? '', /parse error/);
    assert.equal((await check({ source: src, path: 'broken.js' })).exitCode, EXIT.fileErrors);
  });

  test('migrate a Python source string', async () => {
    const r = await migrate({ source: PY_IN, path: 'app/reports.py' });
    assert.equal(r.changed, true);
    assert.match(r.output, /^client = AsyncMongoClient\(\)$/m);
    assert.match(r.output, /await coll\.aggregate/);
    assert.ok(r.findings.some((f) => f.ruleId === 'motor-python/await-added' && f.file === 'app/reports.py'));
  });

  test('check a source string: findings and the exit code check would give', async () => {
    const r = await check({ source: FLAGGED, path: 'flagged.js' });
    assert.equal(r.exitCode, EXIT.findings);
    assert.ok(r.findings.some((f) => f.ruleId === 'motor/to-list-zero' && f.line === 11));
    const clean = await check({ source: "import { MongoClient } from 'mongodb';\nexport const c = new MongoClient('x');\n", path: 'ok.js' });
    assert.deepEqual([clean.exitCode, clean.findings.length], [EXIT.ok, 0]);
  });

  test('options: preset, wrapperModules and a bad preset', async () => {
    const src = "import { connect } from '@acme/db';\nexport const x = 1;\n";
    const viaPreset = await migrate({ source: SERVICE, path: 'a.js' }, { preset: 'native' });
    assert.equal(viaPreset.changed, false, 'the native preset leaves motor imports alone');
    const wrapped = await migrate({ source: "import { AsyncIOMotorClient } from '@acme/db';\nconst c = new AsyncIOMotorClient('x');\n", path: 'a.js' }, { wrapperModules: ['@acme/db'] });
    assert.equal(wrapped.changed, true);
    assert.equal((await migrate({ source: src, path: 'a.js' })).changed, false);
    await assert.rejects(migrate({ source: src, path: 'a.js' }, { preset: 'nope' }), /unknown preset 'nope'/);
  });

  test('migrate a list of files writes nothing and returns outputs, findings and the report', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, 'gen'));
    fs.writeFileSync(path.join(dir, 'src/service.js'), SERVICE);
    fs.writeFileSync(path.join(dir, 'src/flagged.js'), FLAGGED);
    fs.writeFileSync(path.join(dir, 'src/win.js'), '\uFEFF' + SERVICE.replace(/\n/g, '\r\n'));
    fs.writeFileSync(path.join(dir, 'src/reports.py'), PY_IN);
    fs.writeFileSync(path.join(dir, 'gen/out.js'), SERVICE);
    fs.writeFileSync(path.join(dir, 'package.json'), '{\n  "name": "shop",\n  "dependencies": {\n    "motor": "^2.0.0"\n  }\n}\n');
    const before = snapshot(dir);
    const r = await migrate({ files: ['.'] }, { cwd: dir, ignore: ['gen/'] });
    assert.deepEqual(snapshot(dir), before, 'nothing written');
    const byPath = new Map(r.files.map((f) => [f.path, f]));
    assert.equal(byPath.get('src/service.js')!.status, 'changed');
    assert.equal(byPath.get('src/service.js')!.output, (await migrate({ source: SERVICE, path: path.join(dir, 'src/service.js') }, { cwd: dir })).output);
    assert.ok(byPath.get('src/win.js')!.output!.startsWith("\uFEFFimport { MongoClient } from 'mongodb';\r\n"));
    assert.match(byPath.get('src/reports.py')!.output!, /^from pymongo import AsyncMongoClient$/m);
    assert.match(byPath.get('package.json')!.output!, /"mongodb"/);
    assert.ok(!byPath.has('gen/out.js'), 'ignored by pattern');
    assert.ok(byPath.get('src/flagged.js')!.findings.some((f) => f.ruleId === 'motor/to-list-zero'));
    assert.ok(r.findings.length >= byPath.get('src/flagged.js')!.findings.length);
    const report: Report = r.report;
    assert.equal(report.tool, 'mongo-codemod');
    assert.equal(report.summary.filesChanged, r.files.filter((f) => f.status === 'changed').length);
    assert.ok(formatReport(report, 'sarif').includes('"version": "2.1.0"'));
    assert.equal(typeof buildReport, 'function');

    const c = await check({ files: ['src'] }, { cwd: dir });
    assert.equal(c.exitCode, EXIT.findings);
    assert.ok(c.files.every((f) => f.output === undefined));
    assert.deepEqual(snapshot(dir), before, 'check writes nothing');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('check with a baseline: only new findings count', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'flagged.js'), FLAGGED);
    const first = await check({ files: ['.'] }, { cwd: dir });
    const lines = FLAGGED.split('\n');
    fs.writeFileSync(path.join(dir, 'baseline.json'), formatBaseline(createBaseline(first.findings, (_f, l) => lines[l - 1])));
    const same = await check({ files: ['.'] }, { cwd: dir, baseline: 'baseline.json' });
    assert.equal(same.exitCode, EXIT.ok);
    assert.equal(same.report.summary.baselined, first.findings.length);
    fs.writeFileSync(path.join(dir, 'flagged.js'), '// moved down\n' + FLAGGED + 'export const more = () => people.find({}).toList(0);\n');
    const moved = await check({ files: ['.'] }, { cwd: dir, baseline: 'baseline.json' });
    assert.equal(moved.exitCode, EXIT.findings);
    assert.deepEqual(
      moved.findings.map((f) => [f.ruleId, f.line]),
      [['motor/to-list-zero', 14]],
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
