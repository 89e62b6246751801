/** Fixture cases: fixtures/<preset>/<case>.input.<ext>, .output.<ext> (absent = unchanged), .findings.json, .options.json. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = path.join(ROOT, 'fixtures');

export interface ExpectedFinding {
  ruleId: string;
  severity: string;
  line: number;
  column: number;
}

export interface CaseOptions {
  wrapperModules?: string[];
  wrapperSpecs?: string[];
  toList?: 'loop' | 'to-array';
  preset?: string;
  /** Type errors tsc must report in the output, exactly (flagged legacy code left in place). */
  tscErrors?: { line: number; code: number }[];
  /** Virtual file name used for the case (relative to the preset folder), when the extension or folder matters. */
  as?: string;
  /**
   * Other cases of the same preset this one imports, as the cross-file index sees them: each case's own virtual
   * path (its `as`) is where it lives. The index is built from their inputs for the input run and from their
   * expected outputs for the idempotence run, as the runner would on a second run.
   */
  modules?: string[];
}

export interface Case {
  preset: string;
  name: string;
  ext: string;
  inputPath: string;
  outputPath: string;
  input: string;
  expected: string;
  findings: ExpectedFinding[];
  options: CaseOptions;
}

export function loadCases(preset: string): Case[] {
  const dir = path.join(FIXTURES, preset);
  const out: Case[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^(.*)\.input(\.[a-z]+)$/.exec(f);
    if (!m) continue;
    const [, name, ext] = m as unknown as [string, string, string];
    const inputPath = path.join(dir, f);
    const outputPath = path.join(dir, `${name}.output${ext}`);
    const input = fs.readFileSync(inputPath, 'utf8');
    const expected = fs.existsSync(outputPath) ? fs.readFileSync(outputPath, 'utf8') : input;
    const findingsPath = path.join(dir, `${name}.findings.json`);
    if (!fs.existsSync(findingsPath)) throw new Error(`fixture ${preset}/${name} has no .findings.json`);
    const findings = JSON.parse(fs.readFileSync(findingsPath, 'utf8')) as ExpectedFinding[];
    const optionsPath = path.join(dir, `${name}.options.json`);
    const options = fs.existsSync(optionsPath) ? (JSON.parse(fs.readFileSync(optionsPath, 'utf8')) as CaseOptions) : {};
    out.push({ preset, name, ext, inputPath, outputPath: fs.existsSync(outputPath) ? outputPath : inputPath, input, expected, findings, options });
  }
  return out;
}

export function normaliseFindings(list: { ruleId: string; severity: string; line: number; column: number }[]): ExpectedFinding[] {
  return list.map((f) => ({ ruleId: f.ruleId, severity: f.severity, line: f.line, column: f.column })).sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}
