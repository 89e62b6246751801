/**
 * Safety gates of the callback-era presets, through the runner on real folders: the dependency raise waits until no
 * legacy site of any kind remains in the package, on every run (the second included); its findings carry the rule
 * id of the preset that asked for it; a second run changes nothing; a wrapper module that is itself called keeps its
 * import and its package.json entry; `check` stays red while anything legacy remains.
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

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

async function run(dir: string, mode: 'run' | 'check' = 'run', wrapperModules: string[] = []) {
  return runFiles({ mode, preset: 'auto', wrapperModules, wrapperSpecs: [], toList: 'loop', cwd: dir, paths: ['.'], dryRun: false });
}

const APP = {
  'package.json': '{ "name": "shop", "dependencies": { "mongodb": "^3.6.3", "express": "^4.17.1" } }\n',
  // converted: a tracked collection, callbacks and a findOneAndUpdate whose .value is read
  'lib/carts.js':
    "const { MongoClient } = require('mongodb');\nconst carts = new MongoClient(process.env.URL).db().collection('carts');\n" +
    'exports.close = (id, cb) => {\n  carts.findOneAndUpdate({ _id: id }, { $set: { closed: true } }, { includeResultMetadata: true }, function (err, r) {\n    if (err) return cb(err);\n    cb(null, r.lastErrorObject.n, r.value);\n  });\n};\n',
  // not followable: the Db arrives as a parameter; remove() is flagged, never rewritten
  'routes/orders.js': "module.exports = function (db) {\n  return (req, res) => db.collection('orders').remove({ _id: req.params.id }).then(() => res.end());\n};\n",
};

test('the raise waits for every legacy site, on the first run and on the second; a second run changes nothing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gates-'));
  write(dir, APP);
  const first = await run(dir);
  const afterFirst = snapshot(dir);
  assert.equal(afterFirst['package.json'], APP['package.json'], 'package.json must keep mongodb ^3 while remove() remains');
  assert.notEqual(afterFirst['lib/carts.js'], APP['lib/carts.js'], 'the tracked file is converted');
  const held = first.findings.find((f) => f.ruleId === 'mongodb-callbacks/dependency-held');
  assert.ok(held, 'a dependency-held finding');
  assert.match(held.message, /1 legacy site\(s\)/);
  assert.match(held.message, /routes\/orders\.js:2/);
  assert.ok(first.findings.some((f) => f.ruleId === 'mongodb-callbacks/untracked-removed-method' && f.file === 'routes/orders.js'));
  assert.ok(!first.findings.some((f) => f.ruleId.startsWith('motor/')), 'no motor/* id on a project without a Motor-style wrapper');

  const second = await run(dir);
  assert.deepEqual(snapshot(dir), afterFirst, 'a second run changes nothing (no duplicate includeResultMetadata, no raise)');
  assert.ok(second.findings.some((f) => f.ruleId === 'mongodb-callbacks/dependency-held') || second.files.every((f) => f.status !== 'changed'));
  assert.ok(
    second.findings.some((f) => f.ruleId === 'mongodb-callbacks/untracked-removed-method'),
    'the leftover is still reported',
  );

  const check = await run(dir, 'check');
  assert.ok(
    check.findings.some((f) => f.file === 'routes/orders.js' && (f.severity === 'error' || f.severity === 'warning')),
    'check is red on the leftover',
  );

  // Migrating the leftover by hand lets the next run raise the driver, under the callback presets' rule id.
  fs.writeFileSync(
    path.join(dir, 'routes/orders.js'),
    "module.exports = function (db) {\n  return (req, res) => db.collection('orders').deleteOne({ _id: req.params.id }).then(() => res.end());\n};\n",
  );
  fs.writeFileSync(path.join(dir, 'lib/carts.js'), APP['lib/carts.js']);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{ "packages": { "node_modules/mongodb": { "version": "3.6.3" } } }\n');
  const third = await run(dir);
  assert.equal(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), '{ "name": "shop", "dependencies": { "mongodb": "^7.0.0", "express": "^4.17.1" } }\n');
  assert.deepEqual(
    third.findings.filter((f) => f.file.startsWith('package')).map((f) => [f.ruleId, f.file, f.severity]),
    [
      ['mongodb-callbacks/stale-lockfile', 'package-lock.json', 'warning'],
      ['mongodb-callbacks/dependency', 'package.json', 'info'],
    ],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--wrapper-module monk: the module called as a function keeps its import and its dependency, flagged', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-monk-'));
  const files = {
    'package.json': '{ "name": "m", "dependencies": { "monk": "^7.3.4" } }\n',
    'db.js': "const monk = require('monk');\nconst db = monk(process.env.URL);\nmodule.exports = db.get('users');\n",
    'other.mjs': "import Monk from 'monk';\nexport const db = new Monk(process.env.URL);\n",
  };
  write(dir, files);
  const r = await run(dir, 'run', ['monk']);
  assert.deepEqual(snapshot(dir), files, 'nothing that would throw is written');
  assert.deepEqual(
    r.findings.filter((f) => f.severity !== 'info').map((f) => [f.ruleId, f.file, f.line]),
    [
      ['motor/wrapper-call', 'db.js', 2],
      ['motor/wrapper-call', 'other.mjs', 2],
    ],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a client kept in package.json is reported at its dependency entry, and an inline require rewritten in place is not reported as still imported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gates-'));
  const manifest = '{\n  "name": "sheet",\n  "keywords": [\n    "monk"\n  ],\n  "dependencies": {\n    "monk": "^6.0.6"\n  }\n}\n';
  write(dir, {
    'package.json': manifest,
    // the connection is rewritten; find() with options the client read itself is left (reported)
    'server.js':
      "var db = require('monk')(process.env.MONGO_URL);\nmodule.exports = function (req, res) {\n  return db.get('sheets').find({}, req.query.options).then((docs) => res.send(docs));\n};\n",
  });
  const first = await run(dir);
  assert.equal(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), manifest, 'monk is kept while a site is left');
  const held = first.findings.find((f) => f.ruleId === 'monk/dependency-held');
  assert.ok(held, 'a dependency-held finding');
  assert.equal(held.line, 7, 'at the "monk" dependency, not the keyword');
  assert.match(fs.readFileSync(path.join(dir, 'server.js'), 'utf8'), /^var db = new \(require\('mongodb'\)\.MongoClient\)\(process\.env\.MONGO_URL\)\.db\(\);/);
  assert.ok(first.findings.some((f) => f.ruleId === 'monk/options' && f.file === 'server.js'));
  assert.ok(!first.findings.some((f) => f.ruleId === 'monk/legacy-import'), 'the require was rewritten in place');
  const check = await run(dir, 'check');
  const listed = check.findings.find((f) => f.file === 'package.json' && f.ruleId === 'monk/legacy-dependency');
  assert.equal(listed?.line, 7, 'check: at the "monk" dependency, not the keyword');
});

test('CoffeeScript is not parsed but never silent: its requires of a client and the uses of their binding are reported, check is red, nothing is written', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-gates-'));
  const coffee =
    "# Mocha test\nmongoskin = require 'mongoskin'\nassert = require 'assert'\n\nclear = (callback) ->\n  mongo = mongoskin.db 'mongodb://localhost:27017/test', safe:true\n  mongo.close()\n";
  write(dir, {
    'package.json': '{ "name": "livedb", "dependencies": { "mongoskin": "^1.4.13" } }\n',
    'test.coffee': coffee,
    'other.coffee': "fs = require 'fs'\n",
  });
  const first = await run(dir);
  assert.equal(fs.readFileSync(path.join(dir, 'test.coffee'), 'utf8'), coffee);
  assert.deepEqual(
    first.findings.filter((f) => f.file === 'test.coffee').map((f) => [f.ruleId, f.severity, f.line, f.column]),
    [
      ['mongo-codemod/skipped', 'warning', 2, 22],
      ['mongo-codemod/skipped', 'warning', 6, 11],
    ],
  );
  assert.ok(!first.findings.some((f) => f.file === 'other.coffee'));
  assert.equal(first.files.find((f) => f.path === 'test.coffee')?.status, 'skipped');
  const check = await run(dir, 'check');
  assert.ok(check.findings.some((f) => f.file === 'test.coffee' && f.severity === 'error'));
});
