/**
 * The tracker walks a file with `visit` (src/tracking/babel.ts) instead of a second @babel/traverse pass: it must call
 * its handlers on the same nodes, in the same order, with the very NodePaths (and scopes) that traverse uses.
 * Oracle: traverse itself, run on the same AST after visit, over every JS/TS file of fixtures/ and a file of
 * corner cases (bare `return;`, array holes, class members, JSX, TypeScript types, labels).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodePath } from '@babel/traverse';
import * as types from '@babel/types';
import { traverse, visit } from '../src/tracking/babel.js';
import { parseSource } from '../src/js/parse.js';
import { JS_EXTENSIONS } from '../src/js/extensions.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const typesNs = types as unknown as typeof types & { default?: typeof types };
const ALL_TYPES = Object.keys(typesNs.VISITOR_KEYS ?? typesNs.default!.VISITOR_KEYS);

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(abs));
    else if ((JS_EXTENSIONS as readonly string[]).includes(path.extname(e.name))) out.push(abs);
  }
  return out.sort();
}

const CORNERS = `
function f(a, [b, , c] = [, 1], ...rest) { if (a) return; label: for (;;) { break label; } return () => this; }
class A extends B { #x = 1; static y; static { init(); } get z() { return super.z; } m(p = new.target) {} }
const o = { a, b: 2, [k]: 3, m() {}, get g() { return 1; }, ...s };
const t = tag\`a\${1}b\${x?.y?.[z]?.(w)}\`;
async function* g() { yield* other(); for await (const x of y) await x; }
try { throw new Error('e'); } catch { } finally { void 0; }
switch (v) { case 1: default: }
export default class {}
export { f as ff };
const el = <div a="1" {...p}>{x}<>frag</></div>;
`;
const TS_CORNERS = `
import type { Db } from 'mongodb';
enum E { A = 1, B }
namespace N { export const n: number = 1; }
interface I<T extends Db = Db> { a?: T; m(x: string): void; }
type U = { [K in keyof I]: I[K] } | readonly string[] | [a: number, b?: string];
abstract class C<T> implements I<Db> { private constructor(public p: T, readonly q = 1) {} abstract m(x: string): void; }
function h<T>(this: Window, x: unknown): asserts x is T { return; }
const s2 = (x satisfies unknown) as never;
const n = y!;
declare module 'm' { export function d(): void; }
`;

/** The path of every node visit reaches, in order. */
function viaVisit(file: types.File): NodePath[] {
  const seen: NodePath[] = [];
  const visitor: Record<string, (p: NodePath) => void> = {};
  for (const type of ALL_TYPES) visitor[type] = (p) => void seen.push(p);
  visit(file, visitor);
  return seen;
}

function viaTraverse(file: types.File): NodePath[] {
  const seen: NodePath[] = [];
  traverse(file, { enter: (p: NodePath) => void seen.push(p) });
  return seen;
}

function compare(text: string, name: string): number {
  const file = parseSource(text, name);
  const mine = viaVisit(file);
  const theirs = viaTraverse(file);
  // traverse starts at the Program (the File has no path of its own): so does visit.
  assert.equal(mine.length, theirs.length, `${name}: ${mine.length} nodes visited, traverse visits ${theirs.length}`);
  for (let i = 0; i < mine.length; i++) {
    const a = mine[i]!;
    const b = theirs[i]!;
    assert.equal(a, b, `${name}: node ${i} (${a.node.type} at ${a.node.start}) is not traverse's path (${b.node.type} at ${b.node.start})`);
    assert.ok(a.scope, `${name}: node ${i} (${a.node.type}) has no scope`);
    assert.equal(
      a.container && (a.listKey ? (a.container as unknown as types.Node[])[a.key as number] : (a.container as unknown as Record<string, unknown>)[a.key as string]),
      a.node,
      `${name}: node ${i} is not where its path says`,
    );
  }
  return mine.length;
}

test('visit reaches the nodes traverse visits, in its order, with its NodePaths: corner cases', () => {
  assert.ok(compare(CORNERS, 'corners.jsx') > 100);
  assert.ok(compare(TS_CORNERS, 'corners.ts') > 100);
});

test('visit reaches the nodes traverse visits, in its order, with its NodePaths: every JS/TS fixture', () => {
  const files = jsFiles(path.join(ROOT, 'fixtures'));
  assert.ok(files.length > 200, `only ${files.length} fixture files found`);
  let nodes = 0;
  for (const file of files) {
    let text = fs.readFileSync(file, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    try {
      parseSource(text, file);
    } catch {
      continue; // a fixture of a file that does not parse
    }
    nodes += compare(text, path.relative(ROOT, file));
  }
  assert.ok(nodes > 10_000, `only ${nodes} nodes compared`);
});

test('visit rejects handlers it cannot honour (virtual types, enter/exit objects)', () => {
  const file = parseSource('a;', 'x.js');
  assert.throws(() => visit(file, { ReferencedIdentifier() {} } as never), /node type or an alias/);
  assert.throws(() => visit(file, { Identifier: { exit() {} } } as never), /node type or an alias/);
  assert.throws(() => visit(file, { Function() {}, ArrowFunctionExpression() {} } as never), /two handlers/);
});
