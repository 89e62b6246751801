/**
 * Expression kinds: what a node of the file holds (a module, a constructor, a factory, a handle, a promise of one, an
 * object of handles...), read from the kinds the solver has settled so far (src/tracking/solve.ts: bindings,
 * functions, class fields and methods, TS parameter properties) and the presets' vocabulary. `kindOf` is memoised per
 * solver pass; the rest follows the shapes of the language: calls (factories, methods returning handles, cursor
 * builders, `require` of a handle module or of a file of the run), members (module exports, object fields, `this.x`,
 * framework slots), sub-handles (`client.app`, a legacy client's Proxy `db.users`), object literals, and the
 * destructuring of a known kind (`bindPattern`).
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { HandleKind, Kind } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { CURSOR_BUILDERS, MOTOR_FLAGGED_PROPERTIES, NATIVE_CLASSES, NON_SUBHANDLE_MEMBERS } from '../presets/motor.js';
import { NATIVE_STATICS } from '../presets/native.js';
import { nativeHas } from '../presets/native-surface.js';
import { clientOfOrigin } from '../presets/index.js';
import type { ClientPreset } from '../presets/client.js';
import { isNullish, memberName, objectOf, propertyKey, unwrapExpression } from './ast.js';
import { keepKind, originOf, requiredValue, setBinding, type TrackerState } from './state.js';
import { settingRead, slotRead } from './slots.js';

export function kindOf(s: TrackerState, path: NodePath | null | undefined): Kind | undefined {
  if (!path || !path.node) return undefined;
  const node = path.node;
  const hit = s.memo.get(node);
  if (hit !== undefined) return hit ?? undefined;
  s.memo.set(node, null); // cycle guard
  const k = computeKind(s, path);
  s.memo.set(node, k ?? null);
  return k;
}

function computeKind(s: TrackerState, path: NodePath): Kind | undefined {
  const p = unwrapExpression(path);
  const node = p.node;
  switch (node.type) {
    case 'Identifier': {
      const b = p.scope.getBinding(node.name);
      if (b) return s.bindingKinds.get(b);
      // TS parameter properties have no Babel binding: look them up on the enclosing constructor.
      for (let f = p.getFunctionParent(); f; f = f.isArrowFunctionExpression() ? f.parentPath.getFunctionParent() : null) {
        const k = s.paramProps.get(f.node)?.get(node.name);
        if (k) return k;
        if (!f.isArrowFunctionExpression()) break;
      }
      return undefined;
    }
    case 'AwaitExpression': {
      const k = kindOf(s, p.get('argument') as NodePath);
      if (!k) return undefined;
      if (k.t === 'promise') return { t: 'handle', kind: k.kind, origin: k.origin };
      if (k.t === 'modulePromise') return { t: 'module', origin: k.origin };
      if (k.t === 'handle') return k;
      return undefined;
    }
    case 'NewExpression': {
      const k = kindOf(s, p.get('callee') as NodePath);
      if (k?.t === 'ctor') return { t: 'handle', kind: k.kind, origin: k.origin, from: node };
      return undefined;
    }
    case 'CallExpression':
    case 'OptionalCallExpression':
      return callKind(s, p as NodePath<t.CallExpression>);
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return memberKind(s, p as NodePath<t.MemberExpression>);
    case 'ConditionalExpression': {
      // `uri ? new Client(uri).db('x') : null`: a nullish branch does not veto the other one.
      const c = p.get('consequent') as NodePath;
      const alt = p.get('alternate') as NodePath;
      if (isNullish(alt.node)) return kindOf(s, c);
      if (isNullish(c.node)) return kindOf(s, alt);
      const a = kindOf(s, c);
      const b = kindOf(s, alt);
      return a && sameKind(a, b) ? a : undefined;
    }
    case 'SequenceExpression': {
      const exprs = p.get('expressions') as NodePath[];
      return kindOf(s, exprs[exprs.length - 1]);
    }
    case 'AssignmentExpression':
      return node.operator === '=' ? kindOf(s, p.get('right') as NodePath) : undefined;
    case 'ImportExpression': {
      const src = node.source;
      if (src.type === 'StringLiteral') {
        const origin = originOf(s.classify, src.value);
        if (origin) return { t: 'modulePromise', origin };
      }
      return undefined;
    }
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return s.fnKinds.get(node);
    case 'ObjectExpression':
      return objectLiteralKind(s, p as NodePath<t.ObjectExpression>);
    default:
      return undefined;
  }
}

function callKind(s: TrackerState, p: NodePath<t.CallExpression>): Kind | undefined {
  const node = p.node;
  const callee = p.get('callee') as NodePath;
  if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'StringLiteral') {
    if (p.scope.hasBinding('require')) return undefined;
    const spec = node.arguments[0].value;
    const origin = originOf(s.classify, spec);
    if (origin) return { t: 'module', origin };
    if (spec.startsWith('.') && s.classify.localExports) {
      const exports = s.classify.localExports(spec);
      const k = exports && requiredValue(exports);
      if (k) s.localHandleImports++;
      return k;
    }
    return undefined;
  }
  if (node.callee.type === 'Import' && node.arguments[0]?.type === 'StringLiteral') {
    const origin = originOf(s.classify, node.arguments[0].value);
    return origin ? { t: 'modulePromise', origin } : undefined;
  }
  const calleeNode = unwrapExpression(callee).node;
  if (calleeNode.type === 'MemberExpression' || calleeNode.type === 'OptionalMemberExpression') {
    const mp = unwrapExpression(callee) as NodePath<t.MemberExpression>;
    const name = memberName(calleeNode);
    if (!name) return undefined;
    const objPath = mp.get('object') as NodePath;
    if (objPath.isThisExpression()) {
      const cls = classOfThis(objPath);
      const m = cls && s.classMethods.get(cls)?.get(name);
      if (m?.t === 'factory') return m.async ? { t: 'promise', kind: m.kind, origin: m.origin } : { t: 'handle', kind: m.kind, origin: m.origin };
      return undefined;
    }
    const recv = kindOf(s, objPath);
    if (!recv) return settingRead(s, p);
    if (recv.t === 'module') {
      const k = s.vocab.exportKind(recv.origin, name);
      if (k?.t === 'factory') return k.async ? { t: 'promise', kind: k.kind, origin: k.origin } : { t: 'handle', kind: k.kind, origin: k.origin };
      return undefined;
    }
    if (recv.t === 'ctor' && recv.origin === 'native') {
      const className = Object.keys(NATIVE_CLASSES).find((c) => NATIVE_CLASSES[c] === recv.kind);
      const st = className ? NATIVE_STATICS[className]?.[name] : undefined;
      if (st) return st.async ? { t: 'promise', kind: st.returns, origin: 'native' } : { t: 'handle', kind: st.returns, origin: 'native' };
      return undefined;
    }
    if (recv.t === 'object') {
      // `require('./db').getDb()`: a factory exported by another module of the run (or a local object of them).
      const f = node.callee.type === 'MemberExpression' && node.callee.computed ? undefined : recv.fields[name];
      if (f?.t === 'factory') return f.async ? { t: 'promise', kind: f.kind, origin: f.origin } : { t: 'handle', kind: f.kind, origin: f.origin };
      return undefined;
    }
    if (recv.t !== 'handle') return undefined;
    const rule = s.vocab.methodRule(recv.origin, recv.kind, name);
    if (rule?.returns) {
      return rule.async ? { t: 'promise', kind: rule.returns, origin: recv.origin } : { t: 'handle', kind: rule.returns, origin: recv.origin };
    }
    if ((recv.kind === 'cursor' || recv.kind === 'commandCursor') && CURSOR_BUILDERS.includes(s.vocab.canonicalMethod(recv.origin, recv.kind, name))) {
      return { t: 'handle', kind: recv.kind, origin: recv.origin };
    }
    return undefined;
  }
  const k = kindOf(s, callee);
  if (k?.t === 'factory') return k.async ? { t: 'promise', kind: k.kind, origin: k.origin } : { t: 'handle', kind: k.kind, origin: k.origin };
  // `monk(url)`, `mongojs(conn)`, `require('mongoist')(conn)`: a legacy client's module is its connect function.
  if (k?.t === 'module') return s.vocab.moduleCall(k.origin);
  return undefined;
}

function memberKind(s: TrackerState, p: NodePath<t.MemberExpression>): Kind | undefined {
  const node = p.node;
  const objPath = p.get('object') as NodePath;
  const name = memberName(node);
  if (objPath.isThisExpression()) {
    if (!name) return undefined;
    const cls = classOfThis(objPath);
    if (!cls) return slotRead(s, p);
    const field = s.classFields.get(cls)?.get(name);
    if (field) return field;
    const getter = s.classMethods.get(cls)?.get(name);
    return getter?.t === 'handle' ? getter : undefined;
  }
  const recv = kindOf(s, objPath);
  if (!recv) return slotRead(s, p);
  if (recv.t === 'module') return name ? s.vocab.exportKind(recv.origin, name) : undefined;
  if (recv.t === 'object') return name && !node.computed ? recv.fields[name] : undefined;
  const sub = subHandleOf(s, p);
  if (sub) return { t: 'handle', kind: sub.kind, origin: sub.parent.origin };
  return undefined;
}

/** Is `db.<name>` a collection of this client's db (its Proxy: any name the db does not really have)? */
function isClientCollection(client: ClientPreset, name: string): boolean {
  if (!client.proxy || name.startsWith('_') || client.dbMembers.includes(name)) return false;
  return !Object.prototype.hasOwnProperty.call(client.methods.db ?? {}, name);
}

/** Is this member expression an attribute-style sub-handle (`client.app`, `db['users']`) of a wrapper handle? */
export function subHandleOf(s: TrackerState, p: NodePath<t.MemberExpression>): { parent: Kind & { t: 'handle' }; kind: HandleKind; name?: string } | undefined {
  const node = p.node;
  const recv = kindOf(s, p.get('object') as NodePath);
  if (!recv || recv.t !== 'handle' || recv.origin === 'native') return undefined;
  if (recv.origin !== 'wrapper') {
    // A legacy client's Proxy db: `db.users`, `db['audit.log']` (never a member the db really has, nor a call of it).
    const client = clientOfOrigin(recv.origin);
    if (!client || recv.kind !== 'db') return undefined;
    const parent = p.parentPath;
    if ((parent?.isCallExpression() || parent?.isOptionalCallExpression()) && parent.node.callee === node) return undefined;
    const name = node.computed ? (node.property.type === 'StringLiteral' ? node.property.value : undefined) : memberName(node);
    if (name === undefined) return node.computed && client.proxy && node.property.type !== 'NumericLiteral' ? { parent: recv, kind: 'collection' } : undefined;
    return isClientCollection(client, name) ? { parent: recv, kind: 'collection', name } : undefined;
  }
  if (recv.kind !== 'client' && recv.kind !== 'db') return undefined;
  const child: HandleKind = recv.kind === 'client' ? 'db' : 'collection';
  if (node.computed && node.property.type !== 'StringLiteral') {
    if (node.property.type === 'NumericLiteral') return undefined;
    return { parent: recv, kind: child };
  }
  const name = memberName(node);
  if (!name) return undefined;
  if (NON_SUBHANDLE_MEMBERS.has(name) || name.startsWith('_') || name in MOTOR_FLAGGED_PROPERTIES) return undefined;
  if (s.vocab.methodRule('wrapper', recv.kind, name)) return undefined;
  if (nativeHas(recv.kind, name)) return undefined;
  // A member that is called is a method, not a sub-handle.
  const parent = p.parentPath;
  if ((parent?.isCallExpression() || parent?.isOptionalCallExpression()) && parent.node.callee === node) return undefined;
  return { parent: recv, kind: child, name };
}

/** The kind of property `key` read from a value of kind `source` (module export, object field, sub-handle). */
function propertyKind(s: TrackerState, source: Kind, key: string): Kind | undefined {
  if (source.t === 'module') return s.vocab.exportKind(source.origin, key);
  if (source.t === 'object') return source.fields[key];
  if (source.t === 'handle' && source.origin !== 'wrapper' && source.origin !== 'native') {
    const client = clientOfOrigin(source.origin);
    return client && source.kind === 'db' && isClientCollection(client, key) ? { t: 'handle', kind: 'collection', origin: source.origin } : undefined;
  }
  if (source.t === 'handle' && source.origin === 'wrapper' && (source.kind === 'client' || source.kind === 'db')) {
    if (NON_SUBHANDLE_MEMBERS.has(key) || key.startsWith('_') || key in MOTOR_FLAGGED_PROPERTIES) return undefined;
    if (s.vocab.methodRule('wrapper', source.kind, key) || nativeHas(source.kind, key)) return undefined;
    return { t: 'handle', kind: source.kind === 'client' ? 'db' : 'collection', origin: 'wrapper' };
  }
  return undefined;
}

/** Bind the names of `{ a, b: c }` destructured from a value of kind `source`. */
export function bindPattern(s: TrackerState, pattern: t.ObjectPattern, source: Kind, at: NodePath): boolean {
  let changed = false;
  for (const prop of pattern.properties) {
    if (prop.type !== 'ObjectProperty') continue;
    const key = !prop.computed && prop.key.type === 'Identifier' ? prop.key.name : prop.key.type === 'StringLiteral' ? prop.key.value : undefined;
    if (!key) continue;
    let target = prop.value;
    if (target.type === 'AssignmentPattern') target = target.left;
    if (target.type !== 'Identifier') continue;
    changed = setBinding(s, at.scope.getBinding(target.name), propertyKind(s, source, key)) || changed;
  }
  return changed;
}

/** The class whose instance `this` denotes at this path (arrow functions see through). */
export function classOfThis(path: NodePath): t.Class | undefined {
  let p: NodePath | null = path.parentPath;
  while (p) {
    if (p.isArrowFunctionExpression()) {
      p = p.parentPath;
      continue;
    }
    if (p.isClassMethod() || p.isClassPrivateMethod()) {
      if (p.node.static) return undefined;
      return p.parentPath?.parentPath?.node as t.Class;
    }
    if (p.isClassProperty() || p.isClassPrivateProperty()) {
      if (p.node.static) return undefined;
      return p.parentPath?.parentPath?.node as t.Class;
    }
    if (p.isFunction() || p.isProgram()) return undefined;
    p = p.parentPath;
  }
  return undefined;
}

/** `{ users: db.collection('users'), db }`: an object whose fields hold handles. */
function objectLiteralKind(s: TrackerState, p: NodePath<t.ObjectExpression>): Kind | undefined {
  const fields: Record<string, Kind> = {};
  for (const prop of p.get('properties')) {
    if (prop.isSpreadElement()) {
      const k = kindOf(s, prop.get('argument'));
      if (k?.t === 'object') Object.assign(fields, k.fields);
      else for (const f of Object.keys(fields)) delete fields[f]; // may overwrite anything before it
      continue;
    }
    const key = propertyKey(prop.node as t.ObjectProperty | t.ObjectMethod);
    if (!key) continue;
    const k = propertyValueKind(s, prop as NodePath<t.ObjectProperty | t.ObjectMethod>);
    if (k) fields[key] = k;
    else delete fields[key];
  }
  return objectOf(fields);
}

/** The kind an object literal's property holds (a value, a method returning a handle, a getter). */
export function propertyValueKind(s: TrackerState, prop: NodePath<t.ObjectProperty | t.ObjectMethod>): Kind | undefined {
  if (prop.isObjectProperty()) return keepKind(kindOf(s, prop.get('value') as NodePath));
  const m = prop.node as t.ObjectMethod;
  const k = s.fnKinds.get(m);
  if (m.kind === 'get') return k?.t === 'factory' && !k.async ? { t: 'handle', kind: k.kind, origin: k.origin } : undefined;
  return m.kind === 'method' ? k : undefined;
}
