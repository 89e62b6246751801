/**
 * Every JS/TS output fixture type-checks with tsc against the real `mongodb` package. The outputs are copied to
 * .tscheck/ (inside the repo, so `mongodb` resolves from node_modules) with the shims of fixtures/types, and
 * checked in one tsc run per dialect. A case may declare the exact type errors its output must have (legacy code
 * that was flagged and left in place); any other error fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { FIXTURES, ROOT, loadCases } from './helpers/fixtures.js';

const require = createRequire(import.meta.url);
const JS_PRESETS = fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d)) && fs.statSync(path.join(FIXTURES, d)).isDirectory() && d !== 'types' && !d.includes('python'));

interface TscError {
  file: string;
  line: number;
  code: number;
  message: string;
}

function runTsc(dir: string, js: boolean): TscError[] {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'preserve',
      moduleResolution: 'bundler',
      moduleDetection: 'force',
      strict: !js,
      noEmit: true,
      allowJs: js,
      checkJs: js,
      skipLibCheck: true,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
    },
    include: js ? ['cases/**/*.js', 'cases/**/*.mjs', 'cases/**/*.cjs', 'cases/**/*.jsx', 'types/*.d.ts'] : ['cases/**/*.ts', 'cases/**/*.mts', 'cases/**/*.cts', 'cases/**/*.tsx', 'types/*.d.ts'],
  };
  const file = path.join(dir, js ? 'tsconfig.js.json' : 'tsconfig.ts.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  let out = '';
  try {
    out = execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', file, '--pretty', 'false'], { encoding: 'utf8', cwd: dir });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? err);
  }
  const errors: TscError[] = [];
  for (const line of out.split('\n')) {
    const m = /^(.*?)\((\d+),(\d+)\): error TS(\d+): (.*)$/.exec(line.trim());
    if (m) errors.push({ file: path.resolve(dir, m[1]!), line: Number(m[2]), code: Number(m[4]), message: m[5]! });
    else if (/error TS\d+/.test(line)) errors.push({ file: '', line: 0, code: 0, message: line });
  }
  return errors;
}

test('every JS/TS output fixture type-checks against the real mongodb types', () => {
  const dir = path.join(ROOT, '.tscheck');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'types'), { recursive: true });
  for (const f of fs.readdirSync(path.join(FIXTURES, 'types'))) fs.copyFileSync(path.join(FIXTURES, 'types', f), path.join(dir, 'types', f));
  const expected = new Map<string, { line: number; code: number }[]>();
  let count = 0;
  for (const preset of JS_PRESETS) {
    // Support modules the cases import (a local lookalike, an in-house wrapper file) are copied as they are.
    const copySupport = (rel: string) => {
      for (const e of fs.readdirSync(path.join(FIXTURES, preset, rel), { withFileTypes: true })) {
        const r = path.join(rel, e.name);
        if (e.isDirectory()) copySupport(r);
        else if (!/\.(input|output)\.|\.json$/.test(e.name)) {
          fs.mkdirSync(path.join(dir, 'cases', preset, rel), { recursive: true });
          fs.copyFileSync(path.join(FIXTURES, preset, r), path.join(dir, 'cases', preset, r));
        }
      }
    };
    copySupport('.');
    for (const c of loadCases(preset)) {
      const virtual = c.options.as ?? `${c.name}${c.ext}`;
      const target = path.join(dir, 'cases', preset, virtual);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, c.expected);
      expected.set(target, c.options.tscErrors ?? []);
      count++;
    }
  }
  assert.ok(count > 0, 'no output fixtures found');
  const errors = [...runTsc(dir, false), ...runTsc(dir, true)];
  const problems: string[] = [];
  for (const e of errors) {
    const want = expected.get(e.file);
    if (!want || !want.some((w) => w.line === e.line && w.code === e.code)) problems.push(`${path.relative(dir, e.file)}:${e.line} TS${e.code} ${e.message}`);
  }
  for (const [file, want] of expected) {
    for (const w of want) {
      if (!errors.some((e) => e.file === file && e.line === w.line && e.code === w.code)) problems.push(`${path.relative(dir, file)}:${w.line} expected TS${w.code} was not reported`);
    }
  }
  assert.deepEqual(problems, [], `type errors in output fixtures:\n${problems.join('\n')}`);
});
