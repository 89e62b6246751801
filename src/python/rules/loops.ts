/** `while await c.fetch_next: d = c.next_object()` -> `async for d in c:` */
import type { Node } from '../parse.js';
import { field, named, unparen, children, dottedName } from '../ast.js';
import { edit, note, type Ctx } from '../context.js';

export function fetchNextLoop(ctx: Ctx, loop: Node, consumed: Set<number>): void {
  const cond = field(loop, 'condition');
  if (!cond) return; // a while/else keeps its else: for/else has the same semantics
  const aw = unparen(cond);
  if (aw.type !== 'await') return;
  const attr = named(aw)[0] ? unparen(named(aw)[0]) : null;
  if (!attr || attr.type !== 'attribute' || field(attr, 'attribute')?.text !== 'fetch_next') return;
  const recv = field(attr, 'object');
  const recvText = recv ? dottedName(recv) : null;
  if (!recv || !recvText) return;
  const k = ctx.tracker.kindOf(recv);
  if (k === 'foreign' || (k === null && !ctx.motor)) return;
  const body = field(loop, 'body');
  if (!body) return;
  const stmts = named(body);
  const first = stmts[0];
  if (!first || first.type !== 'expression_statement') return;
  const asg = named(first)[0];
  if (!asg || asg.type !== 'assignment' || field(asg, 'type')) return;
  const left = field(asg, 'left');
  const right = field(asg, 'right') ? unparen(field(asg, 'right')!) : null;
  if (!left || left.type !== 'identifier' || !right || right.type !== 'call') return;
  const fn = field(right, 'function');
  const args = field(right, 'arguments');
  if (!fn || fn.type !== 'attribute' || field(fn, 'attribute')?.text !== 'next_object' || (args && named(args).length)) return;
  const fnRecv = field(fn, 'object');
  if (!fnRecv || dottedName(fnRecv) !== recvText) return;
  // exactly one next_object() per iteration
  if (body.text.split('.next_object(').length !== 2) return;
  // the first statement must sit on its own line, below the header
  const colon = children(loop).find((c) => c.type === ':' && c.startIndex < body.startIndex);
  if (!colon) return;
  const text = ctx.text;
  const lineStart = text.lastIndexOf('\n', first.startIndex - 1) + 1;
  if (lineStart <= colon.endIndex || text.slice(lineStart, first.startIndex).trim() !== '') return;
  const nl = text.indexOf('\n', first.endIndex);
  const lineEnd = nl === -1 ? text.length : nl + 1;
  if (!/^[ \t]*(#.*)?\r?\n?$/.test(text.slice(first.endIndex, lineEnd))) return;

  const group = ctx.nextGroup++;
  edit(
    ctx,
    'fetch-next-loop',
    loop.startIndex,
    colon.endIndex,
    `async for ${left.text} in ${recvText}:`,
    note(
      'fetch-next-loop',
      'info',
      loop,
      'Rewrote the deprecated `while await cursor.fetch_next: doc = cursor.next_object()` loop as `async for doc in cursor:` (fetch_next/next_object do not exist in PyMongo).',
    ),
    group,
  );
  if (stmts.length > 1) edit(ctx, 'fetch-next-loop', lineStart, lineEnd, '', undefined, group);
  else edit(ctx, 'fetch-next-loop', first.startIndex, first.endIndex, 'pass', undefined, group);
  consumed.add(attr.id);
  consumed.add(fn.id);
}
