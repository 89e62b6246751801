/**
 * The mongodb-legacy and mongodb-callbacks fixture cases: exact output, exact findings, idempotence (each expected
 * output run again changes nothing); test/typecheck.test.ts type-checks every output against the real `mongodb`.
 * A case's .options.json may set `from`, `target` and `modifyResult` (the engine reads them defensively).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { processJs } from '../src/js/engine.js';
import type { EngineOptions } from '../src/core/types.js';
import { FIXTURES, loadCases, normaliseFindings, type Case } from './helpers/fixtures.js';

const PRESETS = ['mongodb-legacy', 'mongodb-callbacks'];

export function callbackOptionsFor(c: Case, mode: 'run' | 'check' = 'run'): EngineOptions {
  const dir = path.join(FIXTURES, c.preset);
  const extra = c.options as Record<string, unknown>;
  const o: EngineOptions & Record<string, unknown> = {
    mode,
    preset: c.options.preset ?? 'auto',
    wrapperModules: [],
    wrapperSpecs: [],
    toList: c.options.toList ?? 'loop',
    cwd: dir,
  };
  for (const k of ['from', 'target', 'modifyResult']) if (extra[k] !== undefined) o[k] = extra[k];
  return o;
}

function run(c: Case, text: string, mode: 'run' | 'check' = 'run') {
  const dir = path.join(FIXTURES, c.preset);
  const virtual = path.join(dir, c.options.as ?? `${c.name}${c.ext}`);
  return processJs({ absPath: virtual, relPath: path.relative(dir, virtual), text }, callbackOptionsFor(c, mode));
}

const all = PRESETS.flatMap((p) => loadCases(p));

describe('callback presets fixtures', () => {
  test('there are at least 40 cases, decoys included, CommonJS and ESM, JS and TS', () => {
    assert.ok(all.length >= 40, `only ${all.length} cases`);
    assert.ok(all.filter((c) => c.name.startsWith('decoy-')).length >= 5, 'fewer than 5 decoy cases');
    assert.ok(all.some((c) => c.ext === '.ts') && all.some((c) => c.ext === '.js'), 'cases must cover JS and TS');
    assert.ok(all.some((c) => /require\(/.test(c.input)) && all.some((c) => /^import /m.test(c.input)), 'cases must cover CommonJS and ESM');
  });

  for (const c of all) {
    describe(`${c.preset}/${c.name}`, () => {
      test('output matches the expected output byte for byte', () => {
        const r = run(c, c.input);
        assert.equal(r.error, undefined, r.error);
        assert.equal(r.output ?? c.input, c.expected);
      });
      test('findings match', () => {
        const r = run(c, c.input);
        assert.deepEqual(normaliseFindings(r.findings), normaliseFindings(c.findings));
      });
      test('idempotent: running on the expected output changes nothing', () => {
        const r = run(c, c.expected);
        assert.equal(r.error, undefined, r.error);
        assert.equal(r.output ?? c.expected, c.expected);
      });
      if (c.name.startsWith('decoy-')) {
        test('decoy: nothing is changed', () => {
          assert.equal(c.expected, c.input);
        });
      }
    });
  }

  for (const preset of PRESETS) {
    test(`${preset}: every case has its files and no stray files`, () => {
      const dir = path.join(FIXTURES, preset);
      const names = new Set(all.filter((c) => c.preset === preset).map((c) => c.name));
      for (const f of fs.readdirSync(dir)) {
        const m = /^(.*?)\.(input|output|findings|options)\./.exec(f);
        if (!m) continue;
        assert.ok(names.has(m[1]!), `${f} belongs to no case`);
      }
    });
  }
});
