/**
 * The data shape of a legacy JS client preset (monk, mongojs, mongoist, mongoskin): how its handles are obtained,
 * what each of its methods becomes on `mongodb` 6/7, with the reference's verdict and the manual fix. The tracker
 * reads the handle part (src/tracking/vocabulary.ts), the client rules read the method tables (src/js/clients),
 * the prefilter and the dependency passes read `module`. Declarative data only.
 */
import type { PresetInfo } from '../core/types.js';
import type { Verdict } from './motor.js';

/** The kinds of handle a legacy client gives out (its db, its collections, the cursors of some). */
export type ClientHandle = 'db' | 'collection' | 'cursor';

/** One method of the client, per the reference's tables (../shared/reference/js-wrappers.md §6-§9). */
export interface ClientMethod {
  verdict: Verdict;
  /** The native method the call becomes (the same name when absent). */
  native?: string;
  /** The call resolved to an array where the native one gives a cursor: `.toArray()` is appended. */
  toArray?: boolean;
  /** The call returns this kind of handle of the same client (synchronously). */
  returns?: ClientHandle;
  /** How the call is rewritten when it needs more than a rename (the client rules implement each). */
  shape?:
    | 'insert' /* resolves to the inserted document(s): insertOne / insertMany, the input where the result is read */
    | 'update' /* { multi } / { single } / { replace } options pick updateOne / updateMany / replaceOne */
    | 'remove' /* { single } / { multi: false } / justOne pick deleteOne / deleteMany */
    | 'findOneAndUpdate' /* the client returned the updated document by default: returnDocument: 'after' */
    | 'count' /* countDocuments, or estimatedDocumentCount for { estimate: true } */
    | 'close' /* db.close() closes the client: db.client.close() */
    | 'indexFields' /* 'a b' / ['a', 'b'] index specs become { a: 1, b: 1 } */
    | 'id' /* db.id(x): new ObjectId(x) */
    | 'findAndModify'; /* mongojs findAndModify({ query, update, remove, new, upsert, sort, fields }, cb(err, doc, lastErrorObject)) */
  /** The native method of the same name takes the same arguments and does the same (nothing to rewrite but a rename). */
  same?: true;
  /** The result differs from the native one (described here): rewritten only where the result is not read. */
  result?: string;
  /** What to do by hand, for FLAG rows and for the calls the rules leave. */
  fix: string;
}

export type ClientMethods = Partial<Record<ClientHandle, Record<string, ClientMethod>>>;

export interface ClientPreset {
  info: PresetInfo;
  /** The package (its subpaths are the package too). */
  module: string;
  /** `promise`: calls return promises (an optional callback at most); `callback`: err-first callbacks only. */
  style: 'promise' | 'callback';
  /** A callback client whose callbacks are converted to promises (all its sites of a package, or none). */
  convertsCallbacks?: true;
  /** mongojs's argument conventions (mongoist's too): `find(query, projection, options)`, `remove(query, justOne)`. */
  mongojsSignatures?: true;
  /** How a db is obtained: the module called (`monk(url)`), or a member of it called (`mongoskin.db(url)`). */
  connect: { call: 'module' | string; fix: string };
  /** Connection strings without a scheme: `prefix` (monk: `host/db` -> `mongodb://host/db`), `short` (mongojs: `'mydb'` -> `mongodb://localhost:27017/mydb`). */
  uri: 'prefix' | 'short' | 'as-is';
  /** The client forced `{ w: 1 }` on every write: the rewrite keeps it in the client options. */
  writeConcernW1?: boolean;
  /** db methods that return a collection by name (`db.get('users')`). */
  collectionAccessors: string[];
  /** `db.<name>` is a collection for every name but `dbMembers` (a Proxy; mongoskin's `db.bind(name)` aliases). */
  proxy: boolean;
  /** Names the db really has (never a collection). */
  dbMembers: string[];
  /** Module members that make an ObjectId (`monk.id(x)`, `mongojs.ObjectId(x)`): `new ObjectId(x)`. */
  idHelpers: string[];
  methods: ClientMethods;
  /** Community type packages that go with the client (`@types/mongojs`). */
  typesPackages?: string[];
}

/** The rule id of a client's finding: `<client>/<what>`. */
export function clientRule(client: ClientPreset, what: string): string {
  return `${client.info.name}/${what}`;
}
