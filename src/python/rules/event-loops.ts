/**
 * Event loops: PyMongo's AsyncMongoClient binds to the loop of its first operation (Motor tolerated several loops).
 * Flagged where it can be seen in one file: a module-level handle (this module's or one imported from another)
 * used by pytest-asyncio tests/fixtures that run on their own loops, reached by two or more `asyncio.run(...)`
 * calls, or used in a Celery task body (each task call runs its own loop, often in another worker thread).
 */
import type { Node } from '../parse.js';
import { field, named, nodesOfType, dottedName } from '../ast.js';
import { finding, type Ctx } from '../context.js';

const FIX =
  'Create the client inside the loop that uses it (one client per loop: in the task/test/fixture, or the app lifespan), or give every test and fixture the same loop (pytest-asyncio `loop_scope="session"` on both).';

/** Module-level names bound to handles (not factories). */
function moduleHandleNames(ctx: Ctx): Set<string> {
  const out = new Set<string>();
  for (const [name, kind] of Object.entries(ctx.tracker.moduleHandles())) {
    if (name.includes(':') || kind.includes(':')) continue;
    out.add(name);
  }
  return out;
}

function decorators(fn: Node): string[] {
  const dec = fn.parent;
  if (!dec || dec.type !== 'decorated_definition') return [];
  return named(dec)
    .filter((d) => d.type === 'decorator')
    .map((d) => d.text.replace(/^@\s*/, ''));
}

/** Identifiers in fn's body that refer to one of the module-level handle names (not shadowed by a parameter). */
function uses(fn: Node, names: Set<string>): Node[] {
  const params = new Set<string>();
  const ps = field(fn, 'parameters');
  for (const p of ps ? named(ps) : []) {
    const id = p.type === 'identifier' ? p : (field(p, 'name') ?? named(p).find((c) => c.type === 'identifier') ?? null);
    if (id) params.add(id.text);
  }
  const body = field(fn, 'body');
  if (!body) return [];
  return nodesOfType(body, 'identifier').filter((id) => {
    if (!names.has(id.text) || params.has(id.text)) return false;
    const p = id.parent;
    if (p && p.type === 'attribute' && field(p, 'attribute')?.id === id.id) return false;
    if (p && p.type === 'keyword_argument' && field(p, 'name')?.id === id.id) return false;
    return true;
  });
}

export function eventLoopRules(ctx: Ctx): void {
  if (!/asyncio|pytest|celery|shared_task|\.task\b/.test(ctx.text)) return;
  const names = moduleHandleNames(ctx);
  if (!names.size) return;
  const seen = new Set<number>();
  const flag = (n: Node, message: string) => {
    if (seen.has(n.startIndex)) return;
    seen.add(n.startIndex);
    finding(ctx, 'event-loop-binding', 'warning', n, message, FIX);
  };

  // 1. pytest-asyncio tests and fixtures (function-scoped loops unless told otherwise) and Celery tasks
  const isTestFile = /\b(pytest|pytest_asyncio)\b/.test(ctx.text);
  for (const fn of nodesOfType(ctx.root, 'function_definition')) {
    const decs = decorators(fn);
    const name = field(fn, 'name')?.text ?? '';
    const celery = decs.some((d) => /(^|\.)(task|shared_task)(\(|$)/.test(d));
    const asyncFn = fn.children.some((c) => c?.type === 'async');
    const fixture = decs.some((d) => /(^|\.)fixture(\(|$)/.test(d));
    const test = isTestFile && asyncFn && (name.startsWith('test') || decs.some((d) => /mark\.asyncio/.test(d)));
    if (!celery && !(isTestFile && asyncFn && (fixture || test))) continue;
    const hit = uses(fn, names)[0];
    if (!hit) continue;
    if (celery)
      flag(
        hit,
        `The Celery task "${name}" uses the module-level MongoDB handle \`${hit.text}\`: every task call that runs the async client runs its own event loop (asyncio.run / a worker thread), and PyMongo's AsyncMongoClient raises RuntimeError("Cannot use AsyncMongoClient in different event loop") on the second one (Motor tolerated this).`,
      );
    else {
      const loopScope = decs.map((d) => /loop_scope\s*=\s*["'](\w+)["']/.exec(d)?.[1]).find(Boolean);
      const scope = loopScope ?? decs.map((d) => /(^|[^_])scope\s*=\s*["'](\w+)["']/.exec(d)?.[2]).find(Boolean) ?? 'function';
      // reported at the decorator (or the def): the fix is there (loop_scope), the use may be anywhere in the body
      const at = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
      flag(
        at,
        `${fixture ? 'Fixture' : 'Test'} "${name}" (loop scope: ${scope}) uses the module-level MongoDB handle \`${hit.text}\`: pytest-asyncio runs tests and fixtures of different scopes on different event loops, and PyMongo's AsyncMongoClient is bound to the first loop that uses it (RuntimeError on the next one; Motor tolerated this).`,
      );
    }
  }

  // 2. two or more asyncio.run(...) reaching the same module-level handle
  const runs = new Map<string, Node[]>();
  for (const call of nodesOfType(ctx.root, 'call')) {
    const fn = field(call, 'function');
    if (!fn || dottedName(fn) !== 'asyncio.run') continue;
    const args = field(call, 'arguments');
    const reached = new Set<string>();
    for (const id of args ? nodesOfType(args, 'identifier') : []) if (names.has(id.text)) reached.add(id.text);
    // asyncio.run(main()) where main is a function of this file using the handle
    for (const c of args ? nodesOfType(args, 'call') : []) {
      const callee = field(c, 'function');
      if (callee?.type !== 'identifier') continue;
      const def = nodesOfType(ctx.root, 'function_definition').find((f) => field(f, 'name')?.text === callee.text);
      if (def) for (const u of uses(def, names)) reached.add(u.text);
    }
    for (const r of reached) runs.set(r, [...(runs.get(r) ?? []), call]);
  }
  for (const [handle, calls] of runs) {
    if (calls.length < 2) continue;
    for (const c of calls)
      flag(
        c,
        `${calls.length} asyncio.run(...) calls in this module reach the module-level MongoDB handle \`${handle}\`: each runs a new event loop, and PyMongo's AsyncMongoClient is bound to the first one (RuntimeError("Cannot use AsyncMongoClient in different event loop") on the next; Motor tolerated this).`,
      );
  }
}
