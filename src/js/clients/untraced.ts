/**
 * Never silent, for the legacy clients: in a package whose package.json lists monk, mongojs, mongoist or mongoskin,
 * a call named like one of that client's collection, db or cursor methods whose receiver the tracker could not
 * follow (a db built in a CoffeeScript module, a collection handed to a constructor in another package, a
 * collection stored under `this`) is reported as a warning with its native form, never rewritten. Only receivers
 * with some MongoDB evidence are reported: a query or update literal, an err-first callback, a proxy collection of
 * a db-like object (`db.articles.find`), or a receiver named like a db or a collection; receivers that provably
 * belong to another library (a package import, a typed parameter, a local function or class) get nothing.
 */
import type { Binding, NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { clientOfOrigin, clientOfSpecifier, clientsFor } from '../../presets/index.js';
import type { EngineOptions } from '../../core/types.js';
import { isBareSpecifier } from '../modules.js';
import { clientRule, type ClientMethod, type ClientPreset } from '../../presets/client.js';
import { memberName } from '../../tracking/tracker.js';
import { clientsOfPackage, dependsOnDriver, dependsOnMongoose, DRIVER_PACKAGES } from '../callbacks/era.js';
import { chainOf, classify, DRIVERISH_RECEIVER, errFirst, isCallbackNode, mongoArgs } from '../callbacks/untracked.js';

/** A db-like object (`db`, `this._db`, `mongo`, `database`, `conn`): its members are proxy collections on mongojs/mongoist. */
const DB_LIKE = /(?:^|\.)(?:_*db|\w*Db|database|_*mongo\w*|conn(?:ection)?)$/i;
/** A receiver named like a collection or a db. */
const HANDLE_LIKE = /(?:^|\.)(?:_*db|\w*Db|database|_*mongo\w*|_*coll(?:ection)?s?|\w*Collection)$/i;
/** Calls that hand back a collection of a db-like object (`this.mongo.collection(c)`, `db.get(name)`, `db.bind(x)`). */
const COLLECTION_CALL = /^(?:collection|get|bind|col)$/;

/** A cursor: named so, or the result of a find / aggregate call (array methods such as map and forEach share the names). */
const CURSOR_LIKE = /(?:cursor|\.(?:find|findAsCursor|aggregate|aggregateAsCursor)\([^]*\))$/i;
/** An argument that names a collection (`'users'`, `col`, `bucket + '.files'`, `this.meta.collection`). */
const COLLECTION_NAME = /(?:col|coll|collection|name|code|table)s?$/i;

/**
 * `db.find(col, query)`, `db.count('users', q)`: a collection method called on a db-like object with a collection
 * name first is the app's own wrapper (a client's db has no such method), not a client call.
 */
function namesCollection(recvText: string, first: t.Node | undefined): boolean {
  if (!first || !DB_LIKE.test(recvText)) return false;
  if (first.type === 'StringLiteral' || first.type === 'TemplateLiteral' || (first.type === 'BinaryExpression' && first.operator === '+')) return true;
  if (first.type === 'Identifier') return COLLECTION_NAME.test(first.name);
  if (first.type === 'MemberExpression' && !first.computed && first.property.type === 'Identifier') return COLLECTION_NAME.test(first.property.name);
  return false;
}

/** Names that other objects use too often for a name alone to count (events, promises, Express). */
const TOO_COMMON = new Set([
  'on',
  'once',
  'then',
  'get',
  'close',
  'open',
  'map',
  'next',
  'size',
  'bind',
  'id',
  'oid',
  'cast',
  'index',
  'stats',
  'explain',
  'destroy',
  'connect',
  'command',
  'collection',
  'col',
]);

/** Method names no other common library uses: an err-first callback is evidence enough. */
const DISTINCTIVE = new Set([
  'findAndModify',
  'findAndRemove',
  'findById',
  'updateById',
  'removeById',
  'findItems',
  'findEach',
  'ensureIndex',
  'findAsCursor',
  'aggregateAsCursor',
  'getIndexes',
  'runCommand',
  'getCollectionNames',
]);

/** The row of this method in one of the client's tables, with the kind it belongs to. */
function rowOf(c: ClientPreset, name: string): { kind: string; row: ClientMethod } | undefined {
  for (const kind of ['collection', 'cursor', 'db'] as const) {
    const rows = c.methods[kind];
    if (rows && Object.prototype.hasOwnProperty.call(rows, name)) return { kind, row: rows[name]! };
  }
  return undefined;
}

/**
 * Evidence that this receiver is a client handle (see the header): 'shape' when its structure says so (a proxy
 * collection of a db-like object, `db.get(name)`, `mongo.collection(c)`), 'name' when only its name does.
 */
function handleEvidence(ctx: RuleContext, recv: t.Node): 'shape' | 'name' | undefined {
  let r = recv;
  while (r.type === 'TSNonNullExpression' || r.type === 'TSAsExpression' || r.type === 'ParenthesizedExpression' || r.type === 'AwaitExpression')
    r = r.type === 'AwaitExpression' ? r.argument : r.expression;
  const squash = (n: t.Node) => ctx.slice(n).replace(/\s+/g, '');
  // db.articles, db['a.b'], this.db.users: a proxy collection of a db-like object
  if (r.type === 'MemberExpression' && (!r.computed || r.property.type === 'StringLiteral') && DB_LIKE.test(squash(r.object))) return 'shape';
  // this.mongo.collection(c), db.get(name)
  if (r.type === 'CallExpression' && r.callee.type === 'MemberExpression' && COLLECTION_CALL.test(memberName(r.callee) ?? '') && DB_LIKE.test(squash(r.callee.object))) return 'shape';
  const text = squash(r);
  return HANDLE_LIKE.test(text) || DRIVERISH_RECEIVER.test(text) ? 'name' : undefined;
}

/** `store` of `const store = new MemoryStore()` (or `makeStore()`), MemoryStore / makeStore a class or function of this file. */
function madeHere(recv: NodePath): boolean {
  if (recv.node.type !== 'Identifier') return false;
  const b = recv.scope.getBinding(recv.node.name);
  if (!b || b.constantViolations.length || !b.path.isVariableDeclarator()) return false;
  const init = b.path.node.init;
  if ((init?.type !== 'NewExpression' && init?.type !== 'CallExpression') || init.callee.type !== 'Identifier') return false;
  const maker = b.path.scope.getBinding(init.callee.name);
  return !!maker && (maker.kind === 'hoisted' || maker.path.isClassDeclaration());
}

/**
 * Rooted at the driver, a wrapper module or a client module itself: the tracker followed that import, and whatever it
 * could not make of it is the tracked rules' to report (`--wrapper-module monk` reports `monk(url)` as a wrapper call).
 */
function fromTrackedModule(ctx: RuleContext, src: string | undefined): boolean {
  if (!src || !isBareSpecifier(src)) return false;
  return DRIVER_PACKAGES.includes(src) || (ctx.options.wrapperModules ?? []).includes(src) || !!clientOfSpecifier(src);
}

/** The clients whose untraced calls this file is checked for: those its package lists, among the run's presets. */
export function untracedClients(options: EngineOptions, absPath: string): ClientPreset[] {
  const run = clientsFor(options.preset);
  if (!run.length) return [];
  return clientsOfPackage(options, absPath)
    .map((n) => clientOfOrigin(n))
    .filter((c): c is ClientPreset => !!c && run.includes(c));
}

/**
 * The method a call invokes, with the arguments it passes: `recv.find(q, cb)`, and `recv.findItems.apply(recv, args)`
 * / `recv.find.call(recv, q, cb)` (the arguments of an `apply` are known only when they are an array literal).
 */
function methodCall(call: NodePath<t.CallExpression>): { callee: t.MemberExpression | t.OptionalMemberExpression; name: string; args: t.Node[]; applied: boolean } | undefined {
  const named = (n: t.Node): n is (t.MemberExpression | t.OptionalMemberExpression) & { property: t.Identifier } =>
    (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && !n.computed && n.property.type === 'Identifier';
  const callee = call.node.callee;
  if (!named(callee)) return undefined;
  const via = callee.property.name;
  if ((via === 'apply' || via === 'call') && named(callee.object)) {
    const rest = call.node.arguments.slice(1) as t.Node[];
    const args = via === 'call' ? rest : rest[0]?.type === 'ArrayExpression' ? (rest[0].elements.filter(Boolean) as t.Node[]) : [];
    return { callee: callee.object, name: callee.object.property.name, args, applied: true };
  }
  return { callee, name: via, args: call.node.arguments as t.Node[], applied: false };
}

/** Reports the untraced calls of the file's package's clients; returns the clients it reported. */
export function reportUntracedClientCalls(ctx: RuleContext, absPath: string): ClientPreset[] {
  const clients = untracedClients(ctx.options, absPath);
  if (!clients.length) return [];
  const reportedAt = new Set(ctx.findings.map((f) => `${f.line}:${f.column}`));
  const mongoose = dependsOnMongoose(ctx.options, absPath);
  const driver = dependsOnDriver(ctx.options, absPath);
  const reported = new Set<ClientPreset>();
  const callbacks = new Map<t.Node, { c: ClientPreset; name: string; calls: string[] }>();
  for (const call of ctx.tracker.collected.calls) {
    const site = methodCall(call);
    if (!site) continue;
    const { callee, name, args } = site;
    let hit: { c: ClientPreset; kind: string; row: ClientMethod } | undefined;
    for (const c of clients) {
      const r = rowOf(c, name);
      if (r) {
        hit = { c, ...r };
        break;
      }
    }
    if (!hit) continue;
    const recv = (site.applied ? call.get('callee.object.object') : call.get('callee.object')) as NodePath;
    // `this.find(q)`: the class's own method; a tracked handle (client or native): its rules own it.
    if (recv.node.type === 'ThisExpression' || ctx.tracker.kindOf(recv)) continue;
    const text = ctx.slice(recv.node).replace(/\s+/g, '');
    const chain = chainOf(recv.node, recv.scope);
    const cls = classify(ctx, recv, mongoose, chain);
    // `new MemoryStore()`, `makeCache()`: an object of the file's own making is not a client's.
    if (cls === 'foreign' || madeHere(recv) || fromTrackedModule(ctx, chain.source)) continue;
    const last = args[args.length - 1];
    // `db.collection(name)` gives a collection on every client and on the driver; in a package that also lists the
    // driver, a method it has under the same name and semantics may well be a native call: neither needs a change
    // when no callback is passed.
    if ((name === 'collection' || (hit.row.same && driver)) && !isCallbackNode(last)) continue;
    const mongo = mongoArgs(args);
    const seen = cls === 'collection' ? 'shape' : handleEvidence(ctx, recv.node);
    const handleLike = seen !== undefined;
    // Db and cursor methods: only on a receiver that looks like one. `Article.find(id, cb)`: a capitalised binding is
    // most likely the app's own model, a suspect only with a MongoDB-shaped argument.
    const capitalised = recv.node.type === 'Identifier' && /^[A-Z]/.test(recv.node.name);
    const evidence =
      hit.kind === 'collection'
        ? !namesCollection(text, args[0]) && (handleLike || mongo || (cls === 'unknown' && !capitalised && errFirst(last) && DISTINCTIVE.has(name)))
        : hit.kind === 'cursor'
          ? CURSOR_LIKE.test(text)
          : DB_LIKE.test(text);
    if (!evidence || (capitalised && !mongo) || (cls === 'local' && !mongo && seen !== 'shape') || (TOO_COMMON.has(name) && !mongo && !(hit.kind === 'db' && DB_LIKE.test(text)))) continue;
    const at = ctx.lines.position(callee.property.start!);
    if (reportedAt.has(`${at.line}:${at.column}`)) continue;
    reportedAt.add(`${at.line}:${at.column}`);
    const { c, kind, row } = hit;
    reported.add(c);
    ctx.report(
      clientRule(c, 'untraced-call'),
      // From the proxy collection's name (`db.articles` on one line, `.find(` on the next) to the method's.
      { start: recv.node.type === 'MemberExpression' ? recv.node.property.start! : callee.property.start!, end: call.node.end! },
      `${name}() looks like a call on a ${c.info.name} ${kind}, but its receiver could not be followed to ${c.module}; it was left unchanged.`,
      `If it is a ${c.info.name} ${kind}: ${row.fix}`,
    );
    // `coll.insert(doc, processDbResult)`: the named callback's result handling is part of the manual fix
    const cbName = last?.type === 'Identifier' ? last.name : undefined;
    const fn = cbName ? namedCallback(call.scope.getBinding(cbName)) : undefined;
    // (a callback that takes nothing, `function ignoreErrors() {}`, has nothing to migrate)
    if (cbName && fn && fn.node.params.length) {
      const list = callbacks.get(fn.node) ?? { c, name: cbName, calls: [] };
      list.calls.push(`${name}() at line ${at.line}`);
      callbacks.set(fn.node, list);
    }
  }
  for (const [node, { c, name, calls }] of callbacks)
    ctx.report(
      clientRule(c, 'untraced-call'),
      node,
      `${name}() is the callback of ${calls.join(', ')}, left unchanged: it handles ${c.info.name}'s (err, result) with the old result shapes.`,
      'Migrate it with those calls: the native promise gives the result (insertOne: insertedId; findOneAndUpdate: the document; an array for toArray()), and errors go to a catch.',
    );
  return [...reported];
}

/** The function a callback name is bound to in this file (`function processDbResult(err, res) {}`, `const cb = (err) => {}`). */
function namedCallback(b: Binding | undefined): NodePath<t.Function> | undefined {
  if (!b || b.constantViolations.length) return undefined;
  if (b.path.isFunctionDeclaration()) return b.path;
  if (b.path.isVariableDeclarator()) {
    const init = b.path.get('init');
    if (!Array.isArray(init) && (init.isFunctionExpression() || init.isArrowFunctionExpression())) return init;
  }
  return undefined;
}
