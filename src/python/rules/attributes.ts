/** Attribute rules: async properties, attributes PyMongo removed or silently reinterprets, legacy fetch_next. */
import type { Node } from '../parse.js';
import { field, named, awaitedBy, dottedName, callOfAttribute, logicalParent } from '../ast.js';
import { addAwait, finding, note, type Ctx } from '../context.js';
import { CLIENT_ASYNC_PROPS, REMOVED_ATTRS } from '../../presets/motor-python.js';
import { motorClassOf } from '../imports.js';
import { removablePatch } from './io-loop.js';

export function attributeRules(ctx: Ctx, attr: Node, consumed: Set<number>): void {
  const recv = field(attr, 'object');
  const nameNode = field(attr, 'attribute');
  if (!recv || !nameNode) return;
  const name = nameNode.text;
  const t = ctx.tracker;

  if (CLIENT_ASYNC_PROPS.has(name) && !callOfAttribute(attr) && !isAssignTarget(attr)) {
    if (t.is(recv, 'client') && !awaitedBy(attr)) {
      addAwait(
        ctx,
        attr,
        'async-property',
        `AsyncMongoClient.${name}`,
        note('await-added', 'info', attr, `AsyncMongoClient.${name} is an async property in PyMongo; added \`await\` (without it the value is a coroutine, which is always truthy).`),
        `Read it inside an async function: \`await client.${name}\`.`,
      );
    }
    return;
  }

  // `request.addfinalizer(client.close)`, `atexit.register(client.close)`: Motor's close was sync, PyMongo's is a
  // coroutine function; called by someone else, its coroutine is never awaited and the client never closed.
  if (name === 'close' && !callOfAttribute(attr) && !isAssignTarget(attr) && t.is(recv, 'client')) {
    finding(
      ctx,
      'coroutine-reference',
      'error',
      attr,
      "`close` is passed on as a function: Motor's close() was synchronous, PyMongo's AsyncMongoClient.close() is a coroutine function, so whoever calls it gets a coroutine that is never awaited (the client is never closed).",
      'Close it where it can be awaited: `await client.close()` in an async teardown (an async fixture after `yield`, a lifespan handler).',
    );
    return;
  }

  const removed = REMOVED_ATTRS[name];
  if (removed) {
    const k = t.kindOf(recv);
    if (k && k !== 'foreign' && removed.kinds.includes(k) && !removablePatch(ctx.text, attr)) {
      const silent = name === 'io_loop' || name === 'delegate';
      finding(
        ctx,
        'removed-attribute',
        'error',
        attr,
        silent
          ? `\`.${name}\` does not exist in PyMongo's async API, and attribute access on a client/database silently returns a database or collection named "${name}" instead of failing.`
          : `\`.${name}\` does not exist in PyMongo's async API.`,
        removed.fix,
      );
    }
    return;
  }

  if ((name === 'fetch_next' || name === 'next_object') && !consumed.has(attr.id)) {
    const k = t.kindOf(recv);
    if (k === 'foreign') return;
    if (k === null && !ctx.motor) return;
    finding(
      ctx,
      'fetch-next',
      'error',
      attr,
      `cursor.${name} (deprecated since Motor 2.2) does not exist in PyMongo's async API, and this use is not the canonical \`while await cursor.fetch_next: doc = cursor.next_object()\` loop that can be rewritten automatically.`,
      'Iterate with `async for doc in cursor:`, or fetch one document with `doc = await cursor.next()` (catch StopAsyncIteration) / `await cursor.try_next()` on command cursors.',
    );
    return;
  }

  if (name === 'close' && !callOfAttribute(attr)) {
    // atexit.register(client.close): the coroutine would never be awaited
    const { parent } = logicalParent(attr);
    const call = parent?.type === 'argument_list' ? parent.parent : null;
    const callee = call ? field(call, 'function') : null;
    if (callee && /^(atexit\.register|weakref\.finalize|signal\.signal)$/.test(dottedName(callee) ?? '') && t.is(recv, 'client')) {
      finding(
        ctx,
        'needs-await-in-sync',
        'error',
        attr,
        'AsyncMongoClient.close is a coroutine function; registered as a sync callback it is never awaited, so the client is never closed.',
        'Close the client in an async shutdown hook (`await client.close()`), or register `lambda: asyncio.run(client.close())` if no loop is running at exit.',
      );
    }
  }
}

function isAssignTarget(attr: Node): boolean {
  const p = attr.parent;
  return !!p && (p.type === 'assignment' || p.type === 'augmented_assignment') && field(p, 'left')?.id === attr.id;
}

/** isinstance(x, AsyncIOMotorClient[dict]) worked with Motor (its __class_getitem__ returned the class) and raises with PyMongo. */
export function genericRuntimeRule(ctx: Ctx, call: Node): void {
  const fn = field(call, 'function');
  if (!fn || !/^(isinstance|issubclass)$/.test(fn.text)) return;
  const args = field(call, 'arguments');
  const second = args ? named(args)[1] : null;
  if (!second) return;
  const cands = second.type === 'tuple' ? named(second) : [second];
  for (const c of cands) {
    if (c.type === 'subscript' && motorClassOf(ctx.info, c)) {
      finding(
        ctx,
        'generic-runtime',
        'warning',
        c,
        `${fn.text}() with a subscripted class worked with Motor (its __class_getitem__ returned the class itself) but raises TypeError with PyMongo's real Generic classes.`,
        'Drop the subscript in runtime checks: isinstance(x, AsyncMongoClient).',
      );
    }
  }
}
