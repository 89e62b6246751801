/**
 * Entry point of the `mongodb-legacy` and `mongodb-callbacks` rules (called by src/js/engine.ts after the motor
 * rules). Every rewrite is keyed on an old-API site (a callback argument, a removed method or option, an old
 * result field, an ObjectID, a mongodb-legacy import), so code already on the promise API is left byte-identical.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { memberName, type ImportSite, type Tracker } from '../../tracking/tracker.js';
import type { EngineOptions } from '../../core/types.js';
import { isLegacySpecifier } from '../../presets/mongodb-legacy.js';
import { isBareSpecifier } from '../modules.js';
import { CALLBACK_ON_COLLECTION, CALLBACK_ON_CURSOR, FLAGGED_EXPORTS } from '../../presets/mongodb-callbacks.js';
import { driverCall, isCallbackArg, isInlineFn, paramName, type DriverCall } from './calls.js';
import { connectParamUse, seedCallbackHandles } from './track.js';
import { apply, decide, prepare, type ConvertState } from './convert.js';
import { applyEach, decideEach } from './each.js';
import { rewriteClientOptions, rewriteMethod, rewriteOptions, rewriteWriteConcern, rewriteResults, type MethodEnv } from './methods.js';
import { callbackOptions, dependsOnDriver, driverMajor } from './era.js';
import { reportUntracked } from './untracked.js';
export { UNTRACKED_COLLECTION_SHAPE } from '../prefilter.js';

/** Method names distinctive enough that a call passing a callback is a driver call even on an untracked receiver. */
const DISTINCTIVE = new Set([
  'toArray', 'findOne', 'insertOne', 'insertMany', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'replaceOne', 'countDocuments',
  'estimatedDocumentCount', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'bulkWrite', 'createIndex', 'createIndexes',
  'ensureIndex', 'dropIndex', 'findAndModify', 'findAndRemove', 'dropCollection', 'dropDatabase', 'createCollection', 'hasNext', 'nextObject', 'collection',
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

/** `x.collection('<literal>')` (one argument, a string or a template without expressions). */
function isCollectionLiteral(node: t.Node | null | undefined): boolean {
  if (node?.type !== 'CallExpression' || node.arguments.length !== 1) return false;
  const rc = node.callee;
  if (rc.type !== 'MemberExpression' || rc.computed || rc.property.type !== 'Identifier' || rc.property.name !== 'collection') return false;
  const arg = node.arguments[0]!;
  return arg.type === 'StringLiteral' || (arg.type === 'TemplateLiteral' && arg.expressions.length === 0);
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
    if (c.node.type === 'CallExpression' && isCollectionLiteralCall(c)) reportUntrackedCallback(ctx, c.node.callee as t.MemberExpression, (c.node.callee as t.MemberExpression & { property: t.Identifier }).property.name, true);
  }
  reportUntracked(ctx, absPath, new Set());
}

export const CALLBACK_PRESETS = ['mongodb-legacy', 'mongodb-callbacks'];

/** Does the preset selected for this run apply the callback rules? */
export function callbackPresetApplies(preset: string): boolean {
  return preset === 'auto' || CALLBACK_PRESETS.includes(preset);
}

function quoteOf(ctx: RuleContext, lit: t.StringLiteral): string {
  const q = ctx.text[lit.start!];
  return q === '"' || q === '`' ? q : "'";
}

/** Where a binding comes from `mongodb`/`mongodb-legacy`: the exported name it was imported as. */
function driverExportOf(binding: Binding | undefined): string | undefined {
  if (!binding) return undefined;
  const p = binding.path;
  if (p.isImportSpecifier()) {
    const decl = p.parentPath!.node as t.ImportDeclaration;
    if (decl.source.value !== 'mongodb' && !isLegacySpecifier(decl.source.value)) return undefined;
    return p.node.imported.type === 'Identifier' ? p.node.imported.name : p.node.imported.value;
  }
  if (p.isVariableDeclarator()) {
    const init = p.node.init;
    const isReq = (n: t.Node | null | undefined): boolean =>
      n?.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'StringLiteral' && (n.arguments[0].value === 'mongodb' || isLegacySpecifier(n.arguments[0].value));
    if (p.node.id.type === 'ObjectPattern' && isReq(init)) {
      for (const pr of p.node.id.properties) {
        if (pr.type === 'ObjectProperty' && pr.value.type === 'Identifier' && pr.value.name === binding.identifier.name && pr.key.type === 'Identifier') return pr.key.name;
      }
    }
    if (p.node.id.type === 'Identifier' && init?.type === 'MemberExpression' && isReq(init.object) && init.property.type === 'Identifier') return init.property.name;
  }
  return undefined;
}

/** `var ObjectID = mongodb.ObjectID` / `const { ObjectID } = mongodb` (mongodb being the module, followed by the tracker): the export name, for a never-reassigned alias. */
function moduleMemberAlias(tracker: RuleContext['tracker'], binding: Binding | undefined): string | undefined {
  if (!binding || !binding.constant) return undefined;
  const p = binding.path;
  if (!p.isVariableDeclarator()) return undefined;
  if (p.node.id.type === 'ObjectPattern') {
    // const { ObjectID: Oid } = mongodb
    const k = p.node.init ? tracker.kindOf(p.get('init') as NodePath) : undefined;
    if (k?.t !== 'module' || k.origin !== 'native') return undefined;
    for (const pr of p.node.id.properties) {
      if (pr.type === 'ObjectProperty' && pr.key.type === 'Identifier' && pr.value.type === 'Identifier' && pr.value.name === binding.identifier.name) return pr.key.name;
    }
    return undefined;
  }
  if (p.node.id.type !== 'Identifier') return undefined;
  const init = p.get('init');
  if (!init.isMemberExpression() || init.node.computed || init.node.property.type !== 'Identifier') return undefined;
  const k = tracker.kindOf(init.get('object') as NodePath);
  return k?.t === 'module' && k.origin === 'native' ? init.node.property.name : undefined;
}

function typeRefsOf(ctx: RuleContext, binding: Binding): NodePath[] {
  const out: NodePath[] = [];
  for (const r of ctx.tracker.collected.typeRefs) {
    const n = r.node.typeName;
    if (n.type === 'Identifier' && n.name === binding.identifier.name && r.scope.getBinding(n.name) === binding) out.push(r.get('typeName') as NodePath);
  }
  return out;
}

/** Type names of mongodb 3 (`@types/mongodb`) and their mongodb 6/7 names (js-wrappers.md §3.5). */
const TYPE_RENAMES = new Map<string, string>([
  ['FilterQuery', 'Filter'],
  ['UpdateQuery', 'UpdateFilter'],
  ['FindOneOptions', 'FindOptions'],
  ['CollectionInsertOneOptions', 'InsertOneOptions'],
  ['MongoCountPreferences', 'CountDocumentsOptions'],
  ['CollectionAggregationOptions', 'AggregateOptions'],
  ['Cursor', 'FindCursor'],
  ['InsertOneWriteOpResult', 'InsertOneResult'],
  ['InsertWriteOpResult', 'InsertManyResult'],
  ['UpdateWriteOpResult', 'UpdateResult'],
  ['DeleteWriteOpResultObject', 'DeleteResult'],
  ['FindAndModifyWriteOpResultObject', 'ModifyResult'],
  ['BulkWriteOpResultObject', 'BulkWriteResult'],
  ['FindOneAndUpdateOption', 'FindOneAndUpdateOptions'],
]);

/** ObjectID -> ObjectId (imports, requires, members, references), ObjectId(x) -> new ObjectId(x), removed exports flagged. */
function bsonRules(ctx: RuleContext): void {
  const tracker = ctx.tracker;
  const program = tracker.programPath;
  const renamed = new Set<Binding>();
  const renameBinding = (binding: Binding, keyEdit: () => void, aliasEdit: () => void, to = 'ObjectId') => {
    const refs = [...binding.referencePaths, ...typeRefsOf(ctx, binding)];
    const clash = program.scope.hasBinding(to) || refs.some((r) => r.scope.hasBinding(to) && r.scope.getBinding(to) !== binding);
    if (clash) {
      aliasEdit();
      return;
    }
    keyEdit();
    renamed.add(binding);
    const seen = new Set<number>();
    for (const r of refs) {
      if (seen.has(r.node.start!)) continue;
      seen.add(r.node.start!);
      const pn = r.parentPath?.node;
      if (pn?.type === 'ObjectProperty' && (pn as t.ObjectProperty).shorthand) ctx.edit(r.node.start!, r.node.end!, `${binding.identifier.name}: ${to}`);
      else ctx.edit(r.node.start!, r.node.end!, to);
    }
  };
  const renamePattern = (d: NodePath<t.VariableDeclarator>) => {
    for (const pr of (d.node.id as t.ObjectPattern).properties) {
      if (pr.type !== 'ObjectProperty' || pr.key.type !== 'Identifier') continue;
      const k = pr.key.name;
      if (FLAGGED_EXPORTS[k]) ctx.report('mongodb-callbacks/removed-export', pr, `'${k}' is no longer exported by mongodb.`, FLAGGED_EXPORTS[k]);
      if (k !== 'ObjectID' || pr.value.type !== 'Identifier') continue;
      const binding = d.scope.getBinding(pr.value.name);
      if (pr.shorthand && binding) {
        renameBinding(
          binding,
          () => ctx.edit(pr.start!, pr.end!, 'ObjectId'),
          () => ctx.edit(pr.start!, pr.end!, 'ObjectId: ObjectID'),
        );
      } else ctx.edit(pr.key.start!, pr.key.end!, 'ObjectId');
    }
  };
  for (const site of tracker.imports) {
    if (site.origin !== 'native') continue;
    if (site.form === 'esm') {
      const decl = site.path.node as t.ImportDeclaration;
      for (const spec of decl.specifiers) {
        if (spec.type !== 'ImportSpecifier') continue;
        const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
        if (FLAGGED_EXPORTS[imported]) ctx.report('mongodb-callbacks/removed-export', spec, `'${imported}' is no longer exported by mongodb.`, FLAGGED_EXPORTS[imported]);
        // TypeScript types renamed since mongodb 3 (@types/mongodb): the import and its references follow.
        const typeName = ctx.isTypeScript ? TYPE_RENAMES.get(imported) : undefined;
        if (typeName) {
          const binding = site.path.scope.getBinding(spec.local.name);
          // Babel's scope knows no type declarations (`type InsertManyResult = …`): any use of the new name in the
          // file keeps the old local name through an alias.
          if (spec.local.name === imported && binding && !new RegExp(`\\b${typeName}\\b`).test(ctx.text)) {
            renameBinding(
              binding,
              () => ctx.edit(spec.start!, spec.end!, spec.importKind === 'type' ? `type ${typeName}` : typeName),
              () => ctx.edit(spec.imported.start!, spec.imported.end!, `${typeName} as ${imported}`),
              typeName,
            );
          } else if (spec.local.name === imported) ctx.edit(spec.imported.start!, spec.imported.end!, `${typeName} as ${imported}`);
          else ctx.edit(spec.imported.start!, spec.imported.end!, typeName);
          continue;
        }
        if (imported !== 'ObjectID') continue;
        const binding = site.path.scope.getBinding(spec.local.name);
        if (spec.local.name === 'ObjectID' && binding) {
          renameBinding(
            binding,
            () => ctx.edit(spec.start!, spec.end!, 'ObjectId'),
            () => ctx.edit(spec.imported.start!, spec.imported.end!, 'ObjectId as ObjectID'),
          );
        } else ctx.edit(spec.imported.start!, spec.imported.end!, 'ObjectId');
      }
    } else if (site.form === 'require') {
      const d = site.path.parentPath;
      if (!d?.isVariableDeclarator() || d.node.id.type !== 'ObjectPattern') continue;
      renamePattern(d);
    }
  }
  // const { ObjectID } = mongodb (the module object held in a binding: `require('mongodb')`, `import * as m`, `import m from`)
  for (const d of tracker.collected.declarators) {
    if (d.node.id.type !== 'ObjectPattern' || !d.node.init || d.node.init.type === 'CallExpression') continue;
    const k = tracker.kindOf(d.get('init') as NodePath);
    if (k?.t === 'module' && k.origin === 'native') renamePattern(d);
  }
  // mongodb.ObjectID, require('mongodb').ObjectID, removed exports read from the module object
  for (const m of tracker.collected.members) {
    const name = memberName(m.node);
    if (!name || m.node.computed) continue;
    if (name !== 'ObjectID' && name !== 'ObjectId' && !FLAGGED_EXPORTS[name]) continue;
    const k = tracker.kindOf(m.get('object') as NodePath);
    if (k?.t !== 'module' || k.origin !== 'native') continue;
    if (FLAGGED_EXPORTS[name]) {
      ctx.report('mongodb-callbacks/removed-export', m.node.property, `'${name}' is no longer exported by mongodb.`, FLAGGED_EXPORTS[name]);
      continue;
    }
    if (name === 'ObjectID') ctx.edit(m.node.property.start!, m.node.property.end!, 'ObjectId');
  }
  // ObjectId(x) without new
  for (const c of tracker.collected.calls) {
    const callee = c.node.callee;
    let isOid = false;
    if (callee.type === 'Identifier') {
      const binding = c.scope.getBinding(callee.name);
      const exp = driverExportOf(binding) ?? moduleMemberAlias(tracker, binding);
      isOid = exp === 'ObjectId' || exp === 'ObjectID';
    } else if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && (callee.property.name === 'ObjectId' || callee.property.name === 'ObjectID')) {
      const k = tracker.kindOf(c.get('callee.object') as NodePath);
      isOid = k?.t === 'module' && k.origin === 'native';
    }
    if (isOid) ctx.edit(c.node.start!, c.node.start!, 'new ');
    else if (callee.type === 'Identifier' && (callee.name === 'ObjectID' || callee.name === 'ObjectId') && fromLocalModule(c.scope.getBinding(callee.name))) {
      // const { ObjectID } = require('./db'): most likely the driver's, re-exported, but not provably.
      ctx.report(
        'mongodb-callbacks/objectid-call-untracked',
        callee,
        `${callee.name}(…) is called without new on a value from a local module; if it is mongodb's ObjectId, mongodb 4+ throws "Class constructor ObjectId cannot be invoked without 'new'".`,
      );
    }
  }
  void renamed;
}

/** A binding imported or required from a local module (`import { ObjectID } from './db'`, `const { ObjectID } = require('../db')`). */
function fromLocalModule(binding: Binding | undefined): boolean {
  if (!binding) return false;
  const p = binding.path;
  if (p.isImportSpecifier() || p.isImportDefaultSpecifier()) {
    const source = (p.parentPath?.node as t.ImportDeclaration | undefined)?.source.value;
    return typeof source === 'string' && !isBareSpecifier(source);
  }
  if (!p.isVariableDeclarator()) return false;
  let init = p.node.init;
  while (init?.type === 'MemberExpression') init = init.object;
  return (
    init?.type === 'CallExpression' &&
    init.callee.type === 'Identifier' &&
    init.callee.name === 'require' &&
    init.arguments[0]?.type === 'StringLiteral' &&
    !isBareSpecifier(init.arguments[0].value)
  );
}

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
function authRules(ctx: RuleContext, args: NodePath[], env: MethodEnv): void {
  if (env.target < 7) return;
  const uri = args[0]?.node;
  const s = staticString(uri);
  const fix = 'Remove the credentials from the URI and options; provide them through the AWS environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, or an instance/task role) and install @aws-sdk/credential-providers.';
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
    const creds = props.find((p) => key(p) === 'auth') ?? props.find((p) => key(p) === 'authMechanismProperties' && (p as t.ObjectProperty).value.type === 'ObjectExpression' && ((p as t.ObjectProperty).value as t.ObjectExpression).properties.some((q) => key(q) === 'AWS_SESSION_TOKEN'));
    if (creds) ctx.report('mongodb-callbacks/auth-mechanism', creds, 'MONGODB-AWS credentials passed as options are rejected by mongodb 7.', fix);
  } else if (mech === 'MONGODB-CR' && mechProp) {
    ctx.report('mongodb-callbacks/auth-mechanism', mechProp, 'The MONGODB-CR mechanism was removed in mongodb 7.', 'Use SCRAM-SHA-256 (or SCRAM-SHA-1): drop authMechanism and let the driver negotiate.');
  }
}

/** The error label misspelt until 6.x (`PoolRequstedRetry`) is `PoolRequestedRetry` in 7 (reference §5.4). */
function errorLabelRule(ctx: RuleContext): void {
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
function sessionAndStreamRules(ctx: RuleContext, calls: DriverCall[], env: MethodEnv): void {
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
        ctx.report('mongodb-callbacks/with-transaction', dc.callee.node.property, 'The result of withTransaction() is used: before 6.0 it was the commit command result (undefined when the callback aborted), since 6.0 it is what the callback returns.');
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
    ctx.report('mongodb-callbacks/change-stream-mode', second, `The change stream '${b.identifier.name}' is used both as an iterator (next/hasNext/tryNext/for await) and as an event emitter ('change' listener); since 4.0 that throws.`);
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
function adminAndBulk(ctx: RuleContext, tracked: Set<t.Node>): number {
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
    ctx.report('mongodb-callbacks/callback-not-converted', callee.node.property, `${kind === 'admin' ? 'admin()' : 'bulk'}.${name}() is passed a callback; mongodb 5+ ignores it (this call was not converted).`, `Await it: \`const result = await ${kind === 'admin' ? 'db.admin()' : 'bulk'}.${name}(...)\` (errors in try/catch), or \`.then((result) => cb(null, result), (err) => cb(err))\`.`);
  }
  return left;
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
  if (!seeded) return;
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
      ctx.report('mongodb-callbacks/drop-missing', dc.callee.node.property, `${dc.method}() of a collection that does not exist was rejected with NamespaceNotFound by mongodb-legacy's driver (servers before 7.0); mongodb 7 resolves false instead.`);
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
    const collectionShape = isCollectionLiteralCall(c as NodePath<t.CallExpression>);
    if (!DISTINCTIVE.has(name)) {
      if (!collectionShape) continue;
    } else {
      if (name === 'collection' && (args.length < 2 || !args[0]!.isStringLiteral())) continue;
      if (!isCallbackArg(last, args.length - 1, name === 'toArray' || name === 'hasNext' || name === 'nextObject' ? 0 : 9)) continue;
    }
    untracked++;
    reportUntrackedCallback(ctx, callee, name, collectionShape);
  }

  untracked += adminAndBulk(ctx, tracked);
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
      ctx.report('mongodb-callbacks/drop-missing', dc.callee.node.property, `${dc.method}() of a collection that does not exist failed with NamespaceNotFound (servers before 7.0); mongodb 7 resolves false instead, so that case no longer reaches the error branch.`);
    }
    if (d.style !== 'adapter' && dc.cb) {
      state.inlined.set(dc.cb.node, d);
      if (d.shape.t === 'guard') state.guards.add(d.shape.ifStmt.node);
    }
    if (ctx.options.mode !== 'check' && d.style === 'each' && (d.each as { loopReturns: { to: string }[] }).loopReturns.some((r) => r.to === 'break')) {
      ctx.report('mongodb-callbacks/each-return-false', dc.callee.node.property, "The each() callback returned false to stop; mongodb 2/3 honoured it only between batches (documents already buffered were still delivered), the loop now stops at once with `break`.");
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
      ctx.report('mongodb-legacy/legacy-import', site.source, `'${site.specifier}' was kept: ${unconverted} callback call site(s) could not be converted, and mongodb would silently ignore their callbacks.`, 'Convert the flagged callbacks by hand, then run again.');
      continue;
    }
    if (ctx.options.mode === 'check') ctx.report('mongodb-legacy/legacy-import', site.source, `'${site.specifier}' can be replaced by 'mongodb'.`);
    const q = quoteOf(ctx, site.source);
    ctx.edit(site.source.start!, site.source.end!, `${q}mongodb${site.specifier.slice('mongodb-legacy'.length)}${q}`);
    ctx.replacedPackages.add('mongodb-legacy');
  }

  // The generic native checks (motor rules) do not report what this preset handled or flagged.
  const at = new Set([...env.handled].map((o) => {
    const p = ctx.lines.position(o);
    return `${p.line}:${p.column}`;
  }));
  for (let i = ctx.findings.length - 1; i >= 0; i--) {
    const f = ctx.findings[i]!;
    if ((f.ruleId === 'native/unknown-method' || f.ruleId === 'native/client-option') && at.has(`${f.line}:${f.column}`)) ctx.findings.splice(i, 1);
  }
}
