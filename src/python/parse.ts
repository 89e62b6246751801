/**
 * Lazy, once-per-process tree-sitter setup for Python.
 * web-tree-sitter 0.25.x + tree-sitter-python 0.25.0 (ABI 15) are pinned together.
 * The grammar wasm is shipped in dist/wasm/ by the build; during development it is resolved from node_modules.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Parser, Language, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree };

let ready: Promise<Parser> | null = null;

function locateGrammar(): string {
  // dist/src/python/parse.js (tsc output) or dist/bundle/<chunk>.js (the CLI bundle): both next to dist/wasm/.
  for (const rel of ['../../wasm/tree-sitter-python.wasm', '../wasm/tree-sitter-python.wasm']) {
    const shipped = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(shipped)) return shipped;
  }
  const require = createRequire(import.meta.url);
  return require.resolve('tree-sitter-python/tree-sitter-python.wasm');
}

async function init(): Promise<Parser> {
  await Parser.init();
  const lang = await Language.load(new Uint8Array(readFileSync(locateGrammar())));
  const parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}

/** The shared parser; initialised on first use only. */
export function getParser(): Promise<Parser> {
  if (!ready) {
    ready = init();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

export function parseWith(parser: Parser, text: string): Tree {
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** Parse text (initialising the parser if needed). The caller owns the tree and should delete() it. */
export async function parsePython(text: string): Promise<Tree> {
  return parseWith(await getParser(), text);
}

/** ERROR or MISSING nodes are the only reliable syntax signals tree-sitter gives. Returns the first one, or null. */
export function firstSyntaxProblem(root: Node): Node | null {
  if (!root.hasError) return null;
  const cursor = root.walk();
  try {
    for (;;) {
      const n = cursor.currentNode;
      if (n.isError || n.isMissing || n.type === 'ERROR') return n;
      if (n.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}
