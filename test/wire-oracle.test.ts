/**
 * The wire oracle over the fixtures: each JS/TS case of the callback-era presets and of the Motor-style preset that
 * has a scenario (fixtures/<preset>/<case>.scenario.js) runs its input through the old client and its output through
 * `mongodb` 7, each against a fresh in-memory double (test/wire/), and the two runs must agree. A case without a
 * scenario must be listed with its reason in test/wire/unrunnable.json. Design: docs/wire-oracle.md.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, loadCases } from './helpers/fixtures.js';
import { runCase, scenarioPath } from './wire/oracle.js';

const PRESETS = ['mongodb-callbacks', 'mongodb-legacy', 'motor'];
const all = PRESETS.flatMap((p) => loadCases(p));
const unrunnable = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/wire/unrunnable.json'), 'utf8')) as Record<string, string>;
const key = (c: { preset: string; name: string }) => `${c.preset}/${c.name}`;
const runnable = all.filter((c) => fs.existsSync(scenarioPath(c)));

describe('wire oracle: fixtures proven on the wire', { concurrency: 2 }, () => {
  test('every case has a scenario or a reason it cannot run, never both', () => {
    for (const c of all) {
      const has = fs.existsSync(scenarioPath(c));
      assert.ok(has !== key(c) in unrunnable, `${key(c)}: ${has ? 'has a scenario and is listed as unrunnable' : 'has no scenario and no reason'}`);
    }
    for (const k of Object.keys(unrunnable))
      assert.ok(
        all.some((c) => key(c) === k),
        `unrunnable.json lists ${k}, which is no case`,
      );
  });

  test('at least 80% of the converting cases are proven, per family (callback-era, Motor-style)', (t) => {
    for (const [family, presets] of [
      ['callback-era', ['mongodb-callbacks', 'mongodb-legacy']],
      ['Motor-style', ['motor']],
    ] as const) {
      const converting = all.filter((c) => (presets as readonly string[]).includes(c.preset) && c.expected !== c.input);
      const proven = converting.filter((c) => runnable.includes(c));
      t.diagnostic(`${family}: ${proven.length}/${converting.length} converting cases proven`);
      assert.ok(proven.length >= 0.8 * converting.length, `${family}: only ${proven.length}/${converting.length} proven`);
    }
  });

  let started = 0;
  let done = 0;
  for (const c of runnable) {
    test(key(c), async (t) => {
      started ||= Date.now();
      const v = await runCase(c, all);
      if (++done === runnable.length) t.diagnostic(`harness time: ${runnable.length} cases on the wire in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      assert.deepEqual(v.differences, [], `${key(c)}: old and new runs differ\n${v.differences.join('\n\n')}`);
    });
  }
});
