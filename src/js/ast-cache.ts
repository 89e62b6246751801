/**
 * Parse once: an AST the cross-file index parsed in this thread is handed to the processing of the same text
 * (the index and the rules only read the tree; edits are spliced into the text). No parser is loaded here.
 */
import type { File } from '@babel/types';

const cache = new Map<string, { text: string; ast: File }>();

export function keepAst(absPath: string, text: string, ast: File): void {
  cache.set(absPath, { text, ast });
}

/** The AST kept for this file, if its text is the same; it is handed over once. */
export function takeAst(absPath: string, text: string): File | undefined {
  const hit = cache.get(absPath);
  if (!hit) return undefined;
  cache.delete(absPath);
  return hit.text === text ? hit.ast : undefined;
}

/** Drop every kept AST (before handing the processing to worker threads, and after a run). */
export function releaseAsts(): void {
  cache.clear();
}
