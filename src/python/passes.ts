/** Edit selection across passes, and mapping offsets of later passes back to the original text. */
import type { Edit } from '../core/text.js';
import type { PlannedEdit } from './context.js';

function conflicts(a: Edit, b: Edit): boolean {
  const az = a.start === a.end;
  const bz = b.start === b.end;
  if (az && bz) return a.start === b.start;
  if (az) return b.start < a.start && a.start < b.end;
  if (bz) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Pick a non-overlapping subset of edits, in the order given (rule order), keeping groups atomic.
 * The rest is deferred: the next pass re-parses and the rules propose them again. Overlaps are never merged or guessed.
 */
export function selectEdits(edits: readonly PlannedEdit[]): { accepted: PlannedEdit[]; deferred: PlannedEdit[] } {
  const accepted: PlannedEdit[] = [];
  const deferred: PlannedEdit[] = [];
  const groups = new Map<number, PlannedEdit[]>();
  const units: PlannedEdit[][] = [];
  for (const e of edits) {
    if (e.group === undefined || e.group < 0) units.push([e]);
    else {
      let g = groups.get(e.group);
      if (!g) {
        g = [];
        groups.set(e.group, g);
        units.push(g);
      }
      g.push(e);
    }
  }
  const seen = new Set<string>();
  for (const unit of units) {
    // exact duplicates (two rules proposing the very same splice) collapse into one
    const fresh = unit.filter((e) => !seen.has(`${e.start}:${e.end}:${e.text}`));
    if (!fresh.length) continue;
    const clash = fresh.some((e) => accepted.some((a) => conflicts(a, e))) || fresh.some((e, i) => fresh.some((f, j) => i < j && conflicts(e, f)));
    if (clash) deferred.push(...unit);
    else {
      accepted.push(...fresh);
      for (const e of fresh) seen.add(`${e.start}:${e.end}:${e.text}`);
    }
  }
  return { accepted, deferred };
}

/** Maps offsets in the latest text back to offsets in the original text, through every applied pass. */
export class OffsetMap {
  private passes: { start: number; end: number; len: number }[][] = [];

  push(edits: readonly Edit[]): void {
    this.passes.push([...edits].sort((a, b) => a.start - b.start || a.end - b.end).map((e) => ({ start: e.start, end: e.end, len: e.text.length })));
  }

  toOriginal(offset: number): number {
    let o = offset;
    for (let i = this.passes.length - 1; i >= 0; i--) o = back(this.passes[i], o);
    return o;
  }
}

function back(edits: { start: number; end: number; len: number }[], offset: number): number {
  let delta = 0;
  for (const e of edits) {
    const ns = e.start + delta;
    const ne = ns + e.len;
    if (offset < ns) break;
    if (offset < ne) return e.start;
    delta += e.len - (e.end - e.start);
  }
  return offset - delta;
}
