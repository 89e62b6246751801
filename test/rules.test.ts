/**
 * The rule registry: every rule id a report can carry has metadata, and every process (in-process run, pool
 * workers) renders the same metadata, because the registry is built from static tables, not registered by the
 * modules a process happens to load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers/fixtures.js';
import { allRules, ruleMeta } from '../src/rules/registry.js';

const BIN = path.join(ROOT, 'bin/mongo-codemod.js');
const FIXTURES = path.join(ROOT, 'fixtures');

function fixtureFiles(re: RegExp): string[] {
  const out: string[] = [];
  for (const dir of fs.readdirSync(FIXTURES)) {
    const d = path.join(FIXTURES, dir);
    for (const f of fs.readdirSync(d, { recursive: true }) as string[]) if (re.test(f)) out.push(path.join(d, f));
  }
  return out;
}

test('every rule id that an expected fixture report carries has metadata', () => {
  const ids = new Set<string>();
  for (const f of fixtureFiles(/\.findings\.json$/)) for (const x of JSON.parse(fs.readFileSync(f, 'utf8')) as { ruleId: string }[]) ids.add(x.ruleId);
  assert.ok(ids.size > 70, `only ${ids.size} rule ids in the fixtures`);
  const missing = [...ids].filter((id) => !ruleMeta(id)).sort();
  assert.deepEqual(missing, [], `rule ids without metadata: ${missing.join(', ')}`);
  for (const [id, m] of allRules()) {
    assert.ok(m.description.length > 10 && m.help.length > 5, `${id}: description and help`);
    assert.ok(['error', 'warning', 'info'].includes(m.severity), id);
  }
});

test('SARIF rule metadata is the same in-process and under the worker pool, for JS and Python rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-rules-'));
  try {
    // Fixture inputs of every engine, with their real extensions, in one tree.
    for (const f of fixtureFiles(/\.input\.(js|ts|py)$/)) {
      const name = `${path.basename(path.dirname(f))}-${path.basename(f).replace('.input.', '.')}`;
      fs.copyFileSync(f, path.join(dir, name));
    }
    const sarif = (threads: string) => {
      const r = spawnSync(process.execPath, [BIN, 'check', '--format', 'sarif', '.'], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, CI: 'true', NO_COLOR: '1', MONGO_CODEMOD_THREADS: threads },
      });
      assert.equal(r.status, 1, r.stderr);
      return JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } } }[] };
    };
    const one = sarif('1').runs[0]!.tool.driver.rules;
    const two = sarif('2').runs[0]!.tool.driver.rules;
    assert.ok(one.some((r) => r.id.startsWith('motor-python/')) && one.some((r) => r.id.startsWith('mongodb-callbacks/')));
    assert.deepEqual(two, one);
    const placeholders = one.filter((r) => r.shortDescription.text.startsWith('mongo-codemod rule ')).map((r) => r.id);
    assert.deepEqual(placeholders, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the presets' verdicts agree with what their rows do (Motor FLAG rows name a registered rule; the others rename to a native method)", async () => {
  const { MOTOR_METHODS } = await import('../src/presets/motor.js');
  const { FLAGGED_METHODS } = await import('../src/presets/mongodb-callbacks.js');
  const { nativeHas } = await import('../src/presets/native-surface.js');
  type Kind = Parameters<typeof nativeHas>[0];
  let rows = 0;
  for (const [kind, table] of Object.entries(MOTOR_METHODS)) {
    for (const [name, r] of Object.entries(table!)) {
      rows++;
      if (r.verdict === 'FLAG') {
        assert.ok(r.flag && ruleMeta(r.flag), `motor ${kind}.${name}: a FLAG row names a registered rule (${r.flag})`);
        assert.equal(r.rename, undefined, `motor ${kind}.${name}: a FLAG row renames nothing`);
      } else {
        assert.equal(r.flag, undefined, `motor ${kind}.${name}: an ${r.verdict} row flags nothing`);
        if (r.rename) assert.ok(nativeHas(kind as Kind, r.rename), `motor ${kind}.${name}: renamed to ${r.rename}, which the native ${kind} does not have`);
      }
    }
  }
  for (const [kind, table] of Object.entries(FLAGGED_METHODS)) {
    for (const [name, r] of Object.entries(table!)) {
      rows++;
      // The verdict is the reference's for the old method (an AUTO row is converted where its shape allows, and
      // flagged with this fix elsewhere): one of the three, with the fix the finding carries.
      assert.ok(['AUTO', 'AUTO-WITH-CARE', 'FLAG'].includes(r.verdict), `mongodb-callbacks ${kind}.${name}: verdict ${r.verdict}`);
      assert.ok(r.fix.length > 10, `mongodb-callbacks ${kind}.${name}: a manual fix`);
      if (r.rule) assert.ok(ruleMeta(r.rule), `mongodb-callbacks ${kind}.${name}: ${r.rule} is registered`);
    }
  }
  assert.ok(rows > 40, `only ${rows} rows read`);
});
