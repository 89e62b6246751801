/**
 * Client and session: close() becomes awaited (it returns a promise natively) or is flagged in sync code;
 * `await client.startSession()` loses its await; options the native MongoClient rejects are flagged; io loop and
 * `.delegate` are flagged; any method the native class lacks is flagged (the surface comes from the installed driver).
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import { isInAsyncContext, type RuleContext } from '../context.js';
import { isMemberLike, memberName, unwrapExpression } from '../../tracking/tracker.js';
import { MOTOR_FLAGGED_PROPERTIES, NATIVE_CURSOR_BUILDERS } from '../../presets/motor.js';
import { nativeAcceptsClientOption, nativeHas } from '../../presets/native-surface.js';
import { METHOD_HINTS } from '../../rules/motor.js';

export function clientRule(ctx: RuleContext): void {
  const tracker = ctx.tracker;
  const vocab = tracker.vocab;

  for (const call of tracker.collected.calls) {
    const callee = unwrapExpression(call.get('callee') as NodePath);
    if (!isMemberLike(callee) || callee.node.computed) continue;
    const name = memberName(callee.node);
    if (!name) continue;
    const recv = tracker.kindOf(callee.get('object') as NodePath);
    if (recv?.t !== 'handle') continue;
    const canonical = vocab.canonicalMethod(recv.origin, recv.kind, name);

    if (recv.origin === 'native') {
      if (name === 'close' && recv.kind === 'client' && call.parentPath?.isExpressionStatement() && !isInAsyncContext(call, ctx)) {
        ctx.report('native/close-not-awaited', call.node, 'client.close() returns a promise that this synchronous code does not wait for.');
        continue;
      }
      // A Motor toList left on a native cursor keeps the rule id `run` reported it under (stable ignores, baselines, markers).
      if (name === 'toList' && (recv.kind === 'cursor' || recv.kind === 'commandCursor') && call.node.arguments.length === 1) {
        const a = call.node.arguments[0]!;
        if (a.type === 'NumericLiteral' && a.value === 0) {
          ctx.report('motor/to-list-zero', call.node, 'toList(0) returned [] in Motor; the native driver has no such call.');
          continue;
        }
        if (a.type !== 'NullLiteral' && !(a.type === 'Identifier' && a.name === 'undefined')) {
          ctx.report('motor/to-list-length', call.node, 'toList(n) does not exist on native cursors; read at most n documents with a next() loop.');
          continue;
        }
      }
      if (!nativeHas(recv.kind, name) && !NATIVE_CURSOR_BUILDERS.includes(name)) {
        const hint = METHOD_HINTS[name];
        ctx.report('native/unknown-method', callee.node.property, `${name}() does not exist on the native ${recv.kind} object.`, hint ? `Use ${hint}.` : undefined);
      }
      continue;
    }
    // The legacy clients' calls are src/js/clients' business.
    if (recv.origin !== 'wrapper') continue;

    const rule = vocab.methodRule('wrapper', recv.kind, name);
    // Read from the preset's table: a method that became asynchronous (client.close()), one that became synchronous
    // (client.startSession()).
    if (rule?.nowAsync) {
      closeCall(ctx, call);
      continue;
    }
    if (rule?.dropAwait) {
      const parent = call.parentPath;
      if (parent?.isAwaitExpression() && parent.node.argument === call.node) {
        ctx.edit(parent.node.start!, call.node.start!, '');
      } else {
        ctx.report('motor/start-session', call.node, 'startSession() returns the session synchronously natively; code that treated it as a promise must change.');
      }
      continue;
    }
    if (rule?.flag) {
      if (rule.flag === 'motor/io-loop') ctx.report('motor/io-loop', call.node, `${name}() has no native counterpart.`);
      else if (rule.flag === 'motor/unknown-method') ctx.report('motor/unknown-method', callee.node.property, `${name}() does not exist on the native ${recv.kind}.`);
      // cursor each/fetchNext are reported by the cursor rule
      continue;
    }
    if (rule) continue; // handled by another rule (renames, toList...)
    if (nativeHas(recv.kind, canonical) || NATIVE_CURSOR_BUILDERS.includes(canonical)) continue;
    const hint = METHOD_HINTS[canonical];
    ctx.report('motor/unknown-method', callee.node.property, `${name}() has no counterpart on the native ${recv.kind}; it was left unchanged.`, hint ? `Use ${hint}.` : undefined);
  }

  for (const n of tracker.collected.news) {
    const k = tracker.kindOf(n);
    if (k?.t !== 'handle' || k.kind !== 'client') continue;
    const rule = k.origin === 'wrapper' ? 'motor/client-option' : 'native/client-option';
    const opts = n.node.arguments[1];
    if (opts?.type !== 'ObjectExpression') continue;
    for (const prop of opts.properties) {
      if (prop.type !== 'ObjectProperty' || prop.computed) continue;
      const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.type === 'StringLiteral' ? prop.key.value : undefined;
      if (!key || nativeAcceptsClientOption(key)) continue;
      ctx.report(rule, prop, `The native MongoClient rejects the option '${key}' (MongoParseError: option ${key.toLowerCase()} is not supported).`);
    }
  }

  for (const m of tracker.collected.members) {
    const name = memberName(m.node);
    if (!name || !(name in MOTOR_FLAGGED_PROPERTIES)) continue;
    const k = tracker.kindOf(m.get('object') as NodePath);
    if (k?.t !== 'handle') continue;
    const flag = MOTOR_FLAGGED_PROPERTIES[name]!;
    const parent = m.parentPath;
    const called = (parent?.isCallExpression() || parent?.isOptionalCallExpression()) && parent.node.callee === m.node;
    if (k.origin === 'native') {
      if (!called && !nativeHas(k.kind, name)) ctx.report('native/unknown-member', m.node, `.${name} does not exist on native handles: ${flag.why}.`, flag.fix);
      continue;
    }
    if (k.origin !== 'wrapper') continue;
    ctx.report(flag.rule, m.node, `.${name}: ${flag.why}.`, flag.fix);
  }
}

function closeCall(ctx: RuleContext, call: NodePath<t.CallExpression>): void {
  const parent = call.parentPath;
  if (parent?.isAwaitExpression()) return;
  if (parent?.isExpressionStatement()) {
    if (isInAsyncContext(call, ctx)) {
      ctx.edit(call.node.start!, call.node.start!, 'await ');
      return;
    }
    ctx.report('motor/close-sync', call.node, 'client.close() now returns a promise, and this code is synchronous: it is not awaited.');
    return;
  }
  // Used as a value (returned, chained, passed on): the value is now a promise; nothing to rewrite.
}
