/** The project configuration (src/core/config.ts) and baselines (src/report/baseline.ts). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, pathIgnored, pathFilter, validateConfig } from '../src/core/config.js';
import { ConfigError } from '../src/presets/spec.js';
import { applyBaseline, createBaseline, parseBaseline, formatBaseline } from '../src/report/baseline.js';
import type { Finding } from '../src/core/types.js';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mc-config-'));
}

describe('config', () => {
  test('mongo-codemod.config.json wins over package.json; package.json key is used otherwise; none is {}', () => {
    const dir = tmp();
    assert.deepEqual(loadConfig(dir), { config: {}, dir });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', 'mongo-codemod': { preset: 'motor', ignore: ['gen/'] } }));
    assert.deepEqual(loadConfig(dir), { config: { preset: 'motor', ignore: ['gen/'] }, source: 'package.json#mongo-codemod', dir });
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), JSON.stringify({ $schema: 'x', toList: 'to-array', wrapperModules: ['@acme/db'] }));
    assert.deepEqual(loadConfig(dir).config, { toList: 'to-array', wrapperModules: ['@acme/db'] });
    fs.mkdirSync(path.join(dir, 'cfg'));
    fs.writeFileSync(path.join(dir, 'cfg/other.json'), '{ "quiet": true }');
    assert.deepEqual(loadConfig(dir, 'cfg/other.json'), { config: { quiet: true }, source: 'cfg/other.json', dir: path.join(dir, 'cfg') });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('unknown keys and wrong types are ConfigErrors naming the key', () => {
    assert.throws(
      () => validateConfig({ preset: 'motor', wrapperModule: ['x'] }, 'mongo-codemod.config.json'),
      (e: Error) => e instanceof ConfigError && /unknown key 'wrapperModule'/.test(e.message),
    );
    assert.throws(() => validateConfig({ toList: 'array' }, 'c'), /'toList' must be 'loop' or 'to-array'/);
    assert.throws(() => validateConfig({ ignore: 'dist' }, 'c'), /'ignore' must be an array/);
    assert.throws(() => validateConfig({ format: 'xml' }, 'c'), /'format' must be one of/);
    assert.throws(() => validateConfig([], 'c'), /must be a JSON object/);
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), '{ nope');
    assert.throws(() => loadConfig(dir), /mongo-codemod.config.json: not valid JSON/);
    fs.writeFileSync(path.join(dir, 'mongo-codemod.config.json'), '{}');
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "mongo-codemod": { "bogus": 1 } }');
    assert.deepEqual(loadConfig(dir).config, {}, 'the config file wins; package.json is not read');
    fs.rmSync(path.join(dir, 'mongo-codemod.config.json'));
    assert.throws(() => loadConfig(dir), /package.json#mongo-codemod: unknown key 'bogus'/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('pathIgnored: gitignore semantics on cwd-relative paths', () => {
    const patterns = ['dist/', '*.gen.js', '/legacy', 'vendor/**/*.py', '!keep.gen.js'];
    const cases: Array<[string, boolean]> = [
      ['dist/a.js', true],
      ['src/dist/a.js', true],
      ['src/a.gen.js', true],
      ['src/keep.gen.js', false],
      ['legacy/old.js', true],
      ['src/legacy/old.js', false],
      ['vendor/x/y.py', true],
      ['vendor/x/y.js', false],
      ['src/app.js', false],
      ['./dist/a.js', true],
      ['src\\a.gen.js', true],
      ['../outside/dist/a.js', false],
      ['', false],
    ];
    for (const [p, want] of cases) assert.equal(pathIgnored(p, patterns), want, p);
    assert.equal(pathIgnored('anything.js', []), false);
    const filter = pathFilter(['*.js']);
    assert.equal(filter('a.js'), true);
    assert.equal(filter('a.py'), false);
  });
});

describe('baseline', () => {
  const finding = (file: string, line: number, ruleId = 'motor/to-list-zero'): Finding => ({ ruleId, severity: 'error', message: 'm', file, line, column: 1, endLine: line, endColumn: 2 });

  test('identity survives code moving down; a changed or new line is new', () => {
    const before = ['a()', 'x.toList(0)', 'y.toList(0)'];
    const readBefore = (_f: string, l: number) => before[l - 1];
    const base = parseBaseline(formatBaseline(createBaseline([finding('a.js', 2), finding('a.js', 3)], readBefore)), 'b');
    assert.equal(base.findings.length, 2);
    // Two lines inserted above; the x line now appears twice (a new occurrence after the old one).
    const after = ['// new', '// new', 'a()', 'x.toList(0)', 'y.toList(0)', 'x.toList(0)', 'z.toList(0)'];
    const readAfter = (_f: string, l: number) => after[l - 1];
    const now = [finding('a.js', 4), finding('a.js', 5), finding('a.js', 6), finding('a.js', 7), finding('b.js', 4)];
    const { kept, baselined } = applyBaseline(now, base, readAfter);
    assert.equal(baselined, 2);
    assert.deepEqual(
      kept.map((f) => `${f.file}:${f.line}`),
      ['a.js:6', 'a.js:7', 'b.js:4'],
    );
  });

  test('a file that is not a baseline is a ConfigError', () => {
    assert.throws(
      () => parseBaseline('{}', 'b.json'),
      (e: Error) => e instanceof ConfigError && /not a mongo-codemod baseline/.test(e.message),
    );
    assert.throws(() => parseBaseline('nope', 'b.json'), /not valid JSON/);
    assert.throws(() => parseBaseline('{"tool":"mongo-codemod","baselineVersion":9,"findings":[]}', 'b.json'), /version 9/);
  });
});
