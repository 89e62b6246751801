/**
 * Framework slots: handles one part of an app stores where another part reads them (`app.locals.db`,
 * `app.set('db', db)` then `app.get('db')`, `req.db` / `ctx.db` set by a middleware, Koa's `ctx.state.db` and
 * `app.context.db`), and `fastify.mongo` where the run registers a fastify mongo plugin. A file's writes become its
 * facts (src/tracking/facts.ts, reported by src/tracking/exports.ts); a read resolves from the run's merged facts, or
 * from the file's own writes while the run's are not known. Expression kinds come through the state's `kindOf`
 * (src/tracking/kinds.ts reads slots through slotRead and settingRead).
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Kind } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { isNullish, memberName } from './ast.js';
import { keepKind, type TrackerState } from './state.js';

/** Names of the request object of a route handler or middleware (Express `req`), and of a Koa context. */
const REQUEST_NAMES = new Set(['req', 'request']);
const CONTEXT_NAMES = new Set(['ctx', 'context']);
/** Members of a request or context that are the framework's own, never a slot. */
const SLOT_STRUCTURE = new Set(['app', 'state', 'server', 'locals', 'context', 'body', 'params', 'query', 'headers', 'request', 'response', 'res', 'req', 'log', 'session', 'cookies']);

/** The slot a member expression names, if it has a framework slot's shape. */
function slotKey(m: NodePath<t.MemberExpression>): string | undefined {
  const node = m.node;
  const name = memberName(node);
  if (!name || (node.computed && node.property.type !== 'StringLiteral')) return undefined;
  const obj = node.object;
  if (obj.type === 'MemberExpression' && !obj.computed) {
    const inner = memberName(obj);
    // app.locals.db, req.app.locals.db, res.locals.db
    if (inner === 'locals') return `locals.${name}`;
    // ctx.state.db (Koa)
    if (inner === 'state' && obj.object.type === 'Identifier' && CONTEXT_NAMES.has(obj.object.name)) return `state.${name}`;
    // app.context.db (Koa): what every ctx of the app inherits
    if (inner === 'context' && obj.object.type === 'Identifier' && !CONTEXT_NAMES.has(obj.object.name)) return `req.${name}`;
    return undefined;
  }
  // req.db (set by a middleware), ctx.db (Koa)
  if (obj.type === 'Identifier' && (REQUEST_NAMES.has(obj.name) || CONTEXT_NAMES.has(obj.name)) && !SLOT_STRUCTURE.has(name)) {
    const b = m.scope.getBinding(obj.name);
    if (b?.kind === 'param') return `req.${name}`;
  }
  return undefined;
}

/** `app.get('db')`, `req.app.get('db')`: the setting stored by `app.set('db', db)`. */
function settingKey(call: NodePath<t.CallExpression>, method: 'get' | 'set'): string | undefined {
  const node = call.node;
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || memberName(callee) !== method) return undefined;
  if (node.arguments.length !== (method === 'get' ? 1 : 2) || node.arguments[0]!.type !== 'StringLiteral') return undefined;
  const obj = callee.object;
  const isApp = (obj.type === 'Identifier' && obj.name === 'app') || (obj.type === 'MemberExpression' && !obj.computed && memberName(obj) === 'app');
  return isApp ? `setting.${node.arguments[0]!.value}` : undefined;
}

/** The slot values this file can use: the run's (facts), or this file's own writes when the run's are not known. */
function slotValue(s: TrackerState, key: string): Kind | undefined {
  const view = s.classify.facts;
  if (view) return view.slots[key] ?? undefined;
  if (s.slotBuilding) return undefined;
  if (!s.slotCache) {
    s.slotBuilding = true;
    try {
      s.slotCache = slotWrites(s);
    } finally {
      s.slotBuilding = false;
    }
  }
  return s.slotCache.get(key) ?? undefined;
}

/** This file's slot writes: the agreed kind per slot, or null when a write stores something else. */
export function slotWrites(s: TrackerState): Map<string, Kind | null> {
  const out = new Map<string, Kind | null>();
  const put = (key: string, value: NodePath) => {
    if (isNullish(value.node)) return;
    const k = keepKind(s.kindOf(value)) ?? null;
    const prev = out.get(key);
    out.set(key, prev === undefined ? k : prev && k && sameKind(prev, k) ? prev : null);
  };
  for (const a of s.walk.memberAssignments) {
    const key = slotKey(a.get('left') as NodePath<t.MemberExpression>);
    if (key) put(key, a.node.operator === '=' ? (a.get('right') as NodePath) : a);
  }
  for (const c of s.collected.calls) {
    const key = settingKey(c, 'set');
    if (key) put(key, c.get('arguments')[1] as NodePath);
  }
  return out;
}

/** The kind a member expression reads from a framework slot (or `fastify.mongo`); never for the target of a store. */
export function slotRead(s: TrackerState, p: NodePath<t.MemberExpression>): Kind | undefined {
  const parent = p.parentPath;
  if (parent?.isAssignmentExpression() && parent.node.left === p.node) return undefined;
  if (memberName(p.node) === 'mongo' && !p.node.computed) return fastifyMongo(s, p);
  const key = slotKey(p);
  return key ? slotValue(s, key) : undefined;
}

/** The kind `app.get('db')` reads. */
export function settingRead(s: TrackerState, call: NodePath<t.CallExpression>): Kind | undefined {
  const key = settingKey(call, 'get');
  return key ? slotValue(s, key) : undefined;
}

/** `fastify.mongo`, `this.mongo`, `request.server.mongo` where the run registers @fastify/mongodb or fastify-mongodb. */
function fastifyMongo(s: TrackerState, p: NodePath<t.MemberExpression>): Kind | undefined {
  const plugins = s.classify.facts?.plugins ?? s.walk.pluginImports;
  if (!plugins.length) return undefined;
  const obj = p.node.object;
  let ok = obj.type === 'ThisExpression' || (obj.type === 'MemberExpression' && !obj.computed && memberName(obj) === 'server');
  if (obj.type === 'Identifier') {
    const b = p.scope.getBinding(obj.name);
    ok = !!b && (b.kind === 'param' || (b.path.isVariableDeclarator() && b.path.node.init?.type === 'CallExpression' && s.bindingKinds.get(b) === undefined));
  }
  if (!ok) return undefined;
  s.pluginHandles = true;
  return { t: 'object', origin: 'native', fields: { db: { t: 'handle', kind: 'db', origin: 'native' }, client: { t: 'handle', kind: 'client', origin: 'native' } } };
}

/** The slots (and `mongo` for a plugin) this file reads: it holds handles without importing anything when one resolves. */
export function flowReads(s: TrackerState): string[] {
  const reads = new Set<string>();
  for (const m of s.collected.members) {
    const parent = m.parentPath;
    if (parent?.isAssignmentExpression() && parent.node.left === m.node) continue;
    if (memberName(m.node) === 'mongo' && !m.node.computed) {
      reads.add('mongo');
      continue;
    }
    const key = slotKey(m);
    if (key) reads.add(key);
  }
  for (const c of s.collected.calls) {
    const key = settingKey(c, 'get');
    if (key) reads.add(key);
  }
  return [...reads];
}

/** Does a slot or plugin read of this file resolve to a handle? */
export function flowReadsResolve(s: TrackerState): boolean {
  for (const key of flowReads(s)) {
    if (key === 'mongo' ? (s.classify.facts?.plugins ?? s.walk.pluginImports).length > 0 : slotValue(s, key)) return true;
  }
  return false;
}
