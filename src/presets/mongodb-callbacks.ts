/**
 * The `mongodb-callbacks` preset: code written against `mongodb` 2.x-4.x (callbacks, removed methods and options,
 * old result shapes) onto `mongodb` 6/7. Declarative tables only; the rules in src/js/callbacks read them.
 * Every row cites the reference (../shared/reference/js-wrappers.md §3-§5) by its verdict.
 */
import type { PresetInfo } from '../core/types.js';
import type { HandleKind } from './kinds.js';
import { NATIVE_MODULE, type Verdict } from './motor.js';

export const CALLBACKS_PRESET: PresetInfo = {
  name: 'mongodb-callbacks',
  language: 'js',
  description: 'Code written for mongodb 2.x-4.x (callbacks, insert/update/remove/count/findAndModify, fields, returnOriginal, old result shapes) onto mongodb 6/7.',
  modules: [NATIVE_MODULE],
};

/**
 * Methods that took a trailing err-first callback, per handle kind, with the number of non-callback parameters
 * they accept (a call with more arguments than that ends with a callback). `returns`: what the callback's result
 * parameter holds when it is a handle.
 */
export interface CallbackMethod {
  arity: number;
  returns?: HandleKind;
  /** Synchronous natively (the callback was called at once with the value): the call is inlined, never awaited. */
  sync?: boolean;
}

export const CALLBACK_METHODS: Partial<Record<HandleKind, Record<string, CallbackMethod>>> = {
  client: {
    connect: { arity: 0, returns: 'client' },
    close: { arity: 1 },
  },
  db: {
    collection: { arity: 2, returns: 'collection', sync: true },
    command: { arity: 2 },
    removeUser: { arity: 2 },
    createCollection: { arity: 2, returns: 'collection' },
    dropCollection: { arity: 2 },
    createIndex: { arity: 3 },
    dropDatabase: { arity: 1 },
    indexInformation: { arity: 2 },
    profilingLevel: { arity: 1 },
    setProfilingLevel: { arity: 2 },
    renameCollection: { arity: 3, returns: 'collection' },
    stats: { arity: 1 },
    collections: { arity: 1 },
  },
  collection: {
    bulkWrite: { arity: 2 },
    count: { arity: 2 },
    countDocuments: { arity: 2 },
    estimatedDocumentCount: { arity: 1 },
    createIndex: { arity: 2 },
    createIndexes: { arity: 2 },
    ensureIndex: { arity: 2 },
    dropIndex: { arity: 2 },
    dropIndexes: { arity: 1 },
    dropAllIndexes: { arity: 0 },
    deleteMany: { arity: 2 },
    deleteOne: { arity: 2 },
    distinct: { arity: 3 },
    drop: { arity: 1 },
    findOne: { arity: 2 },
    findOneAndDelete: { arity: 2 },
    findOneAndReplace: { arity: 3 },
    findOneAndUpdate: { arity: 3 },
    findAndModify: { arity: 4 },
    findAndRemove: { arity: 3 },
    indexExists: { arity: 2 },
    indexInformation: { arity: 1 },
    indexes: { arity: 1 },
    insert: { arity: 2 },
    insertMany: { arity: 2 },
    insertOne: { arity: 2 },
    isCapped: { arity: 1 },
    options: { arity: 1 },
    remove: { arity: 2 },
    rename: { arity: 2, returns: 'collection' },
    replaceOne: { arity: 3 },
    save: { arity: 2 },
    update: { arity: 3 },
    updateMany: { arity: 3 },
    updateOne: { arity: 3 },
    find: { arity: 2, returns: 'cursor', sync: true },
  },
  cursor: {
    toArray: { arity: 0 },
    next: { arity: 0 },
    nextObject: { arity: 0 },
    hasNext: { arity: 0 },
    tryNext: { arity: 0 },
    close: { arity: 1 },
    count: { arity: 2 },
    explain: { arity: 1 },
  },
  commandCursor: {
    toArray: { arity: 0 },
    next: { arity: 0 },
    hasNext: { arity: 0 },
    tryNext: { arity: 0 },
    close: { arity: 1 },
    explain: { arity: 1 },
  },
  changeStream: {
    next: { arity: 0 },
    hasNext: { arity: 0 },
    tryNext: { arity: 0 },
    close: { arity: 0 },
  },
  session: {
    abortTransaction: { arity: 0 },
    commitTransaction: { arity: 0 },
    endSession: { arity: 1 },
  },
  bucket: {
    delete: { arity: 1 },
    rename: { arity: 2 },
    drop: { arity: 0 },
  },
};

/** Plain renames (AUTO): same arguments, same result. */
export const METHOD_RENAMES: Partial<Record<HandleKind, Record<string, string>>> = {
  collection: { ensureIndex: 'createIndex', dropAllIndexes: 'dropIndexes' },
  cursor: { nextObject: 'next', setReadPreference: 'withReadPreference' },
  commandCursor: { setReadPreference: 'withReadPreference' },
};

/** Methods renamed with argument analysis (AUTO-WITH-CARE), handled one by one by src/js/callbacks/methods.ts. */
export const CAREFUL_METHODS = new Set(['insert', 'update', 'remove', 'save', 'count', 'findAndModify', 'findAndRemove']);

/**
 * Collection methods removed from the driver (or whose callback form is gone) that, called on `x.collection('name')`
 * with a callback last, can only be a driver call even when `x` cannot be followed (a plain function parameter).
 */
const REMOVED_ON_COLLECTION = ['insert', 'update', 'remove', 'save', 'count', 'findAndModify', 'findAndRemove', 'ensureIndex', 'dropAllIndexes', 'mapReduce', 'group', 'geoNear'];

/**
 * Those, and the collection methods that still exist but no longer take a callback (mongodb 5+ ignores it: the
 * callback never runs). The engine reports them on untracked receivers; the JS prefilter's shape test is built
 * from the same two tables.
 */
export const CALLBACK_ON_COLLECTION = new Set([
  ...REMOVED_ON_COLLECTION,
  'findOne',
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'replaceOne',
  'countDocuments',
  'estimatedDocumentCount',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'bulkWrite',
  'createIndex',
  'createIndexes',
  'dropIndex',
  'dropIndexes',
  'indexes',
  'distinct',
  'drop',
  'rename',
  'aggregate',
]);

/** Cursor methods whose callback is ignored too, on `x.collection('name').find(…)` / `.aggregate(…)`. */
export const CALLBACK_ON_CURSOR = new Set(['toArray', 'forEach', 'each', 'next', 'hasNext', 'count', 'explain']);

/** cursor.each (FindCursor and AggregationCursor alike). */
const EACH_FIX =
  'Iterate with `for await (const doc of cursor) { ... }`: the `doc === null` branch goes after the loop and `return false` becomes `break`. When the callback handles errors, loop on `doc = await cursor.next()` (null at the end) with only that await in a try/catch holding the error branch, so that exceptions of the per-document code do not reach it.';

/** Removed features with no mechanical equivalent (FLAG), with the manual fix. */
export const FLAGGED_METHODS: Partial<Record<HandleKind, Record<string, { verdict: Verdict; fix: string; rule?: string }>>> = {
  client: {
    isConnected: { verdict: 'FLAG', fix: 'Remove the check: operations auto-connect since 4.7; to probe the server use `await client.db().admin().ping()`.' },
    logout: { verdict: 'FLAG', fix: 'Put the credentials in the URI or the `auth` option; close the client to end the session.' },
  },
  db: {
    eval: { verdict: 'FLAG', fix: 'The server removed eval in 4.2: rewrite the server-side JavaScript as queries or aggregation pipelines.' },
    authenticate: { verdict: 'FLAG', fix: 'Put the credentials in the URI or the MongoClient `auth` option.' },
    logout: { verdict: 'FLAG', fix: 'Remove it; close the client to end the session.' },
    open: { verdict: 'FLAG', fix: 'Use `await client.connect()` (or rely on auto-connect).' },
    addUser: { verdict: 'FLAG', fix: 'Use `await db.command({ createUser: name, pwd: password, roles: [...] })` (addUser without roles had different defaults).' },
    on: { verdict: 'FLAG', fix: 'Db no longer emits events: listen on the MongoClient for SDAM/CMAP events (topologyClosed, serverHeartbeatFailed, connectionPoolCleared, ...).' },
    once: { verdict: 'FLAG', fix: 'Db no longer emits events: listen on the MongoClient for SDAM/CMAP events (topologyClosed, serverHeartbeatFailed, connectionPoolCleared, ...).' },
    executeDbAdminCommand: { verdict: 'FLAG', fix: 'Use `await db.admin().command(cmd)`.' },
    profilingInfo: { verdict: 'FLAG', fix: "Use `await db.collection('system.profile').find().toArray()`." },
    unref: { verdict: 'FLAG', fix: 'Remove the call: it no longer exists.' },
  },
  collection: {
    group: { verdict: 'FLAG', fix: 'Rewrite as `aggregate([{ $match: cond }, { $group: ... }])`; the JavaScript reduce/finalize must be translated by hand (the server removed group in 4.2).' },
    mapReduce: { verdict: 'FLAG', fix: 'Rewrite as an aggregation pipeline, or run `db.command({ mapReduce: name, map: String(map), reduce: String(reduce), out })`.' },
    geoNear: { verdict: 'FLAG', fix: 'Use `aggregate([{ $geoNear: { near, distanceField, ... } }, ...])` ($geoNear must be the first stage).' },
    geoHaystackSearch: { verdict: 'FLAG', fix: 'Use a `$geoWithin` query (haystack indexes were removed by the server).' },
    parallelCollectionScan: { verdict: 'FLAG', fix: 'Remove it: there is no replacement; iterate one find() cursor.' },
    reIndex: { verdict: 'FLAG', fix: 'Run `db.command({ reIndex: name })` (standalone servers only) or drop and recreate the indexes.' },
    stats: { verdict: 'AUTO-WITH-CARE', fix: 'Use `await db.command({ collStats: name })` or `aggregate([{ $collStats: { storageStats: {} } }])`.' },
    slaveOk: { verdict: 'FLAG', fix: 'Pass a `readPreference` option instead.' },
  },
  cursor: {
    each: { verdict: 'AUTO-WITH-CARE', fix: EACH_FIX },
    snapshot: { verdict: 'FLAG', fix: 'Remove it (the server removed snapshot); consider a hint on _id.' },
    maxScan: { verdict: 'FLAG', fix: 'Remove it (the server removed maxScan in 4.2); consider maxTimeMS.' },
    isClosed: { verdict: 'AUTO', fix: 'Read the `cursor.closed` property.' },
    pipe: { verdict: 'AUTO-WITH-CARE', fix: 'Cursors are no longer streams: use `cursor.stream().pipe(...)`.' },
    on: { verdict: 'AUTO-WITH-CARE', fix: "Cursors are no longer streams: use `cursor.stream().on('data', ...)`, or `for await (const doc of cursor)`." },
    destroy: { verdict: 'AUTO', fix: 'Use `await cursor.close()`.' },
    // toList() (never a Node driver method) is reported by the generic native rule, native/unknown-method, with its
    // fix (await cursor.toArray()): the rule id a Motor leftover always had.
  },
  commandCursor: {
    each: { verdict: 'AUTO-WITH-CARE', fix: EACH_FIX },
  },
  session: {},
};

/** Client options that the v7 MongoClient rejects and that can simply be deleted (AUTO; reference §3.3, §5.1). */
export const CLIENT_OPTIONS_DELETE = new Set(['useNewUrlParser', 'useUnifiedTopology', 'useCreateIndex', 'useFindAndModify']);

/** Client options renamed one to one (AUTO). */
export const CLIENT_OPTIONS_RENAME: Record<string, string> = {
  poolSize: 'maxPoolSize',
  minSize: 'minPoolSize',
  sslCA: 'tlsCAFile',
  sslCRL: 'tlsCRLFile',
  sslValidate: 'tlsAllowInvalidCertificates',
};

/** Find/findOne/findOneAnd* option renames (AUTO): `fields` was silently ignored from 4.0 on (data exposure). */
export const FIND_OPTION_RENAMES: Record<string, string> = { fields: 'projection' };

/** Methods whose options object takes `projection` (and used to take `fields`). */
export const PROJECTION_METHODS: Record<string, number> = {
  find: 1,
  findOne: 1,
  findOneAndDelete: 1,
  findOneAndUpdate: 2,
  findOneAndReplace: 2,
};

/** findOneAnd* methods: `returnOriginal` -> `returnDocument`, and results read through `.value` before 6.0. */
export const FIND_ONE_AND: Record<string, number> = { findOneAndDelete: 1, findOneAndUpdate: 2, findOneAndReplace: 2 };

/** v2 find() options that mark the second argument as options rather than a projection (D2 testForFields). */
export const V2_FIND_OPTION_KEYS = new Set([
  'limit',
  'sort',
  'fields',
  'skip',
  'hint',
  'explain',
  'snapshot',
  'timeout',
  'tailable',
  'tailableRetryInterval',
  'numberOfRetries',
  'awaitdata',
  'awaitData',
  'exhaust',
  'batchSize',
  'returnKey',
  'maxScan',
  'min',
  'max',
  'showDiskLoc',
  'comment',
  'raw',
  'readPreference',
  'partial',
  'read',
  'dbName',
  'oplogReplay',
  'connection',
  'maxTimeMS',
  'transforms',
  'collation',
  'noCursorTimeout',
  'projection',
]);

/** find()/findOne() options the server removed (FLAG, reference §5.3): silently ignored or rejected today. */
export const REMOVED_FIND_OPTIONS: Record<string, string> = {
  snapshot: 'Remove it (the server removed snapshot in 4.0); for a stable scan, hint the _id index.',
  maxScan: 'Remove it (the server removed maxScan in 4.2); bound the query with maxTimeMS instead.',
};

/** Module-level exports of the old driver with no counterpart (FLAG). */
export const FLAGGED_EXPORTS: Record<string, string> = {
  GridStore: 'Use GridFSBucket (openUploadStream / openDownloadStream); the 4.0 upgrade guide has snippets.',
  instrument: "Use `new MongoClient(uri, { monitorCommands: true }).on('commandStarted', ...)`.",
  Logger: 'Use the MONGODB_LOG_* environment variables or the mongodbLogPath client option.',
};

/** Default target major of `mongodb`. */
export const DEFAULT_TARGET = 7;

/**
 * Collection methods removed from the driver, with the manual fix a finding gives where the call is not rewritten
 * (its receiver could not be proven to be a collection). Reference §5.2.
 */
export const REMOVED_METHOD_FIXES: Record<string, string> = {
  insert: 'Use `insertOne(doc)` for one document or `insertMany(docs, { ordered: false })` for an array (insert defaulted to unordered); read `insertedId` / the input document instead of `ops`.',
  update: 'Use `updateOne` / `updateMany` (`multi: true`) with `$` operators, or `replaceOne` for a whole document; read `matchedCount` / `modifiedCount` instead of `result.n` / `result.nModified`.',
  remove: 'Use `deleteOne` (`single: true`) or `deleteMany`; read `deletedCount` instead of `result.n`.',
  save: 'Use `replaceOne({ _id: doc._id }, doc, { upsert: true })` when the document has an _id, else `insertOne(doc)`.',
  count: 'Use `countDocuments(query)` (or `estimatedDocumentCount()` without a query).',
  findAndModify:
    "Use `findOneAndUpdate(query, update, { sort, upsert, returnDocument: 'after' })`, `findOneAndReplace` or `findOneAndDelete`; mongodb 6+ resolves the document itself (or pass `includeResultMetadata: true` to keep `.value`).",
  findAndRemove: 'Use `findOneAndDelete(query, { sort })`; mongodb 6+ resolves the document itself (or pass `includeResultMetadata: true` to keep `.value`).',
  ensureIndex: 'Use `createIndex(spec, options)`.',
  dropAllIndexes: 'Use `dropIndexes()`.',
  mapReduce: 'Rewrite as an aggregation pipeline, or run `db.command({ mapReduce: name, map: String(map), reduce: String(reduce), out })`.',
  group: 'Rewrite as `aggregate([{ $match: cond }, { $group: ... }])`; the JavaScript reduce/finalize must be translated by hand.',
  geoNear: 'Use `aggregate([{ $geoNear: { near, distanceField, ... } }, ...])` ($geoNear must be the first stage).',
  geoHaystackSearch: 'Use a `$geoWithin` query (haystack indexes were removed by the server).',
  reIndex: 'Run `db.command({ reIndex: name })` (standalone servers only) or drop and recreate the indexes.',
  parallelCollectionScan: 'Remove it: there is no replacement; iterate one find() cursor.',
};

/** Methods whose result had the old findAndModify shape (`{ value, lastErrorObject, ok }`) before mongodb 6. */
export const MODIFY_RESULT_METHODS = new Set(['findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findAndModify', 'findAndRemove']);

/** Write methods whose old result carried `ops` / `result` (reference §3.2). */
export const WRITE_RESULT_METHODS = new Set(['insert', 'insertOne', 'insertMany', 'update', 'updateOne', 'updateMany', 'replaceOne', 'remove', 'deleteOne', 'deleteMany', 'save']);

/**
 * Arguments the driver method takes before its callback: in `service.updateOne(query, (doc) => ({ ...doc }))` the
 * function is in the update's place, so it is not a driver callback (an app's own updater).
 */
export const ARGS_BEFORE_CALLBACK: Record<string, number> = {
  updateOne: 2,
  updateMany: 2,
  replaceOne: 2,
  findOneAndUpdate: 2,
  findOneAndReplace: 2,
  insertOne: 1,
  insertMany: 1,
  bulkWrite: 1,
  createIndex: 1,
  distinct: 1,
  rename: 1,
};
