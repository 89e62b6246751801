/**
 * The `mongoskin` preset: mongoskin 2 (the mongodb 2.x driver behind lazily-opened Skin objects) onto `mongodb`
 * 6/7. Every row cites the reference (../shared/reference/js-wrappers.md §9) by its verdict; the calls it does not
 * list have the mongodb 2.x semantics of §5. Declarative data only; src/js/clients reads it.
 */
import type { ClientPreset } from './client.js';

const V2 = 'the mongodb 2.x call of the same name: see the callback-era rows (await, insertOne/insertMany, updateOne/updateMany, deleteOne/deleteMany, countDocuments, ...)';

export const MONGOSKIN: ClientPreset = {
  info: {
    name: 'mongoskin',
    language: 'js',
    description: 'mongoskin onto mongodb 6/7: every call site found through mongo.db(url), db.collection(name) and db.bind(name) is reported with its native form (callback conversion: not yet).',
    modules: ['mongoskin'],
  },
  module: 'mongoskin',
  style: 'callback',
  connect: { call: 'db', fix: 'const db = new MongoClient(url, options).db(); (drop native_parser, safe, auto_reconnect, poolSize; move w into writeConcern)' },
  uri: 'as-is',
  collectionAccessors: ['collection'],
  // db.bind('users') makes db.users (bound in any file): a name the SkinDb does not have can only be such a collection.
  proxy: true,
  dbMembers: [
    'collection',
    'bind',
    'close',
    'open',
    'isOpen',
    'admin',
    'gridStore',
    'command',
    'createCollection',
    'dropCollection',
    'dropDatabase',
    'collectionNames',
    'collections',
    'listCollections',
    'stats',
    'on',
    'once',
    'emit',
    'toString',
    'constructor',
  ],
  idHelpers: [],
  methods: {
    db: {
      collection: { verdict: 'AUTO', returns: 'collection', fix: "db.collection('name')" },
      bind: {
        verdict: 'AUTO-WITH-CARE',
        returns: 'collection',
        fix: "db.collection('name') where db.name was read (custom methods passed to bind have no native equivalent: move them into a module of async functions)",
      },
      close: { verdict: 'AUTO-WITH-CARE', shape: 'close', fix: 'await db.client.close()' },
      open: { verdict: 'FLAG', fix: 'await client.connect()' },
      isOpen: { verdict: 'FLAG', fix: 'the native client has no isOpen(): keep your own flag, or just run the operation (it connects)' },
      admin: { verdict: 'AUTO', fix: 'db.admin()' },
      gridStore: { verdict: 'FLAG', fix: 'GridStore is gone: use GridFSBucket' },
      command: { verdict: 'AUTO-WITH-CARE', fix: 'await db.command(cmd)' },
      createCollection: { verdict: 'AUTO-WITH-CARE', fix: 'await db.createCollection(name, options)' },
      dropCollection: { verdict: 'AUTO-WITH-CARE', fix: 'await db.dropCollection(name)' },
      dropDatabase: { verdict: 'AUTO-WITH-CARE', fix: 'await db.dropDatabase()' },
      collectionNames: { verdict: 'AUTO-WITH-CARE', fix: '(await db.listCollections().toArray()).map((c) => c.name)' },
      collections: { verdict: 'AUTO-WITH-CARE', fix: 'await db.collections()' },
      stats: { verdict: 'AUTO-WITH-CARE', fix: 'await db.stats()' },
      on: { verdict: 'FLAG', fix: 'the native db has no events: listen on the MongoClient, or handle connect() rejection' },
    },
    collection: {
      findById: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.findOne({ _id: new ObjectId(id) })' },
      updateById: {
        verdict: 'AUTO-WITH-CARE',
        fix: 'await coll.updateOne({ _id: new ObjectId(id) }, update) (replaceOne for a document without operators); the callback got the raw { n, nModified, ok }',
      },
      removeById: { verdict: 'AUTO-WITH-CARE', fix: '(await coll.deleteOne({ _id: new ObjectId(id) })).deletedCount (the callback got a number)' },
      findItems: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.find(filter, options).toArray()' },
      findEach: { verdict: 'AUTO-WITH-CARE', fix: 'for await (const doc of coll.find(filter, options)) { ... } (the callback got null at the end)' },
      bind: { verdict: 'FLAG', fix: 'custom collection methods have no native equivalent: move them into a module of async functions' },
      find: { verdict: 'AUTO-WITH-CARE', returns: 'cursor', fix: 'coll.find(filter, { projection, ...options }); with a callback: the callback got the cursor' },
      findOne: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.findOne(filter, { projection })' },
      insert: { verdict: 'AUTO-WITH-CARE', fix: `${V2}; result.ops: use the input document(s)` },
      update: { verdict: 'AUTO-WITH-CARE', fix: `${V2}; result.result.n: matchedCount` },
      remove: { verdict: 'AUTO-WITH-CARE', fix: `${V2}; result.result.n: deletedCount` },
      save: { verdict: 'AUTO-WITH-CARE', fix: 'doc._id ? await coll.replaceOne({ _id: doc._id }, doc, { upsert: true }) : await coll.insertOne(doc)' },
      findAndModify: {
        verdict: 'AUTO-WITH-CARE',
        fix: "findOneAndUpdate(query, update, { sort, returnDocument: new ? 'after' : 'before' }) (findOneAndDelete for remove: true); the callback got { value }",
      },
      findAndRemove: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.findOneAndDelete(query, { sort })' },
      count: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.countDocuments(filter)' },
      aggregate: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.aggregate(pipeline).toArray() (the 2.x callback got an array)' },
      ensureIndex: { verdict: 'AUTO', fix: 'await coll.createIndex(keys, options)' },
      mapReduce: { verdict: 'FLAG', fix: 'rewrite as an aggregation pipeline' },
      group: { verdict: 'FLAG', fix: 'use a $group aggregation stage' },
      geoNear: { verdict: 'FLAG', fix: 'use a $geoNear aggregation stage' },
    },
    cursor: {
      toArray: { verdict: 'AUTO', fix: 'await cursor.toArray()' },
      each: { verdict: 'AUTO-WITH-CARE', fix: 'for await (const doc of cursor) { ... } (each called back null at the end)' },
      nextObject: { verdict: 'AUTO', fix: 'await cursor.next()' },
      count: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.countDocuments(filter)' },
    },
  },
};

export { V2 as MONGOSKIN_V2 };
