/**
 * The coverage tables of the callback presets (docs/presets.md) are checked against the fixtures, so the inventory of
 * reference rows cannot drift from what the code does:
 * - each FLAG row names a rule and a fixture whose findings report that rule on a line of the input that holds the
 *   row's token;
 * - each AUTO row names a fixture whose output holds the left token fewer times than the input, and the right
 *   token more times (the rewrite happened there);
 * - every rule id the two presets define is reported by some fixture (but for the few listed below, covered
 *   elsewhere).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, loadCases, type Case } from './helpers/fixtures.js';
import { allRules } from '../src/rules/registry.js';

const README = fs.readFileSync(path.join(ROOT, 'docs', 'presets.md'), 'utf8');
const cases = new Map<string, Case>();
for (const preset of ['mongodb-legacy', 'mongodb-callbacks']) for (const c of loadCases(preset)) cases.set(`${preset}/${c.name}`, c);

/** Rows of the table between `<!-- coverage:<name> -->` markers, as cells without their backticks. */
function rows(name: string): string[][] {
  const m = new RegExp(`<!-- coverage:${name} -->([\\s\\S]*?)<!-- /coverage:${name} -->`).exec(README);
  assert.ok(m, `docs/presets.md has no coverage:${name} table`);
  return m[1]!
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*(§|---)/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/^`(.*)`$/, '$1')),
    );
}

function count(text: string, token: string): number {
  return text.split(token).length - 1;
}

describe('coverage tables of the callback presets (docs/presets.md)', () => {
  const flag = rows('flag');
  test('the FLAG table has its rows', () => assert.ok(flag.length >= 20, `only ${flag.length} rows`));
  for (const [section, row, rule, fixture, token] of flag) {
    test(`FLAG §${section} ${row}: ${rule} in ${fixture}`, () => {
      const c = cases.get(fixture!);
      assert.ok(c, `no fixture ${fixture}`);
      const lines = c.input.split(/\r?\n/);
      const hit = c.findings.find((f) => f.ruleId === rule && lines[f.line - 1]?.includes(token!));
      assert.ok(hit, `${fixture}.findings.json has no ${rule} on a line with \`${token}\``);
    });
  }

  const auto = rows('auto');
  test('the AUTO table has its rows', () => assert.ok(auto.length >= 30, `only ${auto.length} rows`));
  for (const [section, row, fixture, before, after] of auto) {
    test(`AUTO §${section} ${row}: ${fixture}`, () => {
      const c = cases.get(fixture!);
      assert.ok(c, `no fixture ${fixture}`);
      assert.ok(count(c.expected, before!) < count(c.input, before!), `\`${before}\` is not rewritten away in ${fixture}`);
      assert.ok(count(c.expected, after!) > count(c.input, after!), `\`${after}\` does not appear by the rewrite in ${fixture}`);
    });
  }

  test('--target: the same input under 6 and 7 differs exactly where the README target table says', () => {
    const t6 = cases.get('mongodb-legacy/target-6')!;
    const t7 = cases.get('mongodb-legacy/target-7')!;
    assert.equal(t6.input, t7.input);
    assert.equal((t6.options as { target?: number }).target, 6);
    const rules = (c: Case) => new Set(c.findings.map((f) => f.ruleId));
    for (const rule of ['mongodb-callbacks/auth-mechanism', 'mongodb-callbacks/drop-missing']) {
      assert.ok(rules(t7).has(rule), `target 7 does not report ${rule}`);
      assert.ok(!rules(t6).has(rule), `target 6 reports ${rule}`);
    }
    for (const token of ['stream().map(', 'PoolRequestedRetry']) {
      assert.ok(t7.expected.includes(token) && !t7.input.includes(token), `target 7 output lacks ${token}`);
      assert.ok(!t6.expected.includes(token), `target 6 output has ${token}`);
    }
    assert.ok(t6.expected.includes('stream({ transform') && t6.expected.includes('PoolRequstedRetry'));
  });

  test('every rule of the two presets is reported by some fixture', () => {
    // Reported elsewhere: in `check` mode only (test/api, test/cli), by the runner for package.json and lockfiles
    // (test/deps, test/crossfile, test/safety-gates).
    const elsewhere = new Set(['mongodb-callbacks/callback', 'mongodb-callbacks/dependency-held', 'mongodb-callbacks/old-driver', 'mongodb-callbacks/dependency', 'mongodb-callbacks/stale-lockfile']);
    const seen = new Set([...cases.values()].flatMap((c) => c.findings.map((f) => f.ruleId)));
    const ids = [...allRules().keys()].filter((id) => id.startsWith('mongodb-callbacks/') || id.startsWith('mongodb-legacy/'));
    assert.ok(ids.length > 20);
    const missing = ids.filter((id) => !seen.has(id) && !elsewhere.has(id));
    assert.deepEqual(missing, [], `rules without a fixture: ${missing.join(', ')}`);
  });
});
