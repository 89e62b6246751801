/**
 * Handles that flow into code rather than out of it (docs/tracking.md): objects filled after their declaration
 * (`const db = {}` then `db.users = ...`, `Object.assign(db, { users })`), functions that call a parameter back with
 * handles (`helperKind`: `function connect(cb) { ... cb(null, db) }`), and parameters that get their kind from their
 * call sites: every call of a local function or class in the file, the calls a local higher-order helper makes of
 * its callback (`withDb((db) => ...)`), a helper of another file of the run (`connect((err, db) => ...)`), and, for
 * what the file exports, the calls the rest of the run makes (the facts, src/tracking/facts.ts). A parameter is
 * seeded only when every use of its function can be seen and every call agrees on one kind.
 */
import type { Binding, NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Kind, Origin } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { isMemberLike, isModuleExports, isNullish, isObjectAssign, memberName, objectOf, propertyKey, unwrapExpression } from './ast.js';
import { bindPattern, kindOf, propertyValueKind } from './kinds.js';
import { keepKind, setBinding, type CallPlan, type FnNode, type TrackerState } from './state.js';

/**
 * A function that calls a parameter back with handles (`function connect(cb) { ... cb(null, db) }`): for each
 * parameter that is only ever called, the kinds its calls pass (null where they disagree); undefined when none.
 */
export function helperKind(s: TrackerState, fn: NodePath<FnNode> | undefined): Kind | undefined {
  if (!fn) return undefined;
  const params: Record<string, (Kind | null)[]> = {};
  let origin: Origin | undefined;
  fn.node.params.forEach((param, i) => {
    if (param.type !== 'Identifier') return;
    const b = fn.scope.getOwnBinding(param.name);
    if (!b || b.constantViolations.length || !b.referencePaths.length) return;
    let merged: (Kind | null | undefined)[] | undefined;
    for (const r of b.referencePaths) {
      const rp = r.parentPath;
      if (!rp?.isCallExpression() || rp.node.callee !== r.node) return;
      // undefined: not passed (or a null / undefined literal), neutral, as for stores: `cb(err)` then `cb(null, db)`
      const args = (rp.get('arguments') as NodePath[]).map((a) => (a.isSpreadElement() ? null : isNullish(a.node) ? undefined : (keepKind(kindOf(s, a)) ?? null)));
      if (!merged) merged = args;
      else {
        const n = Math.max(merged.length, args.length);
        const next: (Kind | null | undefined)[] = [];
        for (let j = 0; j < n; j++) {
          const a = merged[j];
          const b = args[j];
          next.push(a === undefined ? b : b === undefined ? a : a && b && sameKind(a, b) ? a : null);
        }
        merged = next;
      }
    }
    const first = merged?.find((k) => k);
    if (!merged || !first) return;
    params[String(i)] = merged.map((k) => k ?? null);
    origin ??= (first as { origin: Origin }).origin;
  });
  return origin ? { t: 'helper', params, origin } : undefined;
}

/** The function a value denotes in this file (an inline function, or a local function's name). */
export function functionOf(p: NodePath): NodePath<FnNode> | undefined {
  const u = unwrapExpression(p);
  if (u.isFunctionExpression() || u.isArrowFunctionExpression()) return u;
  return localFunction(u);
}

/** The local function an identifier callee names (a declaration or a const initialised with a function, never reassigned). */
export function localFunction(callee: NodePath): NodePath<FnNode> | undefined {
  if (!callee.isIdentifier()) return undefined;
  const b = callee.scope.getBinding(callee.node.name);
  if (!b || b.constantViolations.length) return undefined;
  if (b.path.isFunctionDeclaration()) return b.path;
  if (b.path.isVariableDeclarator()) {
    const init = b.path.get('init');
    if (init.isFunctionExpression() || init.isArrowFunctionExpression()) return init;
  }
  return undefined;
}

/**
 * `const db = {}` filled later: `db.rooms = database.collection('rooms')`, `Object.assign(db, { users })`. A field
 * is a handle when every store to it (the initialiser included; null and undefined are neutral) has one kind.
 */
export function filledObjectKind(s: TrackerState, binding: Binding, init: NodePath<t.ObjectExpression>): Kind | undefined {
  const stores = new Map<string, (Kind | undefined)[]>();
  const add = (key: string, k: Kind | undefined) => {
    const list = stores.get(key);
    if (list) list.push(k);
    else stores.set(key, [k]);
  };
  const literal = (obj: NodePath<t.ObjectExpression>): boolean => {
    for (const prop of obj.get('properties')) {
      if (prop.isSpreadElement()) return false;
      const key = propertyKey(prop.node as t.ObjectProperty | t.ObjectMethod);
      if (!key) return false;
      if (prop.isObjectProperty() && isNullish(prop.node.value)) continue;
      add(key, propertyValueKind(s, prop as NodePath<t.ObjectProperty | t.ObjectMethod>));
    }
    return true;
  };
  if (!literal(init)) return undefined;
  for (const ref of binding.referencePaths) {
    const parent = ref.parentPath;
    if (!parent) continue;
    if (isMemberLike(parent) && parent.node.object === ref.node) {
      const gp = parent.parentPath;
      const key = memberName(parent.node);
      const writes = (gp?.isAssignmentExpression() && gp.node.left === parent.node) || gp?.isUpdateExpression() || (gp?.isUnaryExpression() && gp.node.operator === 'delete');
      if (!writes) continue;
      if (!key || (parent.node.computed && parent.node.property.type !== 'StringLiteral')) return undefined;
      if (gp!.isAssignmentExpression() && gp.node.operator === '=') {
        const right = gp.get('right');
        if (!isNullish(right.node)) add(key, keepKind(kindOf(s, right)));
      } else add(key, undefined);
      continue;
    }
    if (parent.isCallExpression() && parent.node.arguments[0] === ref.node && isObjectAssign(parent.node.callee)) {
      for (const src of parent.get('arguments').slice(1)) if (!src.isObjectExpression() || !literal(src)) return undefined;
    }
  }
  const fields: Record<string, Kind> = {};
  for (const [key, kinds] of stores) {
    const first = kinds[0];
    if (first && kinds.every((k) => sameKind(k, first))) fields[key] = first;
  }
  return objectOf(fields);
}

/**
 * Parameters from their call sites: a local function or class whose every use is a call (or `new`), in this file,
 * through a local higher-order helper (`withDb((db) => ...)`), or from other files of the run (the facts), gets
 * for each parameter the kind every call passes, when they all agree.
 */
export function solveCallSites(s: TrackerState): boolean {
  const plans = (s.callPlans ??= planCallSites(s));
  let changed = false;
  for (const plan of plans) {
    const seeds: (Kind | null)[][] = [];
    if (plan.exports.length) {
      const view = s.classify.facts;
      if (!view || view.publicEntry || view.params?.['*'] === null) continue;
      let ok = true;
      for (const name of plan.exports) {
        const fromRun = view.params?.[name];
        if (fromRun === null) ok = false;
        else if (fromRun) seeds.push(fromRun);
      }
      if (!ok) continue;
    }
    seeds.push(...plan.kindCalls);
    if (plan.calls.length + seeds.length === 0) continue;
    const params = plan.fn.get('params') as NodePath[];
    for (let i = 0; i < params.length; i++) {
      let param = params[i]!;
      if (param.isRestElement()) break;
      if (param.isAssignmentPattern()) param = param.get('left') as NodePath;
      if ((param.node as t.Identifier).typeAnnotation || param.isTSParameterProperty()) continue;
      let agreed: Kind | undefined;
      let ok = true;
      for (const args of plan.calls) {
        const a = args[i];
        if (args.some((x) => x.isSpreadElement())) {
          ok = false;
          break;
        }
        // not passed, or a null / undefined literal: neutral (`done(err)` then `done(null, db)`)
        if (!a || isNullish(a.node)) continue;
        const k = keepKind(kindOf(s, a));
        if (!k || (agreed && !sameKind(agreed, k))) {
          ok = false;
          break;
        }
        agreed ??= k;
      }
      for (const seed of seeds) {
        const k = seed[i] ?? undefined;
        if (!ok || !k || (agreed && !sameKind(agreed, k))) {
          ok = false;
          break;
        }
        agreed ??= k;
      }
      if (!ok || !agreed) continue;
      if (param.isIdentifier()) {
        if (s.jsDocParams.some((d) => d.fn.node === plan.fn.node && d.name === (param.node as t.Identifier).name)) continue;
        const b = plan.fn.scope.getOwnBinding(param.node.name);
        if (b && !s.bindingKinds.has(b) && setBinding(s, b, agreed)) {
          s.flowHandles++;
          changed = true;
        }
      } else if (param.isObjectPattern()) {
        if (bindPattern(s, param.node, agreed, plan.fn)) {
          s.flowHandles++;
          changed = true;
        }
      }
    }
  }
  return changed;
}

/** Call sites of every function and class constructor of the file whose uses can all be seen. */
function planCallSites(s: TrackerState): CallPlan[] {
  const plans: CallPlan[] = [];
  const consider = (fn: NodePath<FnNode>, owner: NodePath, isClass: boolean) => {
    if (fn.node.params.length === 0) return;
    const uses = usesOf(s, owner, isClass);
    if (uses) plans.push({ fn, calls: uses.calls, exports: uses.exports, kindCalls: uses.kindCalls });
  };
  for (const f of s.walk.functions) {
    if (f.isClassMethod() || f.isClassPrivateMethod() || f.isObjectMethod()) {
      if (f.isObjectMethod() && f.node.kind === 'method' && f.parentPath.parentPath?.isAssignmentExpression()) consider(f, f, false);
      continue;
    }
    consider(f, f, false);
  }
  for (const c of s.walk.classes) {
    const ctor = c
      .get('body')
      .get('body')
      .find((m) => m.isClassMethod() && m.node.kind === 'constructor') as NodePath<t.ClassMethod> | undefined;
    if (ctor) consider(ctor, c, true);
  }
  return plans;
}

/** Every use of a function (or class) value: the argument lists of its calls, and the names it is exported under; undefined when it escapes. */
function usesOf(s: TrackerState, value: NodePath, isClass: boolean): { calls: NodePath[][]; exports: string[]; kindCalls: (Kind | null)[][] } | undefined {
  const calls: NodePath[][] = [];
  const exports: string[] = [];
  const kindCalls: (Kind | null)[][] = [];
  const parent = value.parentPath;
  // Where the value itself stands: a declaration, an initialiser, an export, an argument of a local helper.
  let binding: Binding | undefined;
  if ((value.isFunctionDeclaration() || value.isClassDeclaration()) && value.node.id) {
    binding = value.parentPath?.scope.getBinding(value.node.id.name);
    if (parent?.isExportNamedDeclaration()) exports.push(value.node.id.name);
    else if (parent?.isExportDefaultDeclaration()) exports.push('=');
  } else if (parent?.isExportDefaultDeclaration()) exports.push('=');
  else if (parent?.isVariableDeclarator() && parent.node.init === value.node && parent.node.id.type === 'Identifier') {
    binding = parent.scope.getBinding(parent.node.id.name);
    if (parent.parentPath?.parentPath?.isExportNamedDeclaration()) exports.push(parent.node.id.name);
  } else if (!placeOf(s, value, calls, exports, kindCalls)) return undefined;
  if (binding) {
    if (binding.constantViolations.length) return undefined;
    for (const ref of binding.referencePaths) {
      const rp = ref.parentPath;
      if (!rp) return undefined;
      if ((rp.isCallExpression() && !isClass) || (rp.isNewExpression() && isClass)) {
        if ((rp.node as t.CallExpression).callee === ref.node) {
          calls.push(rp.get('arguments') as NodePath[]);
          continue;
        }
      }
      if (rp.isExportSpecifier()) {
        exports.push(rp.node.exported.type === 'Identifier' ? (rp.node.exported.name === 'default' ? '=' : rp.node.exported.name) : rp.node.exported.value);
        continue;
      }
      // `Service._deepCompare(a, b)`, `Service.VERSION`: a static member of a class constructs nothing.
      if (isClass && rp.isMemberExpression() && rp.node.object === ref.node && !rp.node.computed && !['bind', 'apply', 'call'].includes(memberName(rp.node) ?? '')) {
        const up = rp.parentPath;
        if (!(up?.isAssignmentExpression() && up.node.left === rp.node)) continue;
      }
      if (rp.isExportDefaultDeclaration()) {
        exports.push('=');
        continue;
      }
      if (!placeOf(s, ref, calls, exports, kindCalls)) return undefined;
    }
  }
  return { calls, exports, kindCalls };
}

/** A value passed to a local helper or exported through `module.exports` / `exports.x`: records its uses; false when it escapes. */
function placeOf(s: TrackerState, value: NodePath, calls: NodePath[][], exports: string[], kindCalls: (Kind | null)[][]): boolean {
  const parent = value.parentPath;
  if (!parent) return false;
  if (parent.isAssignmentExpression() && parent.node.right === value.node && parent.parentPath.isExpressionStatement()) {
    const left = parent.node.left;
    if (isModuleExports(left)) {
      exports.push('=');
      return true;
    }
    if (left.type === 'MemberExpression' && !left.computed && ((left.object.type === 'Identifier' && left.object.name === 'exports') || isModuleExports(left.object))) {
      const name = memberName(left);
      if (name) exports.push(name);
      return !!name;
    }
    return false;
  }
  if ((parent.isObjectProperty() && parent.node.value === value.node) || (parent.isObjectMethod() && parent.node === value.node)) {
    const obj = parent.parentPath;
    const asg = obj?.parentPath;
    const key = propertyKey(parent.node as t.ObjectProperty);
    if (key && asg?.isAssignmentExpression() && asg.node.right === obj!.node && isModuleExports(asg.node.left) && asg.parentPath.isExpressionStatement()) {
      exports.push(key);
      return true;
    }
    return false;
  }
  // withDb((db) => ...) / withDb(handler): what the helper passes when it calls that parameter.
  if (parent.isCallExpression() && parent.node.callee !== value.node) {
    const i = parent.node.arguments.indexOf(value.node as t.Expression);
    const helper = localFunction(parent.get('callee') as NodePath);
    if (!helper) {
      // a helper of another module of the run (cross-file index): `connect((err, db) => ...)`
      const k = kindOf(s, parent.get('callee') as NodePath);
      const args = k?.t === 'helper' ? k.params[String(i)] : undefined;
      if (!args) return false;
      kindCalls.push(args);
      return true;
    }
    const param = helper.node.params[i];
    if (param?.type !== 'Identifier') return false;
    const b = helper.scope.getOwnBinding(param.name);
    if (!b || b.constantViolations.length) return false;
    for (const r of b.referencePaths) {
      const rp = r.parentPath;
      if (!rp?.isCallExpression() || rp.node.callee !== r.node) return false;
      calls.push(rp.get('arguments') as NodePath[]);
    }
    return true;
  }
  return false;
}
