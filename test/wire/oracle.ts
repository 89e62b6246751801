/**
 * The wire oracle: runs a fixture's input through its old client and its output through `mongodb` 7, each against a
 * fresh in-memory double in its own process (test/wire/run-side.ts), and compares what the two runs did: the final
 * contents of every collection, what each caller and handler saw, and the sequence of data-changing commands with
 * their semantic options. Reads may differ in form and are only shown.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { FIXTURES, ROOT, type Case } from '../helpers/fixtures.js';
import type { SideRequest, SideResult } from './run-side.js';

const SIDE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-side.js');
const LEGACY_DRIVER = path.join(ROOT, 'node_modules/mongodb-legacy/node_modules/mongodb');
const LEGACY4_DRIVER = path.join(ROOT, 'node_modules/mongodb-legacy4/node_modules/mongodb');

export interface ScenarioMeta {
  /** Old driver major for a mongodb-callbacks case, when the case's folder or options do not say. */
  driver?: number;
}

export function scenarioPath(c: Case): string {
  return path.join(FIXTURES, c.preset, `${c.name}.scenario.js`);
}

export function virtualPath(c: Case): string {
  return c.options.as ?? `${c.name}${c.ext}`;
}

/** Which installed package plays each old specifier for this case. */
export async function oldModules(c: Case, scenario = scenarioPath(c)): Promise<Record<string, string>> {
  const from = (c.options as { from?: number }).from;
  if (c.preset === 'mongodb-legacy') return from === 4 ? { 'mongodb-legacy': 'mongodb-legacy4', mongodb: LEGACY4_DRIVER } : { 'mongodb-legacy': 'mongodb-legacy', mongodb: LEGACY_DRIVER };
  if (c.preset === 'mongodb-callbacks') {
    const meta = (await import(pathToFileURL(scenario).href)) as ScenarioMeta;
    const era = meta.driver ?? from ?? (virtualPath(c).startsWith('v2app/') ? 2 : 3);
    return { mongodb: `mongodb${era}` };
  }
  return {};
}

function runSide(request: SideRequest): Promise<SideResult> {
  const tmp = path.join(os.tmpdir(), `wire-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(tmp, JSON.stringify(request));
  return new Promise((resolve) => {
    execFile(process.execPath, [SIDE, tmp], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      fs.rmSync(tmp, { force: true });
      try {
        resolve(JSON.parse(stdout) as SideResult);
      } catch {
        resolve({ events: [], printed: [], writes: [], stream: [], contents: {}, error: `side process failed: ${err?.message ?? ''}\n${stderr.slice(0, 4000)}` });
      }
    });
  });
}

export interface Verdict {
  input: SideResult;
  output: SideResult;
  /** Empty when the two runs agree. */
  differences: string[];
}

/** Runs one case (optionally with another output file, for the harness's own mutation tests). */
export async function runCase(c: Case, all: Case[], opts: { outputFile?: string; scenario?: string } = {}): Promise<Verdict> {
  const siblings = (side: 'input' | 'output'): Record<string, string> =>
    Object.fromEntries(all.filter((o) => o.preset === c.preset && o !== c).map((o) => [virtualPath(o), side === 'input' ? o.input : o.expected]));
  const wrappers = ((c.options.wrapperModules ?? []) as string[]).map((w) => path.posix.normalize(w.replace(/^\.\//, '')).replace(/\.(c|m)?js$/, ''));
  const base = { preset: c.preset, name: c.name, virtual: virtualPath(c), wrappers, scenario: opts.scenario ?? scenarioPath(c) };
  const modules = await oldModules(c, base.scenario);
  const [input, output] = await Promise.all([
    runSide({ ...base, side: 'input', file: c.inputPath, modules, siblings: siblings('input') }),
    runSide({ ...base, side: 'output', file: opts.outputFile ?? c.outputPath, modules, siblings: siblings('output') }),
  ]);
  return { input, output, differences: compare(input, output) };
}

export function compare(a: SideResult, b: SideResult): string[] {
  const out: string[] = [];
  if (a.error || b.error) out.push(`a run failed:\n  input: ${a.error ?? 'ok'}\n  output: ${b.error ?? 'ok'}`);
  for (const [side, r] of [
    ['input', a],
    ['output', b],
  ] as const) {
    const failed = r.events.find((e) => typeof e === 'object' && e !== null && 'loadError' in e);
    if (failed) out.push(`the ${side} did not load: ${JSON.stringify(failed)}`);
  }
  if (!isDeepStrictEqual(a.writes, b.writes)) out.push(`data-changing commands differ:\n${sideBySide(a.writes, b.writes)}`);
  if (!isDeepStrictEqual(a.contents, b.contents)) out.push(`final collection contents differ:\n  input:  ${JSON.stringify(a.contents)}\n  output: ${JSON.stringify(b.contents)}`);
  const n = Math.max(a.events.length, b.events.length);
  for (let i = 0; i < n; i++) {
    if (!isDeepStrictEqual(a.events[i], b.events[i])) out.push(`what the caller saw differs at event ${i}:\n  input:  ${JSON.stringify(a.events[i])}\n  output: ${JSON.stringify(b.events[i])}`);
  }
  if (!isDeepStrictEqual(a.printed, b.printed)) out.push(`what the code printed differs:\n  input:  ${JSON.stringify(a.printed)}\n  output: ${JSON.stringify(b.printed)}`);
  if (out.length) out.push(`command streams (input | output):\n${sideBySide(streamOf(a), streamOf(b))}`);
  return out;
}

function streamOf(r: SideResult): unknown[] {
  return r.stream;
}

function sideBySide(a: unknown[], b: unknown[]): string {
  const rows: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const l = i < a.length ? JSON.stringify(a[i]) : '-';
    const r = i < b.length ? JSON.stringify(b[i]) : '-';
    rows.push(`  ${i}${isDeepStrictEqual(a[i], b[i]) ? ' ' : '!'} ${l}\n     | ${r}`);
  }
  return rows.join('\n');
}
