/**
 * Motor shapes on receivers the tracker cannot prove (handles from other modules through attribute chains,
 * `@property` clients, parameters without annotations), in a project that depends on Motor (or, for check, on PyMongo):
 * - `await recv.aggregate(p).to_list(n)`, `async for x in recv.aggregate(p)`, `cur = recv.aggregate(p)` later awaited
 *   through `cur.to_list()` / `async for`: under PyMongo aggregate / list_indexes / list_search_indexes are coroutines.
 *   The `await` is inserted (with a warning) when the receiver's chain starts from a traced client/db/collection
 *   through subscripts, attributes or get_collection(); everything else is flagged.
 * - `client.close()` on an untraced Mongo-looking client, `io_loop=` outside a traced Motor constructor: flagged only.
 * - Motor-only names (`get_io_loop()`, `Motor*`, `Agnostic*` classes not imported from Motor here): flagged.
 * Not Motor, never touched: receivers traced to sync PyMongo, classes (Beanie `Model.aggregate(...)`, also through a
 * local name: `query = Model.find(...)` then `query.aggregate(...)`), ODM engines
 * kept on Motor (`engine.get_collection(...)`), files using mongomock_motor, a user's own to_list helper.
 */
import type { Node } from '../parse.js';
import { field, named, unparen, logicalParent, awaitedBy, hasToken, keywordArgs, enclosingFunction, nodesOfType, dottedName } from '../ast.js';
import { addAwait, finding, note, type Ctx } from '../context.js';
import { motorClassOf } from '../imports.js';
import { removablePatch } from './io-loop.js';

export const CURSOR_COROUTINES = new Set(['aggregate', 'aggregate_raw_batches', 'list_indexes', 'list_search_indexes']);
/** ODMs that still run on Motor: their engine's collections are Motor collections. */
export const MOTOR_ODMS = /^(odmantic|umongo|motor_odm|motorengine|aiomongodel|mongo_thingy)(\.|$)/;
const COLLECTION_STEPS = new Set(['get_collection', 'get_database', 'get_default_database', 'with_options', 'get_motor_collection', 'get_pymongo_collection']);
const MONGO_CLIENT_NAME = /mongo|motor|^_?(db_?)?client$/i;
const MOTOR_ONLY_NAME =
  /^(Motor(Client|Database|Collection|Cursor|CommandCursor|LatentCommandCursor|ChangeStream|ClientSession|ClientEncryption|GridFSBucket|GridFS|GridIn|GridOut|GridOutCursor)|Agnostic(Client|Database|Collection|Cursor|CommandCursor|LatentCommandCursor|ChangeStream|ClientSession|ClientEncryption|GridFSBucket|GridIn|GridOut|GridOutCursor))$/;

/** Does the file import something that makes untraced receivers not Motor/PyMongo (mocks, Motor-bound ODMs)? */
function excludedFile(ctx: Ctx): { mock: boolean; odm: boolean } {
  if (ctx.untracedExclusions) return ctx.untracedExclusions;
  let mock = false;
  let odm = false;
  for (const stmt of nodesOfType(ctx.root, ['import_statement', 'import_from_statement'])) {
    const t = stmt.text;
    if (/\bmongomock_motor\b/.test(t)) mock = true;
    const mod = stmt.type === 'import_from_statement' ? (field(stmt, 'module_name')?.text ?? '') : t.replace(/^import\s+/, '');
    if (MOTOR_ODMS.test(mod.trim())) odm = true;
  }
  return (ctx.untracedExclusions = { mock, odm });
}

/** The steps of a receiver chain, from the outermost node down to its base. */
function chainDown(recv: Node): Node[] {
  const out: Node[] = [];
  let n: Node | null = unparen(recv);
  while (n) {
    out.push(n);
    if (n.type === 'attribute') n = field(n, 'object');
    else if (n.type === 'subscript') n = field(n, 'value');
    else if (n.type === 'call') {
      const fn = field(n, 'function');
      const u = fn ? unparen(fn) : null;
      n = u && u.type === 'attribute' ? field(u, 'object') : null;
    } else if (n.type === 'await') n = named(n)[0] ?? null;
    else n = null;
    if (n) n = unparen(n);
  }
  return out;
}

function calledMethod(n: Node): string | null {
  if (n.type !== 'call') return null;
  const fn = field(n, 'function');
  const u = fn ? unparen(fn) : null;
  return u && u.type === 'attribute' ? (field(u, 'attribute')?.text ?? null) : null;
}

type Verdict = 'skip' | 'rewrite' | 'flag';

/** Decide for an untraced receiver of a cursor-returning coroutine. */
function judge(ctx: Ctx, recv: Node): Verdict {
  if (excludedFile(ctx).mock) return 'skip';
  return judgeSteps(ctx, chainDown(recv), new Set()) ?? 'flag';
}

/** How many local names one receiver is followed through (`q = Model.find(); r = q; r.aggregate(...)`). */
const MAX_NAME_HOPS = 4;

/**
 * The verdict for a receiver chain (outermost step first). A chain based on a local name that is only ever assigned
 * (`query = Model.find(...)` then `query.aggregate(...)`) is judged through what it is assigned: every assignment
 * must agree, else it is flagged. null: the chain comes back to a name being followed (`query = query.sort(...)`),
 * which adds nothing to what its other assignments say.
 */
function judgeSteps(ctx: Ctx, steps: Node[], following: Set<string>): Verdict | null {
  const t = ctx.tracker;
  const base = steps[steps.length - 1];
  if (base.type === 'identifier' && base.text !== 'self' && base.text !== 'cls' && !/^[A-Z]/.test(base.text) && t.kindOf(base) === null) {
    if (following.has(base.text)) return null;
    const values = following.size < MAX_NAME_HOPS ? t.assignedValues(base) : null;
    if (values && values.length) {
      following.add(base.text);
      const verdicts = values.map((v) => judgeSteps(ctx, [...steps.slice(0, -1), ...chainDown(v)], following));
      following.delete(base.text);
      const known = verdicts.filter((v): v is Verdict => v !== null);
      if (!known.length) return null;
      return known.every((v) => v === known[0]) ? known[0] : 'flag';
    }
  }
  const ex = excludedFile(ctx);
  // a class (Beanie `Product.aggregate(...)`), `self`/`cls` (the user's own class), a module reference
  if (base.type === 'identifier' && (/^[A-Z]/.test(base.text) || base.text === 'cls') && steps.length === 1) return 'skip';
  if (base.type === 'identifier' && base.text === 'self' && steps.length === 1) return 'skip';
  if (steps.some((s) => motorClassOf(ctx.info, s))) return 'skip';
  const classBase = base.type === 'identifier' && (/^[A-Z]/.test(base.text) || base.text === 'cls');
  let sawCollectionStep = false;
  for (const s of steps) {
    const k = t.kindOf(s);
    if (k === 'foreign') return 'skip';
    if (k === 'client' || k === 'db' || k === 'collection') return 'rewrite';
    const m = calledMethod(s);
    if (m === 'get_collection' && ex.odm) return 'skip'; // an ODM engine kept on Motor (ODMantic's engine.get_collection)
    if (m === 'get_motor_collection' || m === 'get_pymongo_collection') return 'rewrite'; // Beanie: a driver collection
    if (m && COLLECTION_STEPS.has(m)) sawCollectionStep = true;
    else if (s.type === 'call' && !classBase) return 'flag'; // an arbitrary call: its result is unknown
  }
  // A Beanie class's query builder: `Model.find(...).aggregate(...)` (a call chain on a class)
  if (classBase && !sawCollectionStep) return 'skip';
  return 'flag';
}

/** How the un-awaited result of `call` is consumed the Motor way, if it is. */
function motorConsumption(ctx: Ctx, call: Node): { site: 'to-list' | 'async-for' | 'stored'; use?: Node } | null {
  const { parent, outer } = logicalParent(call);
  if (!parent) return null;
  if (parent.type === 'attribute' && field(parent, 'object')?.id === outer.id) {
    const name = field(parent, 'attribute')?.text;
    const c = parent.parent;
    if ((name === 'to_list' || name === 'next' || name === 'try_next') && c && c.type === 'call' && awaitedBy(c)) return { site: 'to-list' };
    return null;
  }
  if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && field(parent, 'right')?.id === outer.id && hasToken(parent, 'async')) return { site: 'async-for' };
  if (parent.type === 'assignment' && field(parent, 'right')?.id === outer.id) {
    const left = field(parent, 'left');
    if (!left || left.type !== 'identifier') return null;
    const fn = enclosingFunction(call);
    if (!fn) return null;
    const use = laterMotorUse(fn, left.text, call.endIndex);
    return use ? { site: 'stored', use } : null;
  }
  return null;
}

/** In fn after `from`: `await name.to_list(...)` or `async for _ in name`. */
function laterMotorUse(fn: Node, name: string, from: number): Node | null {
  for (const n of nodesOfType(fn, ['attribute', 'for_statement', 'for_in_clause'])) {
    if (n.startIndex < from) continue;
    if (n.type === 'attribute') {
      const obj = field(n, 'object');
      const a = field(n, 'attribute')?.text;
      if (obj?.type === 'identifier' && obj.text === name && (a === 'to_list' || a === 'next') && n.parent?.type === 'call' && awaitedBy(n.parent)) return n;
    } else {
      const r = field(n, 'right');
      if (r && unparen(r).type === 'identifier' && unparen(r).text === name && hasToken(n, 'async')) return n;
    }
  }
  return null;
}

export function untracedCursorRule(ctx: Ctx, call: Node, recv: Node, m: string): void {
  if (awaitedBy(call)) return;
  const k = ctx.tracker.kindOf(recv);
  // provably not Motor; or traced in a file the traced rules look at (they decide). A handle traced in a file
  // without Motor imports (Beanie's get_pymongo_collection(), injected handles) goes through the heuristic below.
  if (k === 'foreign' || (k !== null && ctx.motor)) return;
  const use = motorConsumption(ctx, call);
  if (!use) return;
  const verdict = judge(ctx, recv);
  if (verdict === 'skip') return;
  const what = `${recv.text.length > 40 ? '…' : recv.text}.${m}()`;
  const fix = `If \`${recv.text}\` is a Motor/PyMongo async collection or database, await the call: \`(await ${recv.text}.${m}(...)).to_list()\`, \`async for x in await ${recv.text}.${m}(...)\` or \`cursor = await ${recv.text}.${m}(...)\`.`;
  if (verdict === 'rewrite' && !ctx.checkMode) {
    const done = addAwait(
      ctx,
      call,
      'untraced-await',
      what,
      note(
        'await-added-heuristic',
        'warning',
        call,
        `${m}() is a coroutine in PyMongo's async API (Motor returned a lazy cursor); the receiver \`${recv.text}\` was not proven to be a Motor handle, but its chain starts from one, so \`await\` was added. Check that it is a collection/database.`,
        'Review this line: if the receiver is not a PyMongo async collection/database, remove the added `await`.',
      ),
      fix,
    );
    if (done) return;
    return;
  }
  finding(
    ctx,
    'untraced-cursor-coroutine',
    'error',
    call,
    `\`${what}\` is consumed the Motor way (${use.site === 'stored' ? 'stored, then awaited through to_list()/async for' : use.site === 'async-for' ? '`async for` over it' : '`await ….to_list()` on it'}), but under PyMongo's async API ${m}() is a coroutine and this raises at run time; the receiver could not be traced to a Motor handle, so it was not rewritten.`,
    fix,
  );
}

/** `x.close()` on an untraced Mongo-looking client in a Motor project: AsyncMongoClient.close() is a coroutine. */
export function untracedCloseRule(ctx: Ctx, call: Node, recv: Node): void {
  if (awaitedBy(call)) return;
  if (ctx.tracker.kindOf(recv) !== null) return;
  if (excludedFile(ctx).mock) return;
  const last = recv.type === 'attribute' ? field(recv, 'attribute')?.text : recv.type === 'identifier' ? recv.text : null;
  if (!last || !MONGO_CLIENT_NAME.test(last)) return;
  const { parent } = logicalParent(call);
  if (!parent || (parent.type !== 'expression_statement' && parent.type !== 'return_statement')) return;
  finding(
    ctx,
    'unverified-close',
    'warning',
    call,
    `\`${recv.text}.close()\` looks like a MongoDB client being closed, but the receiver could not be traced; under PyMongo's async API AsyncMongoClient.close() is a coroutine (Motor's was synchronous), so without \`await\` the client is never closed. Not rewritten.`,
    `If \`${recv.text}\` is an AsyncMongoClient, write \`await ${recv.text}.close()\` inside an async function.`,
  );
}

/** `io_loop=` passed to something that is not a traced Motor constructor (Tornado takes it too): flagged only. */
export function ioLoopKwargRule(ctx: Ctx, call: Node): void {
  const kw = keywordArgs(call).get('io_loop');
  if (!kw) return;
  const fn = field(call, 'function');
  if (fn && motorClassOf(ctx.info, unparen(fn))) return; // the constructor rule drops it
  finding(
    ctx,
    'io-loop-kwarg',
    'warning',
    kw,
    '`io_loop=` is passed to a callable that could not be traced to a Motor constructor; AsyncMongoClient raises ConfigurationError on an unknown `io_loop` option. Not rewritten (Tornado APIs take `io_loop=` too).',
    'If this builds a Motor/PyMongo client (a factory or a subclass), remove `io_loop=`: PyMongo async runs on the running asyncio loop.',
  );
}

/** `x.get_io_loop()` on anything, and Motor-only class names not imported from Motor in this file. */
export function motorOnlyNames(ctx: Ctx): void {
  for (const id of nodesOfType(ctx.root, 'identifier')) {
    const name = id.text;
    const p = id.parent;
    if (!p) continue;
    if (name === 'get_io_loop' && p.type === 'attribute' && field(p, 'attribute')?.id === id.id) {
      // a call, or a patch of it (`client.get_io_loop = asyncio.get_event_loop` in test setups)
      const recv = field(p, 'object');
      if (recv && ctx.tracker.kindOf(recv) === null && !removablePatch(ctx.text, p))
        finding(
          ctx,
          'removed-attribute',
          'error',
          p.parent?.type === 'call' ? p.parent : p,
          '`get_io_loop` is Motor-only: PyMongo\'s async objects have no event-loop accessor (attribute access on a client/database even returns a database/collection named "get_io_loop").',
          'Use asyncio.get_running_loop() instead; drop patches of get_io_loop.',
        );
      continue;
    }
    if (!MOTOR_ONLY_NAME.test(name)) continue;
    if (ctx.info.classes.has(name) || ctx.info.unmappedNames.has(name)) continue; // imported from Motor: the import rules decide
    if (p.type === 'attribute' && field(p, 'attribute')?.id === id.id) {
      // `motor.core.AgnosticCollection` through a Motor module alias is mapped; anything else is Motor-only
      const d = dottedName(p);
      if (d && ctx.info.modules.some((a) => d.startsWith(a.local + '.'))) continue;
    } else if (p.type === 'attribute') continue;
    if (inImport(id) || p.type === 'keyword_argument' || p.type === 'function_definition' || p.type === 'class_definition') continue;
    finding(
      ctx,
      'motor-only-name',
      'error',
      id,
      `\`${name}\` is a Motor class with no PyMongo async counterpart under this name; it is not imported from Motor in this file, so the codemod cannot follow it.`,
      'Use the pymongo.asynchronous class instead (AsyncMongoClient, AsyncDatabase, AsyncCollection, AsyncCursor, AsyncCommandCursor, gridfs.AsyncGridFSBucket, ...).',
    );
  }
}

function inImport(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'import_statement' || p.type === 'import_from_statement') return true;
    if (p.type === 'block' || p.type === 'module' || p.type === 'expression_statement') return false;
  }
  return false;
}

/**
 * Beanie 2.0 runs on PyMongo's async API and removed Document.get_motor_collection() (no alias). The call is renamed
 * to get_pymongo_collection() only where its receiver is a Beanie document class or instance (see
 * Tracker.beanieDocument), and never in a project that defines a get_motor_collection of its own (Beanie itself, a
 * wrapper): those calls are the project's API. An unproven receiver in a file that imports beanie is reported.
 */
export function beanieRules(ctx: Ctx): void {
  if (!ctx.text.includes('get_motor_collection')) return;
  let beanie: boolean | undefined;
  const importsBeanie = () => (beanie ??= nodesOfType(ctx.root, ['import_statement', 'import_from_statement']).some((s) => /\bbeanie\b/.test(s.text)));
  if (ctx.ownMethods.has('get_motor_collection')) {
    if (importsBeanie()) ownMethodNotes(ctx);
    return;
  }
  for (const id of nodesOfType(ctx.root, 'identifier')) {
    if (id.text !== 'get_motor_collection') continue;
    const p = id.parent;
    if (!p || p.type !== 'attribute' || field(p, 'attribute')?.id !== id.id || p.parent?.type !== 'call') continue;
    const recv = field(p, 'object');
    if (!recv) continue;
    if (!ctx.tracker.beanieDocument(recv)) {
      if (!importsBeanie()) continue;
      finding(
        ctx,
        'beanie-motor-collection',
        'warning',
        id,
        `Beanie 2.0 removed Document.get_motor_collection() (no alias), but \`${recv.text.length > 40 ? '…' : recv.text}\` could not be traced to a Beanie document class or instance, so the call was ${ctx.checkMode ? 'not checked' : 'not renamed'}.`,
        `If \`${recv.text.length > 40 ? 'the receiver' : recv.text}\` is a Beanie document (class or instance), call get_pymongo_collection() instead (it returns a pymongo AsyncCollection).`,
      );
      continue;
    }
    if (ctx.checkMode) {
      finding(
        ctx,
        'beanie-motor-collection',
        'error',
        id,
        'Beanie 2.0 removed Document.get_motor_collection() (no alias).',
        'Call get_pymongo_collection() instead (it returns a pymongo AsyncCollection).',
      );
      continue;
    }
    ctx.edits.push({
      rule: 'beanie',
      start: id.startIndex,
      end: id.endIndex,
      text: 'get_pymongo_collection',
      note: note('beanie-2', 'info', id, 'Beanie 2.0 (PyMongo async) renamed get_motor_collection() to get_pymongo_collection(); the beanie pin is raised to >=2.0 with the driver.'),
    });
  }
}

/**
 * The project defines get_motor_collection itself: each definition in this Beanie-using file is noted; one in a
 * Beanie document class overrides Beanie's method, which Beanie 2.0 no longer calls (a warning, in check too).
 */
function ownMethodNotes(ctx: Ctx): void {
  for (const fn of nodesOfType(ctx.root, 'function_definition')) {
    const name = field(fn, 'name');
    if (name?.text !== 'get_motor_collection') continue;
    const cls = enclosingClass(fn);
    if (cls && ctx.tracker.isBeanieDocumentClass(cls)) {
      finding(
        ctx,
        'motor-collection-override',
        'warning',
        name,
        'This Beanie document class overrides get_motor_collection(); Beanie 2.0 (PyMongo async) no longer has that method and calls get_pymongo_collection() instead, so its own operations (insert, find, ...) bypass this override. Calls to it were not renamed.',
        'Rename the override (and its calls) to get_pymongo_collection(), returning a pymongo AsyncCollection.',
      );
    } else if (!ctx.checkMode)
      finding(
        ctx,
        'own-motor-collection',
        'info',
        name,
        "This project defines get_motor_collection() itself, so no call to it was renamed (Beanie 2.0's get_motor_collection() -> get_pymongo_collection() rename concerns Beanie's method). If this method wraps Beanie's, Beanie 2.0 no longer has it: rename it and its calls to get_pymongo_collection().",
      );
  }
}

/** The class whose body defines fn (a method), if any. */
function enclosingClass(fn: Node): Node | null {
  let p = fn.parent;
  if (p && p.type === 'decorated_definition') p = p.parent;
  return p && p.type === 'block' && p.parent?.type === 'class_definition' ? p.parent : null;
}

/** Callables of ODMs that still run on Motor and take a client or database. */
const MOTOR_ODM_ENTRY = /^(AIOEngine|MotorAsyncIOInstance|MotorAsyncIOReference)$/;

/** An ODM kept on Motor handed a client/database that is (or will be, after the run) a PyMongo async one. */
export function odmClientRule(ctx: Ctx, call: Node): void {
  const fn = field(call, 'function');
  if (!fn) return;
  const name = unparen(fn).type === 'attribute' ? field(unparen(fn), 'attribute')?.text : unparen(fn).text;
  if (!name || !MOTOR_ODM_ENTRY.test(name)) return;
  const args = field(call, 'arguments');
  for (const a of args ? named(args) : []) {
    const v = a.type === 'keyword_argument' ? field(a, 'value') : a;
    if (!v) continue;
    const k = ctx.tracker.kindOf(v);
    if (k !== 'client' && k !== 'db') continue;
    // run: a Motor client built in this file, which keeps Motor (see keepMotor), is what the ODM needs
    if (ctx.keepMotor) continue;
    finding(
      ctx,
      'odm-motor-client',
      'error',
      v,
      `${name} (an ODM that still runs on Motor) is handed a ${k === 'client' ? 'client' : 'database'} that is${ctx.checkMode ? '' : ' migrated to'} PyMongo's async API; the ODM calls Motor-only APIs on it and breaks.`,
      `Keep a Motor client for the ODM (\`AsyncIOMotorClient\` from motor.motor_asyncio, and keep \`motor\` in the dependencies) until the ODM supports PyMongo async, or move the models to an ODM that does (e.g. Beanie >= 2.0).`,
    );
  }
}

/** A file kept on Motor for its ODM: every Motor reference is reported (nothing is rewritten there). */
export function keptMotorNotes(ctx: Ctx): void {
  const seenLines = new Set<number>();
  for (const id of nodesOfType(ctx.root, 'identifier')) {
    const local = ctx.info.classes.get(id.text);
    const alias = ctx.info.modules.find((a) => a.local.split('.')[0] === id.text);
    if (!local && !alias) continue;
    const p = id.parent;
    if (p && p.type === 'attribute' && field(p, 'attribute')?.id === id.id) continue;
    if (inImport(id)) continue;
    const line = id.startPosition.row;
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    finding(
      ctx,
      'motor-kept',
      'info',
      id,
      'Kept on Motor: this file uses an ODM that still runs on Motor (it needs the Motor client/database it is given), so its Motor code was not rewritten.',
      'When the ODM is replaced (or supports PyMongo async), re-run the codemod on this file.',
    );
  }
}
