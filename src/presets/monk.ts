/**
 * The `monk` preset: monk 7 (a promise wrapper over mongodb 3) onto `mongodb` 6/7. Every row cites the reference
 * (../shared/reference/js-wrappers.md §6) by its verdict. Declarative data only; src/js/clients reads it.
 */
import type { ClientPreset } from './client.js';

const CAST = 'monk cast string _ids to ObjectId at any depth of the filter, the update and the documents: wrap such values in `new ObjectId(...)`';

export const MONK: ClientPreset = {
  info: {
    name: 'monk',
    language: 'js',
    description: 'monk 7 onto mongodb 6/7: monk(url) and db.get(name), arrays from find/aggregate, inserted documents, string projections and sorts, cast ids.',
    modules: ['monk'],
  },
  module: 'monk',
  style: 'promise',
  connect: { call: 'module', fix: "const db = new MongoClient(url).db(); (monk added 'mongodb://' to a URL without a scheme)" },
  uri: 'prefix',
  collectionAccessors: ['get', 'collection', 'col'],
  proxy: false,
  dbMembers: ['get', 'collection', 'col', 'create', 'close', 'listCollections', 'id', 'oid', 'cast', 'on', 'once', 'then', 'catch', 'addMiddleware', 'setDefaultCollectionOptions', 'helper', 'open'],
  idHelpers: ['id'],
  methods: {
    db: {
      get: { verdict: 'AUTO', native: 'collection', returns: 'collection', fix: "db.collection('name') (collection options of monk: pass them to each call)" },
      collection: { verdict: 'AUTO', same: true, returns: 'collection', fix: "db.collection('name')" },
      col: { verdict: 'AUTO', native: 'collection', returns: 'collection', fix: "db.collection('name')" },
      close: { verdict: 'AUTO', shape: 'close', fix: 'await db.client.close()' },
      create: { verdict: 'AUTO-WITH-CARE', fix: 'await db.createCollection(name, options) (it throws when the collection exists; monk emitted the error)' },
      listCollections: { verdict: 'AUTO-WITH-CARE', fix: '(await db.listCollections(query, { nameOnly: true }).toArray()).map((c) => db.collection(c.name))' },
      id: { verdict: 'AUTO', shape: 'id', fix: 'new ObjectId(x)' },
      oid: { verdict: 'AUTO', shape: 'id', fix: 'new ObjectId(x)' },
      cast: { verdict: 'AUTO-WITH-CARE', fix: 'wrap each _id string in new ObjectId(...)' },
      on: { verdict: 'FLAG', fix: "The native client has no db events: handle connect() rejection, or listen on the MongoClient's monitoring events." },
      once: { verdict: 'FLAG', fix: "The native client has no db events: handle connect() rejection, or listen on the MongoClient's monitoring events." },
      then: { verdict: 'AUTO-WITH-CARE', fix: 'await client.connect() resolves once connected (new MongoClient(url).db() needs no wait)' },
      addMiddleware: { verdict: 'FLAG', fix: 'monk middlewares have no native equivalent: apply what the middleware did at each call site.' },
      setDefaultCollectionOptions: { verdict: 'FLAG', fix: 'pass the options to each call (or set them on the MongoClient)' },
    },
    collection: {
      find: { verdict: 'AUTO', toArray: true, fix: 'await coll.find(filter, { projection, sort }).toArray()' },
      aggregate: { verdict: 'AUTO', toArray: true, fix: 'await coll.aggregate(pipeline, options).toArray()' },
      findOne: { verdict: 'AUTO', same: true, fix: 'await coll.findOne(filter, { projection })' },
      count: { verdict: 'AUTO', shape: 'count', fix: 'await coll.countDocuments(filter) (or estimatedDocumentCount() for { estimate: true })' },
      distinct: { verdict: 'AUTO', same: true, fix: 'await coll.distinct(field, filter)' },
      insert: {
        verdict: 'AUTO-WITH-CARE',
        shape: 'insert',
        result: 'monk resolved to the inserted document(s); insertOne/insertMany resolve to { insertedId(s) }',
        fix: 'await coll.insertOne(doc) (or insertMany(docs)); the document itself gets its _id: read it instead of the result',
      },
      update: {
        verdict: 'AUTO-WITH-CARE',
        shape: 'update',
        result: 'monk resolved to the raw { n, nModified, ok }; the native result has matchedCount, modifiedCount, upsertedId',
        fix: 'updateOne / updateMany ({ multi: true }) / replaceOne ({ replace: true }); read matchedCount / modifiedCount instead of n / nModified',
      },
      remove: {
        verdict: 'AUTO',
        shape: 'remove',
        result: 'monk resolved to { result: { n, ok }, deletedCount }; the native result has deletedCount only',
        fix: 'deleteMany (or deleteOne for { single: true }); read deletedCount instead of result.n',
      },
      findOneAndUpdate: {
        verdict: 'AUTO-WITH-CARE',
        shape: 'findOneAndUpdate',
        fix: "monk returned the updated document by default: pass { returnDocument: 'after' } (or findOneAndReplace for { replace: true })",
      },
      findOneAndDelete: { verdict: 'AUTO', same: true, fix: 'await coll.findOneAndDelete(filter, options)' },
      bulkWrite: {
        verdict: 'AUTO-WITH-CARE',
        same: true,
        result: 'monk resolved to the driver-3 BulkWriteResult',
        fix: 'await coll.bulkWrite(ops) (cast string _ids in the operations with new ObjectId)',
      },
      createIndex: { verdict: 'AUTO', shape: 'indexFields', fix: "await coll.createIndex({ a: 1, b: 1 }, options) ('a b' and ['a', 'b'] became { a: 1, b: 1 })" },
      ensureIndex: { verdict: 'AUTO', native: 'createIndex', shape: 'indexFields', fix: 'await coll.createIndex(keys, options)' },
      index: { verdict: 'AUTO', native: 'createIndex', shape: 'indexFields', fix: 'await coll.createIndex(keys, options)' },
      dropIndex: { verdict: 'AUTO-WITH-CARE', same: true, result: 'monk resolved to the raw server reply', fix: "await coll.dropIndex('a_1_b_1') (the index name; monk accepted the key spec)" },
      dropIndexes: { verdict: 'AUTO', same: true, result: 'monk resolved to the raw { nIndexesWas, msg, ok }; the native result is true', fix: 'await coll.dropIndexes()' },
      drop: {
        verdict: 'AUTO-WITH-CARE',
        same: true,
        result: "monk resolved to the string 'ns not found' for a missing collection",
        fix: 'await coll.drop() (mongodb 7 resolves false for a missing collection)',
      },
      indexes: { verdict: 'AUTO', native: 'indexInformation', fix: 'await coll.indexInformation() (not native indexes(), which returns an array of specs)' },
      stats: { verdict: 'AUTO-WITH-CARE', fix: 'await db.command({ collStats: coll.collectionName })' },
      geoHaystackSearch: { verdict: 'FLAG', fix: 'use a $geoWithin query' },
      geoNear: { verdict: 'FLAG', fix: 'use a $geoNear aggregation stage' },
      group: { verdict: 'FLAG', fix: 'use a $group aggregation stage (the server removed group in 4.2)' },
      mapReduce: { verdict: 'FLAG', fix: 'rewrite as an aggregation pipeline (or db.command({ mapReduce: ... }))' },
    },
  },
  typesPackages: ['@types/monk'],
};

export { CAST as MONK_CAST_IDS };
