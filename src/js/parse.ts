/** Parsing JS/TS with @babel/parser, the parser picked per file extension (never one parser for a whole run). */
import { parse, type ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';

export { JS_EXTENSIONS } from './extensions.js';

export type Dialect = 'ts' | 'tsx' | 'dts' | 'babel';

export function dialectFor(path: string): Dialect {
  if (/\.d\.[cm]?ts$/.test(path)) return 'dts';
  if (/\.[cm]?ts$/.test(path)) return 'ts';
  if (path.endsWith('.tsx')) return 'tsx';
  return 'babel';
}

function plugins(dialect: Dialect): ParserPlugin[] {
  switch (dialect) {
    case 'ts':
      return ['typescript', 'decorators-legacy'];
    case 'dts':
      return [['typescript', { dts: true }]];
    case 'tsx':
      return ['typescript', 'jsx', 'decorators-legacy'];
    case 'babel':
      return ['jsx', 'decorators-legacy', 'doExpressions', 'exportDefaultFrom'];
  }
}

export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Parse source text; throws ParseError with a 1-based position. */
export function parseSource(text: string, path: string): File {
  const dialect = dialectFor(path);
  const sourceType = path.endsWith('.cjs') || path.endsWith('.cts') ? 'script' : 'unambiguous';
  try {
    return parse(text, {
      sourceType,
      plugins: plugins(dialect),
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: false,
      allowUndeclaredExports: true,
      errorRecovery: false,
    });
  } catch (err) {
    const e = err as Error & { loc?: { line: number; column: number } };
    const line = e.loc?.line ?? 1;
    const column = (e.loc?.column ?? 0) + 1;
    throw new ParseError(e.message.replace(/\s*\(\d+:\d+\)$/, ''), line, column);
  }
}
