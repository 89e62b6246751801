/** Small helpers over tree-sitter-python nodes. */
import type { Node } from './parse.js';

export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

export function children(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

export function field(node: Node, name: string): Node | null {
  return node.childForFieldName(name);
}

export function hasToken(node: Node, token: string): boolean {
  for (const c of node.children) if (c && !c.isNamed && c.type === token) return true;
  return false;
}

/** Depth-first walk of every node (named or not); return false from visit to skip a subtree. */
export function walk(root: Node, visit: (n: Node) => boolean | void): void {
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend) {
        const res = visit(cursor.currentNode);
        if (res !== false && cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) return;
      descend = false;
      if (cursor.currentNode.id === root.id) return;
    }
  } finally {
    cursor.delete();
  }
}

const indexes = new WeakMap<object, Map<string, Node[]>>();

/**
 * The node types the engine asks of whole trees: only these are indexed, since making a Node object is the cost
 * (about half the named nodes of a file are of other types). Any other type is found by a walk.
 */
const INDEXED = new Set(['import_statement', 'import_from_statement', 'class_definition', 'function_definition', 'string', 'identifier', 'assignment', 'call', 'attribute', 'while_statement']);

/** Every named node of a tree grouped by type, in document order; built once per tree (node creation is the cost). */
function treeIndex(root: Node): Map<string, Node[]> {
  const key = root.tree as object;
  let idx = indexes.get(key);
  if (idx) return idx;
  idx = new Map();
  const cursor = root.walk();
  try {
    for (;;) {
      if (cursor.nodeIsNamed) {
        const t = cursor.nodeType;
        if (INDEXED.has(t)) {
          let list = idx.get(t);
          if (!list) idx.set(t, (list = []));
          list.push(cursor.currentNode);
        }
      }
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          indexes.set(key, idx);
          return idx;
        }
      }
    }
  } finally {
    cursor.delete();
  }
}

export function nodesOfType(root: Node, types: string | readonly string[]): Node[] {
  const list = typeof types === 'string' ? [types] : types;
  if (root.parent === null && list.every((t) => INDEXED.has(t))) {
    const idx = treeIndex(root);
    if (list.length === 1) return idx.get(list[0]) ?? [];
    return list.flatMap((t) => idx.get(t) ?? []).sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  }
  const set = new Set(list);
  const out: Node[] = [];
  walk(root, (n) => {
    if (set.has(n.type)) out.push(n);
  });
  return out;
}

/** Strip wrapping parentheses. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = named(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** The parent, skipping parenthesized_expression wrappers; also returns the outermost wrapped node. */
export function logicalParent(node: Node): { parent: Node | null; outer: Node } {
  let outer = node;
  let p = node.parent;
  while (p && p.type === 'parenthesized_expression') {
    outer = p;
    p = p.parent;
  }
  return { parent: p, outer };
}

export function isAsyncDef(fn: Node): boolean {
  return fn.type === 'function_definition' && hasToken(fn, 'async');
}

export function enclosingFunction(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return null;
}

/**
 * Where an `await` may be inserted at node: inside an `async def`, not inside a lambda or generator expression
 * (an await there would change the expression's type), not in a class body or at module level.
 */
export function awaitAllowed(node: Node): boolean {
  // parameter defaults and annotations are evaluated in the enclosing scope, not in the function they belong to
  let prev = node;
  for (let p = node.parent; p; prev = p, p = p.parent) {
    switch (p.type) {
      case 'lambda':
        if (prev.type === 'lambda_parameters') break;
        return false;
      case 'generator_expression':
        return false;
      case 'function_definition':
        if (prev.type === 'parameters' || field(p, 'return_type')?.id === prev.id) break;
        return isAsyncDef(p);
      case 'class_definition':
      case 'module':
        return false;
    }
  }
  return false;
}

/** Name of the function/class/module context, for messages. */
export function contextLabel(node: Node): string {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'lambda') return 'a lambda';
    if (p.type === 'generator_expression') return 'a generator expression';
    if (p.type === 'function_definition') {
      const name = field(p, 'name')?.text ?? '?';
      return isAsyncDef(p) ? `async def ${name}` : `def ${name}`;
    }
    if (p.type === 'class_definition') return `the body of class ${field(p, 'name')?.text ?? '?'}`;
  }
  return 'module level';
}

/** Inner text of a plain (non-f) string literal, or null. */
export function stringValue(node: Node): string | null {
  if (node.type !== 'string') return null;
  const start = node.children.find((c) => c?.type === 'string_start');
  if (!start || /[fF]/.test(start.text)) return null;
  let out = '';
  for (const c of node.children) {
    if (!c) continue;
    if (c.type === 'string_content') out += c.text;
    else if (c.type === 'interpolation') return null;
  }
  return out;
}

/** Dotted text of identifier/attribute chains (`a.b.c`), or null for anything else. */
export function dottedName(node: Node): string | null {
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') {
    const obj = field(n, 'object');
    const attr = field(n, 'attribute');
    if (!obj || !attr) return null;
    const left = dottedName(obj);
    return left === null ? null : `${left}.${attr.text}`;
  }
  return null;
}

/** A key for attribute/subscript chains such as `app.mongodb`, `app["db"]`, `app.state.db`; null when not a plain chain. */
export function chainKey(node: Node): string | null {
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') {
    const obj = field(n, 'object');
    const attr = field(n, 'attribute');
    if (!obj || !attr) return null;
    const left = chainKey(obj);
    return left === null ? null : `${left}.${attr.text}`;
  }
  if (n.type === 'subscript') {
    const value = field(n, 'value');
    const subs = named(n).filter((c) => c.id !== value?.id);
    if (!value || subs.length !== 1) return null;
    const s = stringValue(subs[0]);
    if (s === null) return null;
    const left = chainKey(value);
    return left === null ? null : `${left}[${JSON.stringify(s)}]`;
  }
  return null;
}

/** Split a chain key into segments (`a.b["c"]` -> ['a', 'b', '["c"]']). */
export function chainSegments(key: string): string[] {
  return key.match(/\[[^\]]*\]|[^.[\]]+/g) ?? [];
}

/** Keyword arguments of a call by name. */
export function keywordArgs(call: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const args = field(call, 'arguments');
  if (!args || args.type !== 'argument_list') return out;
  for (const a of named(args)) {
    if (a.type === 'keyword_argument') {
      const n = field(a, 'name');
      if (n) out.set(n.text, a);
    }
  }
  return out;
}

export function positionalArgs(call: Node): Node[] {
  const args = field(call, 'arguments');
  if (!args || args.type !== 'argument_list') return [];
  return named(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'dictionary_splat' && a.type !== 'list_splat');
}

export function argList(call: Node): Node[] {
  const args = field(call, 'arguments');
  if (!args || args.type !== 'argument_list') return [];
  return named(args);
}

/** The call whose `function` is `node.method` for an attribute node, i.e. `x.m(...)` given the attribute `x.m`. */
export function callOfAttribute(attr: Node): Node | null {
  const p = attr.parent;
  if (p && p.type === 'call' && field(p, 'function')?.id === attr.id) return p;
  return null;
}

/** Is node directly awaited (`await node`, possibly through parentheses)? */
export function awaitedBy(node: Node): Node | null {
  const { parent } = logicalParent(node);
  return parent && parent.type === 'await' ? parent : null;
}

/** Does an `await` inserted before node need parentheses around it, given where node sits? */
export function needsParensForAwait(node: Node): boolean {
  const p = node.parent;
  if (!p) return false;
  if (p.type === 'attribute' && field(p, 'object')?.id === node.id) return true;
  if (p.type === 'call' && field(p, 'function')?.id === node.id) return true;
  if (p.type === 'subscript' && field(p, 'value')?.id === node.id) return true;
  if (p.type === 'binary_operator' && hasToken(p, '**') && named(p)[0]?.id === node.id) return true;
  return false;
}

/** The statement (child of a block/module) that contains node. */
export function statementOf(node: Node): Node | null {
  let n: Node | null = node;
  while (n && n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n && n.parent ? n : null;
}
