/**
 * Callback clients (mongojs): the err-first callbacks of the sites the client rules rewrote into native calls
 * become promises, with the callback-era presets' converter (src/js/callbacks/convert.ts, each.ts): `await` with
 * only the await inside `try` where the enclosing function is async and the call is in tail position, the adapter
 * `op.then(success, failure)` elsewhere, so no function changes its signature. mongojs `cursor.forEach((err, doc) =>
 * ...)`, called once per document and once with `doc === null`, is converted as the callback era's `cursor.each`.
 * For mongojs the conversion is all or nothing per file (the caller rolls the file back when a site cannot be
 * converted); monk's optional callbacks are converted site by site.
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

/** The file's callback conversions: decided as the sites are met (outer calls first), applied at the end. */
export interface ClientConversions {
  state: ConvertState;
  decisions: Decision[];
}

export function clientConversions(): ClientConversions {
  return { state: { v2: new Set(), inlined: new Map(), guards: new Set() }, decisions: [] };
}

/**
 * Decide how one call's callback becomes a promise (the calls of a file in document order: an outer callback
 * inlined into an async function makes the calls inside it async context). A string: why it cannot be.
 */
export function decideClientCallback(ctx: RuleContext, conv: ClientConversions, dc: DriverCall): Decision | string {
  const state = conv.state;
  if (isEach(dc) && (!isInlineFn(dc.cb) || dc.cb.node.params.length !== 2))
    return 'its forEach callback is not an inline (err, doc) function; the client called it with (err, doc), then (null, null) at the end';
  const d = isEach(dc) ? decideEach(ctx, dc, state) : decide(ctx, dc, state);
  if ('flag' in d) return d.why.replace(/^cursor\.each\(\) was left in place: /, '').replace(/\.$/, '');
  // `return false` stopped the driver's each(); the client's forEach went on.
  if (d.style === 'each' && (d.each as { loopReturns: { to: string }[] }).loopReturns.some((r) => r.to === 'break'))
    return 'its forEach callback returns false (the client went on; a converted loop would stop)';
  if (d.style !== 'adapter' && dc.cb) {
    state.inlined.set(dc.cb.node, d);
    if (d.shape.t === 'guard') state.guards.add(d.shape.ifStmt.node);
  }
  conv.decisions.push(d);
  return d;
}

/** Apply the decisions kept (inner calls first: an outer rewrite renders the inner ones). */
export function applyClientCallbacks(ctx: RuleContext, conv: ClientConversions, keep: (d: Decision) => boolean): void {
  const kept = conv.decisions.filter(keep).sort((a, b) => a.dc.call.node.start! - b.dc.call.node.start!);
  for (const d of kept) prepare(ctx, d, conv.state);
  for (const d of kept.reverse()) {
    if (d.style === 'each') applyEach(ctx, d);
    else apply(ctx, d);
  }
}
