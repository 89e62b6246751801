/** Removing and renaming call arguments by splicing (commas and layout preserved). */
import type { Node } from '../parse.js';
import { field, named } from '../ast.js';
import { edit, type Ctx, type RawFinding } from '../context.js';

/** Remove the given arguments (nodes of the call's argument_list) in one consistent set of edits. */
export function removeArgs(ctx: Ctx, call: Node, remove: readonly Node[], rule: string, n?: RawFinding): number {
  const list = field(call, 'arguments');
  if (!list || !remove.length) return -1;
  const args = named(list);
  const drop = new Set(remove.map((r) => r.id));
  const group = ctx.nextGroup++;
  let first = true;
  for (let i = 0; i < args.length; i++) {
    if (!drop.has(args[i].id)) continue;
    let j = i;
    while (j + 1 < args.length && drop.has(args[j + 1].id)) j++;
    let start: number;
    let end: number;
    if (j + 1 < args.length) {
      start = args[i].startIndex;
      end = args[j + 1].startIndex;
    } else if (i > 0) {
      start = args[i - 1].endIndex;
      end = args[j].endIndex;
    } else {
      // every argument goes: keep the parentheses and whatever layout surrounds them
      start = args[i].startIndex;
      end = args[j].endIndex;
      const after = ctx.text.slice(end, list.endIndex - 1);
      const m = /^\s*,/.exec(after);
      if (m) end += m[0].length;
    }
    edit(ctx, rule, start, end, '', first ? n : undefined, group);
    first = false;
    i = j;
  }
  return group;
}

/** Rename a keyword argument (`coro=` -> `callback=`). */
export function renameKeyword(ctx: Ctx, kwarg: Node, to: string, rule: string, n?: RawFinding): void {
  const name = field(kwarg, 'name');
  if (name) edit(ctx, rule, name.startIndex, name.endIndex, to, n);
}
