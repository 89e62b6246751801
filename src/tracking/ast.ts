/** Small questions about Babel nodes that the tracker and the rules share (no tracking state). */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Kind, Origin } from '../presets/kinds.js';

export function isNullish(node: t.Node | null | undefined): boolean {
  if (!node) return true;
  if (node.type === 'NullLiteral') return true;
  if (node.type === 'Identifier' && node.name === 'undefined') return true;
  if (node.type === 'UnaryExpression' && node.operator === 'void') return true;
  return false;
}

export function memberName(node: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'StringLiteral') return node.property.value;
  return undefined;
}

/** `module.exports` */
export function isModuleExports(node: t.Node): boolean {
  return node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === 'module' && memberName(node) === 'exports';
}

/** A member access, plain or optional (`a.b`, `a?.b`). */
export function isMemberLike(path: NodePath): path is NodePath<t.MemberExpression> {
  return path.isMemberExpression() || path.isOptionalMemberExpression();
}

export function unwrapExpression(path: NodePath): NodePath {
  let p = path;
  for (;;) {
    const n = p.node;
    if (
      n.type === 'ParenthesizedExpression' ||
      n.type === 'TSAsExpression' ||
      n.type === 'TSNonNullExpression' ||
      n.type === 'TSSatisfiesExpression' ||
      n.type === 'TSTypeAssertion' ||
      n.type === 'TypeCastExpression'
    ) {
      p = p.get('expression') as NodePath;
    } else return p;
  }
}

/** The key of an object literal property or method, when it is a plain name or string. */
export function propertyKey(node: t.ObjectProperty | t.ObjectMethod): string | undefined {
  if (!node.computed && node.key.type === 'Identifier') return node.key.name;
  if (node.key.type === 'StringLiteral') return node.key.value;
  return undefined;
}

/** An object kind from its handle fields (undefined when none holds a handle). */
export function objectOf(fields: Record<string, Kind>): Kind | undefined {
  const first = Object.values(fields)[0] as { origin?: Origin } | undefined;
  return first?.origin ? { t: 'object', fields, origin: first.origin } : undefined;
}

export function isObjectAssign(callee: t.Node): boolean {
  return callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'Object' && memberName(callee) === 'assign';
}
