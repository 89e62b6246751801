/**
 * Cursors: toList() materialisation becomes async iteration over the native cursor (or `await cursor.toArray()`
 * where no loop can be spliced in), toList(n) a next() loop, `await` on cursor-returning calls (aggregate() above
 * all: it returns a cursor synchronously in the Node driver) is dropped, and the canonical
 * `while (await c.fetchNext) { const d = c.nextObject(); ... }` becomes `for await`. each() and other fetchNext
 * shapes are flagged.
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { isMemberLike, memberName, unwrapExpression } from '../../tracking/tracker.js';
import type { Kind } from '../../presets/kinds.js';

const CURSORS = new Set(['cursor', 'commandCursor']);

function isWrapperCursor(k: Kind | undefined): boolean {
  return k?.t === 'handle' && k.origin === 'wrapper' && CURSORS.has(k.kind);
}

/** Identifier names used anywhere inside a node. */
function namesIn(path: NodePath): Set<string> {
  const names = new Set<string>();
  path.traverse({
    Identifier(p) {
      names.add(p.node.name);
    },
  });
  if (path.isIdentifier()) names.add(path.node.name);
  return names;
}

function singular(name: string): string | undefined {
  if (/ies$/.test(name) && name.length > 4) return name.slice(0, -3) + 'y';
  if (/(ss|us)$/.test(name)) return undefined;
  if (/s$/.test(name) && name.length > 2) return name.slice(0, -1);
  return undefined;
}

function freshName(path: NodePath, preferred: string[], avoid: Set<string>): string {
  const base = preferred.find((n) => n && !avoid.has(n) && !path.scope.hasBinding(n));
  if (base) return base;
  const stem = preferred[preferred.length - 1]!;
  for (let i = 2; ; i++) {
    const n = `${stem}${i}`;
    if (!avoid.has(n) && !path.scope.hasBinding(n)) return n;
  }
}

/** A statement whose parent holds a statement list, alone on its line(s). */
function inStatementList(path: NodePath, ctx: RuleContext): boolean {
  const parent = path.parentPath;
  if (!parent) return false;
  if (!(parent.isBlockStatement() || parent.isProgram() || parent.isSwitchCase() || parent.isStaticBlock())) return false;
  return ctx.lineIndentBefore(path.node.start!) !== undefined;
}

/** Is a binding referenced inside a function nested below its declaration's own function? */
function capturedInClosure(declPath: NodePath, name: string): boolean {
  const binding = declPath.scope.getBinding(name);
  if (!binding) return true;
  const home = declPath.getFunctionParent()?.node ?? null;
  return binding.referencePaths.some((r) => (r.getFunctionParent()?.node ?? null) !== home);
}

/** Drop `await` on a wrapper call that returns a cursor synchronously (the parens around it too, when it was the object of a member). */
function dropAwaits(ctx: RuleContext): void {
  const tracker = ctx.tracker;
  for (const a of tracker.collected.awaits) {
    const arg = unwrapExpression(a.get('argument') as NodePath);
    if (!arg.isCallExpression()) continue;
    const callee = unwrapExpression(arg.get('callee') as NodePath);
    if (!isMemberLike(callee)) continue;
    const k = tracker.kindOf(arg);
    if (!(k?.t === 'handle' && k.origin === 'wrapper' && (CURSORS.has(k.kind) || k.kind === 'changeStream'))) continue;
    // Only method calls on a handle (not factories): coll.aggregate(p), coll.find(q).sort(s), db.watch()...
    const recv = tracker.kindOf(callee.get('object') as NodePath);
    if (recv?.t !== 'handle') continue;
    const node = a.node;
    const extra = node.extra as { parenthesized?: boolean; parenStart?: number } | undefined;
    const parent = a.parentPath;
    if (extra?.parenthesized && parent && (parent.isMemberExpression() || parent.isOptionalMemberExpression()) && parent.node.object === node) {
      const close = ctx.text.indexOf(')', node.end!);
      if (close >= 0 && /^\s*$/.test(ctx.text.slice(node.end!, close))) {
        ctx.edit(extra.parenStart!, arg.node.start!, '');
        ctx.edit(node.end!, close + 1, '');
        continue;
      }
    }
    ctx.edit(node.start!, arg.node.start!, '');
  }
}

interface ToListSite {
  call: NodePath<t.CallExpression>;
  callee: NodePath<t.MemberExpression>;
  receiver: NodePath;
}

function toListSites(ctx: RuleContext): ToListSite[] {
  const tracker = ctx.tracker;
  const out: ToListSite[] = [];
  for (const call of tracker.collected.calls) {
    const callee = unwrapExpression(call.get('callee') as NodePath);
    if (!isMemberLike(callee) || callee.node.computed) continue;
    const name = memberName(callee.node);
    if (!name) continue;
    const receiver = callee.get('object') as NodePath;
    const k = tracker.kindOf(receiver);
    if (!isWrapperCursor(k) || k?.t !== 'handle') continue;
    if (tracker.vocab.canonicalMethod('wrapper', k.kind, name) !== 'toList') continue;
    out.push({ call, callee, receiver });
  }
  return out;
}

type LengthArg = { t: 'all' } | { t: 'n'; n: number; text: string } | { t: 'zero' } | { t: 'dynamic' };

function lengthArg(call: t.CallExpression): LengthArg {
  const a = call.arguments[0];
  if (!a || a.type === 'NullLiteral' || (a.type === 'Identifier' && a.name === 'undefined')) return { t: 'all' };
  if (a.type === 'NumericLiteral') {
    if (a.value === 0) return { t: 'zero' };
    if (a.value > 0 && Number.isInteger(a.value)) return { t: 'n', n: a.value, text: String(a.value) };
  }
  return { t: 'dynamic' };
}

function toArray(ctx: RuleContext, site: ToListSite): void {
  const { call, callee } = site;
  ctx.edit(callee.node.property.start!, callee.node.property.end!, 'toArray');
  const open = ctx.text.indexOf('(', callee.node.end!);
  if (call.node.arguments.length > 0 && open >= 0) ctx.edit(open, call.node.end!, '()');
}

/** The receiver's text, without a (now dropped) await and its parens. */
function receiverText(ctx: RuleContext, receiver: NodePath): string {
  const node = receiver.node;
  const extra = node.extra as { parenthesized?: boolean; parenStart?: number } | undefined;
  if (extra?.parenthesized) {
    const close = ctx.text.indexOf(')', node.end!);
    if (close >= 0 && /^\s*$/.test(ctx.text.slice(node.end!, close))) return ctx.render(extra.parenStart!, close + 1).trim();
  }
  return ctx.render(node.start!, node.end!);
}

/** Names the loop rewrites declared, per enclosing block (a WeakMap: it lives as long as the AST). */
const declaredHere = new WeakMap<object, Set<string>>();

function rewriteToList(ctx: RuleContext, site: ToListSite): void {
  const { call, receiver } = site;
  const len = lengthArg(call.node);
  if (len.t === 'zero') {
    ctx.report('motor/to-list-zero', call.node, 'toList(0) returned [] in Motor; the native driver has no such call.');
    return;
  }
  if (len.t === 'dynamic') {
    ctx.report('motor/to-list-length', call.node, 'toList(n) with a runtime length: a null or 0 length behaved differently in Motor, so it is left for a manual rewrite.');
    return;
  }
  const awaitPath = call.parentPath;
  // An optional chain (`db?.items.find().toList()`) yields undefined when short-circuited: only toArray keeps that.
  const awaited = awaitPath?.isAwaitExpression() && awaitPath.node.argument === call.node && (call.node as t.Node).type !== 'OptionalCallExpression';
  let stmt: NodePath | undefined;
  let target: { decl?: NodePath<t.VariableDeclaration>; id: t.Identifier; kind?: string } | undefined;
  if (awaited) {
    const p = awaitPath.parentPath;
    if (p?.isVariableDeclarator() && p.node.id.type === 'Identifier' && p.node.init === awaitPath.node) {
      const decl = p.parentPath;
      if (decl?.isVariableDeclaration() && decl.node.declarations.length === 1 && inStatementList(decl, ctx)) {
        stmt = decl;
        target = { decl, id: p.node.id, kind: decl.node.kind };
      }
    } else if (p?.isAssignmentExpression() && p.node.operator === '=' && p.node.left.type === 'Identifier' && p.node.right === awaitPath.node) {
      const es = p.parentPath;
      if (es?.isExpressionStatement() && inStatementList(es, ctx) && !namesIn(receiver).has(p.node.left.name)) {
        stmt = es;
        target = { id: p.node.left };
      }
    }
  }
  const loopWanted = ctx.options.toList === 'loop' || len.t === 'n';
  if (stmt && target && loopWanted && ctx.isTypeScript && !target.id.typeAnnotation && target.decl && capturedInClosure(target.decl, target.id.name)) {
    stmt = undefined; // an un-annotated array captured by a closure would be an implicit any[] under strict TS
  }
  if (!stmt || !target || !loopWanted || ctx.overlaps(stmt.node.start!, stmt.node.end!)) {
    if (len.t === 'n') {
      ctx.report('motor/to-list-length', call.node, 'toList(n) keeps the cursor open for later reads; no next() loop can be spliced in at this position.');
      return;
    }
    toArray(ctx, site);
    return;
  }
  const indent = ctx.lineIndentBefore(stmt.node.start!) ?? '';
  const inner = indent + ctx.indentUnit;
  const eol = ctx.eol;
  const arr = target.id.name;
  const avoid = namesIn(receiver);
  avoid.add(arr);
  let recv = receiverText(ctx, receiver);
  // Render the rest of the statement (type annotation) before consuming its edits.
  const annotation = target.id.typeAnnotation ? ctx.render(target.id.typeAnnotation.start!, target.id.typeAnnotation.end!) : '';
  const semi = ctx.text[stmt.node.end! - 1] === ';' ? ';' : '';
  const lines: string[] = [target.decl ? `${target.kind} ${arr}${annotation} = []${semi}` : `${arr} = []${semi}`];
  if (len.t === 'all') {
    const item = freshName(stmt, [singular(arr) ?? 'doc', 'doc'], avoid);
    lines.push(`for await (const ${item} of ${recv}) {`);
    lines.push(`${ctx.indentUnit}${arr}.push(${item})${semi}`);
    lines.push('}');
  } else {
    if (!receiver.isIdentifier()) {
      // Names this pass already declared in the same block count as taken (two toList(n) in one function).
      const block = stmt.parentPath!.node;
      let taken = declaredHere.get(block);
      if (!taken) declaredHere.set(block, (taken = new Set()));
      const cursorName = freshName(stmt, ['cursor'], new Set([...avoid, ...taken]));
      taken.add(cursorName);
      avoid.add(cursorName);
      lines.unshift(`const ${cursorName} = ${recv}${semi}`);
      recv = cursorName;
    }
    const doc = freshName(stmt, ['doc'], avoid);
    lines.push(`while (${arr}.length < ${len.text}) {`);
    lines.push(`${ctx.indentUnit}const ${doc} = await ${recv}.next()${semi}`);
    lines.push(`${ctx.indentUnit}if (${doc} === null) break${semi}`);
    lines.push(`${ctx.indentUnit}${arr}.push(${doc})${semi}`);
    lines.push('}');
  }
  // Remove any edits left inside the statement (already rendered into `recv`), then replace it.
  ctx.render(stmt.node.start!, stmt.node.end!);
  const text = lines.map((l, i) => (i === 0 ? l : l.startsWith(ctx.indentUnit) ? inner + l.slice(ctx.indentUnit.length) : indent + l)).join(eol);
  ctx.edit(stmt.node.start!, stmt.node.end!, text);
}

/** while (await c.fetchNext) { const d = c.nextObject(); ... } -> for await (const d of c) { ... } */
function fetchNextLoops(ctx: RuleContext, handled: Set<t.Node>): void {
  const tracker = ctx.tracker;
  for (const w of tracker.collected.whiles) {
    const test = unwrapExpression(w.get('test') as NodePath);
    if (!test.isAwaitExpression()) continue;
    const arg = unwrapExpression(test.get('argument') as NodePath);
    if (!isMemberLike(arg) || memberName(arg.node) === undefined) continue;
    const obj = arg.get('object') as NodePath;
    const k = tracker.kindOf(obj);
    if (!isWrapperCursor(k) || k?.t !== 'handle') continue;
    if (tracker.vocab.canonicalMethod('wrapper', k.kind, memberName(arg.node)!) !== 'fetchNext') continue;
    handled.add(arg.node);
    const body = w.get('body');
    const first = body.isBlockStatement() ? body.get('body')[0] : undefined;
    let ok = false;
    if (obj.isIdentifier() && first?.isVariableDeclaration() && first.node.declarations.length === 1) {
      const d = first.node.declarations[0]!;
      const init = d.init && d.init.type === 'CallExpression' ? d.init : undefined;
      const callee = init && init.callee.type === 'MemberExpression' ? init.callee : undefined;
      if (
        d.id.type === 'Identifier' &&
        callee &&
        init!.arguments.length === 0 &&
        callee.object.type === 'Identifier' &&
        callee.object.name === obj.node.name &&
        memberName(callee) !== undefined &&
        tracker.vocab.canonicalMethod('wrapper', k.kind, memberName(callee)!) === 'nextObject'
      ) {
        // The cursor must not be read after the loop: for await closes it on break/return.
        const binding = obj.scope.getBinding(obj.node.name);
        const usedAfter = binding?.referencePaths.some((r) => r.node.start! > w.node.end!) ?? true;
        const otherReads = binding?.referencePaths.some((r) => r.node.start! > first.node.end! && r.node.start! < w.node.end!) ?? true;
        if (!usedAfter && !otherReads) {
          handled.add(callee);
          const bodyStart = (body.node as t.BlockStatement).start!;
          ctx.edit(w.node.start!, bodyStart + 1, `for await (${first.node.kind} ${d.id.name} of ${obj.node.name}) {`);
          const indent = ctx.lineIndentBefore(first.node.start!);
          const after = /^[ \t]*(\r?\n)?/.exec(ctx.text.slice(first.node.end!))!;
          if (indent !== undefined && after[1] !== undefined) {
            ctx.edit(first.node.start! - indent.length, first.node.end! + after[0].length, '');
          } else ctx.edit(first.node.start!, first.node.end!, '');
          ok = true;
        }
      }
    }
    if (!ok) {
      ctx.report('motor/fetch-next', w.node, 'This fetchNext loop has a shape that cannot be rewritten safely.');
    }
  }
  // Any other fetchNext / nextObject use.
  for (const m of tracker.collected.members) {
    if (handled.has(m.node)) continue;
    const name = memberName(m.node);
    if (!name) continue;
    const k = tracker.kindOf(m.get('object') as NodePath);
    // A Motor-style leftover on a cursor already native (`check` after a run, or hand-migrated code): still reported.
    if (name === 'fetchNext' && k?.t === 'handle' && k.origin === 'native' && (k.kind === 'cursor' || k.kind === 'commandCursor')) {
      ctx.report('motor/fetch-next', m.node, 'fetchNext does not exist on native cursors.');
      continue;
    }
    if (!isWrapperCursor(k) || k?.t !== 'handle') continue;
    const canonical = tracker.vocab.canonicalMethod('wrapper', k.kind, name);
    if (canonical === 'fetchNext' || canonical === 'nextObject') {
      ctx.report('motor/fetch-next', m.node, `${name} does not exist on native cursors.`);
    } else if (canonical === 'each') {
      ctx.report('motor/cursor-each', m.node, 'cursor.each(callback) does not exist on native cursors.');
    }
  }
}

export function cursorRule(ctx: RuleContext): void {
  dropAwaits(ctx);
  fetchNextLoops(ctx, new Set());
}

/** Runs after every rule that makes inner edits: it renders them into the statements it replaces. */
export function toListRule(ctx: RuleContext): void {
  const sites = toListSites(ctx);
  // Innermost first, so an outer statement renders the inner rewrite.
  sites.sort((a, b) => b.call.node.start! - a.call.node.start!);
  for (const s of sites) rewriteToList(ctx, s);
}
