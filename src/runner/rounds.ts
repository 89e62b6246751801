/**
 * The cross-file rounds of JS/TS files, in which their candidates are processed: the exports index (which files
 * export handles, so that their importers migrate too), then the tracking-facts rounds (handles that flow into
 * files through parameters, framework slots and plugins). Also `promote`, the byte search that turns the files
 * naming a module into candidates.
 */
import path from 'node:path';
import type { EngineOptions } from '../core/types.js';
import { engineFor } from '../engines.js';
import { escapeRe } from '../core/text.js';
import { looseText, processCandidate, type Outcome, type ProcessOptions, type Speculation } from './process.js';
import { relativePath } from './paths.js';
import { normalisePath } from '../js/modules.js';
import { importsLocalModule, jsIndexPrefilter, jsPrefilter } from '../js/prefilter.js';
import { emptyFacts, factsMatter, mergeFacts, type FileFacts, type RunFacts } from '../tracking/facts.js';
import type { Submit } from './pool.js';

/**
 * First pass for JS/TS: which files export wrapper (or native) handles — `export const db = client.getDatabase(..)`,
 * `module.exports = db`, `exports.getDb = () => db` — so that files importing them (`require('./db').getCollection`)
 * migrate too; and, in the same pass, the processing of every JS/TS candidate. Each task processes a file with the
 * index known so far and reads its exports off the same tracker (one parse, one tracking). An outcome is kept
 * unless the file may import a module that the index gained after it was processed (then it is processed again
 * with the final index), so the result is the same as indexing everything first. Repeated while new exporters
 * appear (a models/ file re-exporting a collection of db.js): each round looks at the files whose bytes name a
 * module that the previous round found exporting handles, at most 4 rounds.
 */
export async function jsSpeculative(
  submit: Submit,
  files: string[],
  candidates: Map<string, Buffer>,
  cwd: string,
  options: ProcessOptions,
  bytesOf: (abs: string) => Buffer | undefined,
  settle: (abs: string, o: Outcome) => void,
  failed: (abs: string, err: Error) => Outcome,
): Promise<Record<string, Record<string, unknown>>> {
  const index: Record<string, Record<string, unknown>> = {};
  const known = new Map<string, Set<string>>();
  const indexed = new Set<string>();
  const jsFiles = files.filter((f) => engineFor(f)?.id === 'js');
  let round = jsFiles.filter((f) => candidates.has(f));
  for (let r = 0; r < 4 && round.length; r++) {
    const snapshot = { ...index };
    const keys = new Set(Object.keys(snapshot));
    const opts: ProcessOptions = { ...options, jsModuleExports: snapshot };
    // Candidates that need no parse (the prefilters say so) are settled here, without a round trip to a worker.
    const results = await Promise.all(
      round.map(async (abs): Promise<Speculation> => {
        const buf = candidates.get(abs)!;
        const rel = relativePath(cwd, abs);
        const text = looseText(buf);
        const index = jsIndexPrefilter(text, opts, abs);
        if (!index && !jsPrefilter(text, opts, rel)) {
          const outcome = await processCandidate(abs, rel, buf, opts);
          settle(abs, outcome);
          return { indexed: false, outcome };
        }
        return (submit({ abs, rel, buf, options: opts, speculate: { index } }) as Promise<Speculation>).then(
          (res) => {
            settle(abs, res.outcome);
            return res;
          },
          (err: Error): Speculation => {
            settle(abs, failed(abs, err));
            return { indexed: false, outcome: failed(abs, err) };
          },
        );
      }),
    );
    const added: string[] = [];
    round.forEach((abs, i) => {
      const res = results[i]!;
      known.set(abs, keys);
      if (res.indexed) indexed.add(abs);
      if (res.exports && Object.keys(res.exports).length) {
        const key = normalisePath(abs);
        if (!index[key]) added.push(key);
        index[key] = res.exports;
      }
    });
    if (!added.length) break;
    round = promote(
      added.map((k) => path.basename(k)),
      jsFiles,
      (abs) => indexed.has(abs),
      candidates,
      bytesOf,
    );
  }
  // Processed before the index was complete, and naming a module the index gained since: process again.
  const finalKeys = Object.keys(index);
  const stale = [...known].filter(([abs, keys]) => {
    const gained = finalKeys.filter((k) => !keys.has(k)).map((k) => path.basename(k));
    return gained.length > 0 && importsLocalModule(candidates.get(abs)!.toString('utf8'), gained);
  });
  const final = { ...options, jsModuleExports: index };
  await Promise.all(
    stale.map(([abs]) =>
      (submit({ abs, rel: relativePath(cwd, abs), buf: candidates.get(abs)!, options: final }) as Promise<Outcome>).then(
        (o) => settle(abs, o),
        (err: Error) => settle(abs, failed(abs, err)),
      ),
    ),
  );
  return index;
}

/**
 * Tracking-facts rounds for JS/TS (src/tracking/facts.ts): handles that flow *into* files — parameters of exported
 * functions and classes from their call sites in other files, framework slots (`app.locals.db`, `req.db`,
 * `ctx.state.db`, `app.set('db')`), fastify mongo plugins. The facts every processed file reported are merged; a
 * file whose view of them (the parameters of its exports, the slots it reads, the plugins) differs from what it was
 * processed with is processed again with them; repeated while views change (a handle passed on through two files),
 * at most 4 rounds; the importers of a file whose exports changed are processed again in the next round. A file that names a target module but was never parsed is parsed first: its calls may pass
 * something else, and then the parameter is not proven. Returns the facts, or undefined when they concern nothing.
 */
export async function jsFactRounds(
  submit: Submit,
  files: string[],
  candidates: Map<string, Buffer>,
  cwd: string,
  options: ProcessOptions,
  bytesOf: (abs: string) => Buffer | undefined,
  settle: (abs: string, o: Outcome) => void,
  failed: (abs: string, err: Error) => Outcome,
  outcomes: Map<string, Outcome>,
  index: Record<string, Record<string, unknown>>,
): Promise<RunFacts | undefined> {
  const jsFiles = files.filter((f) => engineFor(f)?.id === 'js');
  /** Importers of a module whose exports the facts changed: processed again in the next round. */
  let importers = new Set<string>();
  /** Facts of files parsed only to learn their calls (not candidates of their own). */
  const extra = new Map<string, FileFacts>();
  const seen = new Map<string, string>();
  const view = (abs: string, run: RunFacts, facts: FileFacts | undefined): string => {
    const reads = facts?.reads ?? [];
    // A callback client this file converts, held since by another file of its package: done again, flag-only.
    const held = (facts?.uses ?? []).filter((k) => run.holds.includes(k));
    return JSON.stringify([run.params[normalisePath(abs)] ?? null, reads.map((k) => (k === 'mongo' ? run.plugins : (run.slots[k] ?? null))), held]);
  };
  const none = emptyFacts();
  let run: RunFacts | undefined;
  for (let r = 0; r < 4; r++) {
    run = emptyFacts();
    const factsOf = new Map<string, FileFacts>(extra);
    for (const abs of jsFiles) {
      const f = outcomes.get(abs)?.facts as FileFacts | undefined;
      if (f) factsOf.set(abs, f);
    }
    for (const f of factsOf.values()) mergeFacts(run, f);
    if (!factsMatter(run)) return r === 0 ? undefined : run;
    // Files naming a target module (or a slot) that nobody parsed: parse them for their calls and writes.
    const names = new Set<string>();
    for (const [key, byName] of Object.entries(run.params)) if (Object.values(byName).some((a) => a?.some((k) => k))) names.add(path.basename(key));
    for (const [slot, k] of Object.entries(run.slots)) if (k) names.add(slot.slice(slot.indexOf('.') + 1));
    const needles = [...names].map((n) => Buffer.from(n));
    const unparsed = jsFiles.filter((abs) => !factsOf.has(abs) && !early(abs, outcomes));
    let parsedMore = false;
    for (const abs of unparsed) {
      const buf = candidates.get(abs) ?? bytesOf(abs);
      if (!buf || !needles.some((n) => buf.includes(n))) continue;
      const { jsModuleIndex } = await import('../js/engine.js');
      const { facts } = jsModuleIndex({ absPath: abs, relPath: relativePath(cwd, abs), text: looseText(buf) }, options);
      extra.set(abs, facts ?? {});
      if (facts) mergeFacts(run, facts);
      factsOf.set(abs, facts ?? {});
      parsedMore = true;
    }
    void parsedMore;
    const opts: ProcessOptions = { ...options, jsRunFacts: run as EngineOptions['jsRunFacts'], jsForceParse: true };
    const stale: string[] = [];
    for (const abs of jsFiles) {
      const facts = factsOf.get(abs);
      const v = view(abs, run, facts);
      const before = seen.get(abs) ?? view(abs, none, facts);
      if (v === before && !importers.has(abs)) continue;
      seen.set(abs, v);
      // Only files the facts give something to: a target with handle parameters, a reader of a handle slot.
      const buf = candidates.get(abs) ?? bytesOf(abs);
      if (!buf) continue;
      if (!candidates.has(abs)) candidates.set(abs, Buffer.from(buf));
      stale.push(abs);
    }
    if (!stale.length) return run;
    const changedModules: string[] = [];
    await Promise.all(
      stale.map((abs) =>
        (submit({ abs, rel: relativePath(cwd, abs), buf: candidates.get(abs)!, options: { ...opts, jsModuleExports: { ...index } }, speculate: { index: true } }) as Promise<Speculation>).then(
          (res) => {
            settle(abs, res.outcome);
            // Its exports changed (`export const db = {}` filled through a parameter): its importers see them next round.
            const key = normalisePath(abs);
            const exported = res.exports && Object.keys(res.exports).length ? res.exports : undefined;
            if (JSON.stringify(exported ?? null) !== JSON.stringify(index[key] ?? null)) {
              if (exported) index[key] = exported;
              else delete index[key];
              changedModules.push(path.basename(key));
            }
          },
          (err: Error) => settle(abs, failed(abs, err)),
        ),
      ),
    );
    for (const abs of stale) extra.delete(abs);
    importers = new Set(
      changedModules.length ? jsFiles.filter((abs) => outcomes.has(abs) && importsLocalModule((candidates.get(abs) ?? bytesOf(abs) ?? Buffer.alloc(0)).toString('utf8'), changedModules)) : [],
    );
  }
  return run;
}

/** A file the scan already settled (too large, unreadable). */
function early(abs: string, outcomes: Map<string, Outcome>): boolean {
  const s = outcomes.get(abs)?.report.status;
  return s === 'skipped' || s === 'error';
}

/**
 * Cross-file rounds: the files (not skipped) whose bytes contain one of these names (a module basename just indexed,
 * a Python handle name) become candidates; returns them. A byte search: the prefilters then check the import.
 */
export function promote(
  names: string[],
  among: string[],
  skip: (abs: string) => boolean,
  candidates: Map<string, Buffer>,
  /** A transient view of a file's bytes (see runFiles). */
  bytesOf: (abs: string) => Buffer | undefined,
): string[] {
  if (!names.length) return [];
  const unique = [...new Set(names)];
  const needles = unique.map((n) => Buffer.from(n));
  // Many ASCII names (a Python tree with a handle in every package): one regular expression over the bytes read
  // as latin1 (measured: 10x faster than a byte search per name for 50 names over 5,000 files).
  const pattern = unique.length > 8 && unique.every((n) => /^[\x20-\x7e]+$/.test(n)) ? new RegExp(unique.map(escapeRe).join('|')) : undefined;
  const contains = (buf: Buffer) => (pattern ? pattern.test(buf.toString('latin1')) : needles.some((n) => buf.includes(n)));
  const out: string[] = [];
  for (const abs of among) {
    if (skip(abs)) continue;
    const buf = candidates.get(abs) ?? bytesOf(abs);
    if (!buf || !contains(buf)) continue;
    // A copy: bytesOf gives a view into a shared chunk or the scan's scratch buffer.
    if (!candidates.has(abs)) candidates.set(abs, Buffer.from(buf));
    out.push(abs);
  }
  return out;
}
