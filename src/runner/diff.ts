/** Unified diffs that `git apply` (and `patch -p1`) accept: a/ and b/ prefixes, a `diff --git` header. */
import { createTwoFilesPatch } from 'diff';

export function unifiedDiff(relPath: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${relPath}`, `b/${relPath}`, before, after, undefined, undefined, { context: 3 });
  // jsdiff starts with an `Index:`-style separator line; git prefers its own header.
  const body = patch.replace(/^={10,}\r?\n/m, '').replace(/^Index:.*\r?\n/m, '');
  return `diff --git a/${relPath} b/${relPath}\n${body.replace(/^(---|\+\+\+) ([ab]\/.*?)\t$/gm, '$1 $2')}`;
}
