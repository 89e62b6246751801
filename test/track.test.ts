/**
 * Tracking handles that flow into code across the files of a run (src/tracking/facts.ts, the runner's facts
 * rounds): parameters of exported functions from their call sites, framework slots, fastify's mongo plugin. A
 * parameter or slot is a handle only when every call site or write in the run agrees; a library's public entry is
 * never proven by its callers in the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFiles } from '../src/runner/run.js';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-track-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

async function run(dir: string, mode: 'run' | 'check' = 'run') {
  return runFiles({ mode, preset: 'auto', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: dir, paths: ['.'], dryRun: false });
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');

const PKG = '{ "name": "shop", "private": true, "main": "server.js", "dependencies": { "express": "^4.17.1", "mongodb": "^3.6.3" } }\n';
const SERVER = `const express = require('express');
const { MongoClient } = require('mongodb');
const app = express();
MongoClient.connect(process.env.MONGO_URL, (err, client) => {
  if (err) throw err;
  const db = client.db('shop');
  app.locals.db = db;
  app.use('/orders', require('./routes/orders')(db));
  require('./jobs/nightly').start({ db });
  app.listen(3000);
});
`;
const ORDERS = `module.exports = function orders(db) {
  return function list(req, res, next) {
    db.collection('orders').find({}).toArray((err, docs) => {
      if (err) return next(err);
      res.json(docs);
    });
  };
};
`;
const NIGHTLY = `exports.start = function start({ db }) {
  setInterval(() => db.collection('carts').remove({ stale: true }, () => {}), 86400000);
};
`;
const USERS = `exports.get = (req, res, next) => {
  req.app.locals.db.collection('users').findOne({ _id: req.params.id }, (err, user) => {
    if (err) return next(err);
    res.json(user);
  });
};
`;

test('a handle passed to another file, stored in app.locals: every file that receives it is migrated; a second run changes nothing', async () => {
  const dir = project({ 'package.json': PKG, 'server.js': SERVER, 'routes/orders.js': ORDERS, 'jobs/nightly.js': NIGHTLY, 'routes/users.js': USERS });
  const r = await run(dir);
  assert.equal(r.files.find((f) => f.path === 'routes/orders.js')?.status, 'changed');
  assert.match(read(dir, 'routes/orders.js'), /db\.collection\('orders'\)\.find\(\{\}\)\.toArray\(\)\.then\(\(docs\) => \{/);
  assert.match(read(dir, 'jobs/nightly.js'), /db\.collection\('carts'\)\.deleteMany\(\{ stale: true \}\)/);
  assert.match(read(dir, 'routes/users.js'), /findOne\(\{ _id: req\.params\.id \}\)\.then\(\(user\) => \{/);
  assert.match(read(dir, 'package.json'), /"mongodb": "\^7\.0\.0"/);
  const again = await run(dir);
  assert.deepEqual(
    again.files.filter((f) => f.status === 'changed').map((f) => f.path),
    [],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a caller that passes something else (in a file that never mentions the driver) vetoes the parameter', async () => {
  const dir = project({
    'package.json': PKG,
    'server.js': SERVER,
    'routes/orders.js': ORDERS,
    'jobs/nightly.js': NIGHTLY,
    'routes/users.js': USERS,
    'test/orders.spec.js':
      "const orders = require('../routes/orders');\nconst fake = { find: () => ({ toArray: (cb) => cb(null, []) }) };\norders({ collection: () => fake })({}, { json() {} }, () => {});\n",
  });
  await run(dir);
  assert.equal(read(dir, 'routes/orders.js'), ORDERS);
  // the other parameter flows are unaffected
  assert.match(read(dir, 'jobs/nightly.js'), /deleteMany/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an export that escapes (passed on as a value) is not proven by its calls', async () => {
  const dir = project({
    'package.json': PKG,
    'server.js': SERVER + "module.exports = { orders: require('./routes/orders') };\n",
    'routes/orders.js': ORDERS,
    'jobs/nightly.js': NIGHTLY,
    'routes/users.js': USERS,
  });
  await run(dir);
  assert.equal(read(dir, 'routes/orders.js'), ORDERS);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a slot written with two kinds in the run is not a handle', async () => {
  const dir = project({
    'package.json': PKG,
    'server.js': SERVER,
    'routes/orders.js': ORDERS,
    'jobs/nightly.js': NIGHTLY,
    'routes/users.js': USERS,
    'admin.js': "const knex = require('knex')({ client: 'pg' });\nmodule.exports = (app) => {\n  app.locals.db = knex;\n};\n",
  });
  await run(dir);
  assert.equal(read(dir, 'routes/users.js'), USERS);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a library's public entry point: its callers in the run prove nothing about an untyped parameter", async () => {
  const LIB = "module.exports = function createStore(db) {\n  return { get: (k, cb) => db.collection('kv').findOne({ _id: k }, cb) };\n};\n";
  const dir = project({
    'package.json': '{ "name": "kv", "version": "1.0.0", "main": "index.js", "dependencies": { "mongodb": "^3.6.3" } }\n',
    'index.js': LIB,
    'example/demo.js':
      "const { MongoClient } = require('mongodb');\nconst createStore = require('..');\nconst createStore2 = require('../index');\nMongoClient.connect('mongodb://localhost', (err, client) => {\n  if (err) throw err;\n  createStore2(client.db('x')).get('a', console.log);\n});\nvoid createStore;\n",
  });
  await run(dir);
  assert.equal(read(dir, 'index.js'), LIB);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('fastify: handles from fastify-mongodb registered in another file', async () => {
  const ROUTE =
    "module.exports = async function (fastify) {\n  fastify.get('/', function (request, reply) {\n    this.mongo.db.collection('todos').count({}, (err, n) => {\n      if (err) return reply.send(err);\n      reply.send({ n });\n    });\n  });\n};\n";
  const dir = project({
    'package.json': '{ "name": "api", "private": true, "dependencies": { "fastify": "^3.0.0", "fastify-mongodb": "^2.0.0", "mongodb": "^3.6.3" } }\n',
    'app.js':
      "const fastify = require('fastify')();\nfastify.register(require('fastify-mongodb'), { url: process.env.MONGO_URL });\nfastify.register(require('./routes/todos'));\nfastify.listen(3000);\n",
    'routes/todos.js': ROUTE,
  });
  await run(dir);
  assert.match(read(dir, 'routes/todos.js'), /this\.mongo\.db\.collection\('todos'\)\.countDocuments\(\{\}\)\.then\(\(n\) => \{/);
  fs.rmSync(dir, { recursive: true, force: true });
  // without the plugin registered in the run, `this.mongo` proves nothing
  const bare = project({ 'package.json': '{ "name": "api", "private": true, "dependencies": { "mongodb": "^3.6.3" } }\n', 'routes/todos.js': ROUTE });
  await run(bare);
  assert.equal(read(bare, 'routes/todos.js'), ROUTE);
  fs.rmSync(bare, { recursive: true, force: true });
});

test('a class extended in another file: its super(...) calls are call sites of the base class (a subclass without a constructor is not followed)', async () => {
  const BASE = 'class Base {\n  constructor(collection) {\n    this._collection = collection;\n  }\n  list() {\n    return this._collection.find({ active: true });\n  }\n}\nmodule.exports = Base;\n';
  const SUB = "const Base = require('./base');\nclass Sub extends Base {\n  constructor(collection, options = {}) {\n    super(collection, options);\n  }\n}\nmodule.exports = Sub;\n";
  const APP = "const monk = require('monk');\nconst Sub = require('./sub');\nconst db = monk('mongodb://localhost/shop');\nmodule.exports = () => new Sub(db.get('users'));\n";
  const pkg = '{ "name": "shop", "private": true, "dependencies": { "monk": "^7.3.4" } }\n';
  const dir = project({ 'package.json': pkg, 'base.js': BASE, 'sub.js': SUB, 'app.js': APP });
  await run(dir);
  assert.equal(read(dir, 'base.js'), BASE.replace('.find({ active: true })', '.find({ active: true }).toArray()'));
  fs.rmSync(dir, { recursive: true, force: true });

  // Sub without a constructor of its own: Base's parameter is not proven, and its call is reported as untraced.
  const bare = project({ 'package.json': pkg, 'base.js': BASE, 'sub.js': "const Base = require('./base');\nclass Sub extends Base {}\nmodule.exports = Sub;\n", 'app.js': APP });
  const r = await run(bare);
  assert.equal(read(bare, 'base.js'), BASE);
  assert.ok(r.findings.some((f) => f.file === 'base.js' && f.ruleId === 'monk/untraced-call'));
  fs.rmSync(bare, { recursive: true, force: true });
});

test("a class's own static members used in its file do not hide its callers' arguments (Service.compare(a, b) constructs nothing)", async () => {
  const SERVICE =
    'class Service {\n  constructor(collection) {\n    this.c = collection;\n  }\n  static same(a, b) {\n    return a === b;\n  }\n  list(x) {\n    return Service.same(x, 1) ? this.c.find({}) : [];\n  }\n}\nmodule.exports = Service;\n';
  const APP = "const monk = require('monk');\nconst Service = require('./service');\nconst db = monk('mongodb://localhost/shop');\nmodule.exports = new Service(db.get('users'));\n";
  const dir = project({ 'package.json': '{ "name": "shop", "private": true, "dependencies": { "monk": "^7.3.4" } }\n', 'service.js': SERVICE, 'app.js': APP });
  await run(dir);
  assert.equal(read(dir, 'service.js'), SERVICE.replace('this.c.find({})', 'this.c.find({}).toArray()'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('untraced client calls are reported only under a preset that includes that client', async () => {
  const dir = project({
    'package.json': '{ "name": "shop", "private": true, "dependencies": { "monk": "^7.3.4" } }\n',
    'repo.js': "module.exports = (db) => db.get('users').update({ _id: 1 }, { $set: { seen: true } });\n",
  });
  const rules = async (preset: string) =>
    (await runFiles({ mode: 'check', preset, wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: dir, paths: ['.'], dryRun: false })).findings.map((f) => f.ruleId);
  assert.ok((await rules('auto')).includes('monk/untraced-call'));
  assert.ok((await rules('monk')).includes('monk/untraced-call'));
  assert.ok(!(await rules('motor')).some((r) => r.startsWith('monk/')));
  assert.ok(!(await rules('mongojs')).some((r) => r.startsWith('monk/')));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('mongojs is converted all or nothing per package: a site one file cannot convert keeps every file of the package on mongojs, whichever file it is in', async () => {
  const pkg = '{ "name": "notes", "private": true, "dependencies": { "mongojs": "^3.1.0" } }\n';
  const DB = "const mongojs = require('mongojs');\nmodule.exports = mongojs('notes', ['notes']);\n";
  const OK_ROUTE = "const db = require('./db');\nexports.list = (cb) => {\n  db.notes.find({}, (err, notes) => {\n    if (err) return cb(err);\n    cb(null, notes);\n  });\n};\n";
  // save() has no mechanical rewrite: this file cannot be converted, so neither can db.js nor the other route.
  const HELD_ROUTE = "const db = require('./db');\nexports.put = (note, cb) => {\n  db.notes.save(note, cb);\n};\n";

  const whole = project({ 'package.json': pkg, 'db.js': DB, 'list.js': OK_ROUTE });
  const converted = await run(whole);
  assert.match(read(whole, 'db.js'), /new MongoClient\('mongodb:\/\/localhost:27017\/notes', \{ writeConcern: \{ w: 1 \} \}\)\.db\(\)/);
  assert.match(read(whole, 'list.js'), /db\.collection\('notes'\)\.find\(\{\}\)\.toArray\(\)\.then\(/);
  assert.match(read(whole, 'package.json'), /"mongodb"/);
  assert.ok(!converted.findings.some((f) => f.severity === 'error'));
  fs.rmSync(whole, { recursive: true, force: true });

  for (const held of ['put.js', 'a-put.js']) {
    // The holding file sorts after and before the others: the result must not depend on the order files are done in.
    const dir = project({ 'package.json': pkg, 'db.js': DB, 'list.js': OK_ROUTE, [held]: HELD_ROUTE });
    const r = await run(dir);
    assert.equal(read(dir, 'db.js'), DB, held);
    assert.equal(read(dir, 'list.js'), OK_ROUTE, held);
    assert.equal(read(dir, held), HELD_ROUTE, held);
    assert.equal(read(dir, 'package.json'), pkg, held);
    assert.ok(
      r.findings.some((f) => f.file === 'list.js' && /elsewhere in this package/.test(f.message)),
      held,
    );
    assert.ok(
      r.findings.some((f) => f.file === held && f.ruleId === 'mongojs/call' && /save\(\)/.test(f.message)),
      held,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
