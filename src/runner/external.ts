/**
 * `import()` of an ESM-only package that stays outside the CLI bundle (tinypool). Kept in one place so that the
 * bundler leaves this expression alone: the CommonJS bundle has Node's own `import()`.
 */
export function importExternal<T>(id: string): Promise<T> {
  return import(id) as Promise<T>;
}
