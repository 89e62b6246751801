/**
 * Entry point of the `mongodb-legacy` and `mongodb-callbacks` rules (called by src/js/engine.ts after the motor
 * rules). Every rewrite is keyed on an old-API site (a callback argument, a removed method or option, an old
 * result field, an ObjectID, a mongodb-legacy import), so code already on the promise API is left byte-identical.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { type ImportSite, type Tracker } from '../../tracking/tracker.js';
import type { EngineOptions } from '../../core/types.js';
import { isLegacySpecifier } from '../../presets/mongodb-legacy.js';
import { ARGS_BEFORE_CALLBACK, CALLBACK_ON_COLLECTION, CALLBACK_ON_CURSOR } from '../../presets/mongodb-callbacks.js';
import { driverCall, isCallbackArg, isCollectionLiteral, isInlineFn, paramName, type DriverCall } from './calls.js';
import { connectParamUse, seedCallbackHandles } from './track.js';
import { apply, decide, prepare, type ConvertState } from './convert.js';
import { applyEach, decideEach } from './each.js';
import { rewriteClientOptions, rewriteMethod, rewriteOptions, rewriteWriteConcern, rewriteResults, type MethodEnv } from './methods.js';
import { callbackOptions, dependsOnDriver, driverMajor, midClientMigration } from './era.js';
import { reportUntracked } from './untracked.js';
import { bsonRules, quoteOf } from './bson.js';
import { adminAndBulk, authRules, errorLabelRule, promisifiedMethods, sessionAndStreamRules } from './target.js';
export { UNTRACKED_COLLECTION_SHAPE } from '../prefilter.js';

/** Method names distinctive enough that a call passing a callback is a driver call even on an untracked receiver. */
const DISTINCTIVE = new Set([
  'toArray',
  'findOne',
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'replaceOne',
  'countDocuments',
  'estimatedDocumentCount',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'bulkWrite',
  'createIndex',
  'createIndexes',
  'ensureIndex',
  'dropIndex',
  'findAndModify',
  'findAndRemove',
  'dropCollection',
  'dropDatabase',
  'createCollection',
  'hasNext',
  'nextObject',
  'collection',
]);

/**
 * `<x>.collection('<literal>').<removed method>(…, <callback>)`, directly or through a never-reassigned variable
 * initialised with `<x>.collection('<literal>')`: the unmistakable shape of an untracked driver call.
 */
function isCollectionLiteralCall(call: NodePath<t.CallExpression>): boolean {
  const callee = call.node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return false;
  const method = callee.property.name;
  const constant = (node: t.Node): t.Node | null | undefined => {
    if (node.type !== 'Identifier') return node;
    // const posts = db.collection('posts'); posts.update(…, cb)
    const b = call.scope.getBinding(node.name);
    if (!b || !b.constant || !b.path.isVariableDeclarator() || b.path.node.id.type !== 'Identifier') return undefined;
    return b.path.node.init;
  };
  const recv = constant(callee.object);
  if (CALLBACK_ON_COLLECTION.has(method) && isCollectionLiteral(recv)) {
    // fall through to the callback test
  } else if (CALLBACK_ON_CURSOR.has(method) && recv?.type === 'CallExpression' && recv.callee.type === 'MemberExpression' && !recv.callee.computed) {
    // x.collection('name').find(q).toArray(cb)
    const prop = recv.callee.property;
    const source = constant(recv.callee.object);
    if (prop.type !== 'Identifier' || (prop.name !== 'find' && prop.name !== 'aggregate') || !source || !isCollectionLiteral(source)) return false;
    // forEach(iterator) alone is fine on mongodb 6/7; only an end callback is lost.
    if (method === 'forEach' && call.node.arguments.length < 2) return false;
  } else return false;
  const args = call.get('arguments') as NodePath[];
  const last = args[args.length - 1];
  return !!last && isCallbackArg(last, args.length - 1, 9);
}

/**
 * The iterator of `cursor.forEach(iterator, end)`: fine as it is when it never returns a value (a block body whose
 * own returns carry no value); an expression-bodied arrow gets a block body and a plain function name gets a
 * wrapper (`(doc) => { handle(doc); }`: called the same way, its value dropped); anything else is flagged.
 */
function forEachIterator(ctx: RuleContext, dc: DriverCall): { fix?: () => void } | { flag: string } {
  const it = (dc.call.get('arguments') as NodePath[])[0];
  const flag = {
    flag: 'forEach() stops at the first document for which the iterator returns false since mongodb 4 (mongodb 3 ignored the returned value), and this iterator may return a value; it was left unchanged.',
  };
  if (!it) return flag;
  if (it.isArrowFunctionExpression() || it.isFunctionExpression()) {
    const fn = it as NodePath<t.ArrowFunctionExpression | t.FunctionExpression>;
    const body = fn.node.body;
    if (body.type !== 'BlockStatement') {
      if ((body.extra as { parenthesized?: boolean } | undefined)?.parenthesized) return flag;
      return { fix: () => ctx.edit(body.start!, body.end!, `{ ${ctx.render(body.start!, body.end!)}; }`) };
    }
    let returnsValue = false;
    fn.traverse({
      Function(inner) {
        inner.skip();
      },
      ReturnStatement(r) {
        if (r.node.argument) returnsValue = true;
      },
    });
    return returnsValue ? flag : {};
  }
  if (it.isIdentifier()) {
    const name = it.node.name;
    const param = name === 'doc' ? 'document' : 'doc';
    return { fix: () => ctx.edit(it.node.start!, it.node.end!, `(${param}) => { ${name}(${param}); }`) };
  }
  return flag;
}

/** `collectionShape`: the receiver is `x.collection('name')`, whose callback mongodb 5+ ignores (an error for `check`). */
function reportUntrackedCallback(ctx: RuleContext, callee: t.MemberExpression, name: string, collectionShape: boolean): void {
  ctx.report(
    'mongodb-callbacks/untracked-callback',
    callee.property,
    `${name}() is passed a callback, but its receiver could not be followed to a mongodb handle; it was left unchanged.`,
    undefined,
    collectionShape ? 'error' : undefined,
  );
}

/**
 * Files that neither import the driver nor hold a handle from another module, in a package that depends on
 * mongodb or mongodb-legacy: only the unmistakable `x.collection('name').insert(doc, cb)` shape is reported (a
 * parameter the codemod cannot prove is a Db). Nothing is rewritten.
 */
export function untrackedCollectionCalls(ctx: RuleContext, absPath: string): void {
  if (!callbackPresetApplies(ctx.options.preset) || !dependsOnDriver(ctx.options, absPath)) return;
  for (const c of ctx.tracker.collected.calls) {
    if (c.node.type === 'CallExpression' && isCollectionLiteralCall(c))
      reportUntrackedCallback(ctx, c.node.callee as t.MemberExpression, (c.node.callee as t.MemberExpression & { property: t.Identifier }).property.name, true);
  }
  reportUntracked(ctx, absPath, new Set());
}

export const CALLBACK_PRESETS = ['mongodb-legacy', 'mongodb-callbacks'];

/** Does the preset selected for this run apply the callback rules? */
export function callbackPresetApplies(preset: string): boolean {
  return preset === 'auto' || CALLBACK_PRESETS.includes(preset);
}

/**
 * The callback presets' part of tracking: callback result parameters become handles (`(err, db) => …` of a
 * connect), for the driver major of this file. Undefined when the presets do not apply to the file. The cross-file
 * index calls it too, so that a file exports the same handles whether it was processed or only indexed.
 */
export function seedForFile(tracker: Tracker, options: EngineOptions, absPath: string): { era?: number; v2: Set<Binding>; legacySites: ImportSite[] } | undefined {
  const preset = options.preset;
  if (!callbackPresetApplies(preset)) return undefined;
  // A file may hold driver handles without importing mongodb: from another module of the run (cross-file index),
  // or parameters typed `@param {import('mongodb').Db} db`.
  if (!tracker.mayHoldDriverHandles()) return undefined;
  const legacySites = tracker.imports.filter((s) => s.origin === 'native' && isLegacySpecifier(s.specifier));
  if (preset === 'mongodb-legacy' && legacySites.length === 0) return undefined;
  const era = driverMajor(options, absPath, legacySites.length > 0);
  return { era, v2: seedCallbackHandles(tracker, era), legacySites };
}

export function callbacksRules(ctx: RuleContext, absPath: string): void {
  const tracker = ctx.tracker;
  const seeded = seedForFile(tracker, ctx.options, absPath);
  if (!seeded || midClientMigration(ctx.options, absPath)) return;
  const { v2, legacySites } = seeded;
  const opts = callbackOptions(ctx.options);
  const env: MethodEnv = { era: seeded.era, modifyResult: opts.modifyResult, handled: new Set(), blocked: 0, target: opts.target };

  bsonRules(ctx);

  let blocked = 0;
  const calls: DriverCall[] = [];
  for (const c of tracker.collected.calls) {
    const dc = driverCall(tracker, c as NodePath<t.CallExpression>, env.era);
    if (dc) calls.push(dc);
  }
  for (const dc of calls) {
    if (dc.kind === 'static') {
      const args = dc.call.get('arguments') as NodePath[];
      const optIndex = 1;
      if (args[optIndex] && optIndex !== dc.cbIndex) rewriteClientOptions(ctx, args[optIndex], env, { args, index: optIndex });
      if (dc.receiver === 'module') {
        // require('mongodb').connect(...) -> require('mongodb').MongoClient.connect(...) (the module is no longer callable/connectable)
        const prop = dc.callee.node.property;
        ctx.edit(prop.start!, prop.start!, 'MongoClient.');
      }
      continue;
    }
    // mongodb-legacy 6 ran on driver 6, whose drop() of a missing collection failed; driver 7 resolves false.
    if (env.target >= 7 && legacySites.length > 0 && dc.cbIndex < 0 && ((dc.kind === 'collection' && dc.method === 'drop') || (dc.kind === 'db' && dc.method === 'dropCollection'))) {
      ctx.report(
        'mongodb-callbacks/drop-missing',
        dc.callee.node.property,
        `${dc.method}() of a collection that does not exist was rejected with NamespaceNotFound by mongodb-legacy's driver (servers before 7.0); mongodb 7 resolves false instead.`,
      );
    }
    const method = rewriteMethod(ctx, dc, env);
    if (method === undefined) continue;
    rewriteOptions(ctx, dc, method, env);
    rewriteWriteConcern(ctx, dc, method);
    rewriteResults(ctx, dc, method, env, dc.cbIndex >= 0);
    if (dc.method === 'aggregate' && dc.kind === 'collection' && !dc.meta) {
      const args = dc.call.node.arguments;
      const last = args[args.length - 1];
      if (last && (last.type === 'ArrowFunctionExpression' || last.type === 'FunctionExpression')) {
        ctx.report('mongodb-callbacks/aggregate-callback', dc.callee.node.property, 'aggregate() with a callback: v2 passed an array and v3 a cursor.');
        blocked++;
      }
    }
  }
  for (const n of tracker.collected.news) {
    const k = tracker.kindOf(n);
    if (k?.t !== 'handle' || k.kind !== 'client' || k.origin !== 'native') continue;
    const args = n.get('arguments') as NodePath[];
    if (args[1]) rewriteClientOptions(ctx, args[1], env, { args, index: 1 });
    authRules(ctx, args, env);
  }
  for (const dc of calls) if (dc.kind === 'static') authRules(ctx, dc.call.get('arguments') as NodePath[], env);
  sessionAndStreamRules(ctx, calls, env);
  if (env.target >= 7) errorLabelRule(ctx);

  // Calls that look like driver calls with a callback on a receiver the tracker could not follow: reported, and
  // they keep a mongodb-legacy import in place (mongodb would silently ignore their callbacks).
  let untracked = 0;
  const tracked = new Set(calls.map((dc) => dc.call.node));
  for (const c of tracker.collected.calls) {
    if (tracked.has(c.node)) continue;
    const callee = c.node.callee;
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') continue;
    const name = callee.property.name;
    const args = c.get('arguments') as NodePath[];
    const last = args[args.length - 1];
    if (!last) continue;
    // A legacy client's handle (monk, mongojs, ...): its own rules report the call.
    const recv = tracker.kindOf(c.get('callee.object') as NodePath);
    if (recv && 'origin' in recv && recv.origin !== 'native' && recv.origin !== 'wrapper') continue;
    const collectionShape = isCollectionLiteralCall(c as NodePath<t.CallExpression>);
    if (!DISTINCTIVE.has(name)) {
      if (!collectionShape) continue;
    } else {
      if (name === 'collection' && (args.length < 2 || !args[0]!.isStringLiteral())) continue;
      if (args.length - 1 < (ARGS_BEFORE_CALLBACK[name] ?? 0)) continue; // `updateOne(q, (doc) => ...)`: an updater, not a callback
      if (!isCallbackArg(last, args.length - 1, name === 'toArray' || name === 'hasNext' || name === 'nextObject' ? 0 : 9)) continue;
    }
    untracked++;
    reportUntrackedCallback(ctx, callee, name, collectionShape);
  }

  untracked += adminAndBulk(ctx, tracked);
  untracked += promisifiedMethods(ctx);
  // Never silent: old-API calls on receivers the tracker could not follow, in a package that depends on the driver.
  if (dependsOnDriver(ctx.options, absPath)) reportUntracked(ctx, absPath, tracked);

  // Callbacks: decide outer-first, apply inner-first.
  const sites = calls.filter((dc) => dc.cb).sort((a, b) => a.call.node.start! - b.call.node.start!);
  const state: ConvertState = { v2, inlined: new Map(), guards: new Set() };
  const decisions = [];
  let unconverted = untracked + blocked + env.blocked;
  for (const dc of sites) {
    if (dc.kind === 'static' && isInlineFn(dc.cb)) {
      // v2 gave the connect callback a Db, v3+ a client: a parameter used as both cannot be migrated safely.
      const name = paramName(dc.cb, 1);
      const b = name ? dc.cb.scope.getOwnBinding(name) : undefined;
      if (b && connectParamUse(b) === 'both') {
        ctx.report('mongodb-callbacks/v2-connect', dc.callee.node.property, `The connect() callback parameter '${name}' is used both as a Db (mongodb 2) and as a client (mongodb 3+).`);
        unconverted++;
        continue;
      }
    }
    const each = dc.method === 'each';
    if (ctx.options.mode === 'check') {
      if (each) ctx.report('mongodb-callbacks/cursor-each', dc.callee.node.property, 'cursor.each(callback) was removed in 4.0.');
      else ctx.report('mongodb-callbacks/callback', dc.callee.node.property, `${dc.method}() is passed a callback; mongodb 5+ ignores it.`);
    }
    // forEach(iterator, end): mongodb 4+ stops at the first document for which the iterator returns false, 3.x
    // ignored the returned value. An iterator that may return a value is wrapped or flagged.
    const iterator = dc.method === 'forEach' && dc.cb ? forEachIterator(ctx, dc) : undefined;
    if (iterator && 'flag' in iterator) {
      ctx.report('mongodb-callbacks/foreach-iterator-return', dc.callee.node.property, iterator.flag);
      env.handled.add(dc.callee.node.property.start!);
      unconverted++;
      continue;
    }
    const d = each ? decideEach(ctx, dc, state) : decide(ctx, dc, state);
    if (iterator && !('flag' in d) && ctx.options.mode !== 'check') iterator.fix?.();
    if ('flag' in d) {
      ctx.report(d.flag, dc.callee.node.property, d.why);
      if (d.flag === 'mongodb-callbacks/callback-return-used') env.handled.add(dc.callee.node.property.start!);
      env.handled.add(dc.callee.node.property.start!);
      unconverted++;
      continue;
    }
    if (d.v2 && dc.cb) {
      // v2 connect: only when the Db parameter is not also used as a client
    }
    if (env.target >= 7 && ((dc.kind === 'collection' && dc.method === 'drop') || (dc.kind === 'db' && dc.method === 'dropCollection')) && d.shape.t !== 'ignore') {
      ctx.report(
        'mongodb-callbacks/drop-missing',
        dc.callee.node.property,
        `${dc.method}() of a collection that does not exist failed with NamespaceNotFound (servers before 7.0); mongodb 7 resolves false instead, so that case no longer reaches the error branch.`,
      );
    }
    if (d.style !== 'adapter' && dc.cb) {
      state.inlined.set(dc.cb.node, d);
      if (d.shape.t === 'guard') state.guards.add(d.shape.ifStmt.node);
    }
    if (ctx.options.mode !== 'check' && d.style === 'each' && (d.each as { loopReturns: { to: string }[] }).loopReturns.some((r) => r.to === 'break')) {
      ctx.report(
        'mongodb-callbacks/each-return-false',
        dc.callee.node.property,
        'The each() callback returned false to stop; mongodb 2/3 honoured it only between batches (documents already buffered were still delivered), the loop now stops at once with `break`.',
      );
    }
    decisions.push(d);
  }
  // Callbacks inlined into an async function: the generic "close() not awaited in sync code" check saw the old callback.
  const inlinedRanges = decisions.filter((d) => d.style !== 'adapter' && d.dc.cb).map((d) => [d.dc.cb!.node.start!, d.dc.cb!.node.end!] as const);
  for (let i = ctx.findings.length - 1; i >= 0; i--) {
    const f = ctx.findings[i]!;
    if (f.ruleId !== 'native/close-not-awaited') continue;
    const off = ctx.lines.lineStart(f.line) + f.column - 1;
    if (inlinedRanges.some(([a, b]) => off >= a && off < b)) ctx.findings.splice(i, 1);
  }
  for (const d of decisions) prepare(ctx, d, state);
  for (const d of decisions.reverse()) {
    if (d.style === 'each') applyEach(ctx, d);
    else apply(ctx, d);
  }

  // mongodb-legacy -> mongodb, unless a callback was left in place (mongodb would silently ignore it).
  for (const site of legacySites) {
    if (unconverted > 0) {
      ctx.report(
        'mongodb-legacy/legacy-import',
        site.source,
        `'${site.specifier}' was kept: ${unconverted} callback call site(s) could not be converted, and mongodb would silently ignore their callbacks.`,
        'Convert the flagged callbacks by hand, then run again.',
      );
      continue;
    }
    if (ctx.options.mode === 'check') ctx.report('mongodb-legacy/legacy-import', site.source, `'${site.specifier}' can be replaced by 'mongodb'.`);
    const q = quoteOf(ctx, site.source);
    ctx.edit(site.source.start!, site.source.end!, `${q}mongodb${site.specifier.slice('mongodb-legacy'.length)}${q}`);
    ctx.replacedPackages.add('mongodb-legacy');
  }

  // The generic native checks (motor rules) do not report what this preset handled or flagged.
  const at = new Set(
    [...env.handled].map((o) => {
      const p = ctx.lines.position(o);
      return `${p.line}:${p.column}`;
    }),
  );
  for (let i = ctx.findings.length - 1; i >= 0; i--) {
    const f = ctx.findings[i]!;
    if ((f.ruleId === 'native/unknown-method' || f.ruleId === 'native/client-option') && at.has(`${f.line}:${f.column}`)) ctx.findings.splice(i, 1);
  }
}
