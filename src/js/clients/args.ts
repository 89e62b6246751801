/**
 * Arguments of legacy client calls as mongodb 6/7 wants them: monk's string projections and sorts, monk's cast of
 * string `_id`s, index specs written as field lists, option objects with the client's own keys removed.
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import { propertyKey } from '../../tracking/ast.js';

/** `'name -password'` -> `{ name: 1, password: 0 }` (monk's fields), `'-date name'` -> `{ date: -1, name: 1 }` (sort). */
export function fieldList(text: string, negative: 0 | -1, signed = true): string | undefined {
  const parts = text
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  if (!parts.length) return undefined;
  const out: string[] = [];
  for (const p of parts) {
    const neg = signed && p.startsWith('-');
    const name = neg ? p.slice(1) : p.replace(/^\+/, '');
    if (!name) return undefined;
    out.push(`${/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`}: ${neg ? negative : 1}`);
  }
  return `{ ${out.join(', ')} }`;
}

/** The string value of a literal (a string or a template without expressions). */
export function stringValue(node: t.Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]!.value.cooked ?? undefined;
  return undefined;
}

/** A property of an object literal by key (not computed, not a spread). */
export function prop(obj: t.ObjectExpression, key: string): t.ObjectProperty | undefined {
  for (const p of obj.properties) if (p.type === 'ObjectProperty' && !p.computed && propertyKey(p) === key) return p;
  return undefined;
}

/** Can every key of this object literal be read (no spread, no computed key, no method)? */
export function plainObject(obj: t.ObjectExpression): boolean {
  return obj.properties.every((p) => p.type === 'ObjectProperty' && !p.computed);
}

/** `req.params.id`, `ctx.params.id`: route parameters, strings in Express and Koa routers. */
export function isRouteParam(node: t.Node): boolean {
  if (node.type !== 'MemberExpression') return false;
  const o = node.object;
  return (
    o.type === 'MemberExpression' && !o.computed && o.property.type === 'Identifier' && o.property.name === 'params' && o.object.type === 'Identifier' && /^(req|request|ctx)$/.test(o.object.name)
  );
}

/** Values that are already ObjectIds (or not strings): `new ObjectId(x)`, `monk.id(x)`, numbers, `null`. */
export type IdCheck = 'ok' | 'string' | 'unknown';

/**
 * What monk's castIds would have done to a value of an `_id` key: nothing (`ok`: an ObjectId, a number, ...), a
 * cast (`string`: a string literal or a route parameter, wrapped in new ObjectId), or a cast we cannot see.
 */
export function idValue(node: t.Node, isIdCall: (n: t.Node) => boolean): IdCheck {
  switch (node.type) {
    case 'StringLiteral':
    case 'TemplateLiteral':
      return 'string';
    case 'NumericLiteral':
    case 'NullLiteral':
    case 'BooleanLiteral':
      return 'ok';
    case 'NewExpression':
      return 'ok';
    case 'CallExpression':
      return isIdCall(node) ? 'ok' : 'unknown';
    case 'MemberExpression':
      return isRouteParam(node) ? 'string' : 'unknown';
    default:
      return 'unknown';
  }
}

/**
 * Walk a filter / update / document literal the way monk's castIds did: every `_id` key at any depth (inside arrays,
 * `$in`, `$nin`, `$ne`, `$set`), not dotted keys nor other operators. Calls `onString` for values to wrap; returns
 * false when some `_id` value cannot be judged.
 */
export function castIds(node: t.Node, isIdCall: (n: t.Node) => boolean, onString: (n: t.Node) => void): boolean {
  let ok = true;
  const visitElements = (elements: (t.Node | null)[], underId: boolean): void => {
    for (const e of elements) {
      if (e && e.type !== 'SpreadElement') visitValue(e, underId);
      else ok = false;
    }
  };
  const visitValue = (v: t.Node, underId: boolean): void => {
    if (underId) {
      if (v.type === 'ObjectExpression') {
        for (const p of v.properties) {
          if (p.type !== 'ObjectProperty' || p.computed) {
            ok = false;
            continue;
          }
          const k = propertyKey(p);
          if (k === '$in' || k === '$nin') {
            if (p.value.type === 'ArrayExpression') visitElements(p.value.elements, true);
            else ok = false;
          } else if (k === '$ne' || k === '$eq') visitValue(p.value as t.Node, true);
        }
        return;
      }
      if (v.type === 'ArrayExpression') {
        visitElements(v.elements, true);
        return;
      }
      const c = idValue(v, isIdCall);
      if (c === 'string') onString(v);
      else if (c === 'unknown') ok = false;
      return;
    }
    if (v.type === 'ObjectExpression') {
      for (const p of v.properties) {
        if (p.type === 'SpreadElement') continue;
        if (p.type !== 'ObjectProperty' || p.computed) continue;
        visitValue(p.value as t.Node, propertyKey(p) === '_id');
      }
    } else if (v.type === 'ArrayExpression') {
      for (const e of v.elements) if (e && e.type !== 'SpreadElement') visitValue(e, false);
    }
  };
  visitValue(node, false);
  return ok;
}

/** Is the value of this call discarded (a statement of its own, or an awaited statement)? */
export function resultUnused(call: NodePath): boolean {
  let p = call.parentPath;
  if (p?.isAwaitExpression()) p = p.parentPath;
  if (p?.isExpressionStatement()) return true;
  // x.remove(q).then(() => ...), .then((r) => ...) where r is never read
  const m = call.parentPath;
  if (m?.isMemberExpression() && m.node.object === call.node && !m.node.computed && m.node.property.type === 'Identifier' && m.node.property.name === 'then') {
    const c = m.parentPath;
    const fn = c?.isCallExpression() ? (c.get('arguments') as NodePath[])[0] : undefined;
    if (fn && (fn.isArrowFunctionExpression() || fn.isFunctionExpression())) {
      const param = fn.node.params[0];
      if (!param) return true;
      if (param.type === 'Identifier') return !fn.scope.getBinding(param.name)?.referenced;
    }
  }
  return false;
}
