/**
 * The `motor` preset: a JavaScript wrapper shaped like Python's Motor, onto the native `mongodb` driver.
 * Declarative data only; the rules in src/js/rules read it.
 */
import type { PresetInfo } from '../core/types.js';
import type { HandleKind } from './kinds.js';

export type Verdict = 'AUTO' | 'AUTO-WITH-CARE' | 'FLAG';

/** Exported class names of the wrapper and the native class each becomes. */
export const MOTOR_CLASSES: Record<string, { native: string; kind?: HandleKind }> = {
  AsyncIOMotorClient: { native: 'MongoClient', kind: 'client' },
  MotorClient: { native: 'MongoClient', kind: 'client' },
  AsyncIOMotorDatabase: { native: 'Db', kind: 'db' },
  AsyncIOMotorCollection: { native: 'Collection', kind: 'collection' },
  AsyncIOMotorCursor: { native: 'FindCursor', kind: 'cursor' },
  AsyncIOMotorCommandCursor: { native: 'AggregationCursor', kind: 'commandCursor' },
  AsyncIOMotorLatentCommandCursor: { native: 'AggregationCursor', kind: 'commandCursor' },
  AsyncIOMotorClientSession: { native: 'ClientSession', kind: 'session' },
  AsyncIOMotorChangeStream: { native: 'ChangeStream', kind: 'changeStream' },
  AsyncIOMotorGridFSBucket: { native: 'GridFSBucket', kind: 'bucket' },
};

/** BSON helpers and other names the wrapper re-exports that keep their name in `mongodb`. */
export const MOTOR_PASSTHROUGH_EXPORTS = [
  'ObjectId',
  'Decimal128',
  'Long',
  'Int32',
  'Double',
  'Binary',
  'Code',
  'DBRef',
  'MaxKey',
  'MinKey',
  'Timestamp',
  'BSONRegExp',
  'BSONSymbol',
  'UUID',
  'ReadPreference',
  'ReadConcern',
  'WriteConcern',
  'ReturnDocument',
  'MongoError',
  'MongoServerError',
];

/** Native class names per handle kind (for the native surface and for type-annotation tracking of `mongodb` imports). */
export const NATIVE_CLASSES: Record<string, HandleKind> = {
  MongoClient: 'client',
  Db: 'db',
  Collection: 'collection',
  FindCursor: 'cursor',
  AggregationCursor: 'commandCursor',
  ClientSession: 'session',
  ChangeStream: 'changeStream',
  GridFSBucket: 'bucket',
};

export const NATIVE_CLASS_OF_KIND: Record<HandleKind, string> = {
  client: 'MongoClient',
  db: 'Db',
  collection: 'Collection',
  cursor: 'FindCursor',
  commandCursor: 'AggregationCursor',
  session: 'ClientSession',
  changeStream: 'ChangeStream',
  bucket: 'GridFSBucket',
};

export interface MethodRule {
  /** What a call returns: a handle kind (synchronously), or a promise of one. */
  returns?: HandleKind;
  async?: boolean;
  /** Rename to this native method. */
  rename?: string;
  /** Motor's method was a coroutine and the native one is synchronous: drop an `await` on the call (js/rules/client.ts). */
  dropAwait?: boolean;
  /** Motor's method was synchronous and the native one returns a promise: await it, or flag it (js/rules/client.ts). */
  nowAsync?: boolean;
  /** The reference's verdict; a FLAG row names its rule in `flag`, the others may rename (checked by test/rules.test.ts). */
  verdict: Verdict;
  /** Rule id of the finding for FLAG rows. */
  flag?: string;
}

/** Wrapper methods per handle kind. Methods absent here keep their name and are checked against the native surface. */
export const MOTOR_METHODS: Partial<Record<HandleKind, Record<string, MethodRule>>> = {
  client: {
    getDatabase: { returns: 'db', rename: 'db', verdict: 'AUTO' },
    db: { returns: 'db', verdict: 'AUTO' },
    getDefaultDatabase: { returns: 'db', rename: 'db', verdict: 'AUTO-WITH-CARE' },
    startSession: { returns: 'session', async: true, dropAwait: true, verdict: 'AUTO' },
    close: { nowAsync: true, verdict: 'AUTO-WITH-CARE' },
    watch: { returns: 'changeStream', verdict: 'AUTO' },
    getIoLoop: { verdict: 'FLAG', flag: 'motor/io-loop' },
  },
  db: {
    getCollection: { returns: 'collection', rename: 'collection', verdict: 'AUTO' },
    collection: { returns: 'collection', verdict: 'AUTO' },
    aggregate: { returns: 'commandCursor', verdict: 'AUTO' },
    watch: { returns: 'changeStream', verdict: 'AUTO' },
    getIoLoop: { verdict: 'FLAG', flag: 'motor/io-loop' },
  },
  collection: {
    find: { returns: 'cursor', verdict: 'AUTO' },
    aggregate: { returns: 'commandCursor', verdict: 'AUTO' },
    aggregateRaw: { returns: 'commandCursor', verdict: 'FLAG', flag: 'motor/unknown-method' },
    listIndexes: { returns: 'commandCursor', verdict: 'AUTO' },
    watch: { returns: 'changeStream', verdict: 'AUTO' },
    getIoLoop: { verdict: 'FLAG', flag: 'motor/io-loop' },
  },
  cursor: {
    toList: { verdict: 'AUTO-WITH-CARE' },
    each: { verdict: 'FLAG', flag: 'motor/cursor-each' },
    fetchNext: { verdict: 'FLAG', flag: 'motor/fetch-next' },
    nextObject: { verdict: 'FLAG', flag: 'motor/fetch-next' },
  },
  commandCursor: {
    toList: { verdict: 'AUTO-WITH-CARE' },
    each: { verdict: 'FLAG', flag: 'motor/cursor-each' },
    fetchNext: { verdict: 'FLAG', flag: 'motor/fetch-next' },
    nextObject: { verdict: 'FLAG', flag: 'motor/fetch-next' },
  },
};

/**
 * Cursor builder methods of the native cursors (FindCursor, AggregationCursor of the installed driver): a call on a
 * cursor returns the same cursor, or a new one (`map`, `project`, `clone`). Checked against the native surface too.
 */
export const NATIVE_CURSOR_BUILDERS = [
  'sort',
  'limit',
  'skip',
  'project',
  'batchSize',
  'hint',
  'min',
  'max',
  'maxTimeMS',
  'maxAwaitTimeMS',
  'comment',
  'collation',
  'allowDiskUse',
  'addCursorFlag',
  'addQueryModifier',
  'withReadPreference',
  'withReadConcern',
  'filter',
  'returnKey',
  'showRecordId',
  'map',
  'clone',
  'rewind',
  'explain',
  // AggregationCursor stage builders
  'addStage',
  'match',
  'group',
  'lookup',
  'unwind',
  'redact',
  'geoNear',
  'out',
];

/**
 * Builders of the mongodb 2/3 cursor that the native cursor lacks under that name (the callback presets rename them:
 * `setReadPreference` -> `withReadPreference`). The tracker follows them too, so that a call chained after one is
 * converted on the first run, not only once the rename has been made.
 */
export const LEGACY_CURSOR_BUILDERS = ['setReadPreference'];

/** Every method whose call on a cursor returns a cursor (what the tracker follows). */
export const CURSOR_BUILDERS = [...NATIVE_CURSOR_BUILDERS, ...LEGACY_CURSOR_BUILDERS];

/** Properties of Motor objects with no native counterpart. */
export const MOTOR_FLAGGED_PROPERTIES: Record<string, { rule: string; why: string; fix: string }> = {
  ioLoop: {
    rule: 'motor/io-loop',
    why: 'the native driver has no event-loop object; Node has a single event loop',
    fix: 'Remove the io loop plumbing; schedule work with plain async functions, setImmediate or queueMicrotask.',
  },
  delegate: {
    rule: 'motor/delegate',
    why: '`.delegate` exposed the synchronous object inside the wrapper; the native object is the driver itself',
    fix: 'Use the handle itself instead of `.delegate`.',
  },
};

/** Members of Motor-style client/db objects that are not attribute-style sub-handles (for `client.name` -> db). */
export const NON_SUBHANDLE_MEMBERS = new Set([
  'then',
  'constructor',
  'toString',
  'options',
  'name',
  'databaseName',
  'collectionName',
  'namespace',
  'readPreference',
  'readConcern',
  'writeConcern',
  'codecOptions',
  'client',
  'database',
]);

/** Modules whose imports the motor preset migrates. */
export const MOTOR_MODULES = ['motor'];

/** The target module and dependency range. */
export const NATIVE_MODULE = 'mongodb';
export const NATIVE_RANGE = '^7.0.0';

export const MOTOR_PRESET: PresetInfo = {
  name: 'motor',
  language: 'js',
  description: 'A Motor-style async wrapper (module `motor`, every --wrapper-module, and --wrapper spec files) onto mongodb 6/7.',
  modules: MOTOR_MODULES,
};
