/**
 * `check` is never green while legacy usage remains, over every fixture of every preset, JS and Python alike:
 * every error or warning finding of `run` on a case's input whose line text survives in the expected output is
 * reported again by `check` on that output (matched by rule name, the part after the preset prefix, and by line
 * text). The few exceptions are listed per case, each with its reason, in test/check-invariant.exceptions.json;
 * an exception that no longer applies fails too, so the list cannot rot.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, ROOT, loadCases } from './helpers/fixtures.js';
import { runCase } from './helpers/js-cases.js';
import { pythonEngine } from '../src/python/engine.js';
import type { EngineFinding, EngineOptions } from '../src/core/types.js';

interface Exception {
  rule: string;
  line: number;
  reason: string;
}

const EXCEPTIONS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'check-invariant.exceptions.json'), 'utf8')) as Record<string, Exception[]>;

type Short = Pick<EngineFinding, 'ruleId' | 'severity' | 'line'>;

const ruleName = (id: string) => id.slice(id.indexOf('/') + 1);
const lineText = (text: string, line: number) => (text.split(/\r?\n/)[line - 1] ?? '').trim();

/** The run findings that `check` on the output does not report again (rule name + line text), where the line survives. */
export function violations(input: string, output: string, run: Short[], check: Short[]): { rule: string; line: number; text: string }[] {
  const surviving = new Set(output.split(/\r?\n/).map((l) => l.trim()));
  const reported = new Set(check.map((f) => `${ruleName(f.ruleId)}\u0000${lineText(output, f.line)}`));
  const out: { rule: string; line: number; text: string }[] = [];
  const seen = new Set<string>();
  for (const f of run) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    const text = lineText(input, f.line);
    if (!text || !surviving.has(text)) continue;
    const key = `${ruleName(f.ruleId)}\u0000${text}`;
    if (reported.has(key) || seen.has(`${key}\u0000${f.line}`)) continue;
    seen.add(`${key}\u0000${f.line}`);
    out.push({ rule: ruleName(f.ruleId), line: f.line, text });
  }
  return out;
}

function expectNoViolations(label: string, found: { rule: string; line: number; text: string }[]): void {
  const allowed = EXCEPTIONS[label] ?? [];
  const unexpected = found.filter((v) => !allowed.some((e) => e.rule === v.rule && e.line === v.line));
  assert.deepEqual(unexpected, [], `${label}: run findings that check on the output does not report again`);
  const stale = allowed.filter((e) => !found.some((v) => v.rule === e.rule && v.line === e.line));
  assert.deepEqual(stale, [], `${label}: listed exceptions that no longer apply`);
  for (const e of allowed) assert.ok(e.reason && e.reason.length > 10, `${label}: exception ${e.rule}@${e.line} has no reason`);
}

const JS_PRESETS = fs.readdirSync(FIXTURES).filter((d) => d !== 'types' && !d.includes('python') && fs.statSync(path.join(FIXTURES, d)).isDirectory());

describe('check invariant: JS/TS fixtures', () => {
  for (const preset of JS_PRESETS) {
    for (const c of loadCases(preset)) {
      const label = `${preset}/${c.name}`;
      test(label, () => {
        const run = runCase(c, c.input, 'run');
        const check = runCase(c, c.expected, 'check');
        expectNoViolations(label, violations(c.input, c.expected, run.findings, check.findings));
      });
    }
  }
});

const PY = path.join(FIXTURES, 'motor-python');

function pyOptions(mode: 'run' | 'check'): EngineOptions {
  return { mode, preset: 'motor-python', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: ROOT } as EngineOptions;
}

describe('check invariant: Python fixtures', () => {
  const cases = fs
    .readdirSync(PY)
    .map((f) => /^(.*)\.input\.(pyi?)$/.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .sort((a, b) => a[1]!.localeCompare(b[1]!));
  test('there are Python cases', () => assert.ok(cases.length >= 40));
  for (const [, name, ext] of cases) {
    const label = `motor-python/${name}`;
    test(label, async () => {
      const input = fs.readFileSync(path.join(PY, `${name}.input.${ext}`), 'utf8');
      const outPath = path.join(PY, `${name}.output.${ext}`);
      const output = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : input;
      const relPath = `app/${name}.${ext}`;
      const file = (text: string) => ({ absPath: path.join(ROOT, relPath), relPath, text });
      const run = await pythonEngine.process(file(input), pyOptions('run'));
      const check = await pythonEngine.process(file(output), pyOptions('check'));
      expectNoViolations(label, violations(input, output, run.findings, check.findings));
    });
  }
});

test('the invariant can fail: a run finding whose line survives but that check drops is a violation', () => {
  const input = 'a\ncoll.insert(doc, cb)\n';
  const v = violations(input, input, [{ ruleId: 'x/removed-method', severity: 'error', line: 2 }], []);
  assert.deepEqual(v, [{ rule: 'removed-method', line: 2, text: 'coll.insert(doc, cb)' }]);
  assert.deepEqual(violations(input, input, [{ ruleId: 'x/removed-method', severity: 'error', line: 2 }], [{ ruleId: 'y/removed-method', severity: 'error', line: 2 }]), []);
  assert.deepEqual(violations(input, 'a\n', [{ ruleId: 'x/removed-method', severity: 'error', line: 2 }], []), []);
});
