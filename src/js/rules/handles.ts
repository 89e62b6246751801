/**
 * Handles: client.getDatabase(n) / client[n] / client.name -> client.db(n); db.getCollection(n) / db[n] /
 * db.name -> db.collection(n); client.getDefaultDatabase() -> client.db() (with a warning unless the URI literal
 * names a database).
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { isMemberLike, memberName, unwrapExpression } from '../../tracking/tracker.js';

function uriNamesDatabase(node: t.Node | undefined): boolean {
  if (!node) return false;
  let s: string | undefined;
  if (node.type === 'StringLiteral') s = node.value;
  else if (node.type === 'TemplateLiteral' && node.expressions.length === 0) s = node.quasis[0]!.value.cooked ?? undefined;
  if (!s) return false;
  const m = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(s);
  return !!m && m[1]!.length > 0;
}

export function handlesRule(ctx: RuleContext): void {
  const tracker = ctx.tracker;
  const vocab = tracker.vocab;
  for (const call of tracker.collected.calls) {
    const callee = unwrapExpression(call.get('callee') as NodePath);
    if (!isMemberLike(callee)) continue;
    const name = memberName(callee.node);
    if (!name || callee.node.computed) continue;
    const recv = tracker.kindOf(callee.get('object') as NodePath);
    if (recv?.t !== 'handle' || recv.origin !== 'wrapper') continue;
    const canonical = vocab.canonicalMethod('wrapper', recv.kind, name);
    const rule = vocab.methodRule('wrapper', recv.kind, name);
    if (!rule) continue;
    if (canonical === 'getDefaultDatabase' && recv.kind === 'client') {
      ctx.edit(callee.node.property.start!, callee.node.property.end!, 'db');
      const from = recv.from as t.NewExpression | undefined;
      if (!uriNamesDatabase(from?.arguments[0] as t.Node | undefined)) {
        ctx.report('motor/default-database', call.node, 'getDefaultDatabase() raised when the URI named no database; client.db() now silently falls back to `test`.');
      }
      continue;
    }
    if (rule.rename && rule.rename !== name) {
      ctx.edit(callee.node.property.start!, callee.node.property.end!, rule.rename);
    }
  }

  for (const m of tracker.collected.members) {
    const sub = tracker.subHandleOf(m);
    if (!sub || sub.parent.origin !== 'wrapper') continue;
    const node = m.node;
    // Never rewrite an assignment target or a delete operand.
    const parent = m.parentPath;
    if (parent?.isAssignmentExpression() && parent.node.left === node) continue;
    if (parent?.isUnaryExpression() && parent.node.operator === 'delete') continue;
    if (parent?.isUpdateExpression()) continue;
    const method = sub.kind === 'db' ? 'db' : 'collection';
    let arg: string;
    if (node.computed) arg = ctx.render(node.property.start!, node.property.end!);
    else {
      const q = /"/.test(ctx.text.slice(0, 2000)) && !/'/.test(ctx.text.slice(0, 2000)) ? '"' : "'";
      arg = `${q}${sub.name}${q}`;
    }
    // Replace from the end of the object to the end of the member: `.name` or `[expr]` -> `.db(expr)`.
    const objEnd = node.object.end!;
    const optional = (node as t.Node as t.OptionalMemberExpression).optional ? '?' : '';
    ctx.edit(objEnd, node.end!, `${optional}.${method}(${arg})`);
  }

  destructuredHandles(ctx);
}

/**
 * `const { users, sessions: sess } = db` on a wrapper db (attribute-style sub-handles) becomes
 * `const users = db.collection('users'), sess = db.collection('sessions')` when the source is a plain name or
 * `this.x` (cheap to repeat); other shapes are flagged.
 */
function destructuredHandles(ctx: RuleContext): void {
  const tracker = ctx.tracker;
  for (const d of tracker.collected.declarators) {
    const id = d.node.id;
    const init = d.node.init;
    if (id.type !== 'ObjectPattern' || !init) continue;
    const k = tracker.kindOf(d.get('init') as NodePath);
    if (k?.t !== 'handle' || k.origin !== 'wrapper' || (k.kind !== 'client' && k.kind !== 'db')) continue;
    const method = k.kind === 'client' ? 'db' : 'collection';
    const simpleSource = init.type === 'Identifier' || (init.type === 'MemberExpression' && init.object.type === 'ThisExpression' && !init.computed) || id.properties.length === 1; // evaluated once either way
    const parts: string[] = [];
    let source: string | undefined;
    let ok = simpleSource && !id.typeAnnotation;
    for (const prop of id.properties) {
      if (!ok) break;
      if (prop.type !== 'ObjectProperty' || prop.computed || prop.value.type !== 'Identifier') {
        ok = false;
        break;
      }
      const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.type === 'StringLiteral' ? prop.key.value : undefined;
      if (!key || !tracker.kindOf(d.get('init') as NodePath)) {
        ok = false;
        break;
      }
      parts.push(`${prop.value.name} = ${(source ??= ctx.render(init.start!, init.end!))}.${method}('${key}')`);
    }
    if (!ok || parts.length === 0) {
      ctx.report('motor/destructured-handle', d.node, 'Sub-handles destructured from a wrapper handle: the native object has no such properties.');
      continue;
    }
    ctx.edit(id.start!, init.end!, parts.join(', '));
  }
}
