/**
 * The motor preset's fixture cases: exact output, exact findings, idempotence (each expected output run again
 * changes nothing), and every output type-checks with tsc against the real `mongodb` types (test/typecheck).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { processJs } from '../src/js/engine.js';
import type { EngineOptions } from '../src/core/types.js';
import { loadWrapperSpec } from '../src/core/spec.js';
import { FIXTURES, loadCases, normaliseFindings, type Case } from './helpers/fixtures.js';

export function optionsFor(c: Case, mode: 'run' | 'check' = 'run'): EngineOptions {
  const dir = path.join(FIXTURES, c.preset);
  return {
    mode,
    preset: c.options.preset ?? 'auto',
    wrapperModules: (c.options.wrapperModules ?? []).map((m) => (m.startsWith('.') ? path.resolve(dir, m) : m)),
    wrapperSpecs: (c.options.wrapperSpecs ?? []).map((s) => loadWrapperSpec(s, dir)),
    toList: c.options.toList ?? 'loop',
    cwd: dir,
  };
}

function run(c: Case, text: string, mode: 'run' | 'check' = 'run') {
  const dir = path.join(FIXTURES, c.preset);
  const virtual = path.join(dir, c.options.as ?? `${c.name}${c.ext}`);
  return processJs({ absPath: virtual, relPath: path.relative(dir, virtual), text }, optionsFor(c, mode));
}

const cases = loadCases('motor');

describe('motor fixtures', () => {
  test('there are at least 25 cases, decoys included', () => {
    assert.ok(cases.length >= 25, `only ${cases.length} cases`);
    assert.ok(cases.filter((c) => c.name.startsWith('decoy-')).length >= 4, 'fewer than 4 decoy cases');
    assert.ok(cases.some((c) => c.ext === '.ts') && cases.some((c) => c.ext !== '.ts'), 'cases must cover JS and TS');
  });

  for (const c of cases) {
    describe(c.name, () => {
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

  test('every case has its three files and no stray files', () => {
    const dir = path.join(FIXTURES, 'motor');
    const names = new Set(cases.map((c) => c.name));
    for (const f of fs.readdirSync(dir)) {
      const m = /^(.*?)\.(input|output|findings|options)\./.exec(f);
      if (!m) continue;
      assert.ok(names.has(m[1]!), `${f} belongs to no case`);
    }
  });
});
