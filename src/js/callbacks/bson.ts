/**
 * The callback presets' BSON and type rules: `ObjectID` -> `ObjectId` (imports, members, re-exports, calls without
 * `new`), the mongodb 3 type names of TypeScript code (FilterQuery -> Filter, ...) with their references, and the
 * other renamed or removed exports of the driver module.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { memberName } from '../../tracking/tracker.js';
import { isLegacySpecifier } from '../../presets/mongodb-legacy.js';
import { isBareSpecifier } from '../modules.js';
import { FLAGGED_EXPORTS } from '../../presets/mongodb-callbacks.js';

export function quoteOf(ctx: RuleContext, lit: t.StringLiteral): string {
  const q = ctx.text[lit.start!];
  return q === '"' || q === '`' ? q : "'";
}

/** Where a binding comes from `mongodb`/`mongodb-legacy`: the exported name it was imported as. */
export function driverExportOf(binding: Binding | undefined): string | undefined {
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
      n?.type === 'CallExpression' &&
      n.callee.type === 'Identifier' &&
      n.callee.name === 'require' &&
      n.arguments[0]?.type === 'StringLiteral' &&
      (n.arguments[0].value === 'mongodb' || isLegacySpecifier(n.arguments[0].value));
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
export function bsonRules(ctx: RuleContext): void {
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
    init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && init.arguments[0]?.type === 'StringLiteral' && !isBareSpecifier(init.arguments[0].value)
  );
}
