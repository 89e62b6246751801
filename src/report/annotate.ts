/**
 * `run --annotate`: a marker comment above every flagged line, so the manual work left is visible in the diff, and
 * `findMarkers` so `check` can fail while markers remain.
 *
 *   // mongo-codemod: motor/cursor-each — Replace .each(cb) with a for await loop.     (JS/TS)
 *   # mongo-codemod: motor-python/... — ...                                            (Python)
 *
 * Placement. A marker goes on its own line, with the flagged line's indentation, directly above the flagged line, and
 * above any `mongo-codemod-ignore` comments sitting directly above it (so they stay directly above the line they
 * suppress). A light lexical scan (strings, template literals with `${}` nesting, comments, regex literals by the usual
 * previous-token heuristic; Python strings, triple-quoted strings, comments, backslash continuations) finds lines that
 * start inside a multi-line string, template literal, block comment or after a backslash continuation: the marker then
 * goes above the first line of that construct instead, where a comment cannot change the program.
 *
 * Limitations (the scan is not a parser):
 * - JSX: a line inside JSX children is JavaScript text to the scan; a `//` line there would render as text. Flagged
 *   lines inside JSX children get a marker that must be moved by hand (rare: MongoDB calls do not live in markup).
 * - The regex-versus-division guess can fail on code like `a++ / b / c` over several lines, and Python 3.12 f-strings
 *   that reuse their own quote inside `{}` are not understood; either only moves where a marker lands.
 * - Python: a marker above line 1 or 2 pushes an encoding cookie (`# -*- coding: ... -*-`) down; such files are rare.
 *
 * Idempotence: a marker for the same rule id in the run of marker/ignore comments directly above the insertion point
 * means the site is already annotated, so running `run --annotate` again (with findings computed on the annotated
 * text) adds nothing.
 */

import { diffLines } from 'diff';
import { detectEol } from '../core/text.js';

export type AnnotateLanguage = 'js' | 'python';

export interface AnnotateFinding {
  ruleId: string;
  line: number;
  message: string;
  fix?: string;
  severity: 'error' | 'warning' | 'info';
}

export interface Marker {
  /** 1-based line of the marker comment. */
  line: number;
  /** 1-based column where the comment starts (`//`, `/*` or `#`). */
  column: number;
  ruleId: string;
}

export const MARKER_TAG = 'mongo-codemod:';
const MARKER_RE = /mongo-codemod:\s*([\w@/.*-]+)/;
const IGNORE_RE = /mongo-codemod-ignore\b/;
const MAX_TEXT = 300;

interface Comment {
  start: number;
  end: number;
}

interface Scan {
  /** Per line (0-based index): true when the line starts in code (not inside a string, template, comment or continuation). */
  safe: boolean[];
  comments: Comment[];
}

const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** Lexical scan of JS/TS: which lines start in code, and where the comments are. */
function scanJs(text: string): Scan {
  const safe: boolean[] = [true];
  const comments: Comment[] = [];
  // Stack of contexts: 'code' (with a brace depth, for `${ ... }` inside templates) or 'template'.
  const stack: { kind: 'code' | 'template'; depth: number }[] = [{ kind: 'code', depth: 0 }];
  let i = 0;
  const n = text.length;
  let lastSignificant = ''; // last non-space code character, for the regex heuristic
  let lastWord = '';
  const newline = (at: number, inCode: boolean) => {
    void at;
    safe.push(inCode);
  };
  while (i < n) {
    const top = stack[stack.length - 1]!;
    const ch = text[i]!;
    if (top.kind === 'template') {
      if (ch === '\\') {
        if (text[i + 1] === '\n') newline(i + 1, false);
        i += 2;
        continue;
      }
      if (ch === '`') {
        stack.pop();
        lastSignificant = '`';
        lastWord = '';
        i++;
        continue;
      }
      if (ch === '$' && text[i + 1] === '{') {
        stack.push({ kind: 'code', depth: 0 });
        lastSignificant = '{';
        lastWord = '';
        i += 2;
        continue;
      }
      if (ch === '\n') newline(i, false);
      i++;
      continue;
    }
    // code
    if (ch === '\n') {
      newline(i, stack.length === 1);
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      comments.push({ start: i, end: stop });
      i = stop;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const stop = close === -1 ? n : close + 2;
      comments.push({ start: i, end: stop });
      for (let k = i; k < stop; k++) if (text[k] === '\n') newline(k, false);
      i = stop;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let k = i + 1;
      while (k < n && text[k] !== ch && text[k] !== '\n') {
        if (text[k] === '\\') {
          if (text[k + 1] === '\n') newline(k + 1, false);
          else if (text[k + 1] === '\r' && text[k + 2] === '\n') {
            newline(k + 2, false);
            k++;
          }
          k += 2;
          continue;
        }
        k++;
      }
      i = k < n && text[k] === ch ? k + 1 : k;
      lastSignificant = ch;
      lastWord = '';
      continue;
    }
    if (ch === '`') {
      stack.push({ kind: 'template', depth: 0 });
      i++;
      continue;
    }
    if (ch === '/') {
      const regexAllowed = lastSignificant === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant) || REGEX_KEYWORDS.has(lastWord);
      if (regexAllowed) {
        let k = i + 1;
        let inClass = false;
        while (k < n && text[k] !== '\n') {
          const c = text[k]!;
          if (c === '\\') {
            k += 2;
            continue;
          }
          if (c === '[') inClass = true;
          else if (c === ']') inClass = false;
          else if (c === '/' && !inClass) break;
          k++;
        }
        i = k < n && text[k] === '/' ? k + 1 : k;
        while (i < n && /[a-z]/i.test(text[i]!)) i++;
        lastSignificant = ')';
        lastWord = '';
        continue;
      }
      lastSignificant = '/';
      lastWord = '';
      i++;
      continue;
    }
    if (ch === '{') top.depth++;
    if (ch === '}') {
      if (top.depth === 0 && stack.length > 1) {
        stack.pop(); // back into the template
        i++;
        continue;
      }
      top.depth--;
    }
    if (/[\w$]/.test(ch)) {
      let k = i;
      while (k < n && /[\w$]/.test(text[k]!)) k++;
      lastWord = text.slice(i, k);
      lastSignificant = 'a';
      i = k;
      continue;
    }
    lastSignificant = ch;
    lastWord = '';
    i++;
  }
  return { safe, comments };
}

/** Lexical scan of Python. */
function scanPython(text: string): Scan {
  const safe: boolean[] = [true];
  const comments: Comment[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n') {
      safe.push(true);
      i++;
      continue;
    }
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      comments.push({ start: i, end: stop });
      i = stop;
      continue;
    }
    if (ch === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      // Explicit line joining: a comment line after it would end the statement.
      i += text[i + 1] === '\n' ? 1 : 2;
      safe.push(false);
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // A string prefix (r, b, f, u, rb, ...) is just letters before the quote: harmless to skip as code.
      const triple = text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let k = i + quote.length;
      while (k < n) {
        const c = text[k]!;
        if (c === '\\') {
          if (text[k + 1] === '\n') safe.push(false);
          else if (text[k + 1] === '\r' && text[k + 2] === '\n') {
            safe.push(false);
            k++;
          }
          k += 2;
          continue;
        }
        if (text.startsWith(quote, k)) break;
        if (c === '\n') {
          if (!triple) break;
          safe.push(false);
        }
        k++;
      }
      i = text.startsWith(quote, k) ? k + quote.length : k;
      continue;
    }
    i++;
  }
  return { safe, comments };
}

function scan(text: string, language: AnnotateLanguage): Scan {
  return language === 'python' ? scanPython(text) : scanJs(text);
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_TEXT ? t.slice(0, MAX_TEXT - 1) + '…' : t;
}

/** The marker comment text (without indentation) for one finding. */
export function markerComment(f: Pick<AnnotateFinding, 'ruleId' | 'fix' | 'message'>, language: AnnotateLanguage): string {
  const lead = language === 'python' ? '#' : '//';
  const text = oneLine(f.fix || f.message);
  return `${lead} ${MARKER_TAG} ${f.ruleId}${text ? ` — ${text}` : ''}`;
}

function isCommentLine(line: string, language: AnnotateLanguage): boolean {
  const t = line.trimStart();
  return language === 'python' ? t.startsWith('#') : t.startsWith('//');
}

function markerRuleOf(line: string, language: AnnotateLanguage): string | undefined {
  if (!isCommentLine(line, language)) return undefined;
  return MARKER_RE.exec(line)?.[1];
}

const ruleName = (id: string) => id.slice(id.lastIndexOf('/') + 1);

/**
 * Insert a marker comment above each line flagged by an error or warning finding (info findings get none).
 * Line numbers in `findings` refer to `text`; `eol` is the line ending used for the inserted lines.
 */
export function annotateText(text: string, findings: readonly AnnotateFinding[], language: AnnotateLanguage, eol: '\n' | '\r\n'): string {
  const wanted = findings.filter((f) => (f.severity === 'error' || f.severity === 'warning') && Number.isInteger(f.line) && f.line >= 1);
  if (!wanted.length) return text;
  // Lines keep their own line endings: split after each '\n'.
  const lines = text.split('\n');
  const body = (k: number) => lines[k]!.replace(/\r$/, '');
  const { safe } = scan(text, language);

  // Insertion anchor (0-based line index) per flagged line: the first line at or above it that starts in code.
  const byAnchor = new Map<number, { indent: string; items: AnnotateFinding[] }>();
  for (const f of [...wanted].sort((a, b) => a.line - b.line)) {
    let k = Math.min(f.line, lines.length) - 1;
    const flagged = k;
    while (k > 0 && safe[k] === false) k--;
    // Above the ignore comments that sit directly above the line they suppress.
    while (k > 0 && isCommentLine(body(k - 1), language) && IGNORE_RE.test(body(k - 1))) k--;
    const indent = /^[ \t]*/.exec(body(k === flagged ? flagged : k))![0];
    let entry = byAnchor.get(k);
    if (!entry) byAnchor.set(k, (entry = { indent, items: [] }));
    entry.items.push(f);
  }

  const inserts = new Map<number, string[]>();
  for (const [anchor, { indent, items }] of byAnchor) {
    // Rule ids already marked in the run of marker/ignore comments directly above.
    const present = new Set<string>();
    for (let k = anchor - 1; k >= 0; k--) {
      const rule = markerRuleOf(body(k), language);
      if (rule) present.add(rule);
      else if (!(isCommentLine(body(k), language) && IGNORE_RE.test(body(k)))) break;
    }
    // Compared by rule name: after the migration the same problem can come back under another preset's prefix
    // (motor/cursor-each, then mongodb-callbacks/cursor-each on the native code), and must not stack up.
    const names = new Set([...present].map(ruleName));
    const out: string[] = [];
    for (const f of items) {
      if (present.has(f.ruleId) || names.has(ruleName(f.ruleId))) continue;
      present.add(f.ruleId);
      names.add(ruleName(f.ruleId));
      out.push(indent + markerComment(f, language));
    }
    if (out.length) inserts.set(anchor, out);
  }
  if (!inserts.size) return text;

  const result: string[] = [];
  lines.forEach((line, k) => {
    const add = inserts.get(k);
    if (add) for (const m of add) result.push(m + eol);
    result.push(k < lines.length - 1 ? line + '\n' : line);
  });
  return result.join('');
}

/** Every `mongo-codemod:` marker comment in the text (comments only: the same words in a string are not a marker). */
export function findMarkers(text: string, language: AnnotateLanguage): Marker[] {
  if (!text.includes(MARKER_TAG)) return [];
  const { comments } = scan(text, language);
  const out: Marker[] = [];
  let line = 1;
  let lineStart = 0;
  let pos = 0;
  for (const c of comments) {
    for (; pos < c.start; pos++) {
      if (text.charCodeAt(pos) === 10) {
        line++;
        lineStart = pos + 1;
      }
    }
    const m = MARKER_RE.exec(text.slice(c.start, c.end));
    if (m) out.push({ line, column: c.start - lineStart + 1, ruleId: m[1]! });
  }
  return out;
}

/**
 * Map 1-based line numbers of `before` to lines of `after` (a line diff): unchanged lines map to themselves, removed or
 * rewritten lines to the first line of what replaced them (or the line that now follows the removal).
 */
export function lineMapper(before: string, after: string): (line: number) => number {
  if (before === after) return (line) => line;
  const map: number[] = [0];
  let newLine = 1;
  for (const part of diffLines(before, after)) {
    const count = part.count ?? 0;
    if (part.added) newLine += count;
    else if (part.removed) for (let i = 0; i < count; i++) map.push(newLine);
    else for (let i = 0; i < count; i++) map.push(newLine++);
  }
  const total = after.split('\n').length;
  return (line) => Math.max(1, Math.min(map[line] ?? total, total));
}

/**
 * `run --annotate` for one file: `findings` refer to `before` (the text the engine read), markers go into `after`
 * (the engine's output, or `before` itself when nothing changed), with `after`'s dominant line ending.
 */
export function annotateMigrated(before: string, after: string, findings: readonly AnnotateFinding[], language: AnnotateLanguage): string {
  const map = lineMapper(before, after);
  return annotateText(
    after,
    findings.map((f) => ({ ...f, line: map(f.line) })),
    language,
    detectEol(after),
  );
}
