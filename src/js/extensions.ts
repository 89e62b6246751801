/** File extensions the JS/TS engine handles (the parser is picked per extension in parse.ts). */
export const JS_EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'] as const;
