/**
 * Callback clients (mongojs): the err-first callbacks of the sites the client rules rewrote into native calls
 * become promises, with the callback-era presets' converter (src/js/callbacks/convert.ts, each.ts): `await` with
 * only the await inside `try` where the enclosing function is async and the call is in tail position, the adapter
 * `op.then(success, failure)` elsewhere, so no function changes its signature. mongojs `cursor.forEach((err, doc) =>
 * ...)`, called once per document and once with `doc === null`, is converted as the callback era's `cursor.each`.
 * The conversion is all or nothing per file (the caller rolls the file back when a site cannot be converted).
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { isCallbackArg, isInlineFn, paramName, type DriverCall } from '../callbacks/calls.js';
import { apply, decide, prepare, type ConvertState, type Decision } from '../callbacks/convert.js';
import { applyEach, decideEach } from '../callbacks/each.js';

/** The index of the call's err-first callback (its last argument), or -1. */
export function callbackIndex(call: NodePath<t.CallExpression>): number {
  const args = call.get('arguments') as NodePath[];
  const i = args.length - 1;
  const last = args[i];
  // An identifier counts when it names a function (a parameter named like a callback, a function declaration).
  return last && isCallbackArg(last, i, Number.POSITIVE_INFINITY) ? i : -1;
}

/** Is the callback's result never read (no second parameter, or an unreferenced one)? A named function: it may be. */
export function callbackResultUnused(cb: NodePath): boolean {
  if (!isInlineFn(cb)) return false;
  const name = paramName(cb, 1);
  if (!cb.node.params[1]) return true;
  if (!name) return false;
  return !cb.scope.getOwnBinding(name)?.referenced && cb.node.params.length === 2;
}

/** A client call whose callback is to be converted, with the text its native promise form needs after it. */
export function clientCall(
  call: NodePath<t.CallExpression>,
  callee: NodePath<t.MemberExpression>,
  method: string,
  kind: 'db' | 'collection' | 'cursor',
  origin: string,
  cbIndex: number,
  suffix: string,
): DriverCall {
  const cb = (call.get('arguments') as NodePath[])[cbIndex];
  return { call, callee, method, kind, receiver: 'handle', origin, meta: { arity: cbIndex }, cb, cbIndex, suffix: suffix || undefined };
}

/** mongojs `cursor.forEach((err, doc) => ...)`: the callback era's `each` (a `next()` loop), never a native forEach. */
function isEach(dc: DriverCall): boolean {
  return dc.kind === 'cursor' && dc.method === 'forEach';
}

/**
 * Decide every callback of the file outer-first, then (when none failed) apply them inner-first. `fail` is told of
 * each call that cannot be converted, with why; then nothing is applied.
 */
export function convertClientCallbacks(ctx: RuleContext, calls: DriverCall[], fail: (dc: DriverCall, why: string) => void): void {
  const sites = [...calls].sort((a, b) => a.call.node.start! - b.call.node.start!);
  const state: ConvertState = { v2: new Set(), inlined: new Map(), guards: new Set() };
  const decisions: Decision[] = [];
  let failed = false;
  for (const dc of sites) {
    if (isEach(dc) && (!isInlineFn(dc.cb) || dc.cb.node.params.length !== 2)) {
      fail(dc, 'its forEach callback is not an inline (err, doc) function; the client called it with (err, doc), then (null, null) at the end');
      failed = true;
      continue;
    }
    const d = isEach(dc) ? decideEach(ctx, dc, state) : decide(ctx, dc, state);
    if ('flag' in d) {
      fail(dc, d.why.replace(/^cursor\.each\(\) was left in place: /, '').replace(/\.$/, ''));
      failed = true;
      continue;
    }
    if (d.style === 'each' && (d.each as { loopReturns: { to: string }[] }).loopReturns.some((r) => r.to === 'break')) {
      // `return false` stopped the driver's each(); the client's forEach went on.
      fail(dc, 'its forEach callback returns false (the client went on; a converted loop would stop)');
      failed = true;
      continue;
    }
    if (d.style !== 'adapter' && dc.cb) {
      state.inlined.set(dc.cb.node, d);
      if (d.shape.t === 'guard') state.guards.add(d.shape.ifStmt.node);
    }
    decisions.push(d);
  }
  if (failed) return;
  for (const d of decisions) prepare(ctx, d, state);
  for (const d of decisions.reverse()) {
    if (d.style === 'each') applyEach(ctx, d);
    else apply(ctx, d);
  }
}
