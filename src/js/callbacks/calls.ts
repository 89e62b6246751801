/**
 * Call-site classification for the callback presets: which calls are driver calls on a tracked handle (or the
 * static/module `connect`), which argument is an err-first callback, and the shape of an inline callback.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Tracker } from '../../tracking/tracker.js';
import { isMemberLike, memberName, unwrapExpression } from '../../tracking/tracker.js';
import type { HandleKind } from '../../presets/kinds.js';
import { CALLBACK_METHODS, type CallbackMethod } from '../../presets/mongodb-callbacks.js';

export type FnPath = NodePath<t.ArrowFunctionExpression | t.FunctionExpression>;

export interface DriverCall {
  call: NodePath<t.CallExpression>;
  callee: NodePath<t.MemberExpression>;
  method: string;
  /** Handle kind of the receiver, or 'static' for MongoClient.connect / require('mongodb').connect. */
  kind: HandleKind | 'static';
  /** 'module' when the receiver is the driver module itself (`mongodb.connect`). */
  receiver: 'handle' | 'ctor' | 'module';
  origin: string;
  meta?: CallbackMethod;
  /** The callback argument, when the call passes one. */
  cb?: NodePath;
  cbIndex: number;
  /** Text the promise form of the call needs after it (a legacy client's `find(q, cb)` resolves with `.toArray()`). */
  suffix?: string;
}

const CB_NAME = /^(cb|callback|next|done|fn|cont|continuation|resolve|reject|handler|callback\w*|\w*Callback|\w*Cb|on\w+)$/;

function isFunctionBinding(b: Binding | undefined): boolean {
  if (!b) return false;
  if (b.kind === 'hoisted') return b.path.isFunctionDeclaration();
  if (b.kind === 'param') return CB_NAME.test(b.identifier.name);
  if (b.path.isVariableDeclarator()) {
    const init = b.path.node.init;
    return !!init && (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression') && b.constantViolations.length === 0;
  }
  return false;
}

export function isInlineFn(p: NodePath | undefined): p is FnPath {
  return !!p && (p.isArrowFunctionExpression() || p.isFunctionExpression());
}

/** `x.collection('<literal>')`: one argument, a string or a template without expressions. */
export function isCollectionLiteral(node: t.Node | null | undefined): boolean {
  if (node?.type !== 'CallExpression' || node.arguments.length !== 1) return false;
  const c = node.callee;
  if (c.type !== 'MemberExpression' || c.computed || c.property.type !== 'Identifier' || c.property.name !== 'collection') return false;
  const a = node.arguments[0]!;
  return a.type === 'StringLiteral' || (a.type === 'TemplateLiteral' && a.expressions.length === 0);
}

/** Is this argument an err-first callback? Functions always; identifiers when they name a function or overflow the arity. */
export function isCallbackArg(arg: NodePath, index: number, arity: number): boolean {
  if (isInlineFn(arg)) return true;
  if (arg.isIdentifier()) {
    if (arg.node.name === 'undefined') return false;
    if (index >= arity) return true;
    return isFunctionBinding(arg.scope.getBinding(arg.node.name));
  }
  return false;
}

const FOREACH: CallbackMethod = { arity: 1 };
/** cursor.each(callback) (mongodb 2/3): its callback is called once per document, then once with null. */
const EACH: CallbackMethod = { arity: 0 };

/** mongodb 3 `aggregate(pipeline, opts?, cb)`: the callback received the cursor at once (v2 gave an array: not handled). */
const AGGREGATE_V3: CallbackMethod = { arity: 2, returns: 'commandCursor', sync: true };

/** Classify a call as a driver call (method on a tracked handle, or connect). `era`: the driver major of the old code, when known. */
export function driverCall(tracker: Tracker, call: NodePath<t.CallExpression>, era?: number): DriverCall | undefined {
  const callee = unwrapExpression(call.get('callee') as NodePath);
  if (!isMemberLike(callee) || callee.node.computed) return undefined;
  const method = memberName(callee.node);
  if (!method) return undefined;
  const recv = tracker.kindOf(callee.get('object') as NodePath);
  if (!recv) return undefined;
  let kind: HandleKind | 'static';
  let receiver: DriverCall['receiver'];
  let meta: CallbackMethod | undefined;
  if (recv.t === 'handle') {
    kind = recv.kind;
    receiver = 'handle';
    meta = CALLBACK_METHODS[recv.kind]?.[method];
    if (!meta && method === 'forEach' && (recv.kind === 'cursor' || recv.kind === 'commandCursor')) meta = FOREACH;
    if (!meta && method === 'each' && (recv.kind === 'cursor' || recv.kind === 'commandCursor')) meta = EACH;
    if (!meta && method === 'aggregate' && recv.kind === 'collection' && era === 3) meta = AGGREGATE_V3;
  } else if (recv.t === 'ctor' && recv.kind === 'client' && recv.origin === 'native' && method === 'connect') {
    kind = 'static';
    receiver = 'ctor';
    meta = { arity: 2, returns: 'client' };
  } else if (recv.t === 'module' && recv.origin === 'native' && method === 'connect') {
    kind = 'static';
    receiver = 'module';
    meta = { arity: 2, returns: 'client' };
  } else return undefined;
  if (recv.origin !== 'native') return undefined;
  const out: DriverCall = { call, callee, method, kind, receiver, origin: recv.origin, meta, cbIndex: -1 };
  const args = call.get('arguments') as NodePath[];
  if (meta && args.length > 0) {
    const i = args.length - 1;
    const last = args[i]!;
    const min = meta === FOREACH ? 1 : 0;
    if (i >= min && isCallbackArg(last, i, meta.arity)) {
      out.cb = last;
      out.cbIndex = i;
    }
  }
  return out;
}

// ---- inline callback shapes ------------------------------------------------------------------------------------

export type Shape =
  /** `if (err) HANDLER [else ELSE]; REST` with err unused in REST. */
  | { t: 'guard'; ifStmt: NodePath<t.IfStatement>; handler: NodePath<t.Statement>; elseBlock?: NodePath<t.Statement>; throwOnly: boolean; exits: boolean }
  /** The error is never read (no err parameter, or an unused one). */
  | { t: 'ignore' }
  /** `(err, res) => f(err, res)`: the same as passing f. */
  | { t: 'pass'; fn: NodePath }
  | { t: 'other'; why: string };

export function paramName(fn: FnPath, i: number): string | undefined {
  const p = fn.node.params[i];
  if (!p) return undefined;
  if (p.type === 'Identifier') return p.name;
  if (p.type === 'AssignmentPattern' && p.left.type === 'Identifier') return p.left.name;
  return undefined;
}

function refsInside(binding: Binding | undefined, node: t.Node): NodePath[] {
  if (!binding) return [];
  return binding.referencePaths.filter((r) => r.node.start! >= node.start! && r.node.end! <= node.end!);
}

/**
 * Does this statement always leave the callback (return, throw, or `process.exit(...)`, which never returns, when
 * `process` is the Node global: `exitGlobal`)?
 */
function exits(stmt: t.Statement, exitGlobal: boolean): boolean {
  if (stmt.type === 'ReturnStatement' || stmt.type === 'ThrowStatement') return true;
  if (stmt.type === 'BlockStatement') {
    const last = stmt.body[stmt.body.length - 1];
    return !!last && exits(last, exitGlobal);
  }
  if (stmt.type === 'IfStatement') return !!stmt.alternate && exits(stmt.consequent, exitGlobal) && exits(stmt.alternate, exitGlobal);
  if (stmt.type === 'ExpressionStatement' && exitGlobal) {
    const e = stmt.expression;
    return (
      e.type === 'CallExpression' &&
      e.callee.type === 'MemberExpression' &&
      !e.callee.computed &&
      e.callee.object.type === 'Identifier' &&
      e.callee.object.name === 'process' &&
      e.callee.property.type === 'Identifier' &&
      e.callee.property.name === 'exit'
    );
  }
  return false;
}

function isErrTest(test: t.Node, err: string): boolean {
  if (test.type === 'Identifier') return test.name === err;
  // err != null / err !== null && err !== undefined are the same test for an err-first callback
  if (test.type === 'BinaryExpression' && (test.operator === '!=' || test.operator === '!==') && test.left.type === 'Identifier' && test.left.name === err) {
    return test.right.type === 'NullLiteral' ? test.operator === '!=' : false;
  }
  return false;
}

export function callbackShape(fn: FnPath): Shape {
  const params = fn.node.params;
  if (params.some((p) => p.type !== 'Identifier' && !(p.type === 'AssignmentPattern' && p.left.type === 'Identifier'))) return { t: 'other', why: 'destructured or rest parameters' };
  if (params.length > 2) return { t: 'other', why: 'more than two parameters' };
  const err = paramName(fn, 0);
  const res = paramName(fn, 1);
  const errBinding = err ? fn.scope.getOwnBinding(err) : undefined;
  const body = fn.get('body') as NodePath;
  if (!err || (errBinding && errBinding.referencePaths.length === 0)) return { t: 'ignore' };
  if (!body.isBlockStatement()) {
    // (err, res) => f(err, res)
    const b = body.node;
    if (
      b.type === 'CallExpression' &&
      b.arguments.length === params.length &&
      b.arguments.every((a, i) => a.type === 'Identifier' && a.name === paramName(fn, i)) &&
      b.callee.type === 'Identifier' &&
      b.callee.name !== err &&
      b.callee.name !== res
    ) {
      return { t: 'pass', fn: body.get('callee') as NodePath };
    }
    return { t: 'other', why: 'the error is used in an expression body' };
  }
  const stmts = body.get('body') as NodePath<t.Statement>[];
  if (stmts.length === 1) {
    const s = stmts[0]!.node;
    const expr = s.type === 'ExpressionStatement' ? s.expression : s.type === 'ReturnStatement' ? s.argument : undefined;
    if (
      expr?.type === 'CallExpression' &&
      expr.callee.type === 'Identifier' &&
      expr.callee.name !== err &&
      expr.callee.name !== res &&
      expr.arguments.length === params.length &&
      expr.arguments.every((a, i) => a.type === 'Identifier' && a.name === paramName(fn, i))
    ) {
      const callPath = (s.type === 'ExpressionStatement' ? stmts[0]!.get('expression') : stmts[0]!.get('argument')) as NodePath<t.CallExpression>;
      return { t: 'pass', fn: callPath.get('callee') as NodePath };
    }
  }
  const first = stmts[0];
  if (!first?.isIfStatement() || !isErrTest(first.node.test, err)) return { t: 'other', why: 'the error is read elsewhere than in a leading `if (err)`' };
  const rest = first.node.alternate ? [first.node.alternate, ...stmts.slice(1).map((s) => s.node)] : stmts.slice(1).map((s) => s.node);
  for (const r of rest) if (refsInside(errBinding, r).length > 0) return { t: 'other', why: 'the error is read after the `if (err)` branch' };
  const handler = first.get('consequent') as NodePath<t.Statement>;
  const h = handler.node;
  const throwOnly =
    (h.type === 'ThrowStatement' && h.argument.type === 'Identifier' && h.argument.name === err) ||
    (h.type === 'BlockStatement' &&
      h.body.length === 1 &&
      h.body[0]!.type === 'ThrowStatement' &&
      (h.body[0] as t.ThrowStatement).argument.type === 'Identifier' &&
      ((h.body[0] as t.ThrowStatement).argument as t.Identifier).name === err);
  const alt = first.get('alternate') as NodePath<t.Statement>;
  const exitGlobal = !fn.scope.getBinding('process');
  if (first.node.alternate && !exits(h, exitGlobal)) return { t: 'other', why: 'an if/else on the error whose error branch does not return' };
  return { t: 'guard', ifStmt: first, handler, elseBlock: alt.node ? alt : undefined, throwOnly, exits: exits(h, exitGlobal) };
}
