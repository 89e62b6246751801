/** Running JS/TS fixture cases through the engine: the checks every preset's fixture suite shares. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { jsModuleIndex, processJs } from '../../src/js/engine.js';
import { emptyFacts, factsMatter, mergeFacts, type FileFacts } from '../../src/tracking/facts.js';
import { normalisePath } from '../../src/js/modules.js';
import type { EngineOptions } from '../../src/core/types.js';
import { loadWrapperSpec } from '../../src/presets/spec.js';
import { FIXTURES, loadCases, normaliseFindings, type Case } from './fixtures.js';

/** Engine options of a case: its .options.json (wrapper modules and specs relative to the preset folder, toList, preset, and the callback presets' from / target / modifyResult). */
export function optionsFor(c: Case, mode: 'run' | 'check' = 'run'): EngineOptions {
  const dir = path.join(FIXTURES, c.preset);
  const extra = c.options as Record<string, unknown>;
  const o: EngineOptions & Record<string, unknown> = {
    mode,
    preset: c.options.preset ?? 'auto',
    wrapperModules: (c.options.wrapperModules ?? []).map((m) => (m.startsWith('.') ? path.resolve(dir, m) : m)),
    wrapperSpecs: (c.options.wrapperSpecs ?? []).map((s) => loadWrapperSpec(s, dir)),
    toList: c.options.toList ?? 'loop',
    cwd: dir,
  };
  for (const k of ['from', 'target', 'modifyResult']) if (extra[k] !== undefined) o[k] = extra[k];
  return o;
}

function virtualPath(c: Case): string {
  return path.join(FIXTURES, c.preset, c.options.as ?? `${c.name}${c.ext}`);
}

/** The cross-file index of a case's `modules` (their inputs, or their expected outputs), keyed as the runner keys it. */
/**
 * The cross-file index of a case's `modules` (their inputs, or their expected outputs), keyed as the runner keys it,
 * and the run's tracking facts (src/tracking/facts.ts) merged from those modules and the case itself, as the
 * runner's facts round merges them: modules are the case's callers, slot writers and plugin registrations too.
 */
function moduleIndex(c: Case, options: EngineOptions, which: 'input' | 'expected', text: string): { index: Record<string, Record<string, unknown>>; facts?: EngineOptions['jsRunFacts'] } | undefined {
  if (!c.options.modules?.length) return undefined;
  const dir = path.join(FIXTURES, c.preset);
  const cases = loadCases(c.preset);
  const self = virtualPath(c);
  // Twice, as the runner's facts round does: the modules' exports may depend on the facts (a registry filled through
  // a parameter), and the facts on the exports (a handle imported, then passed on).
  let index: Record<string, Record<string, unknown>> = {};
  let facts: EngineOptions['jsRunFacts'];
  for (let round = 0; round < 2; round++) {
    const next: Record<string, Record<string, unknown>> = {};
    const run = emptyFacts();
    const opts = { ...options, jsModuleExports: index, jsRunFacts: facts };
    for (const name of c.options.modules) {
      const m = cases.find((x) => x.name === name);
      if (!m) throw new Error(`${c.preset}/${c.name}: module case ${name} not found`);
      const abs = virtualPath(m);
      // Processed, as the runner does: the facts of a file include its rules' (a callback client it holds).
      const r = processJs({ absPath: abs, relPath: path.relative(dir, abs), text: which === 'input' ? m.input : m.expected }, opts);
      if (r.exports && Object.keys(r.exports).length) next[normalisePath(abs)] = r.exports;
      mergeFacts(run, r.facts as FileFacts | undefined);
    }
    mergeFacts(run, jsModuleIndex({ absPath: self, relPath: path.relative(dir, self), text }, { ...opts, jsModuleExports: next }).facts);
    index = next;
    facts = factsMatter(run) ? (run as EngineOptions['jsRunFacts']) : undefined;
  }
  return { index, facts };
}

export function runCase(c: Case, text: string, mode: 'run' | 'check' = 'run') {
  const dir = path.join(FIXTURES, c.preset);
  const virtual = virtualPath(c);
  const options = optionsFor(c, mode);
  const m = moduleIndex(c, options, text === c.input ? 'input' : 'expected', text);
  return processJs({ absPath: virtual, relPath: path.relative(dir, virtual), text }, m ? { ...options, jsModuleExports: m.index, jsRunFacts: m.facts } : options);
}

/** Per case: exact output, exact findings, idempotence on the expected output; decoys stay unchanged. */
export function describeCases(cases: Case[], label: (c: Case) => string): void {
  for (const c of cases) {
    describe(label(c), () => {
      test('output matches the expected output byte for byte', () => {
        const r = runCase(c, c.input);
        assert.equal(r.error, undefined, r.error);
        assert.equal(r.output ?? c.input, c.expected);
      });
      test('findings match', () => {
        const r = runCase(c, c.input);
        assert.deepEqual(normaliseFindings(r.findings), normaliseFindings(c.findings));
      });
      test('idempotent: running on the expected output changes nothing', () => {
        const r = runCase(c, c.expected);
        assert.equal(r.error, undefined, r.error);
        assert.equal(r.output ?? c.expected, c.expected);
      });
      if (c.options.modules?.length && c.expected !== c.input) {
        test('its modules matter: without the cross-file index the importer is not converted', () => {
          const dir = path.join(FIXTURES, c.preset);
          const virtual = virtualPath(c);
          const r = processJs({ absPath: virtual, relPath: path.relative(dir, virtual), text: c.input }, optionsFor(c));
          assert.notEqual(r.output ?? c.input, c.expected);
        });
      }
      if (c.name.startsWith('decoy-')) {
        test('decoy: nothing is changed', () => {
          assert.equal(c.expected, c.input);
        });
      }
    });
  }
}

/** Every fixture file of a preset folder belongs to one of its cases. */
export function assertNoStrayFiles(preset: string, cases: Case[]): void {
  const dir = path.join(FIXTURES, preset);
  const names = new Set(cases.filter((c) => c.preset === preset).map((c) => c.name));
  for (const f of fs.readdirSync(dir)) {
    const m = /^(.*?)\.(input|output|findings|options|scenario)\./.exec(f);
    if (!m) continue;
    assert.ok(names.has(m[1]!), `${f} belongs to no case`);
  }
}
