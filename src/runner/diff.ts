/**
 * Unified diffs that `git apply` (and `patch -p1`) accept: a/ and b/ prefixes, a `diff --git` header, and file names
 * quoted the way git quotes them (C-style, in double quotes, octal escapes for bytes outside printable ASCII) when
 * they hold a tab, a newline, a quote, a backslash or a non-ASCII character.
 */
import { createTwoFilesPatch } from 'diff';

const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

/** A path as git prints it in a patch: as is, or quoted. */
export function gitQuote(name: string): string {
  if (!/[\x00-\x1f"\\\x7f-\uffff]/.test(name)) return name;
  let out = '"';
  for (const byte of Buffer.from(name, 'utf8')) {
    const esc = C_ESCAPES[byte];
    if (esc) out += esc;
    else if (byte < 0x20 || byte >= 0x7f) out += '\\' + byte.toString(8).padStart(3, '0');
    else out += String.fromCharCode(byte);
  }
  return out + '"';
}

export function unifiedDiff(relPath: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${relPath}`, `b/${relPath}`, before, after, undefined, undefined, { context: 3 });
  // jsdiff starts with an `Index:`-style separator line; git prefers its own header.
  const body = patch.replace(/^={10,}\r?\n/m, '').replace(/^Index:.*\r?\n/m, '');
  const a = gitQuote(`a/${relPath}`);
  const b = gitQuote(`b/${relPath}`);
  if (a === `a/${relPath}`) return `diff --git a/${relPath} b/${relPath}\n${body.replace(/^(---|\+\+\+) ([ab]\/.*?)\t$/gm, '$1 $2')}`;
  // An odd name: the header lines are written here (jsdiff would print the name raw, a newline splitting the line).
  const hunks = body.slice(body.indexOf('\n@@') + 1);
  return `diff --git ${a} ${b}\n--- ${a}\n+++ ${b}\n${hunks}`;
}
