/**
 * The `mongoist` preset: mongoist 2/4 (a promise wrapper whose db is a Proxy: `db.users` is a collection) onto
 * `mongodb` 6/7. Every row cites the reference (../shared/reference/js-wrappers.md §8) by its verdict.
 * Declarative data only; src/js/clients reads it.
 */
import type { ClientPreset } from './client.js';

const FIND_AND_MODIFY = "findOneAndUpdate(query, update, { sort, upsert, projection: fields, returnDocument: new ? 'after' : 'before' }), findOneAndDelete(query) for { remove: true }, findOneAndReplace for a document without operators";

export const MONGOIST: ClientPreset = {
  info: {
    name: 'mongoist',
    language: 'js',
    description: 'mongoist onto mongodb 6/7: mongoist(conn) and db.<collection>, arrays from find/aggregate, findAsCursor, inserted documents, save, remove(q, justOne).',
    modules: ['mongoist'],
  },
  module: 'mongoist',
  style: 'promise',
  connect: { call: 'module', fix: "const db = new MongoClient(url, { writeConcern: { w: 1 } }).db(); ('mydb' meant mongodb://localhost:27017/mydb)" },
  uri: 'short',
  writeConcernW1: true,
  collectionAccessors: ['collection'],
  proxy: true,
  dbMembers: ['collection', 'connect', 'close', 'runCommand', 'adminCommand', 'createCollection', 'getCollectionInfos', 'listCollections', 'getCollectionNames', 'stats', 'createUser', 'dropUser', 'dropAllUsers', 'dropDatabase', 'getLastError', 'getLastErrorObj', 'on', 'once', 'emit', 'removeListener', 'addListener', 'then', 'toString', 'constructor', 'client', 'connection', 'options'],
  idHelpers: ['ObjectId', 'ObjectID'],
  methods: {
    db: {
      collection: { verdict: 'AUTO', same: true, returns: 'collection', fix: "db.collection('name')" },
      close: { verdict: 'AUTO', shape: 'close', fix: 'await db.client.close()' },
      connect: { verdict: 'AUTO-WITH-CARE', fix: 'await db.client.connect()' },
      runCommand: { verdict: 'AUTO', native: 'command', fix: 'await db.command(cmd) (a string name: { [name]: 1 })' },
      adminCommand: { verdict: 'AUTO', fix: 'await db.admin().command(cmd)' },
      createCollection: { verdict: 'AUTO', same: true, fix: 'await db.createCollection(name, options)' },
      getCollectionInfos: { verdict: 'AUTO', fix: "(await db.listCollections().toArray()).filter((c) => !c.name.startsWith('system.'))" },
      listCollections: { verdict: 'AUTO', fix: "(await db.listCollections().toArray()).filter((c) => !c.name.startsWith('system.'))" },
      getCollectionNames: { verdict: 'AUTO', fix: "(await db.listCollections().toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'))" },
      stats: { verdict: 'AUTO', fix: 'await db.stats({ scale })' },
      createUser: { verdict: 'AUTO', fix: 'await db.command({ createUser: ... })' },
      dropUser: { verdict: 'AUTO', fix: 'await db.removeUser(name)' },
      dropAllUsers: { verdict: 'AUTO', fix: 'await db.command({ dropAllUsersFromDatabase: 1 })' },
      dropDatabase: { verdict: 'AUTO', same: true, fix: 'await db.dropDatabase()' },
      getLastError: { verdict: 'FLAG', fix: 'getLastError was removed in MongoDB 5.1: read the write result (or catch the write error) instead' },
      getLastErrorObj: { verdict: 'FLAG', fix: 'getLastError was removed in MongoDB 5.1: read the write result (or catch the write error) instead' },
      on: { verdict: 'FLAG', fix: "The native db has no 'connect'/'error' events: handle client.connect() rejection, or listen on the MongoClient." },
      once: { verdict: 'FLAG', fix: "The native db has no 'connect'/'error' events: handle client.connect() rejection, or listen on the MongoClient." },
    },
    collection: {
      find: { verdict: 'AUTO', toArray: true, fix: 'await coll.find(filter, { projection, ...options }).toArray()' },
      findAsCursor: { verdict: 'AUTO', native: 'find', returns: 'cursor', fix: 'coll.find(filter, { projection, ...options })' },
      findOne: { verdict: 'AUTO', same: true, fix: 'await coll.findOne(filter, { projection, ...options })' },
      aggregate: { verdict: 'AUTO', toArray: true, fix: 'await coll.aggregate(pipeline, options).toArray()' },
      aggregateAsCursor: { verdict: 'AUTO', native: 'aggregate', returns: 'cursor', fix: 'coll.aggregate(pipeline, options)' },
      count: { verdict: 'AUTO', native: 'countDocuments', fix: 'await coll.countDocuments(filter, options)' },
      distinct: { verdict: 'AUTO', same: true, fix: 'await coll.distinct(field, filter)' },
      insert: { verdict: 'AUTO-WITH-CARE', shape: 'insert', result: 'mongoist resolved to the inserted document(s); insertOne/insertMany resolve to { insertedId(s) }', fix: 'await coll.insertOne(doc) (or insertMany(docs)); the document itself gets its _id: read it instead of the result' },
      insertOne: { verdict: 'AUTO-WITH-CARE', same: true, result: 'mongoist resolved to the inserted document; insertOne resolves to { insertedId }', fix: 'read the document (it gets its _id) instead of the result' },
      insertMany: { verdict: 'AUTO-WITH-CARE', same: true, result: 'mongoist resolved to the inserted documents; insertMany resolves to { insertedIds }', fix: 'read the documents (they get their _id) instead of the result' },
      update: { verdict: 'AUTO-WITH-CARE', shape: 'update', result: "mongoist resolved to { n, nModified, nUpserted, upserted } besides the native fields (its n is modifiedCount || upsertedCount)", fix: 'updateOne / updateMany ({ multi: true }); read modifiedCount / upsertedCount instead of n / nModified' },
      replaceOne: { verdict: 'AUTO', same: true, fix: 'await coll.replaceOne(filter, doc, options)' },
      updateOne: { verdict: 'AUTO', same: true, fix: 'await coll.updateOne(filter, update, options)' },
      updateMany: { verdict: 'AUTO', same: true, fix: 'await coll.updateMany(filter, update, options)' },
      save: { verdict: 'AUTO-WITH-CARE', fix: 'doc._id ? await coll.updateOne({ _id: doc._id }, { $set: doc }, { upsert: true }) : await coll.insertOne(doc); the document is the result (mongoist merged with $set)' },
      remove: { verdict: 'AUTO-WITH-CARE', shape: 'remove', result: 'mongoist resolved to { n, nRemoved, ok } besides deletedCount', fix: 'deleteOne (justOne) / deleteMany; read deletedCount instead of n' },
      deleteOne: { verdict: 'AUTO', same: true, fix: 'await coll.deleteOne(filter, options)' },
      deleteMany: { verdict: 'AUTO', same: true, fix: 'await coll.deleteMany(filter, options)' },
      findAndModify: { verdict: 'AUTO-WITH-CARE', fix: FIND_AND_MODIFY },
      rename: { verdict: 'AUTO', same: true, fix: 'await coll.rename(name, options)' },
      drop: { verdict: 'AUTO-WITH-CARE', same: true, result: 'mongoist resolved to the raw server reply (and rejected for a missing collection before server 7.0)', fix: 'await coll.drop() (a boolean)' },
      stats: { verdict: 'AUTO', fix: 'await db.command({ collStats: coll.collectionName })' },
      runCommand: { verdict: 'AUTO', fix: 'await db.command({ [cmd]: coll.collectionName, ...options })' },
      dropIndexes: { verdict: 'AUTO', same: true, result: 'mongoist resolved to the raw server reply; the native result is true', fix: 'await coll.dropIndexes()' },
      dropIndex: { verdict: 'AUTO-WITH-CARE', same: true, result: 'mongoist resolved to the raw server reply', fix: "await coll.dropIndex('name_1') (the index name)" },
      createIndex: { verdict: 'AUTO', same: true, fix: 'await coll.createIndex(keys, options)' },
      ensureIndex: { verdict: 'AUTO', native: 'createIndex', fix: 'await coll.createIndex(keys, options)' },
      getIndexes: { verdict: 'AUTO', native: 'indexes', fix: 'await coll.indexes()' },
      reIndex: { verdict: 'FLAG', fix: 'reIndex is gone: drop and recreate the indexes (or run the command by hand)' },
      isCapped: { verdict: 'AUTO', same: true, fix: 'await coll.isCapped()' },
      initializeOrderedBulkOp: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.bulkWrite([...], { ordered: true }) (mongoist counted nInserted/nMatched/... itself)' },
      initializeUnorderedBulkOp: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.bulkWrite([...], { ordered: false })' },
      mapReduce: { verdict: 'FLAG', fix: 'rewrite as an aggregation pipeline' },
      group: { verdict: 'FLAG', fix: 'use a $group aggregation stage' },
    },
    cursor: {
      map: { verdict: 'AUTO-WITH-CARE', fix: 'await cursor.map(fn).toArray() (mongoist map was eager)' },
      forEach: { verdict: 'AUTO-WITH-CARE', fix: 'for await (const doc of cursor) { ... } (native forEach stops when the callback returns false)' },
      count: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.countDocuments(filter, { skip, limit })' },
      size: { verdict: 'AUTO-WITH-CARE', fix: 'await coll.countDocuments(filter, { skip, limit })' },
      snapshot: { verdict: 'FLAG', fix: 'snapshot is gone: drop it (use hint({ _id: 1 }) for the same effect)' },
      destroy: { verdict: 'AUTO', native: 'close', fix: 'await cursor.close()' },
    },
  },
};

export { FIND_AND_MODIFY as MONGOIST_FIND_AND_MODIFY };
