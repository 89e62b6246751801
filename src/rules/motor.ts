/** Rule ids of the Motor-style preset and the native-driver checks, with their severity and manual fix. */
import type { RuleTable } from '../core/rules.js';

export const MOTOR_RULES: RuleTable = {
  'motor/legacy-import': {
    severity: 'error',
    description: 'An import of a Motor-style wrapper module is still present.',
    help: 'Run `mongo-codemod run` to migrate this file to the native `mongodb` driver.',
  },
  'motor/unknown-export': {
    severity: 'error',
    description: 'The wrapper export has no counterpart in `mongodb`; the import of it was left in place.',
    help: 'Replace this name by hand with the native API (see the README table of wrapper names).',
  },
  'motor/export-all': {
    severity: 'warning',
    description: '`export * from` the wrapper now re-exports `mongodb`, whose names differ.',
    help: 'Check the importers of this module: AsyncIOMotorClient is now MongoClient, AsyncIOMotorDatabase is Db, and so on.',
  },
  'motor/reexport-legacy-name': {
    severity: 'info',
    description: 'A re-export keeps the wrapper name for importers of this module, now bound to the native class.',
    help: 'Rename the export once its importers use the native name.',
  },
  'motor/default-database': {
    severity: 'warning',
    description: 'getDefaultDatabase() raised when the URI named no database; native db() silently uses `test`.',
    help: 'Make sure the connection string names a database, or pass the name: client.db("name").',
  },
  'motor/to-list-zero': {
    severity: 'error',
    description: 'toList(0) returned [] in Motor; there is no native equivalent worth keeping.',
    help: 'Remove the call and use [] if that was intended, or read the documents with `for await (const doc of cursor)`.',
  },
  'motor/to-list-length': {
    severity: 'error',
    description: 'toList(n) with a length that is not a positive number literal, or in a position where no loop can be spliced in.',
    help: 'Read at most n documents with a next() loop: `const docs = []; while (docs.length < n) { const doc = await cursor.next(); if (doc === null) break; docs.push(doc); }` (not .limit(n): a runtime 0 means no limit).',
  },
  'motor/cursor-each': {
    severity: 'error',
    description: 'cursor.each(callback) does not exist on native cursors.',
    help: "Iterate with `for await (const doc of cursor) { ... }`; the callback's final call with null becomes the code after the loop.",
  },
  'motor/fetch-next': {
    severity: 'error',
    description: 'fetchNext / nextObject do not exist on native cursors.',
    help: 'Use `for await (const doc of cursor) { ... }`, or `const doc = await cursor.next()` (null at the end).',
  },
  'motor/io-loop': {
    severity: 'error',
    description: 'The native driver has no io loop: Node runs one event loop.',
    help: 'Remove the io loop plumbing; schedule work with plain async functions, setImmediate or queueMicrotask.',
  },
  'motor/delegate': {
    severity: 'error',
    description: '`.delegate` exposed the object inside the wrapper; native handles are the driver objects themselves.',
    help: 'Use the handle itself instead of `.delegate`.',
  },
  'motor/client-option': {
    severity: 'error',
    description: 'The native MongoClient rejects this option (MongoParseError: option ... is not supported).',
    help: 'Remove the option, or replace it with its native equivalent from the MongoClientOptions documentation.',
  },
  'motor/close-sync': {
    severity: 'warning',
    description: 'client.close() was synchronous in the wrapper and returns a promise natively; this code cannot await it.',
    help: 'Await client.close() from an async function (for example the shutdown handler), or handle the returned promise: client.close().catch(...).',
  },
  'motor/unknown-method': {
    severity: 'error',
    description: 'The native class has no method of this name.',
    help: 'Rewrite the call with the native API.',
  },
  'motor/start-session': {
    severity: 'warning',
    description: 'startSession() returned a promise in the wrapper and returns the session synchronously natively.',
    help: 'Use the session directly: const session = client.startSession().',
  },
  'motor/wrapper-call': {
    severity: 'error',
    description: 'The wrapper module itself is called or constructed (`monk(url)`, `new Wrapper(url)`) in a way the codemod cannot map: its import was kept (mongodb is not callable).',
    help: 'Create the client by hand (`const client = new MongoClient(url); const db = client.db();`), or describe the wrapper with a JSON spec (--wrapper-spec) whose factory names this call.',
  },
  'motor/dependency-held': {
    severity: 'warning',
    description: 'package.json keeps the wrapper package: a file of this package still imports it (its module is called or constructed).',
    help: 'Migrate the flagged call sites, then run again (or replace the dependency by hand).',
  },
  'motor/dependency': {
    severity: 'info',
    description: 'The wrapper package was replaced by `mongodb` in package.json.',
    help: 'Run your package manager to refresh the lockfile.',
  },
  'motor/stale-lockfile': {
    severity: 'warning',
    description: 'The lockfile still pins the wrapper package; it was not edited.',
    help: 'Run `npm install` (or your package manager) to refresh the lockfile.',
  },
  'motor/legacy-dependency': {
    severity: 'error',
    description: 'package.json still lists the wrapper package.',
    help: 'Run `mongo-codemod run`, or replace the dependency with `mongodb` by hand.',
  },
  'motor/destructured-handle': {
    severity: 'error',
    description: 'Collections (or databases) destructured from a wrapper handle: native Db and MongoClient objects have no such properties.',
    help: "Read each one with db.collection('name') (or client.db('name')).",
  },
  'native/close-not-awaited': {
    severity: 'warning',
    description: 'MongoClient.close() returns a promise, and this synchronous code does not wait for it.',
    help: 'Await client.close() from an async function (for example the shutdown handler), or handle the promise: client.close().catch(...).',
  },
  'native/unknown-member': {
    severity: 'error',
    description: 'A Motor-only property read on a native handle (ioLoop, delegate): it is undefined natively.',
    help: 'Remove the Motor plumbing; use the handle itself.',
  },
  'native/client-option': {
    severity: 'error',
    description: 'The native MongoClient rejects this option (MongoParseError: option ... is not supported).',
    help: 'Remove the option, or replace it with its native equivalent from the MongoClientOptions documentation.',
  },
  'native/unknown-method': {
    severity: 'error',
    description: 'The native `mongodb` class has no method of this name (a leftover of a legacy API).',
    help: 'Rewrite the call with the native API.',
  },
  'motor/wrapper-module-file': {
    severity: 'info',
    description: 'This is the in-house wrapper module itself; it was left unchanged.',
    help: 'Delete it once nothing imports it any more.',
  },
};

/** Hints for wrapper methods that have no same-name native method. */
export const METHOD_HINTS: Record<string, string> = {
  listCollectionNames: '(await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)',
  listDatabaseNames: '(await client.db().admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name)',
  serverInfo: 'await client.db().admin().serverInfo()',
  dropDatabase: 'await client.db(name).dropDatabase() (on a client), or await db.dropDatabase() (on a db)',
  findRawBatches: 'there is no raw-batch find in the Node driver; use find() with bsonRegExp/raw options',
  aggregateRawBatches: 'there is no raw-batch aggregate in the Node driver; use aggregate() with the raw option',
  toList: 'await cursor.toArray()',
  each: 'for await (const doc of cursor) { ... }',
  nextObject: 'await cursor.next()',
  getDatabase: 'client.db(name)',
  getCollection: 'db.collection(name)',
  getDefaultDatabase: 'client.db()',
};
