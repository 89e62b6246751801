/**
 * Never silent: in a package that depends on the driver (mongodb, mongodb-legacy, @fastify/mongodb,
 * fastify-mongodb), old-API calls whose receiver the tracker could not follow are reported with their manual fix,
 * never rewritten. A receiver `<expr>.collection('<literal>')` counts as a collection here (findings only);
 * receivers that provably belong to another library (knex, lodash, Immutable, Express, Firestore, mongoose, a
 * local function or class) get nothing.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { memberName } from '../../tracking/tracker.js';
import { isBareSpecifier } from '../modules.js';
import { ARGS_BEFORE_CALLBACK, CALLBACK_ON_COLLECTION, MODIFY_RESULT_METHODS, REMOVED_METHOD_FIXES, WRITE_RESULT_METHODS } from '../../presets/mongodb-callbacks.js';
import { CLIENT_OPTIONS } from '../../generated/native-surface.js';
import { nativeAcceptsClientOption } from '../../presets/native-surface.js';
import { DRIVER_PACKAGES, dependsOnMongoose, driverMajor } from './era.js';
import { isCollectionLiteral } from './calls.js';

/** Web frameworks: their objects carry handles in properties (`app.locals.db`, `ctx.db`, `fastify.mongo.db`). */
const FRAMEWORKS = new Set(['express', 'koa', 'fastify', '@koa/router', 'koa-router', '@hapi/hapi', 'hapi', 'restify', 'http', 'https']);

/** Method names that took an err-first callback on a Db, collection or cursor (an unknown receiver needs `(err, …) =>`). */
const CALLBACK_NAMES = new Set([...CALLBACK_ON_COLLECTION, 'toArray', 'hasNext', 'nextObject', 'explain', 'collection', 'createCollection', 'dropCollection', 'dropDatabase', 'listCollections']);

/**
 * Method names only the driver uses: any callback last (inline, or an identifier named like one: `cb`, `done`,
 * `callback`) marks a callback-era call, and their results' old fields are reported whatever the arguments.
 */
const DRIVER_NAMES = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'replaceOne',
  'findOne',
  'countDocuments',
  'estimatedDocumentCount',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'bulkWrite',
  'createIndex',
  'createIndexes',
  'dropIndex',
  'dropIndexes',
  'indexExists',
  'indexInformation',
  'toArray',
  'hasNext',
  'nextObject',
  'listDatabases',
  'serverStatus',
  'dropDatabase',
  'dropCollection',
  'createCollection',
  'listCollections',
  'distinct',
  'findAndModify',
  'findAndRemove',
  'ensureIndex',
]);
/** Generic names that took an err-first callback on driver objects: only an inline `(err, …) =>` marks them. */
const GENERIC_CALLBACK_NAMES = new Set(['each', 'next', 'stats', 'command', 'explain', 'execute', 'collections', 'indexes', 'aggregate', 'rename', 'drop', 'count', 'connect']);
/**
 * A receiver named like a driver object (`client`, `this._mongoClient`, `db`, `cursor`, `bulk`, `coll`, a
 * `find(…)` chain): there a generic name with any callback is a driver call. close(cb) and connect(cb) need one
 * (an http server closes with an err-first callback too).
 */
export const DRIVERISH_RECEIVER = /(?:client|mongo\w*|\bdb|database|conn\w*|cursor|bulk\w*|coll(?:ection)?s?|\.(?:find|aggregate)\([^]*\))$/i;
const NEEDS_DRIVERISH = new Set(['close', 'connect']);
const CB_IDENT = /^(?:cb|callback|next|done|finish|fn|callback\w*|\w*Callback|\w*Cb)$/;

export function callbackArg(node: t.Node | undefined): boolean {
  return isCallbackNode(node) || (node?.type === 'Identifier' && CB_IDENT.test(node.name));
}

/** Removed method names no other common library uses: reported on any receiver not proven foreign. */
const DISTINCTIVE_REMOVED = new Set(['ensureIndex', 'findAndModify', 'findAndRemove', 'mapReduce', 'geoNear', 'geoHaystackSearch', 'reIndex', 'dropAllIndexes', 'parallelCollectionScan']);

const ERR_PARAM = /^(?:err|error|er)$/;

/** Keys that only MongoDB queries, updates and options use. */
function mongoKey(key: string): boolean {
  return key.startsWith('$') || key === '_id' || key === 'multi' || key === 'upsert';
}

function keyOf(p: t.ObjectExpression['properties'][number]): string | undefined {
  if (p.type !== 'ObjectProperty' || p.computed) return undefined;
  return p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : undefined;
}

/** A query, update or options literal among the first three arguments (`{ _id: id }`, `{ $set: … }`, `{ age: { $gt: 1 } }`, `{ upsert: true }`). */
function isObjectIdValue(node: t.Node): boolean {
  if (node.type !== 'NewExpression' && node.type !== 'CallExpression') return false;
  const c = node.callee;
  const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' && !c.computed && c.property.type === 'Identifier' ? c.property.name : undefined;
  return name === 'ObjectID' || name === 'ObjectId';
}

export function mongoArgs(args: t.Node[]): boolean {
  for (const a of args.slice(0, 3)) {
    if (a.type !== 'ObjectExpression') continue;
    for (const p of a.properties) {
      const k = keyOf(p);
      if (k && mongoKey(k)) return true;
      if (p.type === 'ObjectProperty' && p.value.type === 'ObjectExpression' && p.value.properties.some((q) => keyOf(q)?.startsWith('$'))) return true;
      // `{ userId: new ObjectID(id) }`, `{ _id: mongodb.ObjectId(x) }`: a filter on an ObjectId.
      if (p.type === 'ObjectProperty' && isObjectIdValue(p.value)) return true;
    }
  }
  return false;
}

export interface Chain {
  /** A bare or relative module specifier the chain starts from (`require('knex')(…)`, an import), or '#local' for a local function or class. */
  source?: string;
  /** The receiver is that binding itself (no property read, no call on the way). */
  direct: boolean;
  /** Property reads on the way (`app.locals.db`). */
  props: number;
  /** The chain goes through `x.collection('<literal>')`. */
  collection: boolean;
  /** Name of the root identifier. */
  rootName?: string;
}

/** Where a receiver expression comes from, followed through never-reassigned variables (a few steps). */
export function chainOf(node: t.Node, scope: NodePath['scope'], depth = 0): Chain {
  const out: Chain = { direct: true, props: 0, collection: false };
  let n: t.Node = node;
  for (;;) {
    if (n.type === 'TSNonNullExpression' || n.type === 'TSAsExpression' || n.type === 'ParenthesizedExpression' || n.type === 'TypeCastExpression' || n.type === 'AwaitExpression') {
      n = n.type === 'AwaitExpression' ? n.argument : n.expression;
      continue;
    }
    if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
      out.direct = false;
      out.props++;
      n = n.object;
      continue;
    }
    if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
      out.direct = false;
      if (isCollectionLiteral(n)) out.collection = true;
      const callee = n.callee;
      if (callee.type === 'Identifier' && callee.name === 'require' && n.arguments[0]?.type === 'StringLiteral') {
        out.source = n.arguments[0].value;
        return out;
      }
      if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') n = callee.object;
      else n = callee;
      continue;
    }
    if (n.type === 'NewExpression') {
      out.direct = false;
      n = n.callee;
      continue;
    }
    break;
  }
  if (n.type !== 'Identifier') {
    // a literal (`[…].count`, `'x'.…`), `this`, …: only `this` may hold a handle
    if (n.type !== 'ThisExpression' && n.type !== 'Super') out.source = '#literal';
    return out;
  }
  out.rootName = n.name;
  const b = scope.getBinding(n.name);
  if (!b) return out;
  const p = b.path;
  if (p.isImportSpecifier() || p.isImportDefaultSpecifier() || p.isImportNamespaceSpecifier()) {
    out.source = (p.parentPath!.node as t.ImportDeclaration).source.value;
    return out;
  }
  if (b.kind === 'local' && p.isFunctionExpression() && depth < 4) {
    // `function orders(db) { const orders = db.collection('orders'); … }`: Babel binds the name to the function
    // expression; the body's const shadows it.
    for (const st of p.node.body.body) {
      if (st.type !== 'VariableDeclaration' || st.kind !== 'const') continue;
      for (const d of st.declarations) {
        if (d.id.type === 'Identifier' && d.id.name === n.name && d.init) {
          const inner = chainOf(d.init, p.get('body').scope, depth + 1);
          return { ...inner, direct: false, rootName: inner.rootName ?? n.name, source: inner.source === '#local' ? undefined : inner.source };
        }
      }
    }
  }
  if (b.kind === 'param' && typedOther(b)) {
    out.source = '#typed';
    return out;
  }
  if (b.kind === 'hoisted' || p.isClassDeclaration()) {
    out.source = '#local';
    return out;
  }
  if (p.isVariableDeclarator() && p.node.init && b.constantViolations.length === 0 && depth < 4) {
    const inner = chainOf(p.node.init, p.scope, depth + 1);
    out.source = inner.source === '#local' && !inner.direct ? undefined : inner.source;
    out.collection ||= inner.collection;
    out.props += inner.props;
    if (inner.source && inner.source !== '#local') out.direct &&= inner.direct;
    out.rootName = inner.rootName ?? out.rootName;
  }
  return out;
}

/** JSDoc and TS types that say nothing (the tracker reads the mongodb ones). */
const VAGUE_TYPE = /^(?:\*|any|unknown|Object|object|\?)$/;

/**
 * A parameter typed as something other than a mongodb handle (`@param {Datastore} store`, `store: Knex`): had it
 * been a driver type, the tracker would have followed it.
 */
function typedOther(b: Binding): boolean {
  const id = b.identifier as t.Identifier;
  const ann = id.typeAnnotation;
  if (ann && ann.type === 'TSTypeAnnotation') {
    const ty = ann.typeAnnotation;
    return ty.type !== 'TSAnyKeyword' && ty.type !== 'TSUnknownKeyword' && ty.type !== 'TSObjectKeyword';
  }
  // JSDoc on the function (or on the declaration holding it)
  let fn: NodePath | null = b.path.isFunction() ? b.path : b.path.findParent((p) => p.isFunction());
  const comments: t.Comment[] = [];
  for (let n: NodePath | null = fn, i = 0; n && i < 3; n = n.parentPath, i++) {
    comments.push(...(n.node.leadingComments ?? []));
    if (n.isStatement()) break;
  }
  fn = null;
  for (const c of comments) {
    const m = new RegExp(`@param\\s+\\{([^}]+)\\}\\s+\\[?${id.name}\\b`).exec(c.value);
    if (m) {
      const ty = m[1]!.trim();
      return !VAGUE_TYPE.test(ty) && !/mongo|Collection|\bDb\b|Cursor/.test(ty);
    }
  }
  return false;
}

/** A local module named like the app's database module (`./db`, `../lib/mongo`, `./database`). */
const DB_MODULE = /(?:^|[/._-])(?:mongo\w*|db|database|models?)(?:[/._-]|$)/i;

export type ReceiverClass = 'foreign' | 'collection' | 'local' | 'unknown';

function isDriverSpecifier(ctx: RuleContext, spec: string): boolean {
  return DRIVER_PACKAGES.includes(spec) || spec.startsWith('mongodb/') || spec.startsWith('mongodb-legacy/') || (ctx.options.wrapperModules ?? []).includes(spec);
}

export function classify(ctx: RuleContext, recv: NodePath, mongoose: boolean, c: Chain = chainOf(recv.node, recv.scope)): ReceiverClass {
  const src = c.source;
  if (src === '#literal' || src === '#typed') return 'foreign';
  if (src !== undefined && src !== '#local' && isBareSpecifier(src) && !isDriverSpecifier(ctx, src)) {
    // app.locals.db, req.app.get('db'), fastify.mongo.db: a framework object carries handles in its properties
    if (!FRAMEWORKS.has(src) || c.props === 0) return 'foreign';
  }
  if (src === '#local' && c.direct) return 'foreign';
  if (c.collection) return 'collection';
  // Rooted at a local module the cross-file index does not know as a handle source (a cache, an id helper):
  // only a MongoDB-shaped argument makes it a suspect (see reportUntracked).
  if (src !== undefined && src !== '#local' && !isBareSpecifier(src) && !DB_MODULE.test(src)) return 'local';
  // A capitalised binding from a local module, in a package that also uses mongoose: most likely a model.
  if (mongoose && src !== undefined && !isBareSpecifier(src) && c.props === 0 && /^[A-Z]/.test(c.rootName ?? '')) return 'foreign';
  return 'unknown';
}

export function errFirst(node: t.Node | undefined): boolean {
  if (!node || (node.type !== 'ArrowFunctionExpression' && node.type !== 'FunctionExpression')) return false;
  const p = node.params[0];
  return p?.type === 'Identifier' && ERR_PARAM.test(p.name);
}

export function isCallbackNode(node: t.Node | undefined): boolean {
  return !!node && (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression');
}

/** The bindings that receive a call's result: `const r = await call`, `call.then((r) => …)`, the callback's second parameter. */
function resultBindings(call: NodePath<t.CallExpression>): Binding[] {
  const out: Binding[] = [];
  const args = call.node.arguments;
  const last = args[args.length - 1];
  if (isCallbackNode(last)) {
    const fn = (call.get('arguments') as NodePath[])[args.length - 1]!;
    const p = (last as t.Function).params[1];
    if (p?.type === 'Identifier') {
      const b = fn.scope.getOwnBinding(p.name);
      if (b) out.push(b);
    }
  }
  const parent = call.parentPath;
  if (parent?.isAwaitExpression()) {
    const d = parent.parentPath;
    if (d?.isVariableDeclarator() && d.node.id.type === 'Identifier') {
      const b = d.scope.getBinding(d.node.id.name);
      if (b) out.push(b);
    }
  }
  if (parent?.isMemberExpression() && parent.node.object === call.node && memberName(parent.node) === 'then') {
    const thenCall = parent.parentPath;
    if (thenCall?.isCallExpression() && thenCall.node.callee === parent.node) {
      const fn = (thenCall.get('arguments') as NodePath[])[0];
      if (fn && (fn.isArrowFunctionExpression() || fn.isFunctionExpression())) {
        const p = fn.node.params[0];
        if (p?.type === 'Identifier') {
          const b = fn.scope.getOwnBinding(p.name);
          if (b) out.push(b);
        }
      }
    }
  }
  return out;
}

/** `(await call).ops` and friends: a read straight off the awaited call. */
function directReads(call: NodePath<t.CallExpression>): NodePath<t.MemberExpression>[] {
  let p: NodePath | null = call.parentPath;
  if (p?.isAwaitExpression()) p = p.parentPath;
  while (p?.isParenthesizedExpression()) p = p.parentPath;
  return p?.isMemberExpression() && call.parentPath?.isAwaitExpression() ? [p as NodePath<t.MemberExpression>] : [];
}

function hasOption(args: t.Node[], key: string): boolean {
  return args.some((a) => a.type === 'ObjectExpression' && a.properties.some((p) => keyOf(p) === key));
}

/** Old result fields read on a write or findOneAnd* result that was not rewritten. */
function resultReads(ctx: RuleContext, call: NodePath<t.CallExpression>, method: string, era: number | undefined, seen: Set<number>): number {
  const modify = MODIFY_RESULT_METHODS.has(method);
  const write = WRITE_RESULT_METHODS.has(method);
  if (!modify && !write) return 0;
  if (modify && ((era !== undefined && era >= 6) || hasOption(call.node.arguments, 'includeResultMetadata'))) return 0;
  if (!modify && era !== undefined && era >= 4) return 0;
  const fields = modify ? ['value', 'lastErrorObject'] : ['ops', 'result'];
  const reads: NodePath<t.MemberExpression>[] = [...directReads(call)];
  for (const b of resultBindings(call)) {
    for (const r of b.referencePaths) {
      const m = r.parentPath;
      if (m?.isMemberExpression() && m.node.object === r.node) reads.push(m);
    }
  }
  let n = 0;
  for (const m of reads) {
    const f = memberName(m.node);
    if (!f || m.node.computed || !fields.includes(f) || seen.has(m.node.start!)) continue;
    seen.add(m.node.start!);
    n++;
    ctx.report(
      'mongodb-callbacks/untracked-result-shape',
      m.node,
      modify
        ? `.${f} is read on the result of ${method}(), whose receiver could not be followed to a mongodb handle; since mongodb 6 that result is the document itself (.${f} is undefined).`
        : `.${f} is read on the result of ${method}(), whose receiver could not be followed to a mongodb handle; mongodb 4+ results have no .${f}.`,
      modify
        ? `Read the result itself (\`const doc = await coll.${method}(...)\`), or pass \`includeResultMetadata: true\` to keep .${f}.`
        : f === 'ops'
          ? 'Use the inserted document itself (the driver adds its _id), or `insertedId` / `insertedIds`.'
          : 'Use the result counters: `insertedCount`, `matchedCount` / `modifiedCount` / `upsertedCount`, `deletedCount`, `acknowledged`.',
    );
  }
  return n;
}

/** Options that changed meaning or were removed, per method (reference §3.3, §5.2), with their fix. */
const FIELDS = 'Rename `fields` to `projection`: mongodb 4+ ignores `fields` and returns whole documents.';
const RETURN_ORIGINAL = "Use `returnDocument: 'after'` (returnOriginal: false) or `'before'`: mongodb 4+ ignores returnOriginal.";
const OLD_OPTIONS: Record<string, Record<string, string>> = {
  find: { fields: FIELDS },
  findOne: { fields: FIELDS },
  findOneAndUpdate: { fields: FIELDS, returnOriginal: RETURN_ORIGINAL },
  findOneAndReplace: { fields: FIELDS, returnOriginal: RETURN_ORIGINAL },
  findOneAndDelete: { fields: FIELDS },
  findAndModify: { fields: FIELDS, new: "Use `returnDocument: 'after'` on findOneAndUpdate / findOneAndReplace.", remove: 'Use findOneAndDelete.' },
  update: { multi: 'Use updateMany (multi: true) or updateOne; the option is gone.' },
  remove: { single: 'Use deleteOne (single: true) or deleteMany; the option is gone.' },
};

/**
 * Old options in literal option objects of calls on receivers the tracker cannot follow: reported on their own
 * line (`{ fields: … }` is silently ignored today, a data exposure).
 */
function oldOptions(ctx: RuleContext, call: NodePath<t.CallExpression>, method: string, cls: ReceiverClass, removed: boolean): number {
  const args = call.node.arguments;
  const table = OLD_OPTIONS[method]!;
  // find()/findOne() are common names: a collection-shaped receiver, or `fields` holding a projection literal.
  const suspect = cls === 'collection' || removed || DRIVER_NAMES.has(method) || mongoArgs(args as t.Node[]);
  let n = 0;
  for (const a of args.slice(1, 4)) {
    if (a.type !== 'ObjectExpression') continue;
    for (const p of a.properties) {
      const k = keyOf(p);
      if (!k || !Object.hasOwn(table, k)) continue;
      if (!suspect && !(k === 'fields' && p.type === 'ObjectProperty' && p.value.type === 'ObjectExpression')) continue;
      n++;
      ctx.report(
        'mongodb-callbacks/untracked-option',
        p,
        `The '${k}' option of ${method}() is gone since mongodb 4 (its receiver could not be followed to a mongodb handle, so it was left unchanged).`,
        table[k],
      );
    }
  }
  if (method === 'findAndModify' && args[1]?.type === 'ArrayExpression') {
    n++;
    ctx.report(
      'mongodb-callbacks/untracked-option',
      args[1],
      'The positional sort argument of findAndModify() has no place in findOneAndUpdate(); it was left unchanged.',
      'Move it into the options: `{ sort: [...] }`.',
    );
  }
  return n;
}

/** The plugin's own options (not passed to MongoClient). */
const PLUGIN_OPTIONS = new Set(['forceClose', 'url', 'name', 'database', 'client']);

/** The specifier a plugin argument comes from: `require('fastify-mongodb')`, or a binding imported/required from it. */
function pluginSource(call: NodePath<t.CallExpression>): string | undefined {
  const a = call.node.arguments[0];
  if (!a) return undefined;
  if (a.type === 'CallExpression' && a.callee.type === 'Identifier' && a.callee.name === 'require' && a.arguments[0]?.type === 'StringLiteral') return a.arguments[0].value;
  if (a.type === 'Identifier') {
    const src = chainOf(a, call.scope).source;
    return src;
  }
  return undefined;
}

/**
 * `fastify.register(require('fastify-mongodb'), { … })`: the plugin bundles its own driver (fastify-mongodb: mongodb
 * 3/4; @fastify/mongodb 7: 5, 8-9: 6, 10: 7), so raising `mongodb` does not move these handles; options the current
 * MongoClient rejects are reported too.
 */
function fastifyPlugin(ctx: RuleContext, call: NodePath<t.CallExpression>): number {
  const src = pluginSource(call);
  if (src !== 'fastify-mongodb' && src !== '@fastify/mongodb') return 0;
  let n = 0;
  const callee = call.node.callee as t.MemberExpression;
  if (src === 'fastify-mongodb') {
    n++;
    ctx.report(
      'mongodb-callbacks/fastify-plugin',
      callee.property,
      'fastify-mongodb bundles its own mongodb driver (3.x/4.x): its handles (fastify.mongo.db, .client) stay on that driver whatever package.json says about mongodb.',
      'Move to @fastify/mongodb 10 (mongodb 7; it needs fastify 5), or 8-9 (mongodb 6; fastify 4), then migrate the code that uses fastify.mongo.',
    );
  }
  const opts = call.node.arguments[1];
  if (opts?.type === 'ObjectExpression') {
    for (const p of opts.properties) {
      const k = keyOf(p);
      if (!k || PLUGIN_OPTIONS.has(k) || nativeAcceptsClientOption(k)) continue;
      n++;
      ctx.report('mongodb-callbacks/client-option', p, `The plugin passes '${k}' to MongoClient, which rejects it since mongodb 7 (or ignores it since 4).`, `Remove '${k}' from the plugin options.`);
    }
  }
  return n;
}

/** Connection-string options the current driver does not know (`?useUnifiedTopology=true`). */
const KNOWN_URI_OPTIONS = new Set(CLIENT_OPTIONS.map((o) => o.toLowerCase()));
const URI = /mongodb(?:\+srv)?:\/\/[^\s'"`]*\?[^\s'"`]*/g;

function uriOptions(ctx: RuleContext): number {
  if (!ctx.text.includes('mongodb')) return 0;
  let n = 0;
  URI.lastIndex = 0;
  for (let m = URI.exec(ctx.text); m; m = URI.exec(ctx.text)) {
    const q = m[0].indexOf('?');
    let at = m.index + q + 1;
    for (const part of m[0].slice(q + 1).split('&')) {
      const key = part.split('=')[0]!;
      if (/^[A-Za-z]\w*$/.test(key) && !KNOWN_URI_OPTIONS.has(key.toLowerCase())) {
        n++;
        ctx.report(
          'mongodb-callbacks/connection-string-option',
          { start: at, end: at + part.length },
          `The connection string option '${key}' is not supported by mongodb 6/7.`,
          /^use(?:NewUrlParser|UnifiedTopology|CreateIndex|FindAndModify)$/.test(key)
            ? `Remove \`${part}\` from the connection string (it has no effect since mongodb 4).`
            : `Remove or rename \`${key}\` (see the driver's connection string options).`,
        );
      }
      at += part.length + 1;
    }
  }
  return n;
}

/** `ObjectId(x)` without `new` on a value the codemod cannot prove is the driver's (a re-export, a property). */
function objectIdCalls(ctx: RuleContext, calls: NodePath<t.CallExpression>[], reported: Set<number>): number {
  let n = 0;
  const newAt = new Set(ctx.edits.filter((e) => e.text === 'new ' && e.start === e.end).map((e) => e.start));
  for (const c of calls) {
    const callee = c.node.callee;
    const name = callee.type === 'Identifier' ? callee.name : (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed ? memberName(callee) : undefined;
    if (name !== 'ObjectId' && name !== 'ObjectID') continue;
    if (newAt.has(c.node.start!) || reported.has(callee.start!)) continue;
    let src: string | undefined;
    if (callee.type === 'Identifier') {
      const b = c.scope.getBinding(callee.name);
      if (!b) continue; // a global (a shell script's ObjectId)
      src = chainOf(callee, c.scope).source;
      if (src === '#local') continue;
    } else {
      const ch = chainOf((callee as t.MemberExpression).object, c.scope);
      src = ch.source;
      if (src === '#local' && ch.direct) continue;
      // ids.ObjectID() from a local id helper: only a module named like a database module is a suspect
      if (src !== undefined && src !== '#local' && !isBareSpecifier(src) && !DB_MODULE.test(src)) continue;
    }
    if (src === '#literal' || src === '#typed' || (src !== undefined && src !== '#local' && isBareSpecifier(src) && !isDriverSpecifier(ctx, src))) continue;
    reported.add(callee.start!);
    n++;
    ctx.report(
      'mongodb-callbacks/objectid-call-untracked',
      callee,
      `${name}(…) is called without new on a value the codemod cannot follow to mongodb; if it is mongodb's ObjectId, mongodb 4+ throws "Class constructor ObjectId cannot be invoked without 'new'".`,
    );
  }
  return n;
}

/**
 * Reports the old-API calls of a driver-dependent package that were not rewritten (`tracked`: the calls the
 * callback rules classified as driver calls; `reported`: callee property offsets already reported). Returns how
 * many sites it reported.
 */
export function reportUntracked(ctx: RuleContext, absPath: string, tracked: Set<t.Node>): number {
  // Sites the other rules already reported (a finding at the same place) are not reported twice.
  const reported = new Set<number>();
  const at = new Set(ctx.findings.map((f) => `${f.line}:${f.column}`));
  for (const c of at.size ? ctx.tracker.collected.calls : []) {
    const callee = c.node.callee;
    for (const node of [callee, (callee as t.MemberExpression).property]) {
      if (!node || node.start == null) continue;
      const p = ctx.lines.position(node.start);
      if (at.has(`${p.line}:${p.column}`)) reported.add(node.start);
    }
  }
  const mongoose = dependsOnMongoose(ctx.options, absPath);
  const era = driverMajor(ctx.options, absPath, false);
  const tracker = ctx.tracker;
  const seenReads = new Set<number>();
  let n = 0;
  for (const c of tracker.collected.calls) {
    if (tracked.has(c.node)) continue;
    const callee = c.node.callee;
    if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed || callee.property.type !== 'Identifier') continue;
    const name = callee.property.name;
    if (name === 'register') {
      n += fastifyPlugin(ctx, c);
      continue;
    }
    const removed = Object.hasOwn(REMOVED_METHOD_FIXES, name);
    const driverName = DRIVER_NAMES.has(name);
    const generic = GENERIC_CALLBACK_NAMES.has(name) || name === 'close';
    const cbName = driverName || CALLBACK_NAMES.has(name) || generic;
    const shaped = MODIFY_RESULT_METHODS.has(name) || WRITE_RESULT_METHODS.has(name);
    const optionMethod = Object.hasOwn(OLD_OPTIONS, name);
    if (!removed && !cbName && !shaped && !optionMethod) continue;
    const recv = c.get('callee.object') as NodePath;
    if (tracker.kindOf(recv)) continue; // a tracked handle or module: the tracked rules own it
    const cls = classify(ctx, recv, mongoose);
    if (cls === 'foreign') continue;
    if (optionMethod) n += oldOptions(ctx, c, name, cls, removed);
    const args = c.node.arguments;
    const last = args[args.length - 1];
    const looksMongo = cls === 'collection' || DISTINCTIVE_REMOVED.has(name) || mongoArgs(args as t.Node[]) || (cls === 'unknown' && errFirst(last));
    let flagged = reported.has(callee.property.start!);
    if (!flagged && removed && looksMongo) {
      flagged = true;
      reported.add(callee.property.start!);
      n++;
      const cb = isCallbackNode(last) ? ' It is passed a callback, which mongodb 5+ ignores.' : '';
      ctx.report(
        'mongodb-callbacks/untracked-removed-method',
        callee.property,
        `${name}() ${name === 'count' ? 'is deprecated in the mongodb collection API (it counted differently, and countDocuments/estimatedDocumentCount replace it)' : 'was removed from the mongodb collection API'}; its receiver could not be followed to a mongodb handle, so it was left unchanged.${cb}`,
        REMOVED_METHOD_FIXES[name],
      );
    } else if (
      !flagged &&
      cbName &&
      args.length - 1 >= (ARGS_BEFORE_CALLBACK[name] ?? 0) &&
      (cls === 'collection'
        ? isCallbackNode(last)
        : cls === 'unknown'
          ? (() => {
              const driverish = generic && DRIVERISH_RECEIVER.test(ctx.text.slice(recv.node.start!, recv.node.end!));
              if (NEEDS_DRIVERISH.has(name) && !driverish) return false;
              return errFirst(last) || ((driverName || driverish) && callbackArg(last));
            })()
          : errFirst(last) && mongoArgs(args as t.Node[]))
    ) {
      flagged = true;
      reported.add(callee.property.start!);
      n++;
      // On a receiver of the collection shape, or with an err-first callback written out (`(err, doc) => ...`), the
      // callback is what mongodb 5+ ignores: legacy code `check` must fail on. A bare callback name stays a warning.
      ctx.report(
        'mongodb-callbacks/untracked-callback',
        callee.property,
        `${name}() is passed a callback, but its receiver could not be followed to a mongodb handle; it was left unchanged.`,
        undefined,
        cls === 'collection' || errFirst(last) ? 'error' : undefined,
      );
    }
    if (shaped && (flagged || looksMongo || (driverName && cls === 'unknown'))) n += resultReads(ctx, c, name, era, seenReads);
  }
  n += objectIdCalls(ctx, tracker.collected.calls, reported);
  n += uriOptions(ctx);
  return n;
}
