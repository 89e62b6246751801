/**
 * Types the source writes down, as handle kinds: TypeScript annotations (`db: AsyncIOMotorDatabase`,
 * `motor.AsyncIOMotorCollection`, `Collection` imported from the driver, type literals and local interfaces whose
 * properties name handles) on parameters, TS parameter properties (`constructor(private db: Db)`, which Babel gives no
 * binding) and, for JS files, JSDoc: `@param {Type} name` of a function's doc block and `@typedef {T} Name`, with
 * `import('mongodb').Db` types. The solver (src/tracking/solve.ts) asks for the kinds of typed parameters and JSDoc
 * parameters on each pass; declarators and class properties ask `kindOfTypeAnnotation` directly.
 */
import type { NodePath, Scope } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Kind, Origin } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { bindPattern } from './kinds.js';
import { bindingKindByName, originOf, setBinding, type FnNode, type TrackerState } from './state.js';

/**
 * `@param {AsyncIOMotorDatabase} db`, `@param {import('mongodb').Collection} users`, `@param {Db} db` (Db imported
 * from the driver, or `@typedef {import('mongodb').Db} Db`) in the JSDoc block of a function (JS files have no
 * other annotations).
 */
export function collectJsDocParams(s: TrackerState, fn: NodePath<FnNode>): void {
  let holder: NodePath | null = fn;
  if (fn.parentPath?.isVariableDeclarator()) holder = fn.parentPath.parentPath;
  // `module.exports = function (db) {}`, `Store.prototype.get = function (db) {}`, `{ get: function (db) {} }`
  else if (fn.parentPath?.isAssignmentExpression() && fn.parentPath.parentPath?.isExpressionStatement()) holder = fn.parentPath.parentPath;
  else if (fn.parentPath?.isObjectProperty()) holder = fn.parentPath;
  if (holder?.parentPath?.isExportNamedDeclaration() || holder?.parentPath?.isExportDefaultDeclaration()) holder = holder.parentPath;
  const comments = holder?.node.leadingComments;
  if (!comments?.length) return;
  const last = comments[comments.length - 1]!;
  if (last.type !== 'CommentBlock' || !last.value.startsWith('*')) return;
  for (const m of last.value.matchAll(/@param\s+\{((?:[^{}]|\{[^{}]*\})+)\}\s+\[?([\w$]+)/g)) {
    s.jsDocParams.push({ fn, type: m[1]!.trim(), name: m[2]! });
  }
}

/** `@typedef {import('mongodb').Collection} Users` anywhere in the file. */
function typedefs(s: TrackerState): Map<string, string> {
  if (!s.jsDocTypedefs) {
    s.jsDocTypedefs = new Map();
    for (const c of s.ast.comments ?? []) {
      if (c.type !== 'CommentBlock' || !c.value.startsWith('*')) continue;
      for (const m of c.value.matchAll(/@typedef\s+\{((?:[^{}]|\{[^{}]*\})+)\}\s+([\w$]+)/g)) s.jsDocTypedefs.set(m[2]!, m[1]!.trim());
    }
  }
  return s.jsDocTypedefs;
}

/** The handle kind a JSDoc type names, or undefined (unions with null/undefined, `?T`, `T=` and type arguments are looked through). */
function kindOfJsDocType(s: TrackerState, type: string, scope: Scope, depth = 0): (Kind & { t: 'handle' }) | undefined {
  if (depth > 4) return undefined;
  let ty = type.trim().replace(/^[?!]/, '').replace(/=$/, '').trim();
  const parts = ty
    .split('|')
    .map((x) => x.trim())
    .filter((x) => x !== 'null' && x !== 'undefined');
  if (parts.length !== 1) return undefined;
  ty = parts[0]!.replace(/<[^<>]*(?:<[^<>]*>[^<>]*)*>$/, '').trim();
  const imp = /^import\(\s*(['"])([^'"]+)\1\s*\)\.([\w$]+)$/.exec(ty);
  if (imp) {
    const origin = originOf(s.classify, imp[2]!);
    const k = origin && s.vocab.exportKind(origin, imp[3]!);
    if (k?.t !== 'ctor') return undefined;
    return { t: 'handle', kind: k.kind, origin: k.origin };
  }
  const m = /^([\w$]+)(?:\.([\w$]+))?$/.exec(ty);
  if (!m) return undefined;
  let k = bindingKindByName(s, scope, m[1]!);
  if (m[2] && k?.t === 'module') k = s.vocab.exportKind(k.origin, m[2]);
  if (k?.t === 'ctor') return { t: 'handle', kind: k.kind, origin: k.origin };
  if (!m[2] && !scope.getBinding(m[1]!)) {
    const def = typedefs(s).get(m[1]!);
    if (def) return kindOfJsDocType(s, def, scope, depth + 1);
  }
  return undefined;
}

/** Bind the parameters the JSDoc `@param` tags type as handles; true when a binding changed. */
export function solveJsDocParams(s: TrackerState): boolean {
  let changed = false;
  for (const { fn, name, type } of s.jsDocParams) {
    const k = kindOfJsDocType(s, type, fn.scope);
    if (!k) continue;
    const binding = fn.scope.getOwnBinding(name);
    if (binding?.kind !== 'param') continue;
    if (setBinding(s, binding, k)) {
      changed = true;
      if (/import\(/.test(type) || typedefs(s).has(type.trim())) s.jsDocImportHandles++;
    }
  }
  return changed;
}

/**
 * Bind the parameters whose TypeScript annotation names a handle (or an object of handles, destructured); a TS
 * parameter property is recorded on its constructor instead. True when anything changed.
 */
export function solveTypedParams(s: TrackerState): boolean {
  let changed = false;
  for (const p of s.walk.typedParams) {
    const kind = kindOfTypeAnnotation(s, p.node.typeAnnotation, p);
    if (!kind) continue;
    if ((p.node as t.Node).type === 'ObjectPattern') {
      changed = bindPattern(s, p.node as unknown as t.ObjectPattern, kind, p) || changed;
      continue;
    }
    if (p.parentPath?.isTSParameterProperty()) {
      const fn = p.parentPath.parentPath?.node;
      if (fn) {
        let m = s.paramProps.get(fn);
        if (!m) s.paramProps.set(fn, (m = new Map()));
        if (!sameKind(m.get(p.node.name), kind)) {
          m.set(p.node.name, kind);
          changed = true;
        }
      }
      continue;
    }
    changed = setBinding(s, p.scope.getBinding(p.node.name), kind) || changed;
  }
  return changed;
}

/** The handle kind a TypeScript annotation names (AsyncIOMotorCollection, motor.AsyncIOMotorDb, Collection from mongodb). */
export function kindOfTypeAnnotation(s: TrackerState, annotation: t.Node | null | undefined, at: NodePath): Kind | undefined {
  if (!annotation) return undefined;
  let type: t.Node = annotation;
  if (type.type === 'TSTypeAnnotation') type = type.typeAnnotation;
  if (type.type === 'TSUnionType') {
    const real = type.types.filter((x) => x.type !== 'TSNullKeyword' && x.type !== 'TSUndefinedKeyword');
    if (real.length !== 1) return undefined;
    type = real[0]!;
  }
  if (type.type === 'TSTypeLiteral') return objectKindOf(s, type.members, at);
  if (type.type !== 'TSTypeReference') return undefined;
  const name = type.typeName;
  let k: Kind | undefined;
  if (name.type === 'Identifier') {
    k = bindingKindByName(s, at.scope, name.name);
    if (!k) {
      const local = localTypeMembers(s, name.name);
      if (local) return objectKindOf(s, local, at);
    }
  } else if (name.type === 'TSQualifiedName' && name.left.type === 'Identifier') {
    const mod = bindingKindByName(s, at.scope, name.left.name);
    if (mod?.t === 'module') k = s.vocab.exportKind(mod.origin, name.right.name);
  }
  if (k?.t === 'ctor') return { t: 'handle', kind: k.kind, origin: k.origin };
  return undefined;
}

/** An object kind from type members whose property types name handles. */
function objectKindOf(s: TrackerState, members: t.TSTypeElement[], at: NodePath): Kind | undefined {
  if (s.typeDepth > 4) return undefined;
  s.typeDepth++;
  try {
    const fields: Record<string, Kind> = {};
    let origin: Origin | undefined;
    for (const m of members) {
      if (m.type !== 'TSPropertySignature' || m.computed || m.key.type !== 'Identifier' || !m.typeAnnotation) continue;
      const k = kindOfTypeAnnotation(s, m.typeAnnotation, at);
      if (!k) continue;
      fields[m.key.name] = k;
      origin ??= (k as { origin: Origin }).origin;
    }
    return origin ? { t: 'object', fields, origin } : undefined;
  } finally {
    s.typeDepth--;
  }
}

/** Members of an interface or type-literal alias declared at the top level of this file. */
function localTypeMembers(s: TrackerState, name: string): t.TSTypeElement[] | undefined {
  for (let stmt of s.ast.program.body) {
    if ((stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') && stmt.declaration) stmt = stmt.declaration as t.Statement;
    if (stmt.type === 'TSInterfaceDeclaration' && stmt.id.name === name) return stmt.body.body;
    if (stmt.type === 'TSTypeAliasDeclaration' && stmt.id.name === name && stmt.typeAnnotation.type === 'TSTypeLiteral') return stmt.typeAnnotation.members;
  }
  return undefined;
}
