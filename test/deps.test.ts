/** package.json edits: the wrapper package replaced, mongodb-legacy dropped, an old mongodb raised; formatting kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migratePackageJson } from '../src/runner/deps.js';

test('a wrapper package becomes mongodb, keeping the file layout', () => {
  const text = '{\n  "name": "a",\n  "dependencies": {\n    "express": "^4.0.0",\n    "motor": "^1.0.0"\n  }\n}\n';
  const r = migratePackageJson(text, ['motor']);
  assert.equal(r.output, '{\n  "name": "a",\n  "dependencies": {\n    "express": "^4.0.0",\n    "mongodb": "^7.0.0"\n  }\n}\n');
  assert.deepEqual(r.findings.map((f) => [f.ruleId, f.line]), [['motor/dependency', 5]]);
});

test('mongodb-legacy is dropped when mongodb is listed, and an old mongodb is raised to the target major', () => {
  const text = '{\n  "dependencies": {\n    "mongodb": "~3.6.2",\n    "mongodb-legacy": "^6.0.0"\n  }\n}\n';
  assert.equal(migratePackageJson(text, ['mongodb-legacy', 'mongodb']).output, '{\n  "dependencies": {\n    "mongodb": "^7.0.0"\n  }\n}\n');
  assert.equal(migratePackageJson(text, ['mongodb-legacy', 'mongodb'], 6).output, '{\n  "dependencies": {\n    "mongodb": "^6.0.0"\n  }\n}\n');
});

test('a current mongodb is left alone; nothing listed means no change', () => {
  assert.equal(migratePackageJson('{ "dependencies": { "mongodb": "^7.1.0" } }\n', ['mongodb']).output, null);
  assert.equal(migratePackageJson('{ "dependencies": { "express": "^4.0.0" } }\n', ['motor']).output, null);
});
