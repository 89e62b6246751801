/**
 * The native driver's API surface, read from the installed `mongodb` package itself (never a hand-typed list):
 * method and accessor names per class, walked up the prototype chain, and the client options it accepts.
 * Loaded lazily: only files that call an unknown method on a tracked handle pay for requiring the driver.
 */
import { createRequire } from 'node:module';
import type { HandleKind } from './kinds.js';
import { NATIVE_CLASS_OF_KIND } from './motor.js';

const require = createRequire(import.meta.url);

let surface: Map<HandleKind, Set<string>> | undefined;
let clientOptions: Set<string> | undefined;

function load(): Map<HandleKind, Set<string>> {
  if (surface) return surface;
  const mongodb = require('mongodb') as Record<string, unknown>;
  surface = new Map();
  for (const [kind, className] of Object.entries(NATIVE_CLASS_OF_KIND) as [HandleKind, string][]) {
    const ctor = mongodb[className] as { prototype: object } | undefined;
    const names = new Set<string>();
    let proto: object | null = ctor ? ctor.prototype : null;
    while (proto && proto !== Object.prototype) {
      for (const key of Object.getOwnPropertyNames(proto)) names.add(key);
      proto = Object.getPrototypeOf(proto) as object | null;
    }
    names.delete('constructor');
    surface.set(kind, names);
  }
  return surface;
}

/** Does the native class for this handle kind have a member with this name? */
export function nativeHas(kind: HandleKind, member: string): boolean {
  return load().get(kind)?.has(member) ?? false;
}

export function nativeMembers(kind: HandleKind): ReadonlySet<string> {
  return load().get(kind) ?? new Set();
}

/** Client options the installed driver accepts (it validates them case-insensitively). */
export function nativeAcceptsClientOption(name: string): boolean {
  if (!clientOptions) {
    const cs = require('mongodb/lib/connection_string.js') as { OPTIONS: Record<string, unknown> };
    clientOptions = new Set(Object.keys(cs.OPTIONS).map((k) => k.toLowerCase()));
  }
  return clientOptions.has(name.toLowerCase());
}

let exportsCache: Set<string> | undefined;

/** Names the installed `mongodb` package exports (BSON helpers, classes, enums...). */
export function nativeExports(): ReadonlySet<string> {
  if (!exportsCache) exportsCache = new Set(Object.keys(require('mongodb') as object));
  return exportsCache;
}
