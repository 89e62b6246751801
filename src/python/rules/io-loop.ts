/**
 * `client.get_io_loop = asyncio.get_running_loop`: a patch of Motor's loop accessor (test setups, Beanie's
 * multiprocessing mode). PyMongo's async client runs on the running loop and has no accessor to patch, so the
 * statement is removed, with the `if flag:` it was alone in and an `import asyncio` nothing else uses. The value must be
 * a plain name or attribute (nothing runs when it is read), and the statement alone on its line.
 */
import type { Node } from '../parse.js';
import { field, named, nodesOfType } from '../ast.js';
import { edit, note, type Ctx } from '../context.js';

/** The statement of this `x.get_io_loop = value` assignment target, or null when it is not a removable patch. */
function ioLoopPatch(attr: Node): Node | null {
  if (field(attr, 'attribute')?.text !== 'get_io_loop') return null;
  const assign = attr.parent;
  if (assign?.type !== 'assignment' || field(assign, 'left')?.id !== attr.id || field(assign, 'type')) return null;
  const value = field(assign, 'right');
  if (!value || !plain(value)) return null;
  const stmt = assign.parent;
  if (stmt?.type !== 'expression_statement' || stmt.namedChildCount !== 1) return null;
  return stmt;
}

/** The lines to remove for this `x.get_io_loop` (the statement, or the `if` it is alone in), or null. */
export function removablePatch(text: string, attr: Node): { stmt: Node; target: Node; span: { start: number; end: number } } | null {
  const stmt = ioLoopPatch(attr);
  if (!stmt) return null;
  const target = alone(stmt);
  const span = lineSpan(text, target);
  return span ? { stmt, target, span } : null;
}

export function ioLoopPatches(ctx: Ctx): void {
  if (!ctx.text.includes('get_io_loop')) return;
  const removed: { start: number; end: number }[] = [];
  let fromAsyncio = false;
  for (const attr of nodesOfType(ctx.root, 'attribute')) {
    const hit = removablePatch(ctx.text, attr);
    if (!hit) continue;
    const { stmt, target, span } = hit;
    const value = field(attr.parent!, 'right')!;
    fromAsyncio ||= value.text.startsWith('asyncio.');
    removed.push(span);
    edit(
      ctx,
      'io-loop-patch',
      span.start,
      span.end,
      '',
      note(
        'io-loop-patch-removed',
        'info',
        attr.parent!,
        `Removed \`${attr.parent!.text}\`${target.id !== stmt.id ? ' and the `if` it was alone in' : ''}: PyMongo's async client runs on the running event loop and has no get_io_loop to patch.`,
      ),
    );
  }
  if (fromAsyncio) unusedAsyncioImport(ctx, removed);
}

/** A name or a dotted attribute chain: reading it runs nothing the removal would skip (no call, no subscript). */
function plain(n: Node): boolean {
  if (n.type === 'identifier') return true;
  return n.type === 'attribute' && plain(field(n, 'object')!);
}

/** The statement itself, or the `if cond:` (no elif/else, a plain condition) whose block holds only it. */
function alone(stmt: Node): Node {
  const block = stmt.parent;
  const ifs = block?.parent;
  if (block?.type !== 'block' || ifs?.type !== 'if_statement') return stmt;
  if (named(block).length !== 1) return stmt; // the statement, and not even a comment beside it
  if (ifs.childrenForFieldName('alternative').some(Boolean)) return stmt;
  const cond = field(ifs, 'condition');
  if (!cond || !(plain(cond) || (cond.type === 'not_operator' && plain(field(cond, 'argument')!)))) return stmt;
  // (lineSpan refuses the if when it is alone in its own block: that block would be left empty)
  return ifs;
}

/** The whole lines of a statement that starts its line and ends it (else null: left to the finding). */
function lineSpan(text: string, n: Node): { start: number; end: number } | null {
  const ls = text.lastIndexOf('\n', n.startIndex - 1) + 1;
  if (text.slice(ls, n.startIndex).trim() !== '') return null;
  const nl = text.indexOf('\n', n.endIndex);
  const le = nl === -1 ? text.length : nl + 1;
  if (text.slice(n.endIndex, le).trim() !== '') return null;
  // a body left empty would not parse
  const block = n.parent;
  if (block?.type === 'block' && named(block).filter((c) => c.id !== n.id).length === 0) return null;
  // between two blank lines: one of them goes too
  const prevStart = text.lastIndexOf('\n', ls - 2) + 1;
  const nextEnd = text.indexOf('\n', le);
  if ((ls === 0 || text.slice(prevStart, ls).trim() === '') && nextEnd !== -1 && text.slice(le, nextEnd).trim() === '') return { start: ls, end: nextEnd + 1 };
  return { start: ls, end: le };
}

/** `import asyncio` on its own line, when no other use of `asyncio` is left once the patches are gone. */
function unusedAsyncioImport(ctx: Ctx, removed: { start: number; end: number }[]): void {
  const inRemoved = (i: number) => removed.some((r) => i >= r.start && i < r.end);
  let stmt: Node | null = null;
  for (const id of nodesOfType(ctx.root, 'identifier')) {
    if (id.text !== 'asyncio') continue;
    const p = id.parent;
    if (p?.type === 'dotted_name' && p.parent?.type === 'import_statement' && p.parent.parent?.type === 'module') {
      if (p.parent.namedChildCount === 1 && !stmt) {
        stmt = p.parent;
        continue;
      }
      return;
    }
    if (!inRemoved(id.startIndex)) return;
  }
  if (!stmt) return;
  const span = lineSpan(ctx.text, stmt);
  if (span) edit(ctx, 'io-loop-patch', span.start, span.end, '');
}
