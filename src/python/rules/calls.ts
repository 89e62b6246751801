/** Call-site rules: methods whose sync/async nature changed, keyword renames, constructors, to_list. */
import type { Node } from '../parse.js';
import { field, named, unparen, logicalParent, awaitedBy, keywordArgs, positionalArgs, hasToken, awaitAllowed, dottedName } from '../ast.js';
import { addAwait, removeAwait, finding, note, edit, type Ctx } from '../context.js';
import { NOW_COROUTINE_METHODS, CURSORISH, type PyKind } from '../../presets/motor-python.js';
import { motorClassOf } from '../imports.js';
import { removeArgs, renameKeyword } from './args.js';
import { CURSOR_COROUTINES, untracedCursorRule, untracedCloseRule, ioLoopKwargRule } from './untraced.js';
import { indentAt, detectEol } from '../../core/text.js';

const LABEL: Partial<Record<PyKind, string>> = {
  client: 'AsyncMongoClient',
  db: 'AsyncDatabase',
  collection: 'AsyncCollection',
  cursor: 'AsyncCursor',
  commandCursor: 'AsyncCommandCursor',
  changeStream: 'AsyncChangeStream',
  session: 'AsyncClientSession',
  bucket: 'AsyncGridFSBucket',
  gridOut: 'AsyncGridOut',
  gridIn: 'AsyncGridIn',
  gridOutCursor: 'AsyncGridOutCursor',
  encryption: 'AsyncClientEncryption',
};

export function label(k: PyKind): string {
  return LABEL[k] ?? k;
}

/** Where a call sits, for the coroutine rules. */
type Site = 'async-for' | 'async-with' | 'receiver' | 'statement' | 'argument' | 'sync-for' | 'other';

function siteOf(call: Node): Site {
  const { parent, outer } = logicalParent(call);
  if (!parent) return 'other';
  switch (parent.type) {
    case 'for_statement':
    case 'for_in_clause':
      if (field(parent, 'right')?.id === outer.id) return hasToken(parent, 'async') ? 'async-for' : 'sync-for';
      return 'other';
    case 'with_item':
      return 'async-with';
    case 'as_pattern':
      return parent.parent?.type === 'with_item' && named(parent)[0]?.id === outer.id ? 'async-with' : 'other';
    case 'attribute':
      return field(parent, 'object')?.id === outer.id ? 'receiver' : 'other';
    case 'assignment':
      return field(parent, 'right')?.id === outer.id ? 'statement' : 'other';
    case 'named_expression':
    case 'return_statement':
    case 'expression_statement':
      return 'statement';
    case 'argument_list':
    case 'keyword_argument':
      return 'argument';
    default:
      return 'other';
  }
}

function isWithAsync(call: Node): boolean {
  for (let p = call.parent; p; p = p.parent) if (p.type === 'with_statement') return hasToken(p, 'async');
  return false;
}

/** Is the receiver something we must not touch (provably not Motor) or just unknown? */
function unverified(ctx: Ctx, recv: Node): boolean {
  return ctx.motor && ctx.tracker.kindOf(recv) === null;
}

/** Rules for projects that depend on Motor, on files the tracker may know nothing about (see untraced.ts). */
export function projectCallRules(ctx: Ctx, call: Node): void {
  const fnRaw = field(call, 'function');
  if (!fnRaw) return;
  ioLoopKwargRule(ctx, call);
  const fn = unparen(fnRaw);
  if (fn.type !== 'attribute') return;
  const recv = field(fn, 'object');
  const m = field(fn, 'attribute')?.text;
  if (!recv || !m) return;
  if (CURSOR_COROUTINES.has(m)) untracedCursorRule(ctx, call, recv, m);
  else if (m === 'close') untracedCloseRule(ctx, call, recv);
}

export function callRules(ctx: Ctx, call: Node): void {
  const fnRaw = field(call, 'function');
  if (!fnRaw) return;
  const fn = unparen(fnRaw);
  const cls = motorClassOf(ctx.info, fn);
  if (cls) {
    constructorRules(ctx, call, cls.kind);
    return;
  }
  if (fn.type !== 'attribute') return;
  const recv = field(fn, 'object');
  const m = field(fn, 'attribute')?.text;
  if (!recv || !m) return;
  const t = ctx.tracker;
  const awaited = awaitedBy(call);

  switch (m) {
    case 'close': {
      const k = t.is(recv, 'client', 'gridOut');
      if (k && !awaited)
        addAwait(
          ctx,
          call,
          'close',
          `${label(k)}.close()`,
          note('await-added', 'info', call, `${label(k)}.close() is a coroutine in PyMongo (Motor's was synchronous); added \`await\` so the ${k === 'client' ? 'client' : 'file'} is really closed.`),
        );
      return;
    }
    case 'start_session': {
      if (!awaited) return;
      if (t.is(recv, 'client')) removeAwait(ctx, awaited, 'start-session');
      else if (unverified(ctx, recv))
        finding(
          ctx,
          'unverified-receiver',
          'warning',
          call,
          '`await ….start_session()` is Motor style, but the receiver could not be proven to be a Motor client, so it was not rewritten.',
          "If this is a Motor client, drop the `await`: PyMongo's AsyncMongoClient.start_session() is synchronous (`async with client.start_session() as s:`).",
        );
      return;
    }
    case 'start_transaction': {
      if (awaited) return;
      if (t.is(recv, 'session')) addAwait(ctx, call, 'start-transaction', 'AsyncClientSession.start_transaction()');
      else if (unverified(ctx, recv) && siteOf(call) === 'async-with')
        finding(
          ctx,
          'unverified-receiver',
          'warning',
          call,
          '`async with ….start_transaction()` is Motor style, but the receiver could not be proven to be a Motor session, so it was not rewritten.',
          'If this is a Motor session, write `async with await session.start_transaction():` (start_transaction is a coroutine in PyMongo).',
        );
      return;
    }
    case 'with_transaction': {
      if (!t.is(recv, 'session')) return;
      const kw = keywordArgs(call).get('coro');
      if (kw) renameKeyword(ctx, kw, 'callback', 'with-transaction');
      return;
    }
    case 'rewind':
    case 'add_option': {
      if (awaited || !t.is(recv, 'cursor')) return;
      const chained = unparen(recv).type === 'call' || siteOf(call) === 'receiver';
      if (chained) {
        finding(
          ctx,
          'now-coroutine',
          'error',
          call,
          `cursor.${m}() is a coroutine in PyMongo's async API; inside a method chain it cannot be awaited in place.`,
          m === 'add_option'
            ? 'Pass `cursor_type=CursorType.TAILABLE_AWAIT` (or the matching option) to find() instead, or split the chain: `cursor = coll.find(...)` then `await cursor.add_option(mask)`.'
            : 'Split the chain: `await cursor.rewind()` on its own line, then continue with the cursor.',
        );
        return;
      }
      addAwait(ctx, call, 'cursor-coroutine', `cursor.${m}()`, note('await-added', 'info', call, `cursor.${m}() is a coroutine in PyMongo (sync in Motor); added \`await\`.`));
      return;
    }
    case 'seek': {
      if (awaited || !t.is(recv, 'gridOut')) return;
      addAwait(ctx, call, 'gridout-seek', 'AsyncGridOut.seek()', note('await-added', 'info', call, 'AsyncGridOut.seek() is a coroutine in PyMongo (sync in Motor); added `await`.'));
      return;
    }
    case 'get_keys': {
      if (awaited && t.is(recv, 'encryption')) removeAwait(ctx, awaited, 'get-keys');
      return;
    }
    case 'to_list':
      toListRule(ctx, call, recv);
      return;
    case 'each': {
      if (t.is(recv, 'cursor', 'commandCursor', 'gridOutCursor'))
        finding(ctx, 'callback-api', 'error', call, "cursor.each(callback) does not exist in PyMongo's async API.", 'Rewrite as `async for doc in cursor: ...` (call the callback in the loop body).');
      return;
    }
    case 'stream_to_handler': {
      if (t.is(recv, 'gridOut') || unverified(ctx, recv))
        finding(
          ctx,
          'gridfs-handler',
          'error',
          call,
          "AsyncGridOut has no stream_to_handler(): Motor's Tornado/aiohttp GridFS helpers have no PyMongo counterpart.",
          'Stream by hand: `async for chunk in grid_out: await response.write(chunk)` (or readchunk() in a loop), setting headers yourself.',
        );
      return;
    }
  }

  const kinds = NOW_COROUTINE_METHODS[m];
  if (kinds) nowCoroutineRule(ctx, call, recv, m, kinds);
}

function nowCoroutineRule(ctx: Ctx, call: Node, recv: Node, m: string, kinds: readonly PyKind[]): void {
  if (awaitedBy(call)) return;
  const site = siteOf(call);
  const k = ctx.tracker.is(recv, ...kinds);
  if (!k) {
    if (!unverified(ctx, recv) || (CURSOR_COROUTINES.has(m) && ctx.tracker.kindOf(recv) === null)) return;
    const motorish = site === 'async-for' || (site === 'async-with' && isWithAsync(call)) || (site === 'receiver' && awaitedBy(logicalParent(call).parent!.parent ?? call) !== null);
    if (motorish)
      finding(
        ctx,
        'unverified-receiver',
        'warning',
        call,
        `${m}() is used the Motor way here, but the receiver could not be proven to be a Motor handle, so no \`await\` was added.`,
        `If this is a Motor ${kinds.join('/')}, add \`await\`: \`async for x in await coll.${m}(...)\`, \`(await coll.${m}(...)).to_list()\`.`,
      );
    return;
  }
  const what = `${label(k)}.${m}()`;
  const fix = `Await the call where the result is used: \`async for x in await coll.${m}(...)\` or \`cursor = await coll.${m}(...)\`.`;
  if (site === 'argument' || site === 'other' || site === 'sync-for') {
    finding(
      ctx,
      'now-coroutine',
      'error',
      call,
      `${what} is a coroutine in PyMongo's async API (Motor returned a lazy cursor); its result is passed on here, so an \`await\` could not be added safely.`,
      fix,
    );
    return;
  }
  if (site === 'async-with' && !isWithAsync(call)) {
    finding(ctx, 'now-coroutine', 'error', call, `${what} is a coroutine in PyMongo's async API; a plain \`with\` cannot use it.`, 'Use `async with await ...` inside an async function.');
    return;
  }
  addAwait(ctx, call, 'now-coroutine', what, note('await-added', 'info', call, `${what} is a coroutine in PyMongo (Motor returned a lazy cursor/stream); added \`await\`.`), fix);
}

function toListRule(ctx: Ctx, call: Node, recv: Node): void {
  const k = ctx.tracker.kindOf(recv);
  if (!k || k === 'foreign' || !CURSORISH.has(k) || k === 'changeStream') return;
  const list = field(call, 'arguments');
  if (!list) return;
  const pos = positionalArgs(call);
  const kw = keywordArgs(call);
  const all = named(list);
  let lengthArg: Node | null = null;
  if (pos.length === 1 && all.length === 1) lengthArg = pos[0];
  else if (kw.has('length') && all.length === 1) lengthArg = field(kw.get('length')!, 'value');
  if (!lengthArg) return;
  const v = unparen(lengthArg);
  if (v.type === 'none') {
    edit(ctx, 'to-list', list.startIndex, list.endIndex, '()');
    return;
  }
  const lit = literalInt(v);
  if (lit !== null) {
    if (lit < 1)
      finding(
        ctx,
        'to-list-zero',
        'error',
        call,
        `to_list(${v.text}) returned [] in Motor but raises ValueError in PyMongo ("to_list() length must be greater than 0"). Rewriting it to to_list(None) would return every document instead.`,
        'Decide what was meant: drop the call and use [] if no documents were wanted, or use to_list() / to_list(n) with n >= 1.',
      );
    return;
  }
  finding(
    ctx,
    'to-list-variable',
    'warning',
    call,
    `to_list(${v.text}): PyMongo raises ValueError when the length is 0 or negative (Motor returned []).`,
    `Make sure the value is None or >= 1, e.g. \`to_list(${v.text} or None)\` if 0 meant "all", or guard the 0 case.`,
  );
}

function literalInt(n: Node): number | null {
  if (n.type === 'integer') {
    const t = n.text.replace(/_/g, '');
    const v = Number(t);
    return Number.isFinite(v) ? v : null;
  }
  if (n.type === 'unary_operator') {
    const inner = named(n)[0];
    if (inner && inner.type === 'integer' && n.text.trim().startsWith('-')) return -Number(inner.text.replace(/_/g, ''));
  }
  return null;
}

function constructorRules(ctx: Ctx, call: Node, kind: PyKind): void {
  const kw = keywordArgs(call);
  if (kind === 'client') {
    const drop: Node[] = [];
    const ioLoop = kw.get('io_loop');
    if (ioLoop) drop.push(ioLoop);
    const connect = kw.get('connect');
    let connectNote;
    if (connect) {
      drop.push(connect);
      const v = field(connect, 'value');
      const val = v ? unparen(v) : null;
      if (val && val.type === 'true') {
        const stmt = aconnectSite(ctx, call);
        if (stmt) {
          const indent = indentAt(ctx.text, stmt.stmt.startIndex);
          const eol = detectEol(ctx.text);
          const group = removeArgs(
            ctx,
            call,
            drop,
            'client-kwargs',
            note('connect-dropped', 'info', connect, '`connect=True` is not supported by AsyncMongoClient; dropped it and added `await <client>.aconnect()` to connect eagerly.'),
          );
          edit(ctx, 'client-kwargs', stmt.stmt.endIndex, stmt.stmt.endIndex, `${eol}${indent}await ${stmt.target}.aconnect()`, undefined, group);
          return;
        }
        connectNote = note(
          'connect-dropped',
          'warning',
          connect,
          '`connect=True` is not supported by AsyncMongoClient (it connects lazily); dropped it, but `await client.aconnect()` could not be added here.',
          'Call `await client.aconnect()` in your startup code if you need an eager connection.',
        );
      } else if (val && val.type === 'false') {
        connectNote = note('connect-dropped', 'info', connect, '`connect=False` is the only behaviour of AsyncMongoClient (it always connects lazily); dropped it.');
      } else {
        connectNote = note(
          'connect-dropped',
          'warning',
          connect,
          `\`connect=${val?.text ?? ''}\` is ignored by AsyncMongoClient (it always connects lazily); dropped it.`,
          'Where the value was true, call `await client.aconnect()` after creating the client.',
        );
      }
    }
    if (drop.length) removeArgs(ctx, call, drop, 'client-kwargs', connectNote);
    moduleLevelClient(ctx, call);
    return;
  }
  if (kind === 'encryption') {
    const ioLoop = kw.get('io_loop');
    if (ioLoop) removeArgs(ctx, call, [ioLoop], 'encryption-kwargs');
    const pos = positionalArgs(call);
    if (pos.length >= 5)
      finding(
        ctx,
        'encryption-positional',
        'error',
        pos[4],
        'The 5th positional argument of AsyncIOMotorClientEncryption was io_loop; in AsyncClientEncryption it is kms_tls_options, so this value would silently change meaning.',
        'Remove the io_loop argument; pass kms_tls_options= by keyword if you need it.',
      );
    return;
  }
  if (kind === 'bucket') {
    const db = kw.get('database');
    if (db) renameKeyword(ctx, db, 'db', 'gridfs-bucket');
    const coll = kw.get('collection');
    if (coll)
      finding(
        ctx,
        'gridfs-collection-kwarg',
        'error',
        coll,
        'AsyncGridFSBucket has no `collection=` parameter (it was deprecated in Motor).',
        'Use `bucket_name=` to choose the bucket (files are stored in `<bucket_name>.files` / `.chunks`).',
      );
  }
}

/** `x = AsyncIOMotorClient(..., connect=True)` as a simple statement inside an async def: where to add aconnect(). */
function aconnectSite(ctx: Ctx, call: Node): { stmt: Node; target: string } | null {
  const { parent, outer } = logicalParent(call);
  if (!parent || parent.type !== 'assignment' || field(parent, 'right')?.id !== outer.id) return null;
  const stmt = parent.parent;
  if (!stmt || stmt.type !== 'expression_statement' || !stmt.parent || stmt.parent.type !== 'block') return null;
  const left = field(parent, 'left');
  if (!left || field(parent, 'type')) return null;
  const target = dottedName(left);
  if (!target) return null;
  if (!awaitAllowed(stmt)) return null;
  // the statement must be alone on its line
  const lineEnd = ctx.text.indexOf('\n', stmt.endIndex);
  const rest = ctx.text.slice(stmt.endIndex, lineEnd === -1 ? ctx.text.length : lineEnd);
  if (!/^\s*(#.*)?\r?$/.test(rest) || rest.includes('#')) return null;
  return { stmt, target };
}

const MULTI_LOOP = /\basyncio\.run\(|new_event_loop\(|\bthreading\b|\bThread\(|run_in_executor\(|\bimport pytest(_asyncio)?\b|\bfrom pytest(_asyncio)? import\b|\bunittest\b|\bcelery\b/;

function moduleLevelClient(ctx: Ctx, call: Node): void {
  let insideFn = false;
  for (let p = call.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') insideFn = true;
  if (insideFn) return;
  ctx.multiLoop ??= MULTI_LOOP.test(ctx.text);
  if (!ctx.multiLoop) return;
  finding(
    ctx,
    'event-loop-binding',
    'warning',
    call,
    'A client created at import time is bound to the first event loop that uses it; PyMongo raises RuntimeError("Cannot use AsyncMongoClient in different event loop") when this module is used from several loops (asyncio.run() called repeatedly, threads, per-test loops). Motor tolerated this.',
    'Create the client inside the running loop (app startup/lifespan, or a per-test fixture) and close it there.',
  );
}
