/**
 * Rules for what changed in the target major itself rather than in the callback era: authentication mechanisms and
 * error labels of mongodb 7, sessions and change streams, and the Admin / bulk calls whose callbacks mongodb 5+
 * ignores (flagged, not converted).
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { memberName } from '../../tracking/tracker.js';
import { isCallbackArg, isCollectionLiteral, type DriverCall } from './calls.js';
import { CALLBACK_ON_COLLECTION, CALLBACK_ON_CURSOR } from '../../presets/mongodb-callbacks.js';
import type { MethodEnv } from './methods.js';
import { driverExportOf } from './bson.js';

/** A string's value when it is a literal (or a template without expressions). */
function staticString(node: t.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/**
 * Target 7 only (reference §5.4): MONGODB-AWS no longer takes credentials from the URI or the options (they come
 * from the environment through @aws-sdk/credential-providers), and MONGODB-CR is gone.
 */
export function authRules(ctx: RuleContext, args: NodePath[], env: MethodEnv): void {
  if (env.target < 7) return;
  const uri = args[0]?.node;
  const s = staticString(uri);
  const fix =
    'Remove the credentials from the URI and options; provide them through the AWS environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, or an instance/task role) and install @aws-sdk/credential-providers.';
  if (s !== undefined && uri) {
    const mech = /[?&]authMechanism=([^&]+)/i.exec(s)?.[1]?.toUpperCase();
    if (mech === 'MONGODB-AWS' && (/^mongodb(\+srv)?:\/\/[^/@]+@/.test(s) || /AWS_SESSION_TOKEN/i.test(s))) {
      ctx.report('mongodb-callbacks/auth-mechanism', uri, 'MONGODB-AWS credentials in the connection string are rejected by mongodb 7.', fix);
    } else if (mech === 'MONGODB-CR') {
      ctx.report('mongodb-callbacks/auth-mechanism', uri, 'The MONGODB-CR mechanism was removed in mongodb 7.', 'Use SCRAM-SHA-256 (or SCRAM-SHA-1): drop authMechanism and let the driver negotiate.');
    }
  }
  const opts = args[1];
  if (!opts?.isObjectExpression()) return;
  const key = (p: t.Node) => (p.type === 'ObjectProperty' && !p.computed ? (p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined) : undefined);
  const props = opts.node.properties;
  const mechProp = props.find((p) => key(p) === 'authMechanism') as t.ObjectProperty | undefined;
  const mech = staticString(mechProp?.value)?.toUpperCase();
  if (mech === 'MONGODB-AWS') {
    const creds =
      props.find((p) => key(p) === 'auth') ??
      props.find(
        (p) =>
          key(p) === 'authMechanismProperties' &&
          (p as t.ObjectProperty).value.type === 'ObjectExpression' &&
          ((p as t.ObjectProperty).value as t.ObjectExpression).properties.some((q) => key(q) === 'AWS_SESSION_TOKEN'),
      );
    if (creds) ctx.report('mongodb-callbacks/auth-mechanism', creds, 'MONGODB-AWS credentials passed as options are rejected by mongodb 7.', fix);
  } else if (mech === 'MONGODB-CR' && mechProp) {
    ctx.report(
      'mongodb-callbacks/auth-mechanism',
      mechProp,
      'The MONGODB-CR mechanism was removed in mongodb 7.',
      'Use SCRAM-SHA-256 (or SCRAM-SHA-1): drop authMechanism and let the driver negotiate.',
    );
  }
}

/** The error label misspelt until 6.x (`PoolRequstedRetry`) is `PoolRequestedRetry` in 7 (reference §5.4). */
export function errorLabelRule(ctx: RuleContext): void {
  if (!ctx.text.includes('PoolRequstedRetry')) return;
  ctx.tracker.programPath.traverse({
    StringLiteral(p) {
      if (p.node.value !== 'PoolRequstedRetry') return;
      const q = ctx.text[p.node.start!];
      ctx.edit(p.node.start!, p.node.end!, `${q}PoolRequestedRetry${q}`);
    },
    MemberExpression(p) {
      const n = p.node;
      if (n.computed || n.property.type !== 'Identifier' || n.property.name !== 'PoolRequstedRetry') return;
      if (n.object.type !== 'Identifier' || driverExportOf(p.scope.getBinding(n.object.name)) !== 'MongoErrorLabel') return;
      ctx.edit(n.property.start!, n.property.end!, 'PoolRequestedRetry');
    },
  });
}

/**
 * session.withTransaction() whose result is used (6.0 made it the callback's return value), and change streams
 * used both as an iterator and as an event emitter (4.0 made that an error) (reference §5.4).
 */
export function sessionAndStreamRules(ctx: RuleContext, calls: DriverCall[], env: MethodEnv): void {
  const modes = new Map<Binding, { iterator?: t.Node; emitter?: t.Node }>();
  const note = (b: Binding | undefined, mode: 'iterator' | 'emitter', at: t.Node) => {
    if (!b) return;
    const m = modes.get(b) ?? {};
    m[mode] ??= at;
    modes.set(b, m);
  };
  for (const dc of calls) {
    if (dc.kind === 'session' && dc.method === 'withTransaction' && (env.era === undefined || env.era < 6)) {
      let p: NodePath = dc.call;
      if (p.parentPath?.isAwaitExpression()) p = p.parentPath;
      if (!p.parentPath?.isExpressionStatement()) {
        ctx.report(
          'mongodb-callbacks/with-transaction',
          dc.callee.node.property,
          'The result of withTransaction() is used: before 6.0 it was the commit command result (undefined when the callback aborted), since 6.0 it is what the callback returns.',
        );
      }
    }
    if (dc.kind === 'changeStream') {
      const obj = dc.callee.node.object;
      if (obj.type !== 'Identifier') continue;
      const b = dc.call.scope.getBinding(obj.name);
      if (['next', 'hasNext', 'tryNext'].includes(dc.method)) note(b, 'iterator', dc.callee.node.property);
      const ev = dc.call.node.arguments[0];
      if (['on', 'once', 'addListener'].includes(dc.method) && ev?.type === 'StringLiteral' && ev.value === 'change') note(b, 'emitter', dc.callee.node.property);
    }
  }
  for (const [b, m] of modes) {
    if (!m.emitter) continue;
    for (const r of b.referencePaths) {
      const f = r.parentPath;
      if (f?.isForOfStatement() && f.node.await && f.node.right === r.node) m.iterator ??= r.node;
    }
    if (!m.iterator) continue;
    const second = m.iterator.start! > m.emitter.start! ? m.iterator : m.emitter;
    ctx.report(
      'mongodb-callbacks/change-stream-mode',
      second,
      `The change stream '${b.identifier.name}' is used both as an iterator (next/hasNext/tryNext/for await) and as an event emitter ('change' listener); since 4.0 that throws.`,
    );
  }
}

/** Admin methods that took a callback (reference §4). */
const ADMIN_METHODS = new Set(['buildInfo', 'command', 'listDatabases', 'ping', 'removeUser', 'replSetGetStatus', 'serverInfo', 'serverStatus', 'validateCollection']);

/**
 * `db.admin()` and `coll.initialize{Ordered,Unordered}BulkOp()` objects (followed here through a direct chain or a
 * const, as the tracker has no kind for them): a method passed a callback is flagged (mongodb 5+ would ignore the
 * callback), and the bulk `find(q).remove()` / `.removeOne()` become `.delete()` / `.deleteOne()` (4.0). Returns the
 * number of callback sites left.
 */
export function adminAndBulk(ctx: RuleContext, tracked: Set<t.Node>): number {
  const tracker = ctx.tracker;
  const origin = (n: NodePath): 'admin' | 'bulk' | undefined => {
    let p = n;
    if (p.isIdentifier()) {
      const b = p.scope.getBinding(p.node.name);
      if (!b || b.constantViolations.length > 0 || !b.path.isVariableDeclarator() || b.path.node.id.type !== 'Identifier') return undefined;
      p = b.path.get('init') as NodePath;
    }
    if (!p.isCallExpression()) return undefined;
    const callee = p.get('callee') as NodePath;
    if (!callee.isMemberExpression() || callee.node.computed) return undefined;
    const name = memberName(callee.node);
    const k = tracker.kindOf(callee.get('object') as NodePath);
    if (k?.t !== 'handle' || k.origin !== 'native') return undefined;
    if (name === 'admin' && (k.kind === 'db' || k.kind === 'client')) return 'admin';
    if ((name === 'initializeOrderedBulkOp' || name === 'initializeUnorderedBulkOp') && k.kind === 'collection') return 'bulk';
    return undefined;
  };
  let left = 0;
  for (const c of tracker.collected.calls) {
    if (tracked.has(c.node)) continue;
    const callee = c.get('callee') as NodePath;
    if (!callee.isMemberExpression() || callee.node.computed) continue;
    const name = memberName(callee.node);
    if (!name) continue;
    const obj = callee.get('object') as NodePath;
    // bulk.find(q).remove() / .removeOne()
    if ((name === 'remove' || name === 'removeOne') && obj.isCallExpression()) {
      const inner = obj.get('callee') as NodePath;
      if (inner.isMemberExpression() && memberName(inner.node) === 'find' && origin(inner.get('object') as NodePath) === 'bulk') {
        const prop = callee.node.property;
        ctx.edit(prop.start!, prop.end!, name === 'remove' ? 'delete' : 'deleteOne');
      }
      continue;
    }
    const kind = origin(obj);
    if (!kind) continue;
    const args = c.get('arguments') as NodePath[];
    const last = args[args.length - 1];
    if (!last || !isCallbackArg(last, args.length - 1, 0)) continue;
    if (kind === 'admin' ? !ADMIN_METHODS.has(name) : name !== 'execute') continue;
    left++;
    ctx.report(
      'mongodb-callbacks/callback-not-converted',
      callee.node.property,
      `${kind === 'admin' ? 'admin()' : 'bulk'}.${name}() is passed a callback; mongodb 5+ ignores it (this call was not converted).`,
      `Await it: \`const result = await ${kind === 'admin' ? 'db.admin()' : 'bulk'}.${name}(...)\` (errors in try/catch), or \`.then((result) => cb(null, result), (err) => cb(err))\`.`,
    );
  }
  return left;
}

/** `x.collection('<literal>')`, directly or through a constant binding to it. */
function collectionShape(p: NodePath): boolean {
  let node: t.Node | null | undefined = p.node;
  if (node?.type === 'Identifier') {
    const b = p.scope.getBinding(node.name);
    node = b?.constant && b.path.isVariableDeclarator() ? b.path.node.init : undefined;
  }
  return isCollectionLiteral(node);
}

/**
 * `promisify(coll.count.bind(coll))`, `util.promisify(db.collection('x').findOne)`: a driver method handed to
 * promisify, which passes it a callback that mongodb 5+ ignores, so the promise never settles. Flagged (the method
 * returns a promise of its own now), on tracked handles and on the collection shape.
 */
export function promisifiedMethods(ctx: RuleContext): number {
  let n = 0;
  for (const c of ctx.tracker.collected.calls) {
    const callee = c.node.callee;
    const promisify = callee.type === 'Identifier' ? callee.name === 'promisify' : callee.type === 'MemberExpression' && !callee.computed && memberName(callee) === 'promisify';
    if (!promisify) continue;
    let fn = (c.get('arguments') as NodePath[])[0];
    // coll.count.bind(coll)
    if (fn?.isCallExpression() && fn.node.callee.type === 'MemberExpression' && memberName(fn.node.callee) === 'bind') fn = (fn.get('callee') as NodePath).get('object') as NodePath;
    if (!fn?.isMemberExpression() || fn.node.computed) continue;
    const name = memberName(fn.node);
    if (!name || !(CALLBACK_ON_COLLECTION.has(name) || CALLBACK_ON_CURSOR.has(name))) continue;
    const recv = fn.get('object') as NodePath;
    if (ctx.tracker.kindOf(recv)?.t !== 'handle' && !collectionShape(recv)) continue;
    ctx.report('mongodb-callbacks/promisified-method', fn.node, `promisify() of ${name}(): mongodb 5+ ignores the callback promisify passes it, so this promise never settles.`);
    n++;
  }
  return n;
}
