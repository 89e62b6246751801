/**
 * The `motor-python` preset: what it migrates and the modules it claims (as the runner and the CLI see it), then
 * Motor's names, their PyMongo async replacements and the per-handle method tables the Python engine reads (see
 * shared/reference/python-motor.md).
 */
import type { PresetInfo } from '../core/types.js';
import { PY_KINDS, type PyKind } from './kinds.js';

export { PY_KINDS, type PyKind };

export const MOTOR_PYTHON_PRESET: PresetInfo = {
  name: 'motor-python',
  language: 'python',
  description: 'Motor (motor.motor_asyncio) -> PyMongo native async API (pymongo.AsyncMongoClient, PyMongo >= 4.13).',
  modules: ['motor', 'motor.motor_asyncio', 'motor.core', 'motor.motor_gridfs', 'motor.motor_tornado'],
};

export interface Target {
  module: string;
  name: string;
}

export interface MotorClass {
  kind: PyKind;
  target: Target;
}

const T = (module: string, name: string): Target => ({ module, name });
const PM = 'pymongo.asynchronous.';

const CLIENT = T('pymongo', 'AsyncMongoClient');
const DB = T(PM + 'database', 'AsyncDatabase');
const COLL = T(PM + 'collection', 'AsyncCollection');
const CURSOR = T(PM + 'cursor', 'AsyncCursor');
const CMD = T(PM + 'command_cursor', 'AsyncCommandCursor');
const STREAM = T(PM + 'change_stream', 'AsyncChangeStream');
const SESSION = T(PM + 'client_session', 'AsyncClientSession');
const ENC = T(PM + 'encryption', 'AsyncClientEncryption');
const BUCKET = T('gridfs', 'AsyncGridFSBucket');
const GIN = T('gridfs', 'AsyncGridIn');
const GOUT = T('gridfs', 'AsyncGridOut');
const GCUR = T('gridfs', 'AsyncGridOutCursor');
const GFS = T('gridfs', 'AsyncGridFS');

/** Classes per Motor module that have a PyMongo async counterpart. */
export const MOTOR_CLASSES: Record<string, Record<string, MotorClass>> = {
  'motor.motor_asyncio': {
    AsyncIOMotorClient: { kind: 'client', target: CLIENT },
    AsyncIOMotorDatabase: { kind: 'db', target: DB },
    AsyncIOMotorCollection: { kind: 'collection', target: COLL },
    AsyncIOMotorCursor: { kind: 'cursor', target: CURSOR },
    AsyncIOMotorCommandCursor: { kind: 'commandCursor', target: CMD },
    AsyncIOMotorLatentCommandCursor: { kind: 'commandCursor', target: CMD },
    AsyncIOMotorChangeStream: { kind: 'changeStream', target: STREAM },
    AsyncIOMotorClientSession: { kind: 'session', target: SESSION },
    AsyncIOMotorClientEncryption: { kind: 'encryption', target: ENC },
    AsyncIOMotorGridFSBucket: { kind: 'bucket', target: BUCKET },
    AsyncIOMotorGridIn: { kind: 'gridIn', target: GIN },
    AsyncIOMotorGridOut: { kind: 'gridOut', target: GOUT },
    AsyncIOMotorGridOutCursor: { kind: 'gridOutCursor', target: GCUR },
    AsyncIOMotorGridFS: { kind: 'gridfs', target: GFS },
  },
  'motor.core': {
    AgnosticClient: { kind: 'client', target: CLIENT },
    AgnosticDatabase: { kind: 'db', target: DB },
    AgnosticCollection: { kind: 'collection', target: COLL },
    AgnosticCursor: { kind: 'cursor', target: CURSOR },
    AgnosticCommandCursor: { kind: 'commandCursor', target: CMD },
    AgnosticLatentCommandCursor: { kind: 'commandCursor', target: CMD },
    AgnosticChangeStream: { kind: 'changeStream', target: STREAM },
    AgnosticClientSession: { kind: 'session', target: SESSION },
    AgnosticClientEncryption: { kind: 'encryption', target: ENC },
  },
  'motor.motor_gridfs': {
    AgnosticGridFSBucket: { kind: 'bucket', target: BUCKET },
    AgnosticGridIn: { kind: 'gridIn', target: GIN },
    AgnosticGridOut: { kind: 'gridOut', target: GOUT },
    AgnosticGridOutCursor: { kind: 'gridOutCursor', target: GCUR },
    AgnosticGridFS: { kind: 'gridfs', target: GFS },
  },
};

/** Motor sub-modules with a mapping; `motor` itself is the package. */
export const MAPPED_MODULES = new Set(Object.keys(MOTOR_CLASSES));

export type ModuleFlag = 'tornado' | 'gridfs-handler' | 'unmapped-module';

/** What to say about a Motor module without a PyMongo counterpart. */
export function moduleFlag(mod: string): ModuleFlag | null {
  if (mod === 'motor' || MAPPED_MODULES.has(mod)) return null;
  if (mod === 'motor.motor_tornado' || mod.startsWith('motor.motor_tornado.')) return 'tornado';
  if (mod === 'motor.web' || mod === 'motor.aiohttp' || mod.startsWith('motor.aiohttp.')) return 'gridfs-handler';
  return 'unmapped-module';
}

export function isMotorModule(mod: string): boolean {
  return mod === 'motor' || mod.startsWith('motor.');
}

/** Modules whose classes are not Motor (values built from them are never rewritten). */
export function isForeignDriverModule(mod: string): boolean {
  return /^(pymongo|gridfs|mongomock|mongomock_motor|bson)(\.|$)/.test(mod);
}

// ---- per-kind API facts -------------------------------------------------------------------

/** Client attributes that are not database names. */
export const CLIENT_ATTRS = new Set([
  'address',
  'primary',
  'secondaries',
  'arbiters',
  'is_primary',
  'is_mongos',
  'nodes',
  'topology_description',
  'options',
  'HOST',
  'PORT',
  'codec_options',
  'read_preference',
  'write_concern',
  'read_concern',
  'io_loop',
  'get_io_loop',
  'delegate',
  'close',
  'start_session',
  'watch',
  'server_info',
  'list_databases',
  'list_database_names',
  'drop_database',
  'bulk_write',
  'get_database',
  'get_default_database',
  'aclose',
  'aconnect',
  'eq_props',
  'wrap',
  'unwrap',
  '__class__',
  '__dict__',
  '__doc__',
]);
/** Motor client properties that became `async` properties in PyMongo. */
export const CLIENT_ASYNC_PROPS = new Set(['address', 'primary', 'secondaries', 'arbiters', 'is_primary', 'is_mongos']);

export const DB_ATTRS = new Set([
  'client',
  'name',
  'codec_options',
  'read_preference',
  'write_concern',
  'read_concern',
  'aggregate',
  'watch',
  'command',
  'cursor_command',
  'create_collection',
  'drop_collection',
  'validate_collection',
  'dereference',
  'list_collections',
  'list_collection_names',
  'get_collection',
  'with_options',
  'delegate',
  'get_io_loop',
  'io_loop',
  'wrap',
  'unwrap',
  '__class__',
  '__dict__',
  '__doc__',
]);

export const COLLECTION_ATTRS = new Set([
  'database',
  'name',
  'full_name',
  'codec_options',
  'read_preference',
  'write_concern',
  'read_concern',
  'find',
  'find_one',
  'find_raw_batches',
  'insert_one',
  'insert_many',
  'update_one',
  'update_many',
  'replace_one',
  'delete_one',
  'delete_many',
  'find_one_and_delete',
  'find_one_and_replace',
  'find_one_and_update',
  'count_documents',
  'estimated_document_count',
  'distinct',
  'bulk_write',
  'create_index',
  'create_indexes',
  'drop_index',
  'drop_indexes',
  'list_indexes',
  'list_search_indexes',
  'create_search_index',
  'create_search_indexes',
  'drop_search_index',
  'update_search_index',
  'index_information',
  'options',
  'rename',
  'drop',
  'aggregate',
  'aggregate_raw_batches',
  'watch',
  'with_options',
  'delegate',
  'get_io_loop',
  'io_loop',
  'wrap',
  'unwrap',
  '__class__',
  '__dict__',
  '__doc__',
]);

/** Cursor methods that return the cursor (chainable). */
export const CURSOR_CHAIN = new Set([
  'sort',
  'limit',
  'skip',
  'batch_size',
  'hint',
  'max_time_ms',
  'max_await_time_ms',
  'collation',
  'comment',
  'clone',
  'remove_option',
  'where',
  'max',
  'min',
  'max_scan',
  'allow_disk_use',
  'add_option',
  'rewind',
]);

/** Methods that were sync (lazy) in Motor and are `async def` in PyMongo: the call needs an await. */
export const NOW_COROUTINE_METHODS: Record<string, readonly PyKind[]> = {
  aggregate: ['collection', 'db'],
  aggregate_raw_batches: ['collection'],
  list_indexes: ['collection'],
  list_search_indexes: ['collection'],
  watch: ['client', 'db', 'collection'],
};

/** Result kind of `recv.method(...)`. */
export function methodResult(kind: PyKind, method: string): PyKind | null {
  switch (kind) {
    case 'client':
      if (method === 'get_database' || method === 'get_default_database') return 'db';
      if (method === 'start_session') return 'session';
      if (method === 'watch') return 'changeStream';
      return null;
    case 'db':
      if (method === 'get_collection') return 'collection';
      if (method === 'with_options') return 'db';
      if (method === 'aggregate') return 'commandCursor';
      if (method === 'watch') return 'changeStream';
      return null;
    case 'collection':
      if (method === 'find' || method === 'find_raw_batches') return 'cursor';
      if (method === 'aggregate' || method === 'aggregate_raw_batches' || method === 'list_indexes' || method === 'list_search_indexes') return 'commandCursor';
      if (method === 'watch') return 'changeStream';
      if (method === 'with_options') return 'collection';
      return null;
    case 'cursor':
      return CURSOR_CHAIN.has(method) ? 'cursor' : null;
    case 'commandCursor':
      return method === 'batch_size' ? 'commandCursor' : null;
    case 'gridOutCursor':
      if (CURSOR_CHAIN.has(method)) return 'gridOutCursor';
      if (method === 'next') return 'gridOut';
      return null;
    case 'bucket':
      if (method === 'find') return 'gridOutCursor';
      if (method === 'open_upload_stream' || method === 'open_upload_stream_with_id') return 'gridIn';
      if (method === 'open_download_stream' || method === 'open_download_stream_by_name') return 'gridOut';
      return null;
    case 'encryption':
      return method === 'get_keys' ? 'cursor' : null;
    default:
      return null;
  }
}

/** Result kind of `recv.attr` (no call). */
export function attributeResult(kind: PyKind, attr: string): PyKind | null {
  switch (kind) {
    case 'client':
      return CLIENT_ATTRS.has(attr) || attr.startsWith('_') ? null : 'db';
    case 'db':
      if (attr === 'client') return 'client';
      return DB_ATTRS.has(attr) || attr.startsWith('_') ? null : 'collection';
    case 'collection':
      if (attr === 'database') return 'db';
      return COLLECTION_ATTRS.has(attr) || attr.startsWith('_') ? null : 'collection';
    case 'session':
      return attr === 'client' ? 'client' : null;
    case 'cursor':
    case 'commandCursor':
      return null;
    default:
      return null;
  }
}

/** Kinds that behave like cursors for to_list / fetch_next / each. */
export const CURSORISH = new Set<PyKind>(['cursor', 'commandCursor', 'gridOutCursor', 'changeStream']);

/** Attributes that Motor had and PyMongo silently turns into a database/collection, or that are gone. */
export const REMOVED_ATTRS: Record<string, { kinds: readonly PyKind[]; fix: string }> = {
  io_loop: {
    kinds: ['client', 'db', 'collection', 'bucket', 'encryption'],
    fix: 'Remove it: PyMongo async runs on the running asyncio loop (use asyncio.get_running_loop() where a loop is needed).',
  },
  get_io_loop: {
    kinds: ['client', 'db', 'collection', 'cursor', 'commandCursor', 'changeStream', 'session', 'bucket', 'encryption'],
    fix: 'Use asyncio.get_running_loop() instead.',
  },
  delegate: {
    kinds: ['client', 'db', 'collection', 'cursor', 'commandCursor', 'changeStream', 'session', 'bucket', 'gridIn', 'gridOut'],
    fix: 'Use the async object itself; for sync access create a separate pymongo.MongoClient.',
  },
  started: { kinds: ['cursor', 'commandCursor'], fix: 'Track iteration state yourself (e.g. a flag set on the first document).' },
  closed: { kinds: ['cursor', 'commandCursor'], fix: 'Use `not cursor.alive` instead.' },
};
