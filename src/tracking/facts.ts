/**
 * Run-wide tracking facts: what one file tells the others about handles that flow *into* code rather than out of it
 * (the cross-file index covers exports). A file reports the handles it stores in framework slots (`app.locals.db`,
 * `app.set('db', db)`, `req.db`, `ctx.state.db`, `app.context.db`), the fastify mongo plugins it registers, and the
 * kinds of the arguments it passes to functions and classes of other files of the run (`require('./orders')(db)`,
 * `new Repo(db)`). The runner merges them (mergeFacts); every file then reads the merged facts (RunFacts): a slot or
 * a parameter is a handle only when every write or call site in the run agrees on one kind.
 */
import type { Kind } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';

/** One file's call of an export of another file of the run: `args` null when the export escapes (passed on, stored). */
export interface CallFact {
  /** Target file: normalised absolute path (no extension, no /index). */
  target: string;
  /** Export name ('=' for module.exports / default). */
  name: string;
  args: (Kind | null)[] | null;
}

export interface FileFacts {
  /** Slot writes of this file: the agreed kind, or null when a write stores something else. */
  slots?: Record<string, Kind | null>;
  /** Slots this file reads (it is processed again once the run's writes are known). */
  reads?: string[];
  /** Calls into other files of the run. */
  calls?: CallFact[];
  /** fastify mongo plugin packages this file registers. */
  plugins?: string[];
  /**
   * Callback clients (mongojs, ...) by `<client>@<package dir>`: `uses`, the ones whose sites this file converts
   * (or would, were none held); `holds`, the ones with a site here that cannot be converted (its callbacks stay, so
   * no handle of that client in that package may become native).
   */
  uses?: string[];
  holds?: string[];
}

export interface RunFacts {
  slots: Record<string, Kind | null>;
  /** Target file -> export name -> agreed kind per parameter (null: not agreed), or null when the export escapes. */
  params: Record<string, Record<string, (Kind | null)[] | null>>;
  plugins: string[];
  /** Callback clients held in their package (see FileFacts.holds). */
  holds: string[];
}

export function emptyFacts(): RunFacts {
  return { slots: {}, params: {}, plugins: [], holds: [] };
}

function agree(a: Kind | null | undefined, b: Kind | null | undefined): Kind | null {
  return a && b && sameKind(a, b) ? a : null;
}

/** Merge one file's facts into the run's. */
export function mergeFacts(run: RunFacts, file: FileFacts | undefined): void {
  if (!file) return;
  for (const [slot, k] of Object.entries(file.slots ?? {})) run.slots[slot] = slot in run.slots ? agree(run.slots[slot], k) : k;
  for (const c of file.calls ?? []) {
    const byName = (run.params[c.target] ??= {});
    if (!(c.name in byName)) {
      byName[c.name] = c.args;
      continue;
    }
    const prev = byName[c.name];
    if (prev === null || prev === undefined || c.args === null) {
      byName[c.name] = null;
      continue;
    }
    const n = Math.max(prev.length, c.args.length);
    const out: (Kind | null)[] = [];
    for (let i = 0; i < n; i++) out.push(agree(prev[i], c.args[i]));
    byName[c.name] = out;
  }
  for (const p of file.plugins ?? []) if (!run.plugins.includes(p)) run.plugins.push(p);
  for (const h of file.holds ?? []) if (!run.holds.includes(h)) run.holds.push(h);
}

/** Does the run hold anything the facts could change (a slot storing a handle, a handle passed across files, a plugin)? */
export function factsMatter(run: RunFacts): boolean {
  if (run.plugins.length || run.holds.length) return true;
  if (Object.values(run.slots).some((k) => k)) return true;
  return Object.values(run.params).some((byName) => Object.values(byName).some((args) => args?.some((k) => k)));
}
