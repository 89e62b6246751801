/**
 * The motor preset's fixture cases: exact output, exact findings, idempotence (each expected output run again
 * changes nothing), and every output type-checks with tsc against the real `mongodb` types (test/typecheck).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from './helpers/fixtures.js';
import { assertNoStrayFiles, describeCases } from './helpers/js-cases.js';

const cases = loadCases('motor');

describe('motor fixtures', () => {
  test('there are at least 25 cases, decoys included', () => {
    assert.ok(cases.length >= 25, `only ${cases.length} cases`);
    assert.ok(cases.filter((c) => c.name.startsWith('decoy-')).length >= 4, 'fewer than 4 decoy cases');
    assert.ok(cases.some((c) => c.ext === '.ts') && cases.some((c) => c.ext !== '.ts'), 'cases must cover JS and TS');
  });

  describeCases(cases, (c) => c.name);

  test('every case has its three files and no stray files', () => assertNoStrayFiles('motor', cases));
});
