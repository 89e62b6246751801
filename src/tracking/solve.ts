/**
 * The fixed-point solver. Imports of handle modules seed their bindings (the vocabulary's export kinds); then each
 * pass settles, from the kinds known so far: variables (initialiser and every later assignment agreeing, typed
 * declarations, destructuring, objects filled later), functions that return handles (factories, class methods and
 * getters), class fields (`this.x = ...`, class properties, TS parameter properties), typed and JSDoc parameters,
 * the parameters of `.then()` callbacks, and parameters from their call sites (src/tracking/flows.ts). Passes repeat,
 * with the expression memo cleared, until nothing changes (at most 8).
 */
import type { Binding, NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { HandleKind, Kind, Origin } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { isMemberLike, isNullish, memberName } from './ast.js';
import { kindOfTypeAnnotation, solveJsDocParams, solveTypedParams } from './annotations.js';
import { filledObjectKind, solveCallSites } from './flows.js';
import { bindPattern, classOfThis, kindOf } from './kinds.js';
import { setBinding, type FnNode, type TrackerState } from './state.js';

/** `import { AsyncIOMotorClient } from 'motor'`, `import * as motor from 'motor'`: the seeds of the solver. */
export function seedImports(s: TrackerState): void {
  for (const site of s.collected.imports) {
    if (site.form !== 'esm') continue;
    const decl = site.path.node as t.ImportDeclaration;
    for (const spec of decl.specifiers) {
      const binding = site.path.scope.getBinding(spec.local.name);
      if (spec.type === 'ImportSpecifier') {
        const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
        setBinding(s, binding, s.vocab.exportKind(site.origin, imported));
      } else {
        setBinding(s, binding, { t: 'module', origin: site.origin });
      }
    }
  }
}

export function solve(s: TrackerState): void {
  for (let pass = 0; pass < 8; pass++) {
    s.memo.clear();
    s.slotCache = undefined;
    let changed = false;
    for (const d of s.collected.declarators) changed = solveDeclarator(s, d) || changed;
    for (const f of s.walk.functions) changed = solveFunction(s, f) || changed;
    changed = solveClasses(s) || changed;
    changed = solveTypedParams(s) || changed;
    changed = solveThenCallbacks(s) || changed;
    changed = solveJsDocParams(s) || changed;
    changed = solveCallSites(s) || changed;
    if (!changed) break;
  }
  s.memo.clear();
  s.slotCache = undefined;
}

/** The agreed kind of a binding from its initialiser and every later assignment (null/undefined are neutral). */
function solveIdentifierBinding(s: TrackerState, binding: Binding, init: NodePath | null): boolean {
  let kind: Kind | undefined;
  const sources: NodePath[] = [];
  if (init && !isNullish(init.node)) sources.push(init);
  for (const v of binding.constantViolations) {
    if (v.isAssignmentExpression() && v.node.operator === '=' && v.node.left.type === 'Identifier') {
      const right = v.get('right');
      if (!isNullish(right.node)) sources.push(right);
    } else if (v.isVariableDeclarator()) {
      const i = v.get('init');
      if (i.node && !isNullish(i.node)) sources.push(i as NodePath);
    } else return false;
  }
  if (sources.length === 0) return false;
  for (const src of sources) {
    const k = kindOf(s, src);
    if (!k) return false;
    if (kind && !sameKind(kind, k)) return false;
    kind = kind ?? k;
  }
  return setBinding(s, binding, kind);
}

function solveDeclarator(s: TrackerState, d: NodePath<t.VariableDeclarator>): boolean {
  const id = d.node.id;
  const init = d.get('init');
  if (id.type === 'Identifier') {
    const binding = d.scope.getBinding(id.name);
    if (!binding) return false;
    const decl = d.parentPath;
    const typed = id.typeAnnotation ? kindOfTypeAnnotation(s, id.typeAnnotation, d) : undefined;
    if (typed) return setBinding(s, binding, typed);
    if (init.node && (init.isFunctionExpression() || init.isArrowFunctionExpression())) {
      return setBinding(s, binding, s.fnKinds.get(init.node));
    }
    if (init.isObjectExpression() && binding.constantViolations.length === 0) {
      const filled = filledObjectKind(s, binding, init);
      return filled ? setBinding(s, binding, filled) : s.bindingKinds.delete(binding);
    }
    if (decl?.isVariableDeclaration() && decl.node.kind === 'const') {
      return init.node ? setBinding(s, binding, kindOf(s, init as NodePath)) : false;
    }
    return solveIdentifierBinding(s, binding, init.node ? (init as NodePath) : null);
  }
  if (id.type === 'ObjectPattern' && init.node) {
    const source = kindOf(s, init as NodePath);
    return source ? bindPattern(s, id, source, d) : false;
  }
  return false;
}

/**
 * import('motor').then((m) => ...) and .then(({ AsyncIOMotorClient }) => ...): the callback's parameter is the module;
 * a promise of a handle (`MongoClient.connect(url).then((client) => ...)`): the parameter is the handle.
 */
function solveThenCallbacks(s: TrackerState): boolean {
  let changed = false;
  for (const call of s.collected.calls) {
    const callee = call.get('callee') as NodePath;
    if (!isMemberLike(callee) || memberName(callee.node) !== 'then') continue;
    const k = kindOf(s, callee.get('object') as NodePath);
    if (k?.t !== 'modulePromise' && k?.t !== 'promise') continue;
    const fn = call.get('arguments')[0];
    if (!fn || !(fn.isArrowFunctionExpression() || fn.isFunctionExpression())) continue;
    const param = (fn.get('params') as NodePath[])[0];
    if (!param) continue;
    if (k.t === 'promise') {
      // MongoClient.connect(url).then((client) => ...): the fulfilment value is the handle.
      if (param.isIdentifier()) changed = setBinding(s, fn.scope.getBinding(param.node.name), { t: 'handle', kind: k.kind, origin: k.origin }) || changed;
      continue;
    }
    const mod: Kind = { t: 'module', origin: k.origin };
    if (param.isIdentifier()) changed = setBinding(s, fn.scope.getBinding(param.node.name), mod) || changed;
    else if (param.isObjectPattern()) changed = bindPattern(s, param.node, mod, fn) || changed;
  }
  return changed;
}

/** What every return of the function gives: one handle kind and its origin; undefined when they differ, null with no return. */
function returnKind(s: TrackerState, fn: NodePath<FnNode>): { kind: HandleKind; origin: Origin } | undefined | null {
  const node = fn.node;
  const bodies: NodePath[] = [];
  if (node.body.type !== 'BlockStatement') bodies.push(fn.get('body') as NodePath);
  for (const r of s.walk.returns.get(node) ?? []) {
    const arg = r.get('argument');
    if (arg.node && !isNullish(arg.node)) bodies.push(arg as NodePath);
  }
  if (bodies.length === 0) return null;
  let kind: HandleKind | undefined;
  let origin: Origin | undefined;
  for (const b of bodies) {
    let k = kindOf(s, b);
    if (k?.t === 'promise' && node.async) k = { t: 'handle', kind: k.kind, origin: k.origin };
    if (!k || k.t !== 'handle') return undefined;
    if (kind && (kind !== k.kind || origin !== k.origin)) return undefined;
    kind = k.kind;
    origin = k.origin;
  }
  return kind && { kind, origin: origin! };
}

function solveFunction(s: TrackerState, f: NodePath<FnNode>): boolean {
  const returned = returnKind(s, f);
  if (!returned) return false;
  const k: Kind = { t: 'factory', kind: returned.kind, async: f.node.async || !!f.node.generator, origin: returned.origin };
  if (f.node.generator) return false;
  const old = s.fnKinds.get(f.node);
  let changed = false;
  if (!old || !sameKind(old, k)) {
    s.fnKinds.set(f.node, k);
    changed = true;
  }
  if (f.isFunctionDeclaration() && f.node.id) {
    const b = f.parentPath.scope.getBinding(f.node.id.name);
    if (b && b.constantViolations.length === 0) changed = setBinding(s, b, k) || changed;
  }
  if ((f.isClassMethod() || f.isClassPrivateMethod()) && f.node.key.type === 'Identifier' && !f.node.computed) {
    const cls = f.parentPath.parentPath?.node as t.Class | undefined;
    if (cls) {
      let m = s.classMethods.get(cls);
      if (!m) s.classMethods.set(cls, (m = new Map()));
      const name = f.node.key.name;
      const value: Kind = f.node.kind === 'get' ? { t: 'handle', kind: returned.kind, origin: k.origin } : k;
      const prev = m.get(name);
      if (!prev || !sameKind(prev, value)) {
        m.set(name, value);
        changed = true;
      }
    }
  }
  return changed;
}

function solveClasses(s: TrackerState): boolean {
  const sources = new Map<t.Class, Map<string, { kinds: (Kind | undefined)[] }>>();
  const add = (cls: t.Class | undefined, name: string, kind: Kind | undefined) => {
    if (!cls) return;
    let m = sources.get(cls);
    if (!m) sources.set(cls, (m = new Map()));
    let e = m.get(name);
    if (!e) m.set(name, (e = { kinds: [] }));
    e.kinds.push(kind);
  };
  for (const a of s.walk.thisAssignments) {
    const left = a.node.left as t.MemberExpression;
    const name = memberName(left);
    if (!name || a.node.operator !== '=') continue;
    const right = a.get('right');
    if (isNullish(right.node)) continue;
    const cls = classOfThis(a);
    if (cls) add(cls, name, kindOf(s, right));
  }
  for (const p of s.walk.classProps) {
    const key = p.node.key;
    if (p.node.computed || key.type !== 'Identifier' || p.node.static) continue;
    const cls = p.parentPath.parentPath?.node as t.Class | undefined;
    const typed = p.node.typeAnnotation ? kindOfTypeAnnotation(s, p.node.typeAnnotation, p) : undefined;
    if (typed) add(cls, key.name, typed);
    const value = p.get('value');
    if (value.node && !isNullish(value.node)) add(cls, key.name, kindOf(s, value as NodePath));
  }
  // TS parameter properties: constructor(private db: AsyncIOMotorDatabase)
  for (const param of s.walk.typedParams) {
    const pp = param.parentPath;
    if (!pp?.isTSParameterProperty()) continue;
    const cls = pp.parentPath?.parentPath?.parentPath?.node as t.Class | undefined;
    add(cls, param.node.name, kindOfTypeAnnotation(s, param.node.typeAnnotation, param));
  }
  let changed = false;
  for (const [cls, fields] of sources) {
    let m = s.classFields.get(cls);
    if (!m) s.classFields.set(cls, (m = new Map()));
    for (const [name, { kinds }] of fields) {
      const first = kinds[0];
      const agreed = first && kinds.every((k) => sameKind(k, first)) ? first : undefined;
      const prev = m.get(name);
      if (agreed && (!prev || !sameKind(prev, agreed))) {
        m.set(name, agreed);
        changed = true;
      } else if (!agreed && prev) {
        m.delete(name);
        changed = true;
      }
    }
  }
  return changed;
}
