/**
 * `check` reports again what `run` flagged: for every fixture of fixtures/motor-python, every error or warning finding
 * of `run` on the input whose line text survives unchanged in the output is reported again by `check` on the output
 * (same rule, a line with the same text). Suppression comments are the runner's business (see process.ts).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { pythonEngine } from '../src/python/engine.js';
import type { EngineOptions } from '../src/core/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = join(ROOT, 'fixtures', 'motor-python');

function options(mode: 'run' | 'check'): EngineOptions {
  return { mode, preset: 'motor-python', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: ROOT } as EngineOptions;
}

const cases = readdirSync(FIX)
  .filter((f) => /\.input\.pyi?$/.test(f))
  .sort();

describe('check re-reports what run flagged (motor-python fixtures)', () => {
  let surviving = 0;
  for (const f of cases) {
    test(f, async () => {
      const input = readFileSync(join(FIX, f), 'utf8');
      const outPath = join(FIX, f.replace('.input.', '.output.'));
      const output = existsSync(outPath) ? readFileSync(outPath, 'utf8') : input;
      const rel = `app/${f.replace('.input.', '.')}`;
      const project = f.startsWith('project-') ? { pythonMotorProject: true } : {};
      const ran = await pythonEngine.process({ absPath: join(ROOT, rel), relPath: rel, text: input }, { ...options('run'), ...project } as EngineOptions);
      assert.equal(ran.output ?? input, output, 'the expected output is what run writes');
      const checked = await pythonEngine.process({ absPath: join(ROOT, rel), relPath: rel, text: output }, { ...options('check'), ...project } as EngineOptions);
      assert.equal(checked.error, undefined);
      const inLines = input.split(/\r?\n/);
      const outLines = output.split(/\r?\n/);
      const lost: string[] = [];
      for (const fd of ran.findings) {
        if (fd.severity === 'info') continue;
        const text = inLines[fd.line - 1];
        if (!text || !text.trim() || !outLines.includes(text)) continue;
        surviving++;
        if (!checked.findings.some((g) => g.ruleId === fd.ruleId && outLines[g.line - 1] === text)) lost.push(`${fd.line}: ${fd.ruleId} | ${text.trim()}`);
      }
      assert.deepEqual(lost, [], 'run findings that check does not report again');
    });
  }
  test('the invariant was exercised', () => {
    assert.ok(surviving >= 40, `only ${surviving} surviving findings`);
  });
});
