/** The JS/TS prefilter: cheap text tests that decide which files deserve a parse (no parser loaded here). */
import fs from 'node:fs';
import path from 'node:path';
import type { EngineOptions } from '../core/types.js';
import { isBareSpecifier, normalisePath, wrapperMatcher, wrapperModulesOf } from './modules.js';
import { MOTOR_FLAGGED_PROPERTIES, MOTOR_METHODS, NATIVE_MODULE } from '../presets/motor.js';
import { CLIENT_OPTIONS_DELETE, CLIENT_OPTIONS_RENAME, FLAGGED_EXPORTS, FLAGGED_METHODS, METHOD_RENAMES } from '../presets/mongodb-callbacks.js';
import { CLIENTS, clientsFor, LEGACY_JS_MODULES } from '../presets/index.js';
import { CALLBACK_ON_COLLECTION, CALLBACK_ON_CURSOR } from '../presets/mongodb-callbacks.js';
import { escapeRe } from '../core/text.js';
import { clientsOfPackage, dependsOnDriver } from './callbacks/era.js';
export { dependsOnDriver };

const patternCache = new WeakMap<object, RegExp>();

/**
 * The prefilter: a file is parsed only when a module specifier it could import appears in quotes — `'mongodb'`,
 * `"motor/x"`, `'../lib/motor.js'`, or a local module of the cross-file index — not merely the word in a comment.
 */
export function jsPrefilter(text: string, options: EngineOptions, file?: string): boolean {
  if (specifierMatch(text, options)) return true;
  // The runner's tracking-facts round: this file receives handles from other files (parameters, slots, a plugin).
  if (options.jsForceParse) return true;
  // A fastify mongo plugin registered here: its handles (`fastify.mongo.db`) reach the whole run.
  if (text.includes('fastify-mongodb') || text.includes('@fastify/mongodb')) return true;
  // A declaration file holds no calls: nothing in it can use a legacy API on a `mongodb` handle.
  if (file !== undefined && DECLARATION_FILE.test(file)) return false;
  // Callback presets: `db.collection('x').insert(doc, cb)` is reported even where `db` cannot be followed, in a
  // package whose package.json depends on the driver (the engine's own test, made here before any parse).
  if (callbackPresetsOn(options) && text.includes('.collection(') && UNTRACKED_COLLECTION_SHAPE.test(text) && (file === undefined || dependsOnDriver(options, path.resolve(options.cwd ?? '.', file))))
    return true;
  // Code already on `mongodb` is parsed only when it shows a token of a legacy API (what `check` looks for there).
  if (importsNative(text) && LEGACY_TOKENS.test(text)) return true;
  // Never silent (client presets): in a package that lists a legacy client, a file calling one of its method names.
  if (file !== undefined && clientsFor(options.preset).length && CLIENT_CALL_TOKENS.test(text) && clientsOfPackage(options, path.resolve(options.cwd ?? '.', file)).length) return true;
  // Never silent: in a package that depends on the driver, a file showing an old-API token is parsed even when it
  // imports nothing the codemod follows (its handles come through parameters, `this`, framework objects).
  return callbackPresetsOn(options) && file !== undefined && (UNTRACKED_TOKENS.test(text) || LEGACY_TOKENS.test(text)) && dependsOnDriver(options, path.resolve(options.cwd ?? '.', file));
}

/** For the cross-file index: files that import a wrapper or an indexed module, or (check, callback presets) the driver. */
export function jsIndexPrefilter(text: string, options: EngineOptions, file?: string): boolean {
  if (specifierMatch(text, options)) return true;
  // A declaration file exports no values (no handles).
  if (file !== undefined && DECLARATION_FILE.test(file)) return false;
  // `check` looks for native handles across files; the callback presets follow native handles into importers in
  // `run` too (`exports.getDb = () => _db`). Only files that really import the driver can export one.
  return (options.mode === 'check' || callbackPresetsOn(options)) && importsNative(text);
}

/** A quoted module specifier naming one of these local module basenames (`'./db'`, `"../lib/db.js"`, `'./db/index'`). */
function localSpecifierPattern(basenames: Iterable<string>): string {
  return `[/'"\`](?:${[...basenames].map(escapeRe).join('|')})(?:\\.[cm]?[jt]sx?)?(?:/index(?:\\.[cm]?[jt]sx?)?)?['"\`]`;
}

/** Does the text name one of these local modules in a specifier (the prefilter's test for indexed modules)? */
export function importsLocalModule(text: string, basenames: string[]): boolean {
  return basenames.length > 0 && new RegExp(localSpecifierPattern(basenames)).test(text);
}

/** Do the callback-era presets apply to this run (the same test as callbackPresetApplies, without loading them)? */
export function callbackPresetsOn(options: Pick<EngineOptions, 'preset'>): boolean {
  return options.preset === 'auto' || options.preset === 'mongodb-callbacks' || options.preset === 'mongodb-legacy';
}

/** The byte needle of that shape, for the runner's scan (files without it and without `mongodb` are never decoded). */
export const UNTRACKED_COLLECTION_NEEDLE = '.collection(';

function specifierMatch(text: string, options: EngineOptions): boolean {
  let re = patternCache.get(options);
  if (!re) {
    const bare = new Set<string>(LEGACY_JS_MODULES);
    const files = new Set<string>();
    for (const m of wrapperModulesOf(options)) {
      if (isBareSpecifier(m)) bare.add(m);
      else files.add(path.basename(normalisePath(m)));
    }
    for (const k of Object.keys(options.jsModuleExports ?? {})) files.add(path.basename(k));
    const parts = [`['"\`](?:${[...bare].map(escapeRe).join('|')})(?=['"\`/-])`];
    if (files.size) parts.push(localSpecifierPattern(files));
    re = new RegExp(parts.join('|'));
    patternCache.set(options, re);
  }
  return re.test(text);
}

const DECLARATION_FILE = /\.d\.[cm]?ts$/;
/** What the never-silent pass reports besides LEGACY_TOKENS: removed methods, findOneAnd* results, URIs, ObjectId. */
const UNTRACKED_TOKENS = /\b(?:mapReduce|group|geoNear|geoHaystackSearch|reIndex|parallelCollectionScan|dropAllIndexes|findOneAnd\w+|ObjectI[dD])\s*\(|mongodb(?:\+srv)?:\/\/[^\s'"`]*\?/;
/** `from 'mongodb'`, `require('mongodb')`, `import('mongodb/x')`, `import 'mongodb'`: the forms the tracker follows. */
const NATIVE_IMPORT = new RegExp(`(?:\\bfrom|\\brequire\\s*\\(|\\bimport\\s*\\(?)\\s*['"\`]${NATIVE_MODULE}['"\`/]`, 'g');

/**
 * Does the file import `mongodb`? A string such as `default: 'mongodb'` is not an import, and neither is one on a
 * comment line (`* import { MongoClient } from 'mongodb'` in a JSDoc example), except a JSDoc type import
 * (`{import('mongodb').Db}`): only a cheap line test, erring on the side of a parse.
 */
export function importsNative(text: string): boolean {
  NATIVE_IMPORT.lastIndex = 0;
  for (let m = NATIVE_IMPORT.exec(text); m; m = NATIVE_IMPORT.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const before = text.slice(lineStart, m.index).trimStart();
    const commentLine = before.startsWith('//') || before.startsWith('*') || (before.startsWith('/*') && !before.includes('*/'));
    // A JSDoc type (`@param {import('mongodb').Db} db`) is read by the tracker: it counts, comment or not.
    if (!commentLine || m[0].startsWith('import')) return true;
  }
  return false;
}

/**
 * Names the presets' tables mark as legacy (renamed, flagged or removed methods, Motor's flagged properties, client
 * options, exports): derived, so a row added to a preset is looked for without restating it here.
 */
const PRESET_LEGACY_NAMES = [
  ...new Set([
    ...Object.values(MOTOR_METHODS).flatMap((rows) =>
      Object.entries(rows!)
        .filter(([, r]) => r.rename || r.flag)
        .map(([name]) => name),
    ),
    ...Object.keys(MOTOR_FLAGGED_PROPERTIES),
    ...Object.values(METHOD_RENAMES).flatMap((rows) => Object.keys(rows!)),
    ...Object.values(FLAGGED_METHODS).flatMap((rows) => Object.keys(rows!)),
    ...CLIENT_OPTIONS_DELETE,
    ...Object.keys(CLIENT_OPTIONS_RENAME),
    ...Object.keys(FLAGGED_EXPORTS),
  ]),
].sort();

/**
 * Tokens of legacy APIs that can linger on native handles: the presets' legacy names, Motor-style names, rejected
 * client options, and callback-era shapes (err-first callbacks, removed methods) for the callback presets.
 */
export const LEGACY_TOKENS = new RegExp(
  `\\b(?:${PRESET_LEGACY_NAMES.map(escapeRe).join('|')})\\b|` +
    String.raw`\b(?:toList|fetchNext|nextObject|getDatabase|getCollection|getDefaultDatabase|ioLoop|getIoLoop|delegate|each|listCollectionNames|listDatabaseNames|insert|update|remove|save|count|findAndModify|findAndRemove|ensureIndex|ObjectID|FilterQuery|UpdateQuery|\w+WriteOpResult\w*|FindOneOptions|CollectionInsertOneOptions|MongoCountPreferences|CollectionAggregationOptions|FindOneAndUpdateOption|useNewUrlParser|useUnifiedTopology|poolSize|keepAlive|wtimeout|fsync)\b|\b[wj]\s*:|\(\s*err\b|function\s*\(\s*err\b|\.close\(\s*\)|\b(?:toArray|hasNext|next|nextObject)\(\s*[^)\s]|,\s*(?:function\b|\([\w\s,]*\)\s*=>|[\w$]+\s*=>)|\b(?:done|cb|callback|next)\s*\)|\bpromisify\s*\(`,
);

/**
 * `x.collection('name')` and a call of a collection or cursor method that took a callback (`.insert(`,
 * `.findOne(`, `.toArray(`, …), on it or elsewhere (through a variable): files that do not import the driver are
 * parsed only when both appear.
 */
export const UNTRACKED_COLLECTION_SHAPE = {
  test(text: string): boolean {
    return COLLECTION_LITERAL.test(text) && REMOVED_METHOD_CALL.test(text);
  },
};
const COLLECTION_LITERAL = /\.collection\(\s*(['"`])[^'"`\n]*\1\s*\)/;
/** A call of one of the methods the engine reports on `x.collection('name')` (or on its find/aggregate cursor). */
const REMOVED_METHOD_CALL = new RegExp(`\\.\\s*(?:${[...new Set([...CALLBACK_ON_COLLECTION, ...CALLBACK_ON_CURSOR])].join('|')})\\s*\\(`);

/** Byte needles of the runner's scan for JS/TS files: the driver, the wrapper modules, the clients, the untracked-collection shape. */
export function jsScanNeedles(options: EngineOptions): string[] {
  const callbacks = callbackPresetsOn(options) ? [UNTRACKED_COLLECTION_NEEDLE] : [];
  return ['mongodb', ...wrapperMatcher(options).needles, ...clientsFor(options.preset).map((c) => c.module), ...callbacks];
}

/** `.find(`, `.insert(`, ...: a call of one of the clients' method names (derived from their tables). */
const CLIENT_CALL_TOKENS = new RegExp(`\\.(?:${[...new Set(CLIENTS.flatMap((c) => Object.values(c.methods).flatMap((rows) => Object.keys(rows ?? {}))))].map(escapeRe).join('|')})\\s*\\(`);

/**
 * Never silent: every JS/TS file of a package that depends on the driver (callback presets) or lists a legacy client
 * (client presets) is a candidate (its handles may come through parameters, `this` or framework objects: no needle
 * tells); the prefilter then looks for old-API tokens. A folder without a package.json answers as its parent does
 * (the nearest package.json decides), so each folder costs one stat: no walk up the tree per folder.
 */
export function packageCandidates(options: EngineOptions, cwd: string): ((abs: string) => boolean) | undefined {
  const callbacks = callbackPresetsOn(options);
  const clients = clientsFor(options.preset).length > 0;
  if (!callbacks && !clients) return undefined;
  const dirs = new Map<string, boolean>();
  const stopDir = path.resolve(cwd);
  const pkgOptions = { ...options, cwd } as EngineOptions;
  const decides = (dir: string): boolean => {
    const file = path.join(dir, 'file.js');
    return (callbacks && dependsOnDriver(pkgOptions, file)) || (clients && clientsOfPackage(pkgOptions, file).length > 0);
  };
  const inPackageDir = (dir: string): boolean => {
    let v = dirs.get(dir);
    if (v !== undefined) return v;
    const parent = path.dirname(dir);
    v = dir === stopDir || parent === dir || fs.existsSync(path.join(dir, 'package.json')) ? decides(dir) : inPackageDir(parent);
    dirs.set(dir, v);
    return v;
  };
  return (abs) => inPackageDir(path.dirname(abs));
}
