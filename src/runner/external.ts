/**
 * `import()` of an ESM-only package that stays outside the CLI bundle (tinypool). The bundle is a script that V8
 * compiles from its code cache (src/launch.ts), and a script has no `import()` of its own without an experimental
 * Node option: its loader passes one in as `__mongoCodemodImport`. The plain tsc build (dist/src) imports directly.
 */
declare const __mongoCodemodImport: ((id: string) => Promise<unknown>) | undefined;

export function importExternal<T>(id: string): Promise<T> {
  return (typeof __mongoCodemodImport === 'function' ? __mongoCodemodImport(id) : import(id)) as Promise<T>;
}
