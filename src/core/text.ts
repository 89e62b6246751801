/** Text utilities shared by engines: offsets to 1-based positions, and splicing edits into original text. */

export class LineIndex {
  private starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** 1-based line and column (column counts UTF-16 code units, like editors and ESLint). */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }
  lineText(line: number): string {
    const s = this.lineStart(line);
    const e = line < this.starts.length ? this.starts[line]! : this.text.length;
    return this.text.slice(s, e).replace(/\r?\n$/, '');
  }
  get lineCount(): number {
    return this.starts.length;
  }
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class OverlapError extends Error {}

/** Apply non-overlapping edits to text. Overlapping edits are refused (an OverlapError), never guessed. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new OverlapError(`overlapping edits at offset ${e.start}`);
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** The dominant line ending of a text: '\r\n' when most line breaks are CRLF. */
export function detectEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Leading whitespace of the line that contains offset. */
export function indentAt(text: string, offset: number): string {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(ls, offset));
  return m ? m[0] : '';
}

/** One indentation unit as the file uses it (tab, or the smallest non-zero run of spaces, default 2). */
export function indentUnit(text: string): string {
  let min = Infinity;
  let tabs = 0;
  let spaces = 0;
  // Lines of a block comment (` * @param ...`, ` */`) are aligned on the `/**`, not indented by a unit: skipped.
  for (const m of text.matchAll(/^([ \t]+)(?!\*)\S/gm)) {
    const ws = m[1]!;
    if (ws[0] === '\t') tabs++;
    else {
      spaces++;
      if (ws.length < min) min = ws.length;
    }
  }
  if (tabs > spaces) return '\t';
  return min === Infinity || min > 8 ? '  ' : ' '.repeat(min);
}

/** A string as a literal inside a regular expression. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A name as text formats print it: control characters (C0, DEL, C1, line and paragraph separators) escaped
 * (`\n`, `\t`, `\x1b`, `\u2028`) so that a crafted file name cannot inject lines or terminal sequences.
 */
export function escapeControl(s: string): string {
  if (!/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(s)) return s;
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return s.replace(
    /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g,
    (c) => named[c] ?? (c.charCodeAt(0) > 0xff ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`),
  );
}

/** The text the cross-file passes read: lossy UTF-8 decoding (they only look for exports), BOM dropped. */
export function looseText(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}
