/**
 * Callback -> promise conversion (reference §3.1, §4, §5). Two output styles, chosen per call site:
 * - `await` with try/catch around the await only, when the enclosing function is already async (or top-level await
 *   is available), the callback is an inline err-first function of a convertible shape and the call is in tail
 *   position; the callback's body is inlined after the try, so an exception it throws never reaches the error branch;
 * - the adapter `op.then((res) => ..., (err) => ...)` everywhere else; no function becomes async and no signature
 *   changes. A call whose value was used, or a callback of another shape, is flagged.
 * Decisions are taken outer-first (an inner callback inlined into an async function is in an async context), edits
 * are made inner-first so an outer rewrite renders the inner one.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { indentAt } from '../../core/text.js';
import { callbackShape, paramName, isInlineFn, type DriverCall, type FnPath, type Shape } from './calls.js';

export type Form = 'S1' | 'S2' | 'S3';
type Style = 'await' | 'adapter' | 'inline' | 'each';

export interface Decision {
  dc: DriverCall;
  form: Form;
  style: Style;
  shape: Shape | { t: 'ident' };
  /** The statement (S1/S2) or the arrow (S3). */
  stmt: NodePath;
  tail: boolean;
  endsFunction: boolean;
  /** v2 connect: the callback parameter is a Db. */
  v2: boolean;
  v2Names?: { client: string; db: string };
  /** cursor.each(): the plan computed by ./each.ts. */
  each?: unknown;
}

export interface ConvertState {
  v2: Set<Binding>;
  /** Callback functions that will be inlined (their body joins the enclosing function). */
  inlined: Map<t.Node, Decision>;
  /** Guard `if (err)` statements of inlined callbacks. */
  guards: Set<t.Node>;
}

export function isPure(node: t.Node | null | undefined): boolean {
  if (!node) return true;
  return ['Identifier', 'StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'NullLiteral', 'ThisExpression'].includes(node.type);
}

/** Walk from a statement to the function body: is it in tail position, and is it the very end of the function? */
export function tailInfo(stmt: NodePath, state: ConvertState, ctx: RuleContext): { tail: boolean; endsFunction: boolean; fn: NodePath | null } {
  const isReturn = stmt.isReturnStatement();
  let ends = true;
  let p: NodePath = stmt;
  for (;;) {
    const parent = p.parentPath;
    if (!parent) return { tail: false, endsFunction: false, fn: null };
    if (parent.isBlockStatement() || parent.isProgram()) {
      const body = parent.node.body as t.Node[];
      const rest = body.slice(body.indexOf(p.node) + 1).filter((n) => n.type !== 'FunctionDeclaration' && n.type !== 'EmptyStatement');
      if (rest.length > 0) {
        if (!isReturn) return { tail: false, endsFunction: false, fn: null };
        ends = false;
      }
      if (parent.isProgram()) return { tail: ctx.allowsTopLevelAwait, endsFunction: ends, fn: parent };
      const gp = parent.parentPath!;
      if (gp.isFunction()) {
        const d = state.inlined.get(gp.node);
        // The body of a cursor.each() callback becomes a loop body: nothing in it is in tail position.
        if (d?.style === 'each') return { tail: false, endsFunction: false, fn: null };
        if (d) {
          // The callback's body joins the enclosing function: continue from the call that is being replaced.
          if (d.form === 'S3') {
            const up = tailInfo(d.stmt, state, ctx);
            return { tail: up.tail, endsFunction: up.endsFunction && ends, fn: up.fn };
          }
          const up = tailInfo(d.stmt, state, ctx);
          return { tail: up.tail, endsFunction: up.endsFunction && ends, fn: up.fn };
        }
        return { tail: true, endsFunction: ends, fn: gp };
      }
      p = parent;
      continue;
    }
    if (parent.isIfStatement() && p.node !== parent.node.test) {
      if (state.guards.has(parent.node) && p.node === parent.node.consequent) return { tail: false, endsFunction: false, fn: null };
      p = parent;
      continue;
    }
    return { tail: false, endsFunction: false, fn: null };
  }
}

/** Is the code at `path` in an async function once the inlined callbacks around it have joined their enclosing function? */
export function asyncContext(path: NodePath, state: ConvertState, ctx: RuleContext): boolean {
  let fn = path.getFunctionParent();
  while (fn && state.inlined.has(fn.node)) {
    const d = state.inlined.get(fn.node)!;
    if (d.style === 'inline') fn = d.dc.call.getFunctionParent();
    else fn = d.dc.call.getFunctionParent();
  }
  if (fn) return !!fn.node.async;
  return ctx.allowsTopLevelAwait;
}

export function usesThisOrArguments(fn: FnPath): boolean {
  if (fn.isArrowFunctionExpression()) return false;
  let found = false;
  fn.traverse({
    ThisExpression(p) {
      if (p.getFunctionParent()?.node === fn.node || p.findParent((x) => x.isFunction() && !x.isArrowFunctionExpression())?.node === fn.node) found = true;
    },
    Identifier(p) {
      if (p.node.name === 'arguments' && p.findParent((x) => x.isFunction() && !x.isArrowFunctionExpression())?.node === fn.node) found = true;
    },
  });
  const id = (fn.node as t.FunctionExpression).id;
  if (id) {
    const b = fn.scope.getBinding(id.name);
    if (b && b.referencePaths.length > 0) found = true;
  }
  return found;
}

export function hasMultilineTemplate(path: NodePath): boolean {
  let found = false;
  path.traverse({
    TemplateLiteral(p) {
      if (p.node.quasis.some((q) => /\n/.test(q.value.raw))) found = true;
    },
  });
  return found;
}

/** Can the callback's own names move into the scope of `at` without clashing? */
export function namesFit(fn: FnPath, at: NodePath, ctx: RuleContext, skip: Set<string>): boolean {
  const names = new Set<string>(Object.keys(fn.scope.bindings));
  const body = fn.get('body') as NodePath;
  if (body.isBlockStatement()) for (const n of Object.keys(body.scope.bindings)) names.add(n);
  for (const n of names) {
    if (skip.has(n)) continue;
    if (at.scope.hasBinding(n)) return false;
    if (ctx.tracker.programPath.scope.hasGlobal(n)) return false;
  }
  return true;
}

function capturedByClosure(binding: Binding | undefined, fn: t.Node): boolean {
  if (!binding) return false;
  return binding.referencePaths.some((r) => r.getFunctionParent()?.node !== fn);
}

export function decide(ctx: RuleContext, dc: DriverCall, state: ConvertState): Decision | { flag: string; why: string } {
  const call = dc.call;
  const parent = call.parentPath!;
  let form: Form;
  let stmt: NodePath;
  if (parent.isExpressionStatement()) {
    form = 'S1';
    stmt = parent;
  } else if (parent.isReturnStatement() && parent.node.argument === call.node) {
    form = 'S2';
    stmt = parent;
  } else if (parent.isArrowFunctionExpression() && parent.node.body === call.node) {
    form = 'S3';
    stmt = parent;
  } else {
    return { flag: 'mongodb-callbacks/callback-return-used', why: `${dc.method}() is passed a callback and its return value is used; with a callback it returned undefined.` };
  }
  const cb = dc.cb!;
  const shape: Decision['shape'] = isInlineFn(cb) ? callbackShape(cb) : { t: 'ident' };
  const tail = form === 'S3' ? { tail: true, endsFunction: true } : tailInfo(stmt, state, ctx);
  let v2 = false;
  if (isInlineFn(cb)) {
    const res = paramName(cb, 1);
    const b = res ? cb.scope.getOwnBinding(res) : undefined;
    if (b && state.v2.has(b)) v2 = true;
  }
  const base = { dc, form, stmt, shape, tail: tail.tail, endsFunction: tail.endsFunction, v2 };
  if (shape.t === 'other') return { flag: 'mongodb-callbacks/callback-shape', why: `The callback of ${dc.method}() cannot be converted safely (${shape.why}).` };

  const inlineOk = (fn: FnPath): boolean => {
    if (fn.node.async || fn.node.generator) return false;
    if (usesThisOrArguments(fn)) return false;
    if (hasMultilineTemplate(fn)) return false;
    const err = paramName(fn, 0);
    if (!namesFit(fn, form === 'S3' ? (stmt as NodePath) : stmt, ctx, new Set(err ? [err] : []))) return false;
    if (ctx.isTypeScript) {
      const res = paramName(fn, 1);
      const p = fn.node.params[1];
      const b = res ? fn.scope.getOwnBinding(res) : undefined;
      if (p && p.type === 'Identifier' && !p.typeAnnotation && capturedByClosure(b, fn.node)) return false;
    }
    return true;
  };

  if (dc.meta?.sync) {
    if (shape.t === 'ident' || shape.t === 'pass') return { ...base, style: 'adapter' };
    if (form !== 'S1' || (!stmt.parentPath?.isBlockStatement() && !stmt.parentPath?.isProgram()))
      return { flag: 'mongodb-callbacks/callback-shape', why: `${dc.method}() with an inline callback in this position cannot be inlined.` };
    const fn = cb as FnPath;
    if (!inlineOk(fn))
      return { flag: 'mongodb-callbacks/callback-shape', why: `The callback of ${dc.method}() cannot be inlined (its names clash with the enclosing scope, or it uses this/arguments).` };
    const hasReturns = ownReturns(fn).length > 0;
    if (hasReturns && !tail.tail) return { flag: 'mongodb-callbacks/callback-shape', why: `The callback of ${dc.method}() returns early and the call is not in tail position.` };
    return { ...base, style: 'inline' };
  }

  // At the top level of a module there is nothing to return from: a callback that returns early stays a function.
  const atTop = form !== 'S3' && (tail as { fn: NodePath | null }).fn?.isProgram() === true;
  if (isInlineFn(cb) && (shape.t === 'guard' || shape.t === 'ignore') && tail.tail && asyncContext(call, state, ctx) && inlineOk(cb) && !(atTop && ownReturns(cb).length > 0)) {
    return { ...base, style: 'await' };
  }
  if (shape.t === 'guard') {
    if (v2) return { ...base, style: 'adapter' };
    const restEmpty = restIsEmpty(shape);
    if (!shape.exits && !restEmpty)
      return {
        flag: 'mongodb-callbacks/callback-shape',
        why: `The error branch of the ${dc.method}() callback falls through into the success code; it can only become await in an async function, in tail position.`,
      };
    if (shape.elseBlock && !restAfterIfEmpty(shape)) return { flag: 'mongodb-callbacks/callback-shape', why: `The ${dc.method}() callback has an if/else on the error followed by more code.` };
  }
  if (shape.t === 'ignore' && ctx.isTypeScript && isInlineFn(cb) && cb.node.params[1]?.type === 'Identifier' && (cb.node.params[1] as t.Identifier).typeAnnotation) {
    return { flag: 'mongodb-callbacks/callback-shape', why: `The ${dc.method}() callback ignores errors and types its result; convert it by hand.` };
  }
  return { ...base, style: 'adapter' };
}

export function ownReturns(fn: FnPath): NodePath<t.ReturnStatement>[] {
  const out: NodePath<t.ReturnStatement>[] = [];
  fn.traverse({
    ReturnStatement(p) {
      if (p.getFunctionParent()?.node === fn.node) out.push(p);
    },
  });
  return out;
}

function restAfterIfEmpty(shape: Extract<Shape, { t: 'guard' }>): boolean {
  const body = shape.ifStmt.parentPath!.node as t.BlockStatement;
  return body.body[body.body.length - 1] === shape.ifStmt.node;
}

function restIsEmpty(shape: Extract<Shape, { t: 'guard' }>): boolean {
  if (!restAfterIfEmpty(shape)) return false;
  const e = shape.elseBlock?.node;
  return !e || (e.type === 'BlockStatement' && e.body.length === 0);
}

// ---- text helpers -----------------------------------------------------------------------------------------------

/** Re-indent the lines after the first: a line starting with `from` starts with `to` instead. */
export function reindent(text: string, from: string | undefined, to: string): string {
  if (from === undefined || from === to) return text;
  return text
    .split('\n')
    .map((l, i) => (i > 0 && l.startsWith(from) ? to + l.slice(from.length) : l))
    .join('\n');
}

export function semiOf(ctx: RuleContext, node: t.Node): string {
  return ctx.text[node.end! - 1] === ';' ? ';' : '';
}

/** The call without its callback argument, inner edits applied. */
function renderOp(ctx: RuleContext, dc: DriverCall): string {
  const args = dc.call.node.arguments;
  const kept = args.slice(0, dc.cbIndex);
  const suffix = dc.suffix ?? '';
  if (kept.length > 0) {
    const end = kept[kept.length - 1]!.end!;
    // Edits zero-width at the end of the last kept argument (an added options argument) belong to the call.
    return ctx.render(dc.call.node.start!, end) + ')' + suffix;
  }
  const open = ctx.text.indexOf('(', dc.callee.node.end!);
  return ctx.render(dc.call.node.start!, open + 1) + ')' + suffix;
}

/** Rewrite a return of the inlined callback so it no longer returns a value from the enclosing function. */
export function fixReturn(ctx: RuleContext, ret: NodePath<t.ReturnStatement>, last: boolean): void {
  const s = ret.node.start!;
  const e = ret.node.end!;
  if (ctx.edits.some((x) => x.start <= s && x.end >= e && !(x.start === s && x.end === e && x.text === ''))) return;
  const arg = ret.node.argument;
  const semi = semiOf(ctx, ret.node);
  const argText = arg && !isPure(arg) ? ctx.render(arg.start!, arg.end!) : '';
  const parent = ret.parentPath!;
  if (last) {
    ctx.render(s, e);
    ctx.edit(s, e, argText ? argText + ';' : '');
    return;
  }
  if (!argText) {
    if (arg) {
      ctx.render(s, e);
      ctx.edit(s, e, `return${semi}`);
    }
    return;
  }
  ctx.render(s, e);
  if (parent.isBlockStatement() || parent.isProgram() || parent.isSwitchCase()) {
    // On a line of its own the return keeps its indent; inside a one-line block it stays on that line.
    const indent = ctx.lineIndentBefore(s);
    ctx.edit(s, e, indent === undefined ? `${argText}; return${semi}` : `${argText};${ctx.eol}${indent}return${semi}`);
  } else {
    ctx.edit(s, e, `{ ${argText}; return; }`);
  }
}

function fnHead(cb: FnPath, params: string): string {
  const asyncKw = cb.node.async ? 'async ' : '';
  if (cb.isArrowFunctionExpression()) return `${asyncKw}(${params}) => `;
  const id = (cb.node as t.FunctionExpression).id;
  return `${asyncKw}function ${id ? id.name : ''}(${params}) `.replace('function (', 'function (');
}

function paramText(ctx: RuleContext, cb: FnPath, i: number): string {
  const p = cb.node.params[i];
  return p ? ctx.render(p.start!, p.end!) : '';
}

/** The expression body of an arrow, parentheses included. */
function exprBodyText(ctx: RuleContext, cb: FnPath): string {
  const body = cb.node.body as t.Node;
  const arrow = ctx.text.lastIndexOf('=>', body.start!);
  return ctx.render(arrow + 2, cb.node.end!).trim();
}

function freshName(at: NodePath, base: string, avoid: Set<string>): string {
  for (let i = 1; ; i++) {
    const n = i === 1 ? base : `${base}${i}`;
    if (!avoid.has(n) && !at.scope.hasBinding(n)) return n;
  }
}

// ---- application ------------------------------------------------------------------------------------------------

/** Wrap a replacement expression for the call's position (S1 statement expression, S2 return, S3 arrow body). */
function placeAdapter(ctx: RuleContext, d: Decision, expr: string): void {
  const call = d.dc.call.node;
  if (d.form === 'S1') {
    ctx.edit(call.start!, call.end!, expr);
  } else if (d.form === 'S3') {
    ctx.edit(call.start!, call.end!, `void ${expr}`);
  } else {
    const ret = d.stmt.node;
    const semi = semiOf(ctx, ret);
    const parent = d.stmt.parentPath!;
    if (parent.isBlockStatement() || parent.isProgram() || parent.isSwitchCase()) {
      const indent = ctx.lineIndentBefore(ret.start!) ?? '';
      ctx.edit(ret.start!, ret.end!, d.endsFunction ? `${expr}${semi || ';'}` : `${expr}${semi || ';'}${ctx.eol}${indent}return${semi}`);
    } else {
      ctx.edit(ret.start!, ret.end!, `{ ${expr}; return; }`);
    }
  }
}

function adapter(ctx: RuleContext, d: Decision, prelude: (indent: string) => string): void {
  const { dc } = d;
  const cb = dc.cb!;
  const shape = d.shape;
  if (shape.t === 'ident' || shape.t === 'pass') {
    const f = shape.t === 'ident' ? ctx.slice(cb.node) : ctx.slice(shape.fn.node);
    const op = renderOp(ctx, dc);
    if (dc.meta?.sync) {
      placeAdapter(ctx, d, `${f}(null, ${op})`);
      return;
    }
    const r = f === 'result' ? 'res' : 'result';
    const e = f === 'err' ? 'error' : 'err';
    if (shape.t === 'pass' && (cb as FnPath).node.params.length === 1) placeAdapter(ctx, d, `${op}.then(() => ${f}(null), (${e}) => ${f}(${e}))`);
    else placeAdapter(ctx, d, `${op}.then((${r}) => ${f}(null, ${r}), (${e}) => ${f}(${e}))`);
    return;
  }
  const fn = cb as FnPath;
  const body = fn.get('body') as NodePath;
  const multiline = /\n/.test(ctx.text.slice(body.node.start!, body.node.end!));
  const closeIndent = body.isBlockStatement() ? (ctx.lineIndentBefore(body.node.end! - 1) ?? '') : '';
  const stmts = body.isBlockStatement() ? (body.node as t.BlockStatement).body : [];
  const bodyIndent = stmts[0] ? (ctx.lineIndentBefore(stmts[0].start!) ?? closeIndent + ctx.indentUnit) : closeIndent + ctx.indentUnit;
  const pre = prelude(bodyIndent);
  const withPrelude = (block: string): string => {
    if (!pre) return block;
    return multiline ? `{${ctx.eol}${bodyIndent}${pre}${block.slice(1)}` : `{ ${pre}${block.slice(1)}`;
  };
  if (shape.t === 'ignore') {
    const bodyText = body.isBlockStatement() ? ctx.render(body.node.start!, body.node.end!) : exprBodyText(ctx, fn);
    const op = renderOp(ctx, dc);
    const head = fnHead(fn, paramText(ctx, fn, 1));
    placeAdapter(ctx, d, `${op}.catch(() => undefined).then(${head}${body.isBlockStatement() ? withPrelude(bodyText) : bodyText})`);
    return;
  }
  if (shape.t !== 'guard') return;
  const h = shape.handler;
  let handlerBlock: string;
  if (h.isBlockStatement()) handlerBlock = multiline ? reindent(ctx.render(h.node.start!, h.node.end!), bodyIndent, closeIndent) : ctx.render(h.node.start!, h.node.end!);
  else handlerBlock = multiline ? `{${ctx.eol}${bodyIndent}${ctx.render(h.node.start!, h.node.end!)}${ctx.eol}${closeIndent}}` : `{ ${ctx.render(h.node.start!, h.node.end!)} }`;
  let restBlock: string;
  if (shape.elseBlock) {
    const e = shape.elseBlock;
    restBlock = e.isBlockStatement()
      ? multiline
        ? reindent(ctx.render(e.node.start!, e.node.end!), bodyIndent, closeIndent)
        : ctx.render(e.node.start!, e.node.end!)
      : `{ ${ctx.render(e.node.start!, e.node.end!)} }`;
  } else {
    restBlock = '{' + ctx.render(shape.ifStmt.node.end!, body.node.end!);
  }
  const op = renderOp(ctx, dc);
  const errHead = fnHead(fn, paramText(ctx, fn, 0));
  if (restIsEmpty(shape) && !pre) {
    placeAdapter(ctx, d, `${op}.catch(${errHead}${handlerBlock})`);
    return;
  }
  const resHead = fnHead(fn, paramText(ctx, fn, 1));
  placeAdapter(ctx, d, `${op}.then(${resHead}${withPrelude(restBlock)}, ${errHead}${handlerBlock})`);
}

function awaitOrInline(ctx: RuleContext, d: Decision, v2: { client: string; db: string } | undefined): void {
  const { dc } = d;
  const fn = dc.cb as FnPath;
  const shape = d.shape as Extract<Shape, { t: 'guard' }> | { t: 'ignore' };
  const body = fn.get('body') as NodePath;
  const eol = ctx.eol;
  const unit = ctx.indentUnit;
  const stmtNode = d.form === 'S3' ? dc.call.node : d.stmt.node;
  const braces = d.form === 'S3' || !(d.stmt.parentPath?.isBlockStatement() || d.stmt.parentPath?.isProgram() || d.stmt.parentPath?.isSwitchCase());
  const outer = d.form === 'S3' ? indentAt(ctx.text, d.stmt.node.start!) : (ctx.lineIndentBefore(stmtNode.start!) ?? indentAt(ctx.text, stmtNode.start!));
  const ind = braces ? outer + unit : outer;
  const semi = d.form === 'S3' ? ';' : semiOf(ctx, d.stmt.node) || ';';
  const stmts = body.isBlockStatement() ? (body.node as t.BlockStatement).body : [];
  const bodyIndent = stmts[0] ? ctx.lineIndentBefore(stmts[0].start!) : undefined;
  const needsReturn = d.form === 'S2' && !d.endsFunction;
  const isGuard = shape.t === 'guard';
  const restEmpty = isGuard ? restIsEmpty(shape) : false;
  const needReturnAfter = !restEmpty || needsReturn || !!v2;

  // 1. Returns of the callback: they now return from the enclosing function, which returned undefined.
  const returns = ownReturns(fn);
  const handlerNode = isGuard ? shape.handler.node : undefined;
  for (const r of returns) {
    const inHandler = handlerNode && r.node.start! >= handlerNode.start! && r.node.end! <= handlerNode.end!;
    if (inHandler) {
      const lastOfHandler = handlerNode.type === 'ReturnStatement' ? r.node === handlerNode : handlerNode.type === 'BlockStatement' && handlerNode.body[handlerNode.body.length - 1] === r.node;
      if (lastOfHandler && handlerNode.type === 'ReturnStatement') continue; // rendered below
      fixReturn(ctx, r, !!lastOfHandler && !needReturnAfter);
    } else {
      fixReturn(ctx, r, false);
    }
  }

  // 2. Pieces.
  const dedent = (text: string): string => reindent(text, bodyIndent, ind);
  const lines: string[] = [];
  let op = d.style === 'inline' ? '' : renderOp(ctx, dc);
  if (d.style === 'inline') op = renderOp(ctx, dc);
  const opLines = reindent(op, outer, ind + unit);
  const err = paramName(fn, 0);
  const resName = paramName(fn, 1);
  const resBinding = resName ? fn.scope.getOwnBinding(resName) : undefined;
  const resUsed = !!resBinding && resBinding.referencePaths.length > 0;
  const target = v2 ? v2.client : resName;
  const resParam = fn.node.params[1];
  const annotation = resParam && resParam.type === 'Identifier' && resParam.typeAnnotation && !v2 ? ctx.render(resParam.typeAnnotation.start!, resParam.typeAnnotation.end!) : '';
  const kw = resBinding && resBinding.constantViolations.length > 0 ? 'let' : 'const';

  if (d.style === 'inline') {
    lines.push(resUsed && target ? `${kw} ${target}${annotation} = ${op}${semi}` : `${op}${semi}`);
  } else if (isGuard && shape.throwOnly) {
    lines.push(resUsed || v2 ? `${kw} ${target}${annotation} = await ${op}${semi}` : `await ${op}${semi}`);
  } else {
    const assign = resUsed || v2;
    if (assign) lines.push(`let ${target}${annotation}${semi}`);
    let handler: string[] = [];
    if (isGuard) {
      const h = shape.handler;
      if (h.isReturnStatement()) {
        const arg = h.node.argument;
        if (arg && !isPure(arg)) handler.push(ctx.render(arg.start!, arg.end!) + semi);
        if (needReturnAfter) handler.push(`return${semi}`);
      } else if (h.isBlockStatement()) {
        const inner = ctx.render(h.node.start! + 1, h.node.end! - 1).trim();
        if (inner) handler.push(dedent(inner));
        else if (needReturnAfter) handler.push('// error ignored');
      } else {
        handler.push(dedent(ctx.render(h.node.start!, h.node.end!)));
        if (h.isExpressionStatement() && ctx.text[h.node.end! - 1] !== ';' && semi) handler[handler.length - 1] += semi;
      }
    }
    const catchHead = isGuard ? `} catch (${err}) {` : '} catch {';
    if (!isGuard) handler = ['// the callback ignored errors'];
    const tryLines = [`try {`, `${unit}${assign ? `${target} = ` : ''}await ${opLines}${semi}`, catchHead, ...handler.map((x) => unit + x), '}'];
    lines.push(tryLines.join(eol + ind));
  }
  if (v2) lines.push(`const ${resName} = ${v2.client}.db()${semi}`);
  // REST
  let rest = '';
  if (isGuard) {
    const parts: string[] = [];
    if (shape.elseBlock) {
      const e = shape.elseBlock;
      parts.push(
        e.isBlockStatement() ? reindent(ctx.render(e.node.start! + 1, e.node.end! - 1).trim(), bodyIndent !== undefined ? bodyIndent + unit : undefined, ind) : ctx.render(e.node.start!, e.node.end!),
      );
    }
    const after = ctx.render(shape.ifStmt.node.end!, body.node.end! - 1).trim();
    if (after) parts.push(dedent(after));
    rest = parts.filter(Boolean).join(eol + ind);
  } else if (body.isBlockStatement()) {
    rest = dedent(ctx.render(body.node.start! + 1, body.node.end! - 1).trim());
  } else {
    let expr = exprBodyText(ctx, fn);
    if (expr.startsWith('void ')) expr = expr.slice(5);
    rest = expr + semi;
  }
  if (rest) lines.push(rest);
  if (needsReturn) lines.push(`return${semi}`);
  let text = lines.join(eol + ind);
  if (braces) text = `{${eol}${ind}${text}${eol}${outer}}`;
  const range = d.form === 'S3' ? dc.call.node : d.stmt.node;
  ctx.render(range.start!, range.end!);
  ctx.edit(range.start!, range.end!, text);
}

/**
 * Before any rewrite: a v2 connect callback's Db parameter is derived from a client; `db.close()` becomes
 * `client.close()` (made now, so the inner rewrites render it).
 */
export function prepare(ctx: RuleContext, d: Decision, state: ConvertState): void {
  const { dc } = d;
  if (!d.v2 || !isInlineFn(dc.cb)) return;
  const fn = dc.cb;
  const dbName = paramName(fn, 1)!;
  const avoid = new Set<string>();
  fn.traverse({
    Identifier(p) {
      avoid.add(p.node.name);
    },
  });
  const v2 = { client: freshName(d.style === 'await' ? d.stmt : fn, 'client', avoid), db: dbName };
  d.v2Names = v2;
  const b = fn.scope.getOwnBinding(dbName);
  for (const ref of b?.referencePaths ?? []) {
    const m = ref.parentPath;
    if (!m?.isMemberExpression() || m.node.object !== ref.node || m.node.computed || m.node.property.type !== 'Identifier' || m.node.property.name !== 'close') continue;
    ctx.edit(ref.node.start!, ref.node.end!, v2.client);
    // What `check` reports on the result (clientRule), reported by the run that writes it.
    const call = m.parentPath;
    if (
      ctx.options.mode !== 'check' &&
      call?.isCallExpression() &&
      call.node.callee === m.node &&
      call.node.arguments.length === 0 &&
      call.parentPath?.isExpressionStatement() &&
      !asyncContext(call, state, ctx)
    )
      ctx.report(
        'native/close-not-awaited',
        call.node,
        `${dbName}.close() becomes ${v2.client}.close(), which returns a promise that this synchronous code does not wait for (v2's db.close() did too).`,
      );
  }
}

/** Apply one decision (inner sites first). */
export function apply(ctx: RuleContext, d: Decision): void {
  const { dc } = d;
  const v2 = d.v2Names;
  if (d.style === 'adapter') {
    if (v2) {
      const fn = dc.cb as FnPath;
      // The success function receives the client; the Db is derived from it.
      const p = fn.node.params[1]!;
      ctx.edit(p.start!, p.end!, v2.client);
    }
    adapter(ctx, d, () => (v2 ? `const ${v2.db} = ${v2.client}.db();` : ''));
    return;
  }
  awaitOrInline(ctx, d, v2);
}
