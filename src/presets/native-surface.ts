/**
 * The native driver's API surface: method and accessor names per class (prototype chain included), the client
 * options it accepts and its exports. Read from the installed `mongodb` package by the build (never typed by
 * hand) into src/generated/native-surface.ts; test/native-surface.test.ts proves it matches the installed driver.
 */
import type { HandleKind } from './kinds.js';
import { CLIENT_OPTIONS, EXPORTS, MEMBERS } from '../generated/native-surface.js';

const members = new Map<string, Set<string>>(Object.entries(MEMBERS).map(([k, v]) => [k, new Set(v)]));
const options = new Set(CLIENT_OPTIONS.map((o) => o.toLowerCase()));
const exportsSet = new Set(EXPORTS);

/** Does the native class for this handle kind have a member with this name? */
export function nativeHas(kind: HandleKind, member: string): boolean {
  return members.get(kind)?.has(member) ?? false;
}

export function nativeMembers(kind: HandleKind): ReadonlySet<string> {
  return members.get(kind) ?? new Set();
}

/** Client options the installed driver accepts (it validates them case-insensitively). */
export function nativeAcceptsClientOption(name: string): boolean {
  return options.has(name.toLowerCase());
}

/** Names the installed `mongodb` package exports (BSON helpers, classes, enums...). */
export function nativeExports(): ReadonlySet<string> {
  return exportsSet;
}
