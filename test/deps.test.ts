/** package.json edits: the wrapper package replaced, mongodb-legacy dropped, an old mongodb raised; formatting kept. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migratePackageJson } from '../src/runner/deps.js';
import { driverMajor } from '../src/js/callbacks/era.js';
import type { EngineOptions } from '../src/core/types.js';

test('a wrapper package becomes mongodb, keeping the file layout', () => {
  const text = '{\n  "name": "a",\n  "dependencies": {\n    "express": "^4.0.0",\n    "motor": "^1.0.0"\n  }\n}\n';
  const r = migratePackageJson(text, ['motor']);
  assert.equal(r.output, '{\n  "name": "a",\n  "dependencies": {\n    "express": "^4.0.0",\n    "mongodb": "^7.0.0"\n  }\n}\n');
  assert.deepEqual(
    r.findings.map((f) => [f.ruleId, f.line]),
    [['motor/dependency', 5]],
  );
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

test('@types/mongodb (the 3.x community types) is dropped when the run puts the package on a driver that ships its own types', () => {
  const text = '{\n  "dependencies": {\n    "monk": "^7.3.4"\n  },\n  "devDependencies": {\n    "@types/mongodb": "^3.5.25",\n    "typescript": "^5.0.0"\n  }\n}\n';
  const r = migratePackageJson(text, ['monk']);
  assert.equal(r.output, '{\n  "dependencies": {\n    "mongodb": "^7.0.0"\n  },\n  "devDependencies": {\n    "typescript": "^5.0.0"\n  }\n}\n');
  assert.deepEqual(
    r.findings.map((f) => [f.ruleId, f.line, /@types\/mongodb/.test(f.message)]),
    [
      ['monk/dependency', 3, false],
      ['monk/dependency', 6, true],
    ],
  );
  // Last entry of its section: the comma that ended the previous entry goes too.
  const last = '{\n  "dependencies": {\n    "mongodb": "^3.6.0",\n    "@types/mongodb": "^3.6.20"\n  }\n}\n';
  assert.equal(migratePackageJson(last, ['mongodb']).output, '{\n  "dependencies": {\n    "mongodb": "^7.0.0"\n  }\n}\n');
  // Nothing migrated here: the types stay (not this run's business).
  assert.equal(migratePackageJson('{ "dependencies": { "mongodb": "^7.1.0", "@types/mongodb": "^4.0.7" } }\n', ['mongodb']).output, null);
});

test('the driver major is read again when package.json or its lockfile changes (a long-lived process runs twice)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-era-'));
  try {
    const options = { mode: 'run', preset: 'auto', wrapperModules: [], wrapperSpecs: [], cwd: root } as unknown as EngineOptions;
    const file = path.join(root, 'src', 'a.js');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(path.join(root, 'package.json'), '{ "dependencies": { "mongodb": "^3.6.0" } }\n');
    assert.equal(driverMajor(options, file, false), 3);
    // (a different size: the cache is keyed by size and mtime, and mtimes can be coarse)
    fs.writeFileSync(path.join(root, 'package.json'), '{ "dependencies": { "mongodb": "^7.10.0" } }\n');
    assert.equal(driverMajor(options, file, false), 7);
    fs.writeFileSync(path.join(root, 'package.json'), '{ "dependencies": { "mongodb": "*" } }\n');
    assert.equal(driverMajor(options, file, false), undefined);
    fs.writeFileSync(path.join(root, 'package-lock.json'), '{ "packages": { "node_modules/mongodb": { "version": "4.17.2" } } }\n');
    assert.equal(driverMajor(options, file, false), 4);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
