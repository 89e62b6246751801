/**
 * The JS/TS prefilter decides which files are parsed at all: a false negative loses a migration, so each rule
 * that lets a file through without a parse is pinned here (the fuzz suite checks the same property at random).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importsNative, jsIndexPrefilter, jsPrefilter } from '../src/js/prefilter.js';
import { processJs } from '../src/js/engine.js';
import type { EngineOptions } from '../src/core/types.js';

const run = { mode: 'run', preset: 'auto', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: '/p' } as unknown as EngineOptions;
const check: EngineOptions = { ...run, mode: 'check' } as EngineOptions;

test('importsNative: every import form the tracker follows', () => {
  for (const text of [
    "import { MongoClient } from 'mongodb';",
    'import {\n  MongoClient,\n} from "mongodb";',
    "const { MongoClient } = require('mongodb');",
    "const MongoClient = require ( 'mongodb' ).MongoClient;",
    "const m = await import('mongodb');",
    "import 'mongodb';",
    "export * from 'mongodb';",
    "import type { Db } from 'mongodb/lib/db';",
    "/* driver */ const mongo = require('mongodb');",
    'const mongo = require(`mongodb`);',
    "/**\n * @param {import('mongodb').Db} db\n */",
  ]) {
    assert.equal(importsNative(text), true, text);
  }
});

test('importsNative: strings and comment lines that are not imports', () => {
  for (const text of [
    "const opts = { srvServiceName: { default: 'mongodb' } };",
    "const scheme = 'mongodb://localhost';",
    " * @example\n * import { MongoClient } from 'mongodb';\n */",
    "// const { MongoClient } = require('mongodb');",
    "/* require('mongodb') */",
    "const name = 'mongodb-memory-server';",
  ]) {
    assert.equal(importsNative(text), false, text);
  }
});

test('a mongodb importer with a legacy token is parsed; the same text in a declaration file is not', () => {
  const text = "import { MongoClient } from 'mongodb';\nexport async function n(db) { return db.collection('x').count(); }\n";
  assert.equal(jsPrefilter(text, run, 'src/a.ts'), true);
  assert.equal(jsPrefilter(text, run, 'types/a.d.ts'), false);
  assert.equal(jsIndexPrefilter(text, check, 'src/a.ts'), true);
  assert.equal(jsIndexPrefilter(text, check, 'types/a.d.mts'), false);
  // What the prefilter lets through is what the engine acts on (so the first assertion is not vacuous).
  const res = processJs(
    {
      absPath: '/p/src/a.js',
      relPath: 'src/a.js',
      text: "const { MongoClient } = require('mongodb');\nMongoClient.connect('mongodb://h', function (err, client) { if (err) throw err; client.db('x').collection('y').count(function (e, n) { console.log(n); }); });\n",
    },
    run,
  );
  assert.ok(res.output !== null || res.findings.length > 0);
});

test("every legacy name of the presets' tables gets a mongodb importer parsed (the prefilter reads the tables)", async () => {
  const { MOTOR_METHODS } = await import('../src/presets/motor.js');
  const { FLAGGED_METHODS, METHOD_RENAMES } = await import('../src/presets/mongodb-callbacks.js');
  const names = [
    ...Object.values(MOTOR_METHODS).flatMap((rows) =>
      Object.entries(rows!)
        .filter(([, r]) => r.rename || r.flag)
        .map(([n]) => n),
    ),
    ...Object.values(FLAGGED_METHODS).flatMap((rows) => Object.keys(rows!)),
    ...Object.values(METHOD_RENAMES).flatMap((rows) => Object.keys(rows!)),
  ];
  assert.ok(names.length > 30);
  for (const name of names) {
    const text = `import { MongoClient } from 'mongodb';\nconst client = new MongoClient('mongodb://h');\nexport const f = () => client.${name}();\n`;
    assert.equal(jsPrefilter(text, check, 'src/a.js'), true, `${name}() on a native handle is looked at`);
  }
  // Found before: `client.isConnected()` alone in a native file was never parsed, so check passed over it.
  const res = processJs(
    { absPath: '/p/src/a.js', relPath: 'src/a.js', text: "import { MongoClient } from 'mongodb';\nconst c = new MongoClient('mongodb://h');\nexport const ok = () => c.isConnected();\n" },
    check,
  );
  assert.deepEqual(
    res.findings.map((f) => [f.ruleId, f.severity]),
    [['mongodb-callbacks/removed-method', 'error']],
  );
});

test('a file mentioning mongodb only in a string or a JSDoc example is not parsed', () => {
  const text = "/**\n * import { MongoClient } from 'mongodb';\n */\nexport const defaults = { scheme: 'mongodb', update: (a, cb) => cb(null, a) };\n";
  assert.equal(jsPrefilter(text, run, 'src/defaults.js'), false);
  assert.equal(jsIndexPrefilter(text, check, 'src/defaults.js'), false);
});

test("an untracked db.collection('x') call is parsed only in a package whose package.json depends on the driver", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-prefilter-'));
  try {
    fs.mkdirSync(path.join(root, 'app'));
    fs.mkdirSync(path.join(root, 'tool'));
    fs.writeFileSync(path.join(root, 'app', 'package.json'), '{ "dependencies": { "mongodb": "^3.6.0" } }\n');
    fs.writeFileSync(path.join(root, 'tool', 'package.json'), '{ "dependencies": { "express": "^4.0.0" } }\n');
    const text = "exports.add = (db, doc, cb) => db.collection('users').insert(doc, cb);\n";
    const options = { ...run, cwd: root } as EngineOptions;
    assert.equal(jsPrefilter(text, options, 'app/users.js'), true);
    // Not parsed where the engine would not report it either (its untracked-receiver rule asks the same question).
    assert.equal(jsPrefilter(text, options, 'tool/users.js'), false);
    assert.deepEqual(processJs({ absPath: path.join(root, 'tool', 'users.js'), relPath: 'tool/users.js', text }, options).findings, []);
    assert.deepEqual(
      processJs({ absPath: path.join(root, 'app', 'users.js'), relPath: 'app/users.js', text }, options).findings.map((f) => f.ruleId),
      ['mongodb-callbacks/untracked-callback'],
    );
    // Without a path (a caller that cannot say where the text lives) the shape alone lets it through.
    assert.equal(jsPrefilter(text, options), true);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
