/**
 * The legacy JS client presets (monk, mongojs, mongoist, mongoskin): exact output, exact findings, idempotence;
 * test/typecheck.test.ts type-checks every output against the real `mongodb` types.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from './helpers/fixtures.js';
import { assertNoStrayFiles, describeCases } from './helpers/js-cases.js';
import { CLIENTS } from '../src/presets/index.js';

const all = CLIENTS.flatMap((c) => loadCases(c.info.name));

describe('legacy client presets fixtures', () => {
  for (const c of CLIENTS) {
    test(`${c.info.name}: 15 cases or more, with a decoy, and a multi-file case (the db in its own module)`, () => {
      const mine = all.filter((x) => x.preset === c.info.name);
      assert.ok(mine.length >= 15, `${c.info.name}: only ${mine.length} cases`);
      assert.ok(
        mine.some((x) => x.name.startsWith('decoy-')),
        `${c.info.name}: no decoy case`,
      );
      assert.ok(
        mine.some((x) => x.options.modules?.length),
        `${c.info.name}: no multi-file case`,
      );
    });
    test(`${c.info.name}: every case has its files and no stray files`, () => assertNoStrayFiles(c.info.name, all));
  }
  test('promise clients are rewritten; callback clients are converted all or nothing, else reported site by site, never silently', () => {
    for (const x of all) {
      if (x.name.startsWith('decoy-')) continue;
      const client = CLIENTS.find((c) => c.info.name === x.preset)!;
      if (client.style === 'callback' && !client.convertsCallbacks) assert.equal(x.expected, x.input, `${x.preset}/${x.name}: a callback client's file was rewritten`);
      // All or nothing: a converted file keeps no site of the client (its import is gone), and no finding of it but notes.
      if (client.convertsCallbacks && x.expected !== x.input) {
        assert.ok(!new RegExp(`['"]${client.module}['"]`).test(x.expected), `${x.preset}/${x.name}: converted, and ${client.module} still imported`);
        const left = x.findings.filter((f) => f.ruleId.startsWith(`${client.info.name}/`) && f.severity === 'error');
        assert.deepEqual(left, [], `${x.preset}/${x.name}: converted, and ${client.info.name} sites reported`);
      }
      // Reported: an error, or (handles the tracker could not follow) the untraced-call warning, or a test's module mock.
      assert.ok(
        x.expected !== x.input || x.findings.some((f) => f.severity === 'error' || f.ruleId.endsWith('/untraced-call') || f.ruleId.endsWith('/test-mock')),
        `${x.preset}/${x.name}: neither rewritten nor reported`,
      );
    }
  });
  describeCases(all, (c) => `${c.preset}/${c.name}`);
});
