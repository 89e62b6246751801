/**
 * The wire oracle's own tests: deliberately wrong rewrites of small callback-era programs must be caught (and the
 * right rewrite must pass, so the check is not vacuous). Sources: test/wire/mutants/<case>.{input,right,wrong}.js.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, type Case } from './helpers/fixtures.js';
import { runCase } from './wire/oracle.js';

const DIR = path.join(ROOT, 'test/wire/mutants');

function mutant(name: string): Case {
  const inputPath = path.join(DIR, `${name}.input.js`);
  const outputPath = path.join(DIR, `${name}.right.js`);
  const input = fs.readFileSync(inputPath, 'utf8');
  return { preset: 'mongodb-callbacks', name, ext: '.js', inputPath, outputPath, input, expected: fs.readFileSync(outputPath, 'utf8'), findings: [], options: {} };
}

const CASES: [string, string, RegExp][] = [
  ['update-one', 'update -> updateMany where the old call touched one document', /final collection contents differ[\s\S]*data-changing|data-changing commands differ/],
  ['error-handler', 'an error moved into the success handler', /what the caller saw differs/],
  ['return-after', "a dropped returnDocument: 'after'", /what the caller saw differs/],
];

describe('wire oracle catches wrong rewrites', { concurrency: 1 }, () => {
  for (const [name, what, shows] of CASES) {
    test(`${name}: the right rewrite agrees`, async () => {
      const v = await runCase(mutant(name), [], { scenario: path.join(DIR, `${name}.scenario.js`) });
      assert.deepEqual(v.differences, [], v.differences.join('\n\n'));
    });
    test(`${name}: ${what} is caught`, async () => {
      const v = await runCase(mutant(name), [], { scenario: path.join(DIR, `${name}.scenario.js`), outputFile: path.join(DIR, `${name}.wrong.js`) });
      assert.ok(v.differences.length > 0, 'the wrong rewrite passed');
      assert.match(v.differences.join('\n'), shows);
      assert.match(v.differences.join('\n'), /command streams \(input \| output\)/);
    });
  }
});
