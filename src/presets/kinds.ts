/**
 * Handle kinds the tracker assigns to bindings and expressions.
 * `ctor:<kind>` is a class whose `new` yields that kind; `module` is a whole wrapper or driver module object;
 * `factory:<kind>` / `asyncFactory:<kind>` are functions whose call (or awaited call) yields that kind.
 */
export type HandleKind = 'client' | 'db' | 'collection' | 'cursor' | 'commandCursor' | 'session' | 'changeStream' | 'bucket';

export const HANDLE_KINDS: readonly HandleKind[] = ['client', 'db', 'collection', 'cursor', 'commandCursor', 'session', 'changeStream', 'bucket'];

/**
 * The kinds the Python engine follows: the shared ones, plus GridFS's files and cursors and client-side
 * encryption, which only Motor's API hands out as separate objects.
 */
export type PyKind = HandleKind | 'gridIn' | 'gridOut' | 'gridOutCursor' | 'gridfs' | 'encryption';

export const PY_KINDS: readonly PyKind[] = [...HANDLE_KINDS, 'gridIn', 'gridOut', 'gridOutCursor', 'gridfs', 'encryption'];

export type Kind =
  | { t: 'handle'; kind: HandleKind; origin: Origin; from?: object }
  | { t: 'module'; origin: Origin }
  | { t: 'ctor'; kind: HandleKind; origin: Origin }
  | { t: 'class'; name: string; origin: Origin }
  | { t: 'factory'; kind: HandleKind; async: boolean; origin: Origin }
  /** A promise of a handle (an un-awaited async call). */
  | { t: 'promise'; kind: HandleKind; origin: Origin }
  /** An object whose fields hold handles (a TypeScript type literal or interface such as `{ db: AsyncIOMotorDatabase }`). */
  | { t: 'object'; fields: Record<string, Kind>; origin: Origin }
  /** A function that calls its parameter #i back with handles (`connect(cb)` calling `cb(null, db)`): argument kinds per parameter index. */
  | { t: 'helper'; params: Record<string, (Kind | null)[]>; origin: Origin }
  /** The promise of a module object (a dynamic import). */
  | { t: 'modulePromise'; origin: Origin };

/**
 * Which API a tracked value speaks: the Motor-style wrapper's, the native driver's, or a legacy client's (the name
 * of its preset: `monk`, `mongojs`, ...; see src/presets/client.ts).
 */
export type Origin = 'wrapper' | 'native' | (string & {});

export function sameKind(a: Kind | undefined, b: Kind | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.t !== b.t || a.origin !== b.origin) return false;
  if ('kind' in a && 'kind' in b && a.kind !== b.kind) return false;
  if (a.t === 'class' && b.t === 'class' && a.name !== b.name) return false;
  if (a.t === 'factory' && b.t === 'factory' && a.async !== b.async) return false;
  if (a.t === 'object' && b.t === 'object') {
    const ka = Object.keys(a.fields).sort();
    const kb = Object.keys(b.fields).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameKind(a.fields[k], b.fields[k]));
  }
  return true;
}
