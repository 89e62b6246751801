/**
 * Method renames with the semantics the old driver had (insert/update/remove/save/count/findAndModify/findAndRemove,
 * ensureIndex...), option renames (fields, returnOriginal, client options that throw in v7), BSON helpers
 * (ObjectID, ObjectId() without new), removed methods and exports (flagged), and old write-result fields.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { memberName } from '../../tracking/tracker.js';
import {
  CLIENT_OPTIONS_DELETE,
  CLIENT_OPTIONS_RENAME,
  FIND_ONE_AND,
  FLAGGED_EXPORTS,
  FLAGGED_METHODS,
  METHOD_RENAMES,
  PROJECTION_METHODS,
  REMOVED_FIND_OPTIONS,
  V2_FIND_OPTION_KEYS,
} from '../../presets/mongodb-callbacks.js';
import { nativeAcceptsClientOption } from '../../presets/native-surface.js';
import { isInlineFn, paramName, type DriverCall } from './calls.js';
import { freshCursor } from './each.js';

export interface MethodEnv {
  /** Driver major the old code ran on, when known. */
  era?: number;
  modifyResult: 'document' | 'metadata';
  /** Positions (start offsets) of nodes this preset handled, so the generic native checks do not report them again. */
  handled: Set<number>;
  /** Callback-taking calls that were flagged and left as they are (they keep a mongodb-legacy import in place). */
  blocked: number;
  /** The mongodb major migrated to (6 or 7). */
  target: number;
}

function keyOf(p: t.ObjectProperty | t.ObjectMethod | t.SpreadElement): string | undefined {
  if (p.type === 'SpreadElement' || p.computed) return undefined;
  if (p.key.type === 'Identifier') return p.key.name;
  if (p.key.type === 'StringLiteral') return p.key.value;
  return undefined;
}

function prop(obj: t.ObjectExpression, key: string): t.ObjectProperty | undefined {
  return obj.properties.find((p) => p.type === 'ObjectProperty' && keyOf(p) === key) as t.ObjectProperty | undefined;
}

function boolValue(node: t.Node | undefined): boolean | undefined {
  if (!node) return undefined;
  if (node.type === 'BooleanLiteral') return node.value;
  if (node.type === 'NumericLiteral') return node.value !== 0;
  return undefined;
}

/** An object literal, directly or through a const binding initialised with one. */
export function objectLiteral(path: NodePath | undefined): NodePath<t.ObjectExpression> | undefined {
  if (!path) return undefined;
  if (path.isObjectExpression()) return path;
  if (path.isIdentifier()) {
    const b = path.scope.getBinding(path.node.name);
    if (b && b.constantViolations.length === 0 && b.path.isVariableDeclarator()) {
      const init = b.path.get('init') as NodePath;
      if (init.isObjectExpression() && b.path.node.id.type === 'Identifier') return init;
    }
  }
  return undefined;
}

function arrayLike(path: NodePath | undefined): 'array' | 'single' | undefined {
  if (!path) return undefined;
  if (path.isArrayExpression()) return 'array';
  if (path.isObjectExpression() || path.isNewExpression()) return 'single';
  if (path.isIdentifier()) {
    const b = path.scope.getBinding(path.node.name);
    if (b && b.constantViolations.length === 0 && b.path.isVariableDeclarator()) {
      const init = b.path.node.init;
      if (init?.type === 'ArrayExpression') return 'array';
      if (init?.type === 'ObjectExpression' || init?.type === 'NewExpression') return 'single';
    }
  }
  return undefined;
}

/** Remove one property of an object literal with its separator. */
function removeProp(ctx: RuleContext, obj: t.ObjectExpression, p: t.Node): void {
  const i = obj.properties.indexOf(p as t.ObjectProperty);
  const next = obj.properties[i + 1];
  const prev = obj.properties[i - 1];
  if (next) ctx.edit(p.start!, next.start!, '');
  else if (prev) ctx.edit(prev.end!, p.end!, '');
  else ctx.edit(obj.start! + 1, obj.end! - 1, '');
}

function realArgs(dc: DriverCall): NodePath[] {
  const args = dc.call.get('arguments') as NodePath[];
  return dc.cbIndex >= 0 ? args.slice(0, dc.cbIndex) : args;
}

function renameCallee(ctx: RuleContext, dc: DriverCall, to: string): void {
  const p = dc.callee.node.property;
  ctx.edit(p.start!, p.end!, to);
}

/** Remove an argument (and the comma before it). */
function removeArg(ctx: RuleContext, args: NodePath[], i: number): void {
  const a = args[i]!.node;
  const prev = args[i - 1]?.node;
  ctx.edit(prev ? prev.end! : a.start!, a.end!, '');
}

/** Drop an option the new method encodes in its name (`multi`, `single`): the whole options argument when it was the only one. */
function dropOption(ctx: RuleContext, args: NodePath[], index: number, options: t.ObjectExpression, option: t.ObjectProperty | t.ObjectMethod): void {
  if (options.properties.length === 1) removeArg(ctx, args, index);
  else removeProp(ctx, options, option);
}

function dollarKeys(obj: t.ObjectExpression): 'ops' | 'replacement' | 'mixed' | 'unknown' {
  const keys = obj.properties.map((p) => keyOf(p));
  if (keys.some((k) => k === undefined)) return 'unknown';
  if (keys.length === 0) return 'replacement';
  const d = keys.filter((k) => k!.startsWith('$')).length;
  return d === keys.length ? 'ops' : d === 0 ? 'replacement' : 'mixed';
}

export function updateKind(path: NodePath | undefined): 'ops' | 'replacement' | 'unknown' {
  if (!path) return 'unknown';
  if (path.isArrayExpression()) return 'ops';
  const obj = objectLiteral(path);
  if (!obj) return 'unknown';
  const k = dollarKeys(obj.node);
  return k === 'ops' || k === 'replacement' ? k : 'unknown';
}

// ---- per-method rewrites ----------------------------------------------------------------------------------------

/** What a per-method rewrite gets: the call, its real arguments, the method name node, and `flag` (report, leave). */
interface MethodSite {
  ctx: RuleContext;
  dc: DriverCall;
  env: MethodEnv;
  args: NodePath[];
  at: t.Node;
  flag: (rule: string, msg: string, fix?: string) => undefined;
}

/** Removed or reshaped collection methods, by name: each returns the native method the call now has, or undefined when flagged. */
const COLLECTION_REWRITES: Record<string, (m: MethodSite) => string | undefined> = {
  insert({ ctx, dc, env, args, at, flag }) {
    env.handled.add(at.start!);
    const a = arrayLike(args[0]);
    if (!a) return flag('mongodb-callbacks/insert-arity', 'insert() with an argument that is not known statically to be one document or an array.');
    if (a === 'single') {
      renameCallee(ctx, dc, 'insertOne');
      return 'insertOne';
    }
    renameCallee(ctx, dc, 'insertMany');
    if (args.length === 1) ctx.edit(args[0]!.node.end!, args[0]!.node.end!, ', { ordered: false }');
    return 'insertMany';
  },
  update({ ctx, dc, env, args, at, flag }) {
    env.handled.add(at.start!);
    if (args.length < 2) return flag('mongodb-callbacks/update-document', 'update() without an update document.');
    const uk = updateKind(args[1]);
    const opts = args[2];
    const lit = opts ? (opts.isObjectExpression() ? opts : undefined) : undefined;
    if (opts && !lit) return flag('mongodb-callbacks/update-document', 'update() with options that are not a literal: updateOne, updateMany and replaceOne cannot be chosen.');
    const multiProp = lit ? prop(lit.node, 'multi') : undefined;
    const multi = multiProp ? boolValue(multiProp.value) : false;
    if (multi === undefined) return flag('mongodb-callbacks/update-document', 'update() with a `multi` option that is not a literal.');
    if (uk === 'unknown')
      return flag('mongodb-callbacks/update-document', 'update() whose update document is not a literal: updateOne/updateMany (operators) and replaceOne (replacement) cannot be chosen.');
    let to: string;
    if (uk === 'replacement') {
      if (multi) return flag('mongodb-callbacks/update-document', 'update() with a replacement document and multi: true (the server rejects it).');
      to = 'replaceOne';
    } else if (multi) to = 'updateMany';
    else if (env.era === undefined) return flag('mongodb-callbacks/update-era', 'update() without multi: one document on mongodb 2/3, every match on mongodb 4; the driver version is unknown.');
    else to = env.era <= 3 ? 'updateOne' : 'updateMany';
    renameCallee(ctx, dc, to);
    if (multiProp && lit) dropOption(ctx, args, 2, lit.node, multiProp);
    return to;
  },
  remove({ ctx, dc, env, args, at, flag }) {
    env.handled.add(at.start!);
    const opts = args[1];
    const lit = opts ? (opts.isObjectExpression() ? opts : undefined) : undefined;
    if (opts && !lit) return flag('mongodb-callbacks/remove-options', 'remove() with options that are not a literal: deleteOne or deleteMany cannot be chosen.');
    const singleProp = lit ? (prop(lit.node, 'single') ?? prop(lit.node, 'justOne')) : undefined;
    const single = singleProp ? boolValue(singleProp.value) : false;
    if (single === undefined) return flag('mongodb-callbacks/remove-options', 'remove() with a `single` option that is not a literal.');
    let to = 'deleteMany';
    if (single) {
      if (env.era === undefined)
        return flag('mongodb-callbacks/remove-era', 'remove() with single: true deleted one document on mongodb 2/3 and every match on mongodb 4; the driver version is unknown.');
      to = env.era <= 3 ? 'deleteOne' : 'deleteMany';
    }
    renameCallee(ctx, dc, to);
    if (args.length === 0) {
      const open = ctx.text.indexOf('(', dc.callee.node.end!);
      ctx.edit(open + 1, open + 1, '{}');
    }
    if (singleProp && lit) dropOption(ctx, args, 1, lit.node, singleProp);
    return to;
  },
  save({ ctx, dc, env, args, at, flag }) {
    env.handled.add(at.start!);
    const doc = args[0];
    const recv = dc.callee.get('object') as NodePath;
    const simple = (n: t.Node): boolean => n.type === 'Identifier' || n.type === 'ThisExpression' || (n.type === 'MemberExpression' && !n.computed && simple(n.object));
    if (!doc || !doc.isIdentifier() || args.length !== 1 || !simple(recv.node))
      return flag('mongodb-callbacks/save', 'save() whose document or collection is not a plain name (it would be evaluated twice), or with options.');
    const d = doc.node.name;
    const r = ctx.slice(recv.node);
    ctx.edit(dc.call.node.start!, dc.call.node.start!, `(${d}._id != null ? `);
    renameCallee(ctx, dc, 'replaceOne');
    ctx.edit(doc.node.start!, doc.node.end!, `{ _id: ${d}._id }, ${d}, { upsert: true }) : ${r}.insertOne(${d})`);
    return 'save';
  },
  count({ ctx, dc, env, args, at, flag }) {
    env.handled.add(at.start!);
    if (args.length === 0) {
      renameCallee(ctx, dc, 'estimatedDocumentCount');
      return 'estimatedDocumentCount';
    }
    const q = objectLiteral(args[0]);
    if (q) {
      const keys = q.node.properties.flatMap((p) => [keyOf(p), ...(p.type === 'ObjectProperty' && p.value.type === 'ObjectExpression' ? p.value.properties.map((x) => keyOf(x)) : [])]);
      const bad = keys.filter((k) => k === '$where' || k === '$near' || k === '$nearSphere');
      if (bad.length) return flag('mongodb-callbacks/count-query', `count() with ${bad.join(', ')}: countDocuments() rejects it.`);
    }
    renameCallee(ctx, dc, 'countDocuments');
    return 'countDocuments';
  },
  aggregate({ ctx, env, args, at }) {
    // aggregate(stage1, stage2, ...) (v2/v3 varargs) -> aggregate([stage1, stage2, ...]); mongodb 4+ takes an array
    if (args[0]?.isObjectExpression()) {
      env.handled.add(at.start!);
      ctx.edit(args[0].node.start!, args[0].node.start!, '[');
      ctx.edit(args[args.length - 1]!.node.end!, args[args.length - 1]!.node.end!, ']');
    }
    return 'aggregate';
  },
  findAndModify({ ctx, dc, env, args, at }) {
    env.handled.add(at.start!);
    return findAndModify(ctx, dc, args, env);
  },
  findAndRemove({ ctx, dc, env, args, at }) {
    env.handled.add(at.start!);
    return findAndModify(ctx, dc, args, env);
  },
};

/** Returns the native method name the call now has (for the result-shape pass), or undefined when flagged. */
export function rewriteMethod(ctx: RuleContext, dc: DriverCall, env: MethodEnv): string | undefined {
  const { method, kind } = dc;
  const args = realArgs(dc);
  const at = dc.callee.node.property;
  const flag = (rule: string, msg: string, fix?: string) => {
    env.handled.add(at.start!);
    ctx.report(rule, at, msg, fix);
    return undefined;
  };
  if (kind === 'collection' && Object.hasOwn(COLLECTION_REWRITES, method)) return COLLECTION_REWRITES[method]!({ ctx, dc, env, args, at, flag });
  const rename = METHOD_RENAMES[kind as keyof typeof METHOD_RENAMES]?.[method];
  // nextObject is also Motor's synchronous read of a buffered document (left flagged by the motor preset): only the
  // driver's asynchronous form (a callback, or awaited) is renamed.
  const asyncForm = dc.cbIndex >= 0 || dc.call.parentPath?.isAwaitExpression();
  if (rename && (method !== 'nextObject' || asyncForm)) {
    env.handled.add(at.start!);
    renameCallee(ctx, dc, rename);
    return rename;
  }
  if (kind === 'cursor' && method === 'isClosed' && args.length === 0 && dc.cbIndex < 0) {
    env.handled.add(at.start!);
    const obj = dc.callee.node.object;
    ctx.edit(obj.end!, dc.call.node.end!, '.closed');
    return 'closed';
  }
  if ((kind === 'cursor' || kind === 'commandCursor') && (method === 'stream' || method === 'transformStream')) return streamTransform(ctx, dc, args, env);
  if (kind === 'cursor' && method === 'count' && args[0] && !args[0].isObjectExpression()) {
    // count(applySkipLimit, opts?): v3 applied skip/limit only when asked, v4+ always does (reference §5.3).
    env.handled.add(at.start!);
    const a0 = args[0].node;
    if (a0.type === 'BooleanLiteral' && a0.value) {
      ctx.edit(a0.start!, args[1] ? args[1].node.start! : a0.end!, '');
      return 'count';
    }
    ctx.report(
      'mongodb-callbacks/cursor-count',
      at,
      'cursor.count(applySkipLimit) applied skip and limit only when asked before 4.0; it now always applies them.',
      'Use `await coll.countDocuments(filter)` for a count without skip/limit, or `await cursor.count()` when they should apply.',
    );
    return undefined;
  }
  if ((kind === 'cursor' || kind === 'commandCursor') && method === 'close' && args.length === 1 && args[0]!.isObjectExpression()) {
    // close({ skipKillCursors }) (removed in 5.0): the option is gone, the cursor is always killed
    const props = args[0].node.properties;
    if (props.length > 0 && props.every((p) => keyOf(p) === 'skipKillCursors')) {
      env.handled.add(at.start!);
      ctx.edit(args[0].node.start!, args[0].node.end!, '');
      return 'close';
    }
  }
  if (kind === 'cursor' && method === 'destroy') {
    env.handled.add(at.start!);
    renameCallee(ctx, dc, 'close');
    return 'close';
  }
  if (kind === 'db' && method === 'ensureIndex' && args.length >= 2) {
    env.handled.add(at.start!);
    // db.ensureIndex(name, spec, opts) -> db.collection(name).createIndex(spec, opts)
    const a0 = args[0]!.node;
    ctx.edit(at.start!, a0.start!, 'collection(');
    ctx.edit(a0.end!, args[1]!.node.start!, ').createIndex(');
    return 'createIndex';
  }
  // A cursor used as a Node stream (v3) in one place: `cursor.pipe(x)` / `cursor.on('data', f).on('end', g)` ->
  // `cursor.stream().pipe(x)` / `cursor.stream().on(...)`; with several uses one shared stream() is needed: flagged.
  if (kind === 'cursor' && (method === 'pipe' || method === 'on' || method === 'once') && dc.cbIndex < 0) {
    const obj = dc.callee.get('object') as NodePath;
    const ev = dc.call.node.arguments[0];
    const streamEvent = method === 'pipe' || (ev?.type === 'StringLiteral' && ['data', 'end', 'error', 'close', 'readable'].includes(ev.value));
    if (streamEvent && freshCursor(obj, dc.call)) {
      env.handled.add(at.start!);
      ctx.edit(obj.node.end!, obj.node.end!, '.stream()');
      return method;
    }
  }
  const flagged = FLAGGED_METHODS[kind as keyof typeof FLAGGED_METHODS]?.[method];
  // cursor.each(callback) is converted (or flagged with its reason) with the other callbacks (./each.ts).
  if (flagged && method === 'each' && dc.cbIndex >= 0) {
    env.handled.add(at.start!);
    return 'each';
  }
  if (flagged) {
    if (dc.cbIndex >= 0 || method === 'each') env.blocked++;
    const rule = flagged.rule
      ? flagged.rule
      : method === 'each'
        ? 'mongodb-callbacks/cursor-each'
        : method === 'pipe' || method === 'on'
          ? kind === 'cursor'
            ? 'mongodb-callbacks/cursor-stream'
            : 'mongodb-callbacks/removed-method'
          : 'mongodb-callbacks/removed-method';
    const msg =
      rule === 'mongodb-callbacks/cursor-stream'
        ? `The cursor is no longer a Node stream (4.0): ${method}() ${method === 'pipe' ? 'does not exist' : "never sees 'data' or 'end' events"}, and this cursor is used in more than one place.`
        : `${method}() no longer exists on the native ${kind}.`;
    return flag(rule, msg, flagged.fix);
  }
  return method;
}

/**
 * `cursor.stream({ transform: fn })` -> `cursor.stream().map(fn)` on target 7 (the option was removed in 7.0; 6 still
 * has it), `cursor.transformStream({ transform: fn })` (removed in 4.0) likewise on both targets.
 */
function streamTransform(ctx: RuleContext, dc: DriverCall, args: NodePath[], env: MethodEnv): string | undefined {
  const at = dc.callee.node.property;
  const removed = dc.method === 'transformStream';
  if (args.length === 0 || dc.cbIndex >= 0) {
    if (removed) {
      env.handled.add(at.start!);
      renameCallee(ctx, dc, 'stream');
    }
    return 'stream';
  }
  if (!removed && env.target < 7) return 'stream';
  env.handled.add(at.start!);
  const o = args[0]!;
  const only = o.isObjectExpression() && o.node.properties.length === 1 ? o.node.properties[0] : undefined;
  const fnNode = only?.type === 'ObjectProperty' && keyOf(only) === 'transform' ? only.value : undefined;
  if (args.length !== 1 || !fnNode) {
    ctx.report('mongodb-callbacks/stream-transform', at, `${dc.method}(options) with options other than a lone transform function: mongodb ${env.target} removed the option, so it was left in place.`);
    return undefined;
  }
  const fnText = (only as t.ObjectProperty).shorthand ? keyOf(only!)! : ctx.render(fnNode.start!, fnNode.end!);
  if (removed) renameCallee(ctx, dc, 'stream');
  const open = ctx.text.indexOf('(', dc.callee.node.end!);
  ctx.render(open, dc.call.node.end!);
  ctx.edit(open, dc.call.node.end!, `().map(${fnText})`);
  return 'stream';
}

function findAndModify(ctx: RuleContext, dc: DriverCall, args: NodePath[], env: MethodEnv): string | undefined {
  const at = dc.callee.node.property;
  const fail = () => {
    ctx.report('mongodb-callbacks/find-and-modify', at, `${dc.method}() whose arguments are not literals: the native findOneAnd* method cannot be chosen.`);
    return undefined;
  };
  const remove = dc.method === 'findAndRemove';
  const query = args[0];
  const sort = args[1];
  const doc = remove ? undefined : args[2];
  const optsPath = remove ? args[2] : args[3];
  if (!query || args.length > (remove ? 3 : 4)) return fail();
  const opts = optsPath ? (optsPath.isObjectExpression() ? optsPath.node : undefined) : undefined;
  if (optsPath && !opts) return fail();
  const props: string[] = [];
  if (sort) {
    const s = sort.node;
    const empty = (s.type === 'ArrayExpression' && s.elements.length === 0) || (s.type === 'ObjectExpression' && s.properties.length === 0) || s.type === 'NullLiteral';
    if (!empty) props.push(`sort: ${ctx.render(s.start!, s.end!)}`);
  }
  let isRemove = remove;
  let returnAfter = false;
  for (const p of opts?.properties ?? []) {
    const k = keyOf(p);
    if (!k) return fail();
    const pp = p as t.ObjectProperty;
    if (k === 'remove') {
      const v = boolValue(pp.value);
      if (v === undefined) return fail();
      isRemove = isRemove || v;
      continue;
    }
    if (k === 'new') {
      const v = boolValue(pp.value);
      if (v === undefined) return fail();
      returnAfter = v;
      continue;
    }
    if (k === 'fields') {
      props.push(`projection: ${ctx.render(pp.value.start!, pp.value.end!)}`);
      continue;
    }
    props.push(ctx.render(p.start!, p.end!));
  }
  let to: string;
  const q = ctx.render(query.node.start!, query.node.end!);
  let argsText: string;
  if (isRemove) {
    to = 'findOneAndDelete';
    argsText = q;
  } else {
    const uk = updateKind(doc);
    if (uk === 'unknown') return fail();
    to = uk === 'ops' ? 'findOneAndUpdate' : 'findOneAndReplace';
    props.push(`returnDocument: '${returnAfter ? 'after' : 'before'}'`);
    argsText = `${q}, ${ctx.render(doc!.node.start!, doc!.node.end!)}`;
  }
  if (needsMetadata(ctx, dc, env, true)) props.push('includeResultMetadata: true');
  if (props.length) argsText += `, { ${props.join(', ')} }`;
  renameCallee(ctx, dc, to);
  ctx.edit(args[0]!.node.start!, args[args.length - 1]!.node.end!, argsText);
  return to + ':meta-decided';
}

// ---- result shapes ----------------------------------------------------------------------------------------------

/** The binding that receives the call's result: the callback's second parameter, or `const r = await call`. */
export function resultBinding(dc: DriverCall): Binding | undefined {
  if (dc.cb && isInlineFn(dc.cb)) {
    const n = paramName(dc.cb, 1);
    return n ? dc.cb.scope.getOwnBinding(n) : undefined;
  }
  if (dc.cbIndex >= 0) return undefined;
  const p = dc.call.parentPath;
  if (p?.isAwaitExpression()) {
    const d = p.parentPath;
    if (d?.isVariableDeclarator() && d.node.id.type === 'Identifier') return d.scope.getBinding(d.node.id.name);
  }
  // call.then((r) => …): the fulfilment handler's parameter
  if (p?.isMemberExpression() && p.node.object === dc.call.node && !p.node.computed && memberName(p.node) === 'then') {
    const then = p.parentPath;
    const fn = then?.isCallExpression() && then.node.callee === p.node ? (then.get('arguments') as NodePath[])[0] : undefined;
    if (isInlineFn(fn)) {
      const n = paramName(fn, 0);
      return n ? fn.scope.getOwnBinding(n) : undefined;
    }
  }
  return undefined;
}

/** Does a findOneAnd* result need includeResultMetadata (old shape kept), or can `.value` reads be dropped? */
function needsMetadata(ctx: RuleContext, dc: DriverCall, env: MethodEnv, old: boolean): boolean {
  const b = resultBinding(dc);
  if (!b || b.referencePaths.length === 0) return false;
  if (!old) return false;
  if (env.modifyResult === 'metadata') return true;
  return !b.referencePaths.every((r) => {
    const m = r.parentPath;
    return m?.isMemberExpression() && m.node.object === r.node && memberName(m.node) === 'value';
  });
}

/** Rewrite reads of old write-result fields on the result binding of a (renamed) write call. */
export function rewriteResults(ctx: RuleContext, dc: DriverCall, method: string, env: MethodEnv, callbackEra: boolean): void {
  const b = resultBinding(dc);
  if (!b) {
    // A findOneAnd* result handed to an opaque callback (`cb`, `done`) before driver 6 had the { value, ok } shape:
    // ask for it again, so that callback keeps receiving what it always received.
    const cbNode = dc.cbIndex >= 0 ? dc.call.node.arguments[dc.cbIndex] : undefined;
    const opaque = cbNode !== undefined && cbNode.type !== 'ArrowFunctionExpression' && cbNode.type !== 'FunctionExpression';
    const idx = FIND_ONE_AND[method];
    if (idx !== undefined && opaque && callbackEra && (env.era === undefined || env.era < 6)) {
      const args = realArgs(dc);
      if (args.length >= idx) addOption(ctx, dc, args, idx, 'includeResultMetadata: true');
    }
    return;
  }
  const name = b.identifier.name;
  const args = realArgs(dc);
  if (method.endsWith(':meta-decided')) {
    // findAndModify: includeResultMetadata was added when needed; otherwise `.value` reads are dropped.
    if (!args.length) return;
    if (env.modifyResult === 'document' && !needsMetadata(ctx, dc, env, true)) dropValue(ctx, b);
    return;
  }
  if (FIND_ONE_AND[method] !== undefined) {
    const old = callbackEra ? (env.era === undefined ? true : env.era < 6) : env.era === undefined ? undefined : env.era < 6;
    const reads = b.referencePaths.filter((r) => {
      const m = r.parentPath;
      return m?.isMemberExpression() && m.node.object === r.node && ['value', 'lastErrorObject', 'ok'].includes(memberName(m.node) ?? '');
    });
    if (old === undefined) {
      if (reads.length)
        ctx.report(
          'mongodb-callbacks/modify-result',
          reads[0]!.parentPath!.node,
          `The result of ${method}() is read through .${memberName(reads[0]!.parentPath!.node as t.MemberExpression)}; whether that is the old { value } shape depends on the driver version, which is unknown.`,
        );
      return;
    }
    if (!old || !reads.length) return;
    if (needsMetadata(ctx, dc, env, true)) addOption(ctx, dc, args, FIND_ONE_AND[method]!, 'includeResultMetadata: true');
    else dropValue(ctx, b);
    return;
  }
  const docArg = args[0]?.isIdentifier() ? args[0].node.name : undefined;
  const ack = `(${name}.acknowledged ? 1 : 0)`;
  for (const r of b.referencePaths) {
    const m = r.parentPath;
    if (!m?.isMemberExpression() || m.node.object !== r.node) continue;
    const f = memberName(m.node);
    const m2 = m.parentPath;
    const f2 = m2?.isMemberExpression() && m2.node.object === m.node ? memberName(m2.node) : undefined;
    const flag = () => ctx.report('mongodb-callbacks/result-shape', m.node, `.${f}${f2 ? '.' + f2 : ''} no longer exists on the result of ${method}().`);
    if (f === 'ops') {
      // ops[0]._id -> insertedId needs no document argument
      // (with a document variable, `doc._id` as before: the driver sets it on the document)
      const idRead =
        !docArg &&
        method === 'insertOne' &&
        m2?.isMemberExpression() &&
        m2.node.computed &&
        m2.node.property.type === 'NumericLiteral' &&
        m2.node.property.value === 0 &&
        m2.parentPath?.isMemberExpression() &&
        memberName(m2.parentPath.node as t.MemberExpression) === '_id' &&
        !(m2.parentPath.node as t.MemberExpression).computed;
      if (idRead) {
        const m3 = m2!.parentPath!;
        ctx.edit(m3.node.start!, m3.node.end!, `${name}.insertedId`);
        continue;
      }
      if (!docArg || (method !== 'insertOne' && method !== 'insertMany')) {
        flag();
        continue;
      }
      if (method === 'insertOne' && m2?.isMemberExpression() && m2.node.computed && m2.node.property.type === 'NumericLiteral' && m2.node.property.value === 0)
        ctx.edit(m2.node.start!, m2.node.end!, docArg);
      else if (method === 'insertMany') ctx.edit(m.node.start!, m.node.end!, docArg);
      else flag();
      continue;
    }
    if (f === 'insertedCount' && method === 'insertOne') {
      ctx.edit(m.node.start!, m.node.end!, ack);
      continue;
    }
    // insert() of one document, now insertOne(): its result has insertedId, not insertedIds ({ 0: id } before).
    if (f === 'insertedIds' && method === 'insertOne' && dc.method === 'insert') {
      if (m2?.isMemberExpression() && m2.node.object === m.node && m2.node.computed && m2.node.property.type === 'NumericLiteral' && m2.node.property.value === 0)
        ctx.edit(m2.node.start!, m2.node.end!, `${name}.insertedId`);
      else flag();
      continue;
    }
    if (f === 'upsertedId' && f2 === '_id') {
      ctx.edit(m2!.node.start!, m2!.node.end!, `${name}.upsertedId`);
      continue;
    }
    if (f === 'result') {
      let to: string | undefined;
      if (f2 === 'ok') to = ack;
      else if (f2 === 'n') {
        if (method === 'insertOne') to = ack;
        else if (method === 'insertMany') to = `${name}.insertedCount`;
        else if (method === 'updateOne' || method === 'updateMany' || method === 'replaceOne') to = mayUpsert(args[2]) ? `(${name}.matchedCount + ${name}.upsertedCount)` : `${name}.matchedCount`;
        else if (method === 'deleteOne' || method === 'deleteMany') to = `${name}.deletedCount`;
      } else if (f2 === 'nModified' && (method === 'updateOne' || method === 'updateMany' || method === 'replaceOne')) to = `${name}.modifiedCount`;
      if (to && f2) ctx.edit(m2!.node.start!, m2!.node.end!, to);
      else flag();
      continue;
    }
    if (f === 'connection' || f === 'message') flag();
  }
}

/** An update's options that may ask for an upsert (mongodb 3 counted an upserted document in result.n). */
function mayUpsert(opts: NodePath | undefined): boolean {
  if (!opts) return false;
  if (!opts.isObjectExpression()) return true;
  return opts.node.properties.some((p) => p.type === 'SpreadElement' || (keyOf(p) === 'upsert' && !(p.type === 'ObjectProperty' && p.value.type === 'BooleanLiteral' && !p.value.value)));
}

function dropValue(ctx: RuleContext, b: Binding): void {
  for (const r of b.referencePaths) {
    const m = r.parentPath;
    if (m?.isMemberExpression() && m.node.object === r.node && memberName(m.node) === 'value') ctx.edit(r.node.end!, m.node.end!, '');
  }
}

function addOption(ctx: RuleContext, dc: DriverCall, args: NodePath[], index: number, text: string): void {
  const o = args[index];
  if (!o) {
    const last = args[args.length - 1];
    if (last) ctx.edit(last.node.end!, last.node.end!, `, { ${text} }`);
    return;
  }
  if (o.isObjectExpression()) {
    const ps = o.node.properties;
    // a second run: the option is already there
    const key = text.slice(0, text.indexOf(':')).trim();
    if (ps.some((p) => p.type !== 'SpreadElement' && keyOf(p) === key)) return;
    if (ps.length === 0) ctx.edit(o.node.start!, o.node.end!, `{ ${text} }`);
    else ctx.edit(ps[ps.length - 1]!.end!, ps[ps.length - 1]!.end!, `, ${text}`);
    return;
  }
  ctx.edit(o.node.start!, o.node.start!, '{ ...');
  ctx.edit(o.node.end!, o.node.end!, `, ${text} }`);
  void dc;
}

// ---- options ---------------------------------------------------------------------------------------------------

/** fields -> projection, returnOriginal -> returnDocument, v2 projection-as-second-argument. */
export function rewriteOptions(ctx: RuleContext, dc: DriverCall, method: string, env: MethodEnv): void {
  if (dc.kind !== 'collection') return;
  const args = realArgs(dc);
  const idx = PROJECTION_METHODS[method];
  if (idx === undefined) return;
  const optPath = args[idx];
  if (!optPath) return;
  const lit = objectLiteral(optPath);
  if (!lit) {
    // Callback-era code passing options built elsewhere: they may still say `fields` / `returnOriginal`.
    if (dc.cbIndex >= 0 && !optPath.isNullLiteral() && !(optPath.isIdentifier() && optPath.node.name === 'undefined')) {
      ctx.report('mongodb-callbacks/options-not-literal', optPath.node, `The options of ${method}() are not a literal: old names in them (fields, returnOriginal) would be silently ignored.`);
    }
    return;
  }
  const obj = lit.node;
  if ((method === 'find' || method === 'findOne') && optPath.isObjectExpression()) {
    const keys = obj.properties.map((p) => keyOf(p));
    const projectionLike =
      keys.length > 0 &&
      keys.every((k) => k !== undefined && !V2_FIND_OPTION_KEYS.has(k)) &&
      obj.properties.every((p) => p.type === 'ObjectProperty' && (p.value.type === 'NumericLiteral' || p.value.type === 'BooleanLiteral'));
    if (projectionLike) {
      if (env.era === 2) ctx.edit(obj.start!, obj.end!, `{ projection: ${ctx.slice(obj)} }`);
      else ctx.report('mongodb-callbacks/projection-argument', obj, `The second argument of ${method}() looks like a projection; mongodb 3+ read it as options and ignored it.`);
      return;
    }
  }
  for (const p of obj.properties) {
    const k = keyOf(p);
    if (p.type !== 'ObjectProperty') continue;
    if (k && REMOVED_FIND_OPTIONS[k] && (method === 'find' || method === 'findOne')) {
      ctx.report('mongodb-callbacks/removed-option', p, `The '${k}' option of ${method}() no longer exists (the server removed it).`, REMOVED_FIND_OPTIONS[k]);
      continue;
    }
    if (k === 'fields') {
      if (p.shorthand) ctx.edit(p.start!, p.end!, 'projection: fields');
      else ctx.edit(p.key.start!, p.key.end!, 'projection');
    } else if (k === 'returnOriginal' && FIND_ONE_AND[method] !== undefined) {
      const v = boolValue(p.value);
      const value = v === undefined ? `${ctx.slice(p.value)} ? 'before' : 'after'` : v ? `'before'` : `'after'`;
      ctx.edit(p.start!, p.end!, `returnDocument: ${value}`);
      // mongodb 4+ did not read returnOriginal: the old call returned the original document whatever it said.
      if (v !== true && env.era !== undefined && env.era >= 4)
        ctx.report(
          'mongodb-callbacks/return-original-ignored',
          p,
          `mongodb ${env.era} ignored returnOriginal: this ${method}() returned the document before the update; with returnDocument it now returns the updated one.`,
        );
    }
  }
}

/** Where write methods take their options (by the name after any rename). */
const WRITE_OPTIONS_INDEX: Record<string, number> = {
  insertOne: 1,
  insertMany: 1,
  updateOne: 2,
  updateMany: 2,
  replaceOne: 2,
  deleteOne: 1,
  deleteMany: 1,
  findOneAndUpdate: 2,
  findOneAndReplace: 2,
  findOneAndDelete: 1,
  bulkWrite: 1,
};
/** Operation-level write-concern options (silently ignored since 4.0) and their place in `writeConcern`. */
const WRITE_CONCERN_KEYS: Record<string, string> = { w: 'w', j: 'j', wtimeout: 'wtimeoutMS', wtimeoutMS: 'wtimeoutMS', fsync: 'fsync' };

/** `{ w: 1, j: true, wtimeout: 500 }` on a write -> `{ writeConcern: { w: 1, j: true, wtimeoutMS: 500 } }` (inline literals only). */
export function rewriteWriteConcern(ctx: RuleContext, dc: DriverCall, method: string): void {
  if (dc.kind !== 'collection') return;
  const idx = WRITE_OPTIONS_INDEX[method];
  if (idx === undefined) return;
  const optPath = realArgs(dc)[idx];
  const lit = objectLiteral(optPath);
  if (!lit) return;
  const obj = lit.node;
  const props = obj.properties;
  const wc = props.filter((p): p is t.ObjectProperty => p.type === 'ObjectProperty' && !p.computed && (keyOf(p) ?? '') in WRITE_CONCERN_KEYS);
  if (!wc.length) return;
  // A shared options object (a const) may serve other calls; an existing writeConcern or a spread leaves the merge to a person.
  if (!optPath!.isObjectExpression() || props.some((p) => p.type === 'SpreadElement' || keyOf(p) === 'writeConcern')) {
    ctx.report('mongodb-callbacks/write-concern-option', wc[0]!, `${wc.map((p) => keyOf(p)).join(', ')} on ${method}() are ignored by mongodb 4+.`);
    return;
  }
  const parts = wc.map((p) => `${WRITE_CONCERN_KEYS[keyOf(p)!]}: ${p.shorthand ? keyOf(p) : ctx.render(p.value.start!, p.value.end!)}`);
  const first = wc[0]!;
  ctx.edit(first.start!, first.end!, `writeConcern: { ${parts.join(', ')} }`);
  for (const p of wc.slice(1)) {
    const i = props.indexOf(p);
    ctx.edit(props[i - 1]!.end!, p.end!, '');
  }
}

/** Client options: delete those the v7 client rejects and that did nothing, rename the one-to-one ones, flag the rest. */
export function rewriteClientOptions(ctx: RuleContext, optsPath: NodePath | undefined, env: MethodEnv, removable: { args: NodePath[]; index: number } | undefined): void {
  const lit = objectLiteral(optsPath);
  if (!lit) return;
  const obj = lit.node;
  const drop: t.ObjectProperty[] = [];
  for (const p of obj.properties) {
    if (p.type !== 'ObjectProperty') continue;
    const k = keyOf(p);
    if (!k) continue;
    if (CLIENT_OPTIONS_DELETE.has(k)) {
      env.handled.add(p.start!);
      drop.push(p);
    } else if (CLIENT_OPTIONS_RENAME[k]) {
      env.handled.add(p.start!);
      const to = CLIENT_OPTIONS_RENAME[k]!;
      if (k === 'sslValidate') {
        const v = boolValue(p.value);
        if (v === undefined) {
          ctx.report('mongodb-callbacks/client-option', p, `The option '${k}' is not supported by mongodb 7; use tlsAllowInvalidCertificates (inverted).`);
          continue;
        }
        ctx.edit(p.start!, p.end!, `${to}: ${!v}`);
      } else if (p.shorthand) ctx.edit(p.start!, p.end!, `${to}: ${k}`);
      else ctx.edit(p.key.start!, p.key.end!, to);
    } else if (!nativeAcceptsClientOption(k)) {
      // The generic native check already reports it on `new MongoClient(...)`: keep that one.
      const pos = ctx.lines.position(p.start!);
      if (ctx.findings.some((f) => f.ruleId === 'native/client-option' && f.line === pos.line && f.column === pos.column)) continue;
      env.handled.add(p.start!);
      ctx.report('mongodb-callbacks/client-option', p, `The MongoClient of mongodb 7 rejects the option '${k}' (MongoParseError: option ${k.toLowerCase()} is not supported).`);
    }
  }
  if (!drop.length) return;
  if (drop.length === obj.properties.length && removable && optsPath === removable.args[removable.index] && optsPath?.isObjectExpression()) {
    removeArg(ctx, removable.args, removable.index);
    return;
  }
  if (drop.length === obj.properties.length) {
    ctx.edit(obj.start!, obj.end!, '{}');
    return;
  }
  // Remove runs of dropped properties.
  const ps = obj.properties;
  for (let i = 0; i < ps.length; i++) {
    if (!drop.includes(ps[i] as t.ObjectProperty)) continue;
    let j = i;
    while (j + 1 < ps.length && drop.includes(ps[j + 1] as t.ObjectProperty)) j++;
    if (j + 1 < ps.length) ctx.edit(ps[i]!.start!, ps[j + 1]!.start!, '');
    else ctx.edit(ps[i - 1]!.end!, ps[j]!.end!, '');
    i = j;
  }
}

export { FLAGGED_EXPORTS };
