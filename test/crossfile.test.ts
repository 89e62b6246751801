/**
 * Cross-file provenance: handles exported by one file of the run (ESM and CommonJS shapes) are followed into the
 * files that import them, which never mention the wrapper themselves; unrelated local modules stay untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFiles } from '../src/runner/run.js';

function write(dir: string, files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

/** The runner on the whole folder with the default options: `run` (writing unless dryRun), or `check`. */
async function run(dir: string, mode: 'run' | 'check' = 'run', dryRun = false) {
  return runFiles({ mode, preset: 'auto', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: dir, paths: ['.'], dryRun });
}

test('CommonJS and ESM handle modules are followed into their importers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-xfile-'));
  write(dir, {
    'lib/db.js': "const { AsyncIOMotorClient } = require('motor');\nconst client = new AsyncIOMotorClient(process.env.URL);\nconst db = client.getDatabase('app');\nmodule.exports = db;\n",
    'lib/store.js':
      "const { AsyncIOMotorClient } = require('motor');\nconst client = new AsyncIOMotorClient(process.env.URL);\nexports.getDb = () => client.getDatabase('app');\nexports.client = client;\n",
    'models/users.mjs': "import { AsyncIOMotorClient } from 'motor';\nexport const users = new AsyncIOMotorClient(process.env.URL).getDatabase('app').getCollection('users');\n",
    'routes/a.js': "const db = require('../lib/db');\nexports.list = async () => {\n  const rows = await db.getCollection('a').find().toList();\n  return rows;\n};\n",
    'routes/b.js': "const { getDb, client } = require('../lib/store');\nexports.count = () => getDb().getCollection('b').countDocuments();\nexports.stop = async () => {\n  client.close();\n};\n",
    'routes/c.mjs': "import { users } from '../models/users.mjs';\nexport const all = () => users.find().toList();\n",
    'routes/decoy.js': "const cache = require('../lib/cache');\nexports.x = () => cache.getCollection('a').find().toList();\n",
    'lib/cache.js': 'module.exports = { getCollection: () => ({ find: () => ({ toList: async () => [] }) }) };\n',
  });
  const r = await run(dir);
  const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
  assert.equal(
    read('routes/a.js'),
    "const db = require('../lib/db');\nexports.list = async () => {\n  const rows = [];\n  for await (const row of db.collection('a').find()) {\n    rows.push(row);\n  }\n  return rows;\n};\n",
  );
  assert.equal(
    read('routes/b.js'),
    "const { getDb, client } = require('../lib/store');\nexports.count = () => getDb().collection('b').countDocuments();\nexports.stop = async () => {\n  await client.close();\n};\n",
  );
  assert.equal(read('routes/c.mjs'), "import { users } from '../models/users.mjs';\nexport const all = () => users.find().toArray();\n");
  assert.equal(read('routes/decoy.js'), "const cache = require('../lib/cache');\nexports.x = () => cache.getCollection('a').find().toList();\n");
  assert.equal(read('lib/cache.js'), 'module.exports = { getCollection: () => ({ find: () => ({ toList: async () => [] }) }) };\n');
  assert.equal(r.files.filter((f) => f.status === 'changed').length, 6);

  // Second run: the handle modules are native now; nothing changes, nothing is flagged.
  const again = await run(dir);
  assert.equal(again.files.filter((f) => f.status === 'changed').length, 0);
  assert.deepEqual(again.findings, []);

  // A legacy call left in an importer is still caught by check, through the native exports.
  fs.appendFileSync(path.join(dir, 'routes/a.js'), "exports.old = () => db.getCollection('x');\n");
  const check = await run(dir, 'check', true);
  assert.deepEqual(
    check.findings.map((f) => [f.ruleId, f.file, f.line]),
    [['native/unknown-method', 'routes/a.js', 9]],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('Python: a file that imports motor and a handle of another module is transformed with that handle (the cross-file pass result is not reused)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-xfile-py-'));
  write(dir, {
    'app/db.py': "from motor.motor_asyncio import AsyncIOMotorClient\n\nclient = AsyncIOMotorClient('mongodb://localhost')\ndatabase = client.app\n",
    'app/x.py': 'import motor\nfrom app.db import database\n\nasync def f():\n    async for x in database.users.aggregate([]):\n        print(x)\n',
    'app/alone.py': 'import motor.motor_asyncio\n\nasync def g(client: motor.motor_asyncio.AsyncIOMotorClient):\n    client.close()\n',
  });
  await run(dir);
  const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
  // Without the injected handle, x.py's aggregate would be left alone (and flagged as an unverified receiver).
  assert.match(read('app/x.py'), /async for x in await database\.users\.aggregate\(\[\]\):/);
  // A motor file that uses no handle of another module gets its first-pass result.
  assert.match(read('app/alone.py'), /await client\.close\(\)/);
});

test('worker threads (index and process in one pass) give exactly the in-process result, late exporters included', async () => {
  const tree: Record<string, string> = {
    'lib/db.js': "const { AsyncIOMotorClient } = require('motor');\nconst client = new AsyncIOMotorClient(process.env.URL);\nmodule.exports = client.getDatabase('app');\n",
    // Mentions motor (a candidate of the first round), imports the handle module: processed before the index
    // knew lib/db.js, so it must be processed again.
    'routes/mixed.js': "// reads through the motor handle of ../lib/db\nconst db = require('../lib/db');\nexports.list = () => db.getCollection('a').find().toArray();\n",
    // Never mentions motor: reached by the second round only.
    'routes/plain.js': "const db = require('../lib/db');\nexports.n = () => db.getCollection('b').countDocuments();\n",
    'models/users.js': "const db = require('../lib/db');\nmodule.exports = db.getCollection('users');\n",
    'routes/users.js': "const users = require('../models/users');\nexports.all = () => users.find().toList();\n",
    'routes/decoy.js': "// not motor\nconst cache = require('../lib/cache');\nexports.x = () => cache.getCollection('a');\n",
    'lib/cache.js': 'module.exports = { getCollection: () => null };\n',
  };
  const results: { files: string; findings: string }[] = [];
  for (const threads of ['1', '2']) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mc-xfile-t${threads}-`));
    write(dir, tree);
    const saved = process.env.MONGO_CODEMOD_THREADS;
    process.env.MONGO_CODEMOD_THREADS = threads;
    try {
      const r = await run(dir);
      const out = Object.keys(tree).map((rel) => `${rel}\n${fs.readFileSync(path.join(dir, rel), 'utf8')}`);
      results.push({ files: out.join('\n'), findings: JSON.stringify(r.findings) + JSON.stringify(r.files) });
    } finally {
      if (saved === undefined) delete process.env.MONGO_CODEMOD_THREADS;
      else process.env.MONGO_CODEMOD_THREADS = saved;
    }
  }
  assert.equal(results[1]!.files, results[0]!.files);
  assert.equal(results[1]!.findings, results[0]!.findings);
  assert.match(results[0]!.files, /routes\/mixed\.js\n[^]*db\.collection\('a'\)/);
  assert.match(results[0]!.files, /routes\/plain\.js\n[^]*db\.collection\('b'\)/);
  assert.match(results[0]!.files, /routes\/users\.js\n[^]*users\.find\(\)\.toArray\(\)/);
  assert.match(results[0]!.files, /routes\/decoy\.js\n\/\/ not motor\nconst cache = require\('\.\.\/lib\/cache'\);\nexports\.x = \(\) => cache\.getCollection\('a'\);\n/);
});

test('callback era: a module-level handle assigned in a connect callback is followed into importers that never mention mongodb', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-xfile-cb-'));
  write(dir, {
    'package.json': '{ "name": "app", "dependencies": { "mongodb": "^3.6.0", "nedb": "^1.8.0" } }\n',
    'db.js':
      "const MongoClient = require('mongodb').MongoClient;\nlet _db;\nexports.connect = function (url, cb) {\n  MongoClient.connect(url, function (err, client) {\n    if (err) return cb(err);\n    _db = client.db('app');\n    cb();\n  });\n};\nexports.getDb = () => _db;\n",
    'routes/users.js':
      "const db = require('../db');\nexports.create = function (req, res, next) {\n  db.getDb().collection('users').insert({ name: req.body.name }, function (err) {\n    if (err) return next(err);\n    res.status(201).end();\n  });\n};\n",
    'cache.js': "const Datastore = require('nedb');\nlet _db = null;\nexports.open = () => { _db = new Datastore(); };\nexports.getDb = () => _db;\n",
    'routes/hits.js': "const cache = require('../cache');\nexports.hit = (key, cb) => cache.getDb().insert({ key }, cb);\n",
  });
  const r = await run(dir);
  const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
  assert.equal(
    read('routes/users.js'),
    "const db = require('../db');\nexports.create = function (req, res, next) {\n  db.getDb().collection('users').insertOne({ name: req.body.name }).then(function () {\n    res.status(201).end();\n  }, function (err) {\n    return next(err);\n  });\n};\n",
  );
  assert.equal(read('routes/hits.js'), "const cache = require('../cache');\nexports.hit = (key, cb) => cache.getDb().insert({ key }, cb);\n");
  assert.equal(read('cache.js'), "const Datastore = require('nedb');\nlet _db = null;\nexports.open = () => { _db = new Datastore(); };\nexports.getDb = () => _db;\n");
  assert.deepEqual(
    r.findings.filter((f) => f.severity !== 'info').map((f) => [f.ruleId, f.file, f.line]),
    [],
  );
  assert.deepEqual(
    r.files
      .filter((f) => f.status === 'changed')
      .map((f) => f.path)
      .sort(),
    ['db.js', 'package.json', 'routes/users.js'],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('callback era: files that never mention mongodb reach the untracked-receiver report through the runner only where a package depends on the driver', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-untracked-'));
  const posts =
    "exports.purge = function (db, userId, done) {\n  db.collection('posts').remove({ userId: userId }, done);\n};\nexports.keep = (db, cb) => db.collection('posts').findOne({}, cb);\nexports.all = (db, cb) => db.collection('posts').find({}).toArray(cb);\nexports.walk = (db) => db.collection('posts').find({}).forEach((p) => console.log(p));\n";
  write(dir, {
    'api/package.json': '{ "name": "api", "dependencies": { "mongodb": "^3.6.0" } }\n',
    'api/lib/posts.js': posts,
    'tool/package.json': '{ "name": "tool", "dependencies": { "nedb": "^1.8.0" } }\n',
    'tool/lib/posts.js': posts,
  });
  const r = await run(dir);
  assert.deepEqual(
    r.findings.map((f) => [f.ruleId, f.file, f.line, f.column]),
    // remove() is gone; findOne() and toArray() remain but mongodb 5+ never calls their callbacks: all are
    // reported; forEach(iterator) without an end callback is fine.
    [
      ['mongodb-callbacks/untracked-callback', 'api/lib/posts.js', 2, 26],
      ['mongodb-callbacks/untracked-callback', 'api/lib/posts.js', 4, 51],
      ['mongodb-callbacks/untracked-callback', 'api/lib/posts.js', 5, 59],
    ],
  );
  assert.equal(fs.readFileSync(path.join(dir, 'api/lib/posts.js'), 'utf8'), posts);
  assert.deepEqual(
    r.files.filter((f) => f.status !== 'unchanged'),
    [],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('callback era: a package whose code still passes callbacks to untracked driver-looking calls keeps its mongodb range (a nested package answers for its own files)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-held-'));
  const connect =
    "const MongoClient = require('mongodb').MongoClient;\nMongoClient.connect(process.env.URL, function (err, client) {\n  if (err) throw err;\n  client.db().collection('jobs').insert({ at: new Date() }, function (err) {\n    if (err) throw err;\n    client.close();\n  });\n});\n";
  write(dir, {
    'cron/worker/package.json': '{ "name": "worker", "dependencies": { "mongodb": "^3.6.0" } }\n',
    'cron/worker/index.js': connect,
    'cron/worker/report.js': "module.exports = function (db, cb) {\n  db.collection('jobs').count({ done: true }, cb);\n};\n",
    'cron/package.json': '{ "name": "cron", "dependencies": { "mongodb": "^3.6.0" } }\n',
    'cron/index.js': connect,
  });
  const r = await run(dir);
  const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
  assert.equal(read('cron/worker/package.json'), '{ "name": "worker", "dependencies": { "mongodb": "^3.6.0" } }\n');
  assert.equal(read('cron/package.json'), '{ "name": "cron", "dependencies": { "mongodb": "^7.0.0" } }\n');
  assert.notEqual(read('cron/worker/index.js'), connect);
  assert.deepEqual(
    r.findings.filter((f) => f.severity !== 'info').map((f) => [f.ruleId, f.file]),
    [
      ['mongodb-callbacks/dependency-held', 'cron/worker/package.json'],
      ['mongodb-callbacks/untracked-callback', 'cron/worker/report.js'],
    ],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('check: a package.json of the checked code that still pins a pre-6 mongodb is reported, also once the code is migrated', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-old-driver-'));
  write(dir, {
    'package.json': '{\n  "name": "api",\n  "dependencies": {\n    "mongodb": "^3.6.3"\n  }\n}\n',
    'lib/users.js': "const { MongoClient } = require('mongodb');\nconst users = new MongoClient(process.env.URL).db().collection('users');\nexports.byId = (id) => users.findOne({ _id: id });\n",
    'tools/package.json': '{ "name": "tools", "dependencies": { "mongodb": "^7.0.0" } }\n',
    'tools/ok.js': "const { MongoClient } = require('mongodb');\nexports.c = () => new MongoClient(process.env.URL).db().collection('x').findOne({});\n",
  });
  const check = await run(dir, 'check', true);
  assert.deepEqual(
    check.findings.map((f) => [f.ruleId, f.file, f.line]),
    [['mongodb-callbacks/old-driver', 'package.json', 4]],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('callback era: the driver major comes from package-lock.json when package.json does not pin one (update -> updateOne on 3, updateMany on 4, flagged when unknown)', async () => {
  const source =
    "const { MongoClient } = require('mongodb');\nconst users = new MongoClient(process.env.URL).db().collection('users');\n\nexports.touch = (cb) => users.update({ a: 1 }, { $set: { b: 2 } }, cb);\n";
  const outcome = async (version?: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-era-lock-'));
    write(dir, { 'package.json': '{ "name": "x", "dependencies": { "mongodb": "latest" } }\n', 'a.js': source });
    if (version) write(dir, { 'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/mongodb': { version } } }) });
    const r = await run(dir, 'run', true);
    fs.rmSync(dir, { recursive: true, force: true });
    return { diff: r.diff, rules: r.findings.map((f) => f.ruleId) };
  };
  assert.match((await outcome('3.6.0')).diff, /users\.updateOne\(\{ a: 1 \}/);
  assert.match((await outcome('4.17.0')).diff, /users\.updateMany\(\{ a: 1 \}/);
  const unknown = await outcome();
  assert.doesNotMatch(unknown.diff, /users\.update(One|Many)\(/);
  assert.ok(unknown.rules.includes('mongodb-callbacks/update-era'));
});
