/**
 * `cursor.each((err, doc) => { ... })` (mongodb 2/3, removed in 4.0; reference §5.3) -> a `next()` loop:
 *
 *     cursor.each((err, doc) => {            for (;;) {
 *       if (err) return handle(err);           let doc;
 *       if (doc === null) return done();  ->   try {
 *       perDoc(doc);                             doc = await cursor.next();
 *     });                                      } catch (err) {
 *                                                handle(err);
 *                                                return;
 *                                              }
 *                                              if (doc === null) break;
 *                                              perDoc(doc);
 *                                            }
 *                                            done();
 *
 * The old driver called the callback once per document, then once with `doc === null`, or once with the error
 * (and then stopped). So: the per-document part becomes the loop body (a `return` in it becomes `continue`, and
 * `return false`, which stopped the iteration, becomes `break`), the null branch runs once after the loop, the error
 * branch becomes the catch of the one `await cursor.next()` (a cursor expression that is not a name is held in a
 * `const cursor` first). Only under the conditions of the await conversion (enclosing async function or top-level
 * await, tail position, inline callback whose names fit) and for a fresh cursor (each() rewound the cursor first);
 * every other shape is flagged with the reason. Only the await sits in the try, as in the other await conversions:
 * an exception thrown by the per-document code never reached the error branch with the old driver (it escaped the
 * callback), and it does not reach the catch now; it propagates out of the loop. When the error branch is just
 * `throw err`, errors propagate out either way, and the loop is a plain `for await (const doc of cursor)`.
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { indentAt } from '../../core/text.js';
import { CURSOR_BUILDERS } from '../../presets/motor.js';
import { callbackShape, isInlineFn, paramName, type DriverCall, type FnPath, type Shape } from './calls.js';
import { asyncContext, fixReturn, hasMultilineTemplate, isPure, namesFit, ownReturns, reindent, semiOf, tailInfo, usesThisOrArguments, type ConvertState, type Decision } from './convert.js';

type Guard = Extract<Shape, { t: 'guard' }>;

interface EachPlan {
  fn: FnPath;
  err: string;
  doc: string;
  guard: Guard;
  perDoc: NodePath<t.Statement>[];
  end: NodePath<t.Statement>[];
  /** Returns of the callback in the per-document part, and what each becomes. */
  loopReturns: { ret: NodePath<t.ReturnStatement>; to: 'continue' | 'break' | 'drop' }[];
  endReturns: NodePath<t.ReturnStatement>[];
}

const FRESH_CURSOR = new Set(['find', 'aggregate', 'listCollections', 'listIndexes']);

/** A cursor expression that was never read before each() (each() rewound the cursor, for await does not). */
export function freshCursor(obj: NodePath, call: NodePath): boolean {
  const isFreshCall = (n: t.Node): boolean => {
    if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression' || n.callee.computed || n.callee.property.type !== 'Identifier') return false;
    const name = n.callee.property.name;
    if (FRESH_CURSOR.has(name)) return true;
    return CURSOR_BUILDERS.includes(name) && isFreshCall(n.callee.object);
  };
  if (isFreshCall(obj.node)) return true;
  if (!obj.isIdentifier()) return false;
  const b = obj.scope.getBinding(obj.node.name);
  if (!b || b.constantViolations.length > 0) return false;
  if (b.kind === 'param') {
    // `coll.find(q, (err, cursor) => { ... cursor.each(...) })`: the cursor the v2/v3 find callback received
    const fn = b.path.parentPath;
    if (!fn || !isInlineFn(fn) || (fn.node.params[1] as t.Node | undefined) !== b.path.node) return false;
    const outer = fn.parentPath;
    if (!outer?.isCallExpression() || outer.node.arguments[outer.node.arguments.length - 1] !== fn.node) return false;
    const callee = outer.node.callee;
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || !FRESH_CURSOR.has(callee.property.name)) return false;
    if (call.getFunctionParent()?.node !== fn.node) return false;
  } else {
    if (!b.path.isVariableDeclarator()) return false;
    const init = b.path.node.init;
    if (!init || !isFreshCall(init)) return false;
    if (b.path.getFunctionParent()?.node !== call.getFunctionParent()?.node) return false;
  }
  // Every other use configures the cursor before the loop (builders), and none reads it.
  return b.referencePaths.every((r) => {
    if (r.node === obj.node) return true;
    const m = r.parentPath;
    if (!m?.isMemberExpression() || m.node.object !== r.node || m.node.computed || m.node.property.type !== 'Identifier') return false;
    return CURSOR_BUILDERS.includes(m.node.property.name) && m.parentPath?.isCallExpression() === true && r.node.start! < call.node.start!;
  });
}

/** `doc === null`, `doc == null`, `!doc` -> 'end' (true once, after the last document); `doc`, `doc != null` -> 'doc'. */
function nullTest(test: t.Expression, doc: string): 'end' | 'doc' | undefined {
  const isDoc = (n: t.Node) => n.type === 'Identifier' && n.name === doc;
  const isNull = (n: t.Node) => n.type === 'NullLiteral';
  if (isDoc(test)) return 'doc';
  if (test.type === 'UnaryExpression' && test.operator === '!') {
    if (isDoc(test.argument)) return 'end';
    if (test.argument.type === 'UnaryExpression' && test.argument.operator === '!' && isDoc(test.argument.argument)) return 'doc';
    return undefined;
  }
  if (test.type === 'BinaryExpression' && ['===', '==', '!==', '!='].includes(test.operator)) {
    const [a, b] = [test.left, test.right];
    const loose = test.operator === '==' || test.operator === '!=';
    const other = isDoc(a) ? b : isDoc(b) ? a : undefined;
    if (!other) return undefined;
    // The old driver passed null: `=== undefined` was never true; `== undefined` is the same test as `== null`.
    const nullish = isNull(other) || (loose && other.type === 'Identifier' && other.name === 'undefined');
    if (!nullish) return undefined;
    return test.operator.startsWith('=') ? 'end' : 'doc';
  }
  return undefined;
}

function statementsOf(p: NodePath<t.Statement> | null | undefined): NodePath<t.Statement>[] {
  if (!p?.node) return [];
  if (p.isBlockStatement()) return p.get('body') as NodePath<t.Statement>[];
  return [p];
}

function exits(s: t.Statement | null | undefined): boolean {
  if (!s) return false;
  if (s.type === 'ReturnStatement' || s.type === 'ThrowStatement') return true;
  if (s.type === 'BlockStatement') return exits(s.body[s.body.length - 1]);
  if (s.type === 'IfStatement') return !!s.alternate && exits(s.consequent) && exits(s.alternate);
  return false;
}

function within(n: t.Node, list: NodePath[]): boolean {
  return list.some((s) => n.start! >= s.node.start! && n.end! <= s.node.end!);
}

type Flag = { flag: string; why: string };
const flag = (why: string): Flag => ({ flag: 'mongodb-callbacks/cursor-each', why: `cursor.each() was left in place: ${why}.` });

function plan(ctx: RuleContext, dc: DriverCall): EachPlan | Flag {
  const cb = dc.cb;
  if (dc.call.node.arguments.length !== 1 || !isInlineFn(cb)) return flag('its callback is not an inline function');
  const fn = cb;
  if (fn.node.async || fn.node.generator) return flag('its callback is async or a generator');
  if (fn.node.params.length !== 2) return flag('its callback does not take (err, doc)');
  const err = paramName(fn, 0);
  const doc = paramName(fn, 1);
  if (!err || !doc || fn.node.params.some((p) => p.type !== 'Identifier')) return flag('its callback does not take (err, doc)');
  if (ctx.isTypeScript && fn.node.params.some((p) => (p as t.Identifier).typeAnnotation)) return flag('its callback parameters carry type annotations');
  if (usesThisOrArguments(fn) || hasMultilineTemplate(fn)) return flag('its callback uses this/arguments or a multi-line template');
  // A `var` of the callback was fresh at every call; in a loop body it would keep its value from one document to the next.
  if (Object.values(fn.scope.bindings).some((b) => b.kind === 'var' || b.kind === 'hoisted'))
    return flag('its callback declares var or function bindings, which a loop body would share between documents');
  const shape = callbackShape(fn);
  if (shape.t !== 'guard') return flag('its callback does not start with `if (err)`, so an error would reach the per-document code');
  if (!shape.exits || shape.elseBlock) return flag('the error branch of its callback does not end with return or throw');
  const body = (fn.get('body') as NodePath<t.BlockStatement>).get('body') as NodePath<t.Statement>[];
  const rest = body.slice(1);
  const test = rest[0];
  const kind = test?.isIfStatement() ? nullTest(test.node.test, doc) : undefined;
  if (!test?.isIfStatement() || !kind) return flag('the statement after `if (err)` does not test the document for null (the old driver called the callback once more with null at the end)');
  const cons = test.get('consequent') as NodePath<t.Statement>;
  const alt = test.get('alternate') as NodePath<t.Statement>;
  const after = rest.slice(1);
  let perDoc: NodePath<t.Statement>[];
  let end: NodePath<t.Statement>[];
  if (kind === 'end') {
    if (after.length > 0 && !exits(cons.node)) return flag('code after the null branch would also run for the final null call');
    end = statementsOf(cons);
    perDoc = [...statementsOf(alt.node ? alt : null), ...after];
    if (alt.node && after.length > 0) return flag('the null test has an else branch followed by more code');
  } else {
    perDoc = statementsOf(cons);
    if (after.length > 0) {
      if (alt.node || !exits(cons.node)) return flag('code after the document branch would also run for the documents');
      end = after;
    } else end = statementsOf(alt.node ? alt : null);
  }
  // The document exists only in the loop body (the null branch saw null, the error branch undefined).
  const docRefs = fn.scope.getOwnBinding(doc)?.referencePaths ?? [];
  if (docRefs.some((r) => !within(r.node, perDoc) && !within(r.node, [test.get('test') as NodePath]))) return flag('its callback reads the document outside the per-document code');
  const loopReturns: EachPlan['loopReturns'] = [];
  const endReturns: NodePath<t.ReturnStatement>[] = [];
  const handler = shape.handler.node;
  for (const r of ownReturns(fn)) {
    if (r.node.start! >= handler.start! && r.node.end! <= handler.end!) continue;
    if (within(r.node, end)) {
      endReturns.push(r);
      continue;
    }
    if (!within(r.node, perDoc)) continue;
    // continue/break must target the new loop: not from inside a loop or switch of the callback
    const inner = r.findParent((p) => p.node === fn.node || p.isLoop() || p.isSwitchStatement());
    if (inner && inner.node !== fn.node) return flag('its callback returns from inside a loop or switch');
    const arg = r.node.argument;
    if (!arg) loopReturns.push({ ret: r, to: 'continue' });
    else if (arg.type === 'BooleanLiteral' && !arg.value) loopReturns.push({ ret: r, to: 'break' });
    else if (isPure(arg) && arg.type !== 'Identifier' && arg.type !== 'ThisExpression') loopReturns.push({ ret: r, to: 'continue' });
    else if (arg.type === 'Identifier' && arg.name === 'undefined') loopReturns.push({ ret: r, to: 'continue' });
    else return flag('its callback returns a value that may be false (which stopped the iteration)');
  }
  // A `return` that ends the per-document part does nothing in a loop body.
  for (const lr of loopReturns) {
    if (lr.to === 'continue' && perDoc[perDoc.length - 1]?.node === lr.ret.node) lr.to = 'drop';
  }
  return { fn, err, doc, guard: shape, perDoc, end, loopReturns, endReturns };
}

export function decideEach(ctx: RuleContext, dc: DriverCall, state: ConvertState): Decision | Flag {
  const call = dc.call;
  const parent = call.parentPath!;
  if (dc.kind !== 'cursor' && dc.kind !== 'commandCursor') return flag('the receiver is not a cursor');
  let form: Decision['form'];
  if (parent.isExpressionStatement()) form = 'S1';
  else if (parent.isReturnStatement() && parent.node.argument === call.node) form = 'S2';
  else return flag('its return value is used or it is not a statement');
  const stmt = parent;
  const p = plan(ctx, dc);
  if ('flag' in p) return p;
  if (!freshCursor(dc.callee.get('object') as NodePath, call)) return flag('each() rewound the cursor first, and this cursor may have been read before (use a cursor created just before the loop)');
  const tail = tailInfo(stmt, state, ctx);
  if (!tail.tail) return flag('it is not in tail position (code after it ran before the documents arrived)');
  if (!asyncContext(call, state, ctx)) return flag('the enclosing function is not async (making it async would change its callers)');
  if (!namesFit(p.fn, stmt, ctx, new Set([p.err]))) return flag('the names of its callback clash with the enclosing scope');
  const atTop = tail.fn?.isProgram() === true;
  const handlerReturns = ownReturns(p.fn).some((r) => r.node.start! >= p.guard.handler.node.start! && r.node.end! <= p.guard.handler.node.end!);
  if (atTop && (p.endReturns.length > 0 || handlerReturns)) return flag('its callback returns early at the top level of the module');
  return { dc, form, style: 'each', shape: p.guard, stmt, tail: true, endsFunction: tail.endsFunction, v2: false, each: p };
}

/** Render statements [first..last] of one block, re-indented from their own indentation to `to`. */
function renderStatements(ctx: RuleContext, list: NodePath<t.Statement>[], to: string): string {
  if (!list.length) return '';
  const first = list[0]!.node;
  const last = list[list.length - 1]!.node;
  // Comments on their own lines just above the first statement, and at the end of the last one's line, move with them.
  let start = first.start!;
  for (const c of [...(first.leadingComments ?? [])].reverse()) {
    if (c.start == null || c.end == null) break;
    const between = ctx.text.slice(c.end, start);
    if (!/^\s*$/.test(between) || ctx.lineIndentBefore(c.start) === undefined) break;
    start = c.start;
  }
  let end = last.end!;
  for (const c of last.trailingComments ?? []) {
    if (c.start == null || c.end == null || !/^[ \t]*$/.test(ctx.text.slice(end, c.start))) break;
    end = c.end;
  }
  const from = ctx.lineIndentBefore(start);
  return reindent(ctx.render(start, end), from, to);
}

/** A name for the `next()` loop (its cursor), free in the enclosing scopes and unused by the callback and the cursor expression. */
function loopName(ctx: RuleContext, p: EachPlan, stmt: NodePath, base: string, taken: string[]): string {
  const avoid = new Set<string>(taken);
  const add = (path: NodePath) =>
    path.traverse({
      Identifier(i) {
        avoid.add(i.node.name);
      },
    });
  add(p.fn);
  add(stmt);
  for (let i = 1; ; i++) {
    const n = i === 1 ? base : `${base}${i}`;
    if (!avoid.has(n) && !stmt.scope.hasBinding(n) && !ctx.tracker.programPath.scope.hasGlobal(n)) return n;
  }
}

export function applyEach(ctx: RuleContext, d: Decision): void {
  const p = d.each as EachPlan;
  const { dc } = d;
  const eol = ctx.eol;
  const unit = ctx.indentUnit;
  const stmtNode = d.stmt.node;
  const outer = ctx.lineIndentBefore(stmtNode.start!) ?? indentAt(ctx.text, stmtNode.start!);
  const braces = !(d.stmt.parentPath?.isBlockStatement() || d.stmt.parentPath?.isProgram() || d.stmt.parentPath?.isSwitchCase());
  const ind = braces ? outer + unit : outer;
  const semi = semiOf(ctx, stmtNode) || ';';
  const throwOnly = p.guard.throwOnly;
  const needsReturn = d.form === 'S2' && !d.endsFunction;

  // 1. Returns in the per-document part: continue / break (a bare return that ends it is dropped).
  const perDocList = [...p.perDoc];
  for (const lr of p.loopReturns) {
    const r = lr.ret.node;
    const inBlock = lr.ret.parentPath.isBlockStatement();
    if (lr.to === 'drop') {
      if (perDocList[perDocList.length - 1]?.node === r) perDocList.pop();
      continue;
    }
    const kw = `${lr.to}${semiOf(ctx, r) || semi}`;
    const arg = r.argument;
    const expr = arg && !isPure(arg) && !(arg.type === 'BooleanLiteral') ? ctx.render(arg.start!, arg.end!) : '';
    if (!expr) ctx.edit(r.start!, r.end!, kw);
    else if (inBlock) ctx.edit(r.start!, r.end!, `${expr}${semi}${eol}${ctx.lineIndentBefore(r.start!) ?? ''}${kw}`);
    else ctx.edit(r.start!, r.end!, `{ ${expr}${semi} ${kw} }`);
  }
  // 2. Returns in the null branch: they run once after the loop, where they return from the enclosing function.
  const endList = [...p.end];
  const lastEnd = endList[endList.length - 1]?.node;
  const endsHere = d.endsFunction && !needsReturn;
  for (const r of p.endReturns) {
    // A bare return that ends the null branch: the function ends there anyway, or gets its own `return` below.
    if (r.node === lastEnd && isPure(r.node.argument)) endList.pop();
    else fixReturn(ctx, r, r.node === lastEnd && endsHere);
  }

  // 3. The error branch: the catch around `await cursor.next()`, which must end the function as the callback's error
  // branch ended it (plan() requires it to end with return or throw; a `break` is added should it not).
  const handlerInd = ind + unit + unit;
  const handler: string[] = [];
  if (!throwOnly) {
    const h = p.guard.handler;
    const bodyIndent = ctx.lineIndentBefore(p.guard.ifStmt.node.start!);
    if (h.isReturnStatement()) {
      const arg = h.node.argument;
      if (arg && !isPure(arg)) handler.push(ctx.render(arg.start!, arg.end!) + semi);
      handler.push(`return${semi}`);
    } else if (h.isBlockStatement()) {
      for (const r of ownReturns(p.fn)) if (r.node.start! >= h.node.start! && r.node.end! <= h.node.end!) fixReturn(ctx, r, false);
      const inner = ctx.render(h.node.start! + 1, h.node.end! - 1).trim();
      if (inner) handler.push(reindent(inner, bodyIndent !== undefined ? bodyIndent + unit : undefined, handlerInd));
    } else {
      handler.push(reindent(ctx.render(h.node.start!, h.node.end!), bodyIndent, handlerInd));
    }
    if (!exits(h.node)) handler.push(`break${semi}`);
  }

  // 4. Assemble.
  const docBinding = p.fn.scope.getOwnBinding(p.doc);
  const cursorText = reindent(ctx.render(dc.callee.node.object.start!, dc.callee.node.object.end!), outer, ind);
  const lines: string[] = [];
  if (throwOnly) {
    // Errors propagate out of the loop either way: the plain for await.
    const kw = docBinding && docBinding.constantViolations.length > 0 ? 'let' : 'const';
    const perDoc = renderStatements(ctx, perDocList, ind + unit);
    lines.push(perDoc ? `for await (${kw} ${p.doc} of ${cursorText}) {${eol}${ind}${unit}${perDoc}${eol}${ind}}` : `for await (${kw} ${p.doc} of ${cursorText}) {${eol}${ind}}`);
  } else {
    // Only the cursor's own errors reach the error branch: the await of next() alone sits in the try, the per-document
    // code runs after it (next() resolves to null once the cursor is exhausted).
    let cursor = cursorText;
    if (!(dc.callee.node.object.type === 'Identifier')) {
      cursor = loopName(ctx, p, d.stmt, 'cursor', []);
      lines.push(`const ${cursor} = ${cursorText}${semi}`);
    }
    // TypeScript: a `let` without a type that is both reassigned and read in a closure has an implicit any there; the
    // loop then reads into another name and declares the document from it, with the type for await gave it.
    const reassigned = !!docBinding && docBinding.constantViolations.length > 0;
    const captured = (docBinding?.referencePaths ?? []).some((r) => r.getFunctionParent()?.node !== p.fn.node);
    const read = ctx.isTypeScript && reassigned && captured ? loopName(ctx, p, d.stmt, 'next', [cursor]) : p.doc;
    const perDoc = renderStatements(ctx, perDocList, ind + unit);
    const body = [`let ${read}${semi}`, `try {`, `${unit}${read} = await ${cursor}.next()${semi}`, `} catch (${p.err}) {`, ...handler.map((x) => unit + x), `}`, `if (${read} === null) break${semi}`];
    if (read !== p.doc) body.push(`let ${p.doc} = ${read}${semi}`);
    if (perDoc) body.push(perDoc);
    lines.push([`for (;;) {`, ...body.map((x) => unit + x), '}'].join(eol + ind));
  }
  const end = renderStatements(ctx, endList, ind);
  if (end.trim()) lines.push(end);
  if (needsReturn) lines.push(`return${semi}`);
  let text = lines.join(eol + ind);
  if (braces) text = `{${eol}${ind}${text}${eol}${outer}}`;
  ctx.render(stmtNode.start!, stmtNode.end!);
  ctx.edit(stmtNode.start!, stmtNode.end!, text);
}
