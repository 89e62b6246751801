/**
 * The mongodb-legacy and mongodb-callbacks fixture cases: exact output, exact findings, idempotence (each expected
 * output run again changes nothing); test/typecheck.test.ts type-checks every output against the real `mongodb`.
 * A case's .options.json may set `from`, `target` and `modifyResult` (the engine reads them defensively).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from './helpers/fixtures.js';
import { assertNoStrayFiles, describeCases } from './helpers/js-cases.js';

const PRESETS = ['mongodb-legacy', 'mongodb-callbacks'];

const all = PRESETS.flatMap((p) => loadCases(p));

describe('callback presets fixtures', () => {
  test('there are at least 40 cases, decoys included, CommonJS and ESM, JS and TS', () => {
    assert.ok(all.length >= 40, `only ${all.length} cases`);
    assert.ok(all.filter((c) => c.name.startsWith('decoy-')).length >= 5, 'fewer than 5 decoy cases');
    assert.ok(all.some((c) => c.ext === '.ts') && all.some((c) => c.ext === '.js'), 'cases must cover JS and TS');
    assert.ok(all.some((c) => /require\(/.test(c.input)) && all.some((c) => /^import /m.test(c.input)), 'cases must cover CommonJS and ESM');
  });

  describeCases(all, (c) => `${c.preset}/${c.name}`);

  for (const preset of PRESETS) {
    test(`${preset}: every case has its files and no stray files`, () => assertNoStrayFiles(preset, all));
  }
});
