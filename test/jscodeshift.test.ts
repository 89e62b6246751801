/**
 * The built transform runs under the real jscodeshift binary (its worker, its babel hook), with the parser picked
 * per extension, and produces exactly the fixture outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, loadCases } from './helpers/fixtures.js';

const JSCODESHIFT = path.join(ROOT, 'node_modules/jscodeshift/bin/jscodeshift.js');
const TRANSFORM = path.join(ROOT, 'dist/transforms/motor.cjs');

test('dist/transforms/motor.cjs under the jscodeshift CLI reproduces the fixture outputs', () => {
  // Strict mode, like the ES modules it is bundled from: the directive comes before the banner's statement.
  assert.match(fs.readFileSync(TRANSFORM, 'utf8'), /^'use strict';\n/);
  const picked = loadCases('motor').filter((c) => !c.options.wrapperModules && !c.options.wrapperSpecs && !c.options.toList && !c.options.as);
  assert.ok(picked.length >= 20);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-jscs-'));
  const files: string[] = [];
  for (const c of picked) {
    const f = path.join(dir, `${c.name}${c.ext}`);
    fs.writeFileSync(f, c.input);
    files.push(f);
  }
  // jscodeshift colours its summary when CI is set: strip the escape codes before reading it.
  const out = execFileSync(process.execPath, [JSCODESHIFT, '-t', TRANSFORM, '--fail-on-error', ...files], { encoding: 'utf8', cwd: dir }).replace(/\x1b\[[0-9;]*m/g, '');
  assert.match(out, /\b0 errors\b/, out);
  const changed = picked.filter((c) => c.expected !== c.input).length;
  assert.match(out, new RegExp(`\\b${changed} ok\\b`), out);
  for (const c of picked) {
    assert.equal(fs.readFileSync(path.join(dir, `${c.name}${c.ext}`), 'utf8'), c.expected, c.name);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('transform options pass through jscodeshift (--wrapper-module, --to-list)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-jscs-'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.mkdirSync(path.join(dir, 'services'));
  const src =
    "import { AsyncIOMotorClient } from '../lib/motor';\nconst c = new AsyncIOMotorClient(process.env.U);\nexport async function f() {\n  const rows = await c.getDatabase('a').getCollection('b').find().toList();\n  return rows;\n}\n";
  fs.writeFileSync(path.join(dir, 'services/a.js'), src);
  execFileSync(process.execPath, [JSCODESHIFT, '-t', TRANSFORM, '--wrapper-module=./lib/motor', '--to-list=to-array', 'services/a.js'], { encoding: 'utf8', cwd: dir });
  const out = fs.readFileSync(path.join(dir, 'services/a.js'), 'utf8');
  assert.equal(
    out,
    "import { MongoClient } from 'mongodb';\nconst c = new MongoClient(process.env.U);\nexport async function f() {\n  const rows = await c.db('a').collection('b').find().toArray();\n  return rows;\n}\n",
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
