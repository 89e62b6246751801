/**
 * Multi-module Python projects through the runner: fixtures/motor-python-projects/<case>/
 *   input/      the project before the run (with its dependency files)
 *   expected/   the project after `run` (every file; an input file absent here must be unchanged)
 *   findings.json  the findings of `run`: [{ file, ruleId, severity, line, column }]
 * Then: a second run changes nothing; every output .py re-parses without ERROR/MISSING; `check` on the result
 * reports again every error/warning finding of `run` whose line text survives (same rule, same file).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runFiles } from '../src/runner/run.js';
import { parsePython, firstSyntaxProblem } from '../src/python/parse.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = path.join(ROOT, 'fixtures', 'motor-python-projects');

function files(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) out.push(...files(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

async function run(cwd: string, mode: 'run' | 'check') {
  return runFiles({ mode, preset: 'auto', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd, paths: ['.'], dryRun: false });
}

type Row = { file: string; ruleId: string; severity: string; line: number; column: number };
const rows = (fs: readonly { file: string; ruleId: string; severity: string; line: number; column: number }[]): Row[] =>
  fs
    .map((f) => ({ file: f.file, ruleId: f.ruleId, severity: f.severity, line: f.line, column: f.column }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));

const cases = existsSync(DIR) ? readdirSync(DIR).sort() : [];

describe('motor-python projects', () => {
  test('there are project cases', () => assert.ok(cases.length >= 2));
  for (const c of cases) {
    test(c, async () => {
      const tmp = mkdtempSync(path.join(tmpdir(), `mcpy-${c}-`));
      try {
        cpSync(path.join(DIR, c, 'input'), tmp, { recursive: true });
        const first = await run(tmp, 'run');
        assert.deepEqual(
          first.files.filter((f) => f.status === 'error'),
          [],
        );
        const expectedDir = path.join(DIR, c, 'expected');
        for (const rel of files(path.join(DIR, c, 'input'))) {
          const want = existsSync(path.join(expectedDir, rel)) ? readFileSync(path.join(expectedDir, rel), 'utf8') : readFileSync(path.join(DIR, c, 'input', rel), 'utf8');
          assert.equal(readFileSync(path.join(tmp, rel), 'utf8'), want, `${rel} differs from the expected file`);
          if (rel.endsWith('.py')) {
            const tree = await parsePython(want);
            try {
              assert.equal(firstSyntaxProblem(tree.rootNode), null, `${rel}: ERROR/MISSING node`);
            } finally {
              tree.delete();
            }
          }
        }
        const expected = JSON.parse(readFileSync(path.join(DIR, c, 'findings.json'), 'utf8')) as Row[];
        assert.deepEqual(rows(first.findings), expected, 'findings differ');

        const again = await run(tmp, 'run');
        assert.deepEqual(
          again.files.filter((f) => f.status === 'changed').map((f) => f.path),
          [],
          'a second run changed files',
        );

        const checked = await run(tmp, 'check');
        const lost: string[] = [];
        for (const f of first.findings) {
          if (f.severity === 'info') continue;
          const input = readFileSync(path.join(DIR, c, 'input', f.file), 'utf8').split(/\r?\n/);
          const output = readFileSync(path.join(tmp, f.file), 'utf8').split(/\r?\n/);
          const text = input[f.line - 1];
          if (!text || !text.trim() || !output.includes(text)) continue;
          if (!checked.findings.some((g) => g.file === f.file && g.ruleId === f.ruleId && output[g.line - 1] === text)) lost.push(`${f.file}:${f.line} ${f.ruleId}`);
        }
        assert.deepEqual(lost, [], 'run findings that check does not report again');
        // check is red while something still breaks (an error the run left), and green once nothing does
        assert.equal(
          checked.findings.some((g) => g.severity === 'error'),
          first.findings.some((g) => g.severity === 'error'),
          'check is red exactly when the run left an error',
        );
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
