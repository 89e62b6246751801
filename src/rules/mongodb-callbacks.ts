/** Rule ids of the `mongodb-legacy` and `mongodb-callbacks` presets, with their severity and manual fix. */
import type { RuleTable } from '../core/rules.js';

export const CALLBACK_RULES: RuleTable = {
  'mongodb-legacy/legacy-import': {
    severity: 'error',
    description: "An import of 'mongodb-legacy' (the callback bridge) is still present.",
    help: "Run `mongo-codemod run --preset mongodb-legacy`: the import becomes 'mongodb' (same export names) and callbacks become promises.",
  },
  'mongodb-callbacks/callback': {
    severity: 'error',
    description: 'A driver call still passes a callback; mongodb 5+ only returns promises (the callback is ignored).',
    help: 'Run `mongo-codemod run`, or await the call: `const res = await coll.op(args)` (errors in try/catch), or use `.then((res) => cb(null, res), (err) => cb(err))` to keep a callback contract.',
  },
  'mongodb-callbacks/callback-shape': {
    severity: 'error',
    description: 'A callback whose shape cannot be converted without changing behaviour; it was left in place.',
    help: 'Convert by hand: `coll.op(args).then((res) => { ...success... }, (err) => { ...error... })`, or `await` it in an async function with only the await inside try/catch.',
  },
  'mongodb-callbacks/foreach-iterator-return': {
    severity: 'error',
    description: 'cursor.forEach(iterator, end) whose iterator may return a value: mongodb 4+ stops at the first false, mongodb 3 ignored it.',
    help: 'Make the iterator return nothing (`(doc) => { work(doc); }`), or return false on purpose to stop, then convert: `await cursor.forEach(iterator)` in try/catch, or `.then(end, end)`.',
  },
  'mongodb-callbacks/callback-return-used': {
    severity: 'error',
    description: 'The call passes a callback and its return value is used; with a callback the old API returned undefined.',
    help: 'Decide which one the code needs: the promise (drop the callback) or the callback (and do not use the return value).',
  },
  'mongodb-callbacks/insert-arity': {
    severity: 'error',
    description: 'insert() with an argument that is not statically known to be one document or an array.',
    help: 'Use `insertOne(doc)` for one document, or `insertMany(docs, { ordered: false })` for an array (insert defaulted to ordered: false), e.g. `Array.isArray(x) ? coll.insertMany(x, { ordered: false }) : coll.insertOne(x)`.',
  },
  'mongodb-callbacks/update-era': {
    severity: 'error',
    description: 'update() without `multi` touched one document in mongodb 2/3 and every match in mongodb 4; the driver version is unknown.',
    help: 'Pass --from <major> (or list mongodb in package.json), or pick `updateOne` (v2/v3 semantics) or `updateMany` (v4 semantics) by hand.',
  },
  'mongodb-callbacks/update-document': {
    severity: 'error',
    description: 'update() whose update document or options are not literals: updateOne/updateMany/replaceOne cannot be chosen statically.',
    help: 'Use `updateMany` when `multi` is set, `updateOne` for a document of `$` operators, and `replaceOne` for a replacement document.',
  },
  'mongodb-callbacks/remove-era': {
    severity: 'error',
    description: 'remove() with `single`: mongodb 2/3 deleted one document, mongodb 4 ignored it; the driver version is unknown.',
    help: 'Pass --from <major>, or choose `deleteOne` (v2/v3) or `deleteMany` (v4) by hand.',
  },
  'mongodb-callbacks/remove-options': {
    severity: 'error',
    description: 'remove() with options that are not a literal: deleteOne or deleteMany cannot be chosen statically.',
    help: 'Use `deleteOne(filter)` when `single` was set, else `deleteMany(filter)`.',
  },
  'mongodb-callbacks/save': {
    severity: 'error',
    description: 'save() on a document expression that cannot be evaluated twice safely.',
    help: 'Use `doc._id != null ? await coll.replaceOne({ _id: doc._id }, doc, { upsert: true }) : await coll.insertOne(doc)`.',
  },
  'mongodb-callbacks/count-query': {
    severity: 'error',
    description: 'count() with a query that countDocuments() rejects ($where, $near, $nearSphere) or cannot be read statically.',
    help: 'Use countDocuments(query) with `$where` -> `$expr`, `$near` -> `$geoWithin` + `$center`, `$nearSphere` -> `$geoWithin` + `$centerSphere`; use estimatedDocumentCount() for a count of every document.',
  },
  'mongodb-callbacks/find-and-modify': {
    severity: 'error',
    description: 'findAndModify()/findAndRemove() whose arguments are not literals: the native findOneAnd* method cannot be chosen.',
    help: "`remove: true` -> findOneAndDelete(query, { sort }); an update of `$` operators -> findOneAndUpdate(query, update, { sort, upsert, returnDocument: new ? 'after' : 'before' }); a replacement -> findOneAndReplace(...). Add `includeResultMetadata: true` when the result's .value is read.",
  },
  'mongodb-callbacks/removed-method': {
    severity: 'error',
    description: 'The method was removed from the driver and has no mechanical replacement.',
    help: 'Rewrite the call with the native API (see the fix).',
  },
  'mongodb-callbacks/cursor-each': {
    severity: 'error',
    description: 'cursor.each(callback) was removed in 4.0.',
    help: 'Iterate with `for await (const doc of cursor) { ... }`: the `doc === null` branch goes after the loop and `return false` becomes `break`. When the callback handles errors, loop on `doc = await cursor.next()` (null at the end) with only that await in a try/catch holding the error branch, so that exceptions of the per-document code do not reach it.',
  },
  'mongodb-callbacks/each-return-false': {
    severity: 'warning',
    description: 'A cursor.each() callback that returned false to stop was converted to a loop with `break`.',
    help: 'mongodb 2/3 honoured `return false` only between batches (documents already buffered were still delivered); the loop now stops at the document that breaks. Check that nothing relied on the extra documents.',
  },
  'mongodb-callbacks/cursor-count': {
    severity: 'error',
    description: 'cursor.count(applySkipLimit): before 4.0 skip and limit applied only when asked; since 4.0 always.',
    help: 'Use `await coll.countDocuments(filter)` for a count that ignores skip/limit, or `await cursor.count()` when they should apply.',
  },
  'mongodb-callbacks/removed-option': {
    severity: 'error',
    description: 'A find option the server removed (snapshot, maxScan).',
    help: 'Remove it: snapshot -> hint the _id index for a stable scan; maxScan -> maxTimeMS.',
  },
  'mongodb-callbacks/stream-transform': {
    severity: 'error',
    description: 'cursor.stream(options) / transformStream(options) whose options cannot be turned into `stream().map(fn)`.',
    help: 'Use `cursor.stream().map(fn)` (the transform option was removed in mongodb 7; transformStream in 4.0).',
  },
  'mongodb-callbacks/return-original-ignored': {
    severity: 'warning',
    description:
      "`returnOriginal: false` was ignored by the driver this code ran on (mongodb 4+, mongodb-legacy 4-6 included): the call returned the document before the update. The rewrite's `returnDocument: 'after'` returns the updated one, as the code meant.",
    help: "Check what reads the result: it now gets the updated document (the code's evident intent). To keep the old behaviour, write `returnDocument: 'before'`.",
  },
  'mongodb-callbacks/promisified-method': {
    severity: 'error',
    description: 'A driver method is handed to promisify(): promisify passes it a callback, which mongodb 5+ ignores, so the promise never settles.',
    help: 'Drop promisify and await the method itself (it returns a promise): `await coll.countDocuments(filter)` instead of `await promisify(coll.count.bind(coll))(filter)`.',
  },
  'mongodb-callbacks/drop-missing': {
    severity: 'warning',
    description: 'mongodb 7 resolves drop() / dropCollection() of a missing collection to false; before, servers < 7.0 made it fail with NamespaceNotFound.',
    help: 'If the error branch handled a missing collection, test the boolean instead: `if (!(await coll.drop())) { ... }`.',
  },
  'mongodb-callbacks/auth-mechanism': {
    severity: 'error',
    description: 'An authentication setup mongodb 7 rejects: MONGODB-AWS credentials in the URI or options, or MONGODB-CR.',
    help: 'MONGODB-AWS: take the credentials from the AWS environment and install @aws-sdk/credential-providers; MONGODB-CR: use SCRAM.',
  },
  'mongodb-callbacks/change-stream-mode': {
    severity: 'error',
    description: "A change stream used both as an iterator and as an event emitter ('change' listener): an error since 4.0.",
    help: "Pick one: `for await (const change of stream)` (or next()/tryNext()), or `stream.on('change', ...)`.",
  },
  'mongodb-callbacks/cursor-stream': {
    severity: 'error',
    description: 'Cursors are no longer Node streams (4.0).',
    help: "Use `cursor.stream()`: `cursor.stream().pipe(dest)`, `cursor.stream().on('data', fn)`.",
  },
  'mongodb-callbacks/client-option': {
    severity: 'error',
    description: 'The MongoClient of mongodb 7 rejects this option (MongoParseError: option ... is not supported).',
    help: 'Remove the option or use its native equivalent (keepAlive: delete; native_parser, auto_reconnect, reconnectTries...: delete; ssl*: tls*; slaveOk: readPreference).',
  },
  'mongodb-callbacks/projection-argument': {
    severity: 'error',
    description: 'find()/findOne() with a second argument that looks like a projection: v2 used it as one, v3+ read it as options and ignored it.',
    help: 'If the code ran on mongodb 2, wrap it: `find(q, { projection: {...} })`; on 3+ the projection was never applied: decide whether to apply it.',
  },
  'mongodb-callbacks/options-not-literal': {
    severity: 'warning',
    description: 'An options object that is not a literal is passed where old option names (fields, returnOriginal) were common; it was not checked.',
    help: "Make sure it uses `projection` (not `fields`) and `returnDocument: 'after'` (not `returnOriginal: false`): the old names are silently ignored.",
  },
  'mongodb-callbacks/result-shape': {
    severity: 'error',
    description: 'A read of an old write-result field that cannot be followed statically (result.ops, result.result.*, insertedCount on insertOne, upsertedId._id...).',
    help: 'Map it by hand: ops -> the inserted document(s); result.n -> insertedCount / matchedCount / deletedCount; result.nModified -> modifiedCount; result.ok -> acknowledged; upsertedId._id -> upsertedId.',
  },
  'mongodb-callbacks/modify-result': {
    severity: 'error',
    description:
      'A findOneAnd* result read through `.value` (or lastErrorObject) whose driver version is unknown: before 6.0 the method returned { value, ok, lastErrorObject }, since 6.0 the document itself.',
    help: 'Pass --from <major>. On mongodb < 6 read the result itself instead of `.value`, or pass `includeResultMetadata: true` to keep the old shape.',
  },
  'mongodb-callbacks/removed-export': {
    severity: 'error',
    description: 'The old driver export no longer exists.',
    help: 'Rewrite the code with the native API (see the fix).',
  },
  'mongodb-callbacks/dependency-held': {
    severity: 'warning',
    description:
      'package.json keeps its old mongodb (or mongodb-legacy) because callback-era call sites remain unconverted; the code already rewritten needs the new major (result shapes, client options), so migrate the rest before shipping.',
    help: 'Migrate the flagged call sites, run again (or raise mongodb by hand), then refresh the lockfile.',
  },
  'mongodb-callbacks/objectid-call-untracked': {
    severity: 'warning',
    description: "`ObjectID(x)` / `ObjectId(x)` called without `new` on a value imported from a local module (not provably the driver's).",
    help: "If it is mongodb's ObjectId (re-exported), write `new ObjectId(x)`: mongodb 4+ throws without `new`.",
  },
  'mongodb-callbacks/old-driver': {
    severity: 'error',
    description: '`check`: a package.json of the checked code still pins mongodb below 6 (callback-era code left, or migrated code on an old driver).',
    help: 'Migrate what the other findings list, then run `mongo-codemod run` (it raises the range when nothing is left), or raise it by hand.',
  },
  'mongodb-callbacks/write-concern-option': {
    severity: 'error',
    description: 'Operation-level `w`, `j`, `wtimeout` or `fsync` options are silently ignored since 4.0.',
    help: 'Pass `writeConcern: { w, j, wtimeoutMS }` instead.',
  },
  'mongodb-callbacks/with-transaction': {
    severity: 'warning',
    description: "session.withTransaction() returns the callback's return value since 6.0 (it used to return the command result or undefined).",
    help: 'Audit code that tests or uses the result of withTransaction().',
  },
  'mongodb-callbacks/v2-connect': {
    severity: 'error',
    description: 'MongoClient.connect() callback parameter used both as a Db (mongodb 2) and as a client: it cannot be migrated safely.',
    help: 'On mongodb 2 the callback received a Db: `const client = await MongoClient.connect(url); const db = client.db();`, and db.close() becomes client.close().',
  },
  'mongodb-callbacks/untracked-callback': {
    severity: 'warning',
    description:
      "A driver-looking call passes a callback, but its receiver could not be followed to a mongodb handle. An error on a receiver of the `x.collection('name')` shape or with an err-first callback written out (mongodb 5+ ignores the callback); a warning for a callback passed by name on another receiver.",
    help: "If it is a driver call, annotate the handle so the codemod can follow it and convert the call (JSDoc `@param {import('mongodb').Db} db`, or `@param {Collection} users` with Collection imported from mongodb, or a TS type), or convert it by hand (await it, or `.then((res) => cb(null, res), (err) => cb(err))`).",
  },
  'mongodb-callbacks/callback-not-converted': {
    severity: 'error',
    description: 'A callback passed to an Admin method or to bulk.execute(): mongodb 5+ ignores it, and this preset does not convert these calls.',
    help: 'Await the call (`const result = await db.admin().ping()`, errors in try/catch), or use `.then((result) => cb(null, result), (err) => cb(err))`.',
  },
  'mongodb-callbacks/aggregate-callback': {
    severity: 'error',
    description: 'aggregate() with a callback: v2 passed an array and v3 a cursor; the driver version is unknown or the shape is not convertible.',
    help: 'Use `const docs = await coll.aggregate(pipeline, opts).toArray()`.',
  },
  'mongodb-callbacks/untracked-removed-method': {
    severity: 'error',
    description:
      'A removed collection method (insert, update, remove, save, count, findAndModify, ensureIndex, mapReduce, …) is called on a receiver that could not be followed to a mongodb handle, in a package that depends on the driver; it was left unchanged.',
    help: "If it is a driver collection, use the current method (the finding names it), or annotate the handle (JSDoc `@param {import('mongodb').Collection} users`, or a TS type) and run again.",
  },
  'mongodb-callbacks/untracked-result-shape': {
    severity: 'error',
    description: 'An old result field (`ops`, `result`, or `.value` of a findOneAnd* result) is read on the result of a call whose receiver could not be followed to a mongodb handle.',
    help: 'Read the current result: the inserted document or `insertedId`, `matchedCount` / `modifiedCount` / `deletedCount`, the findOneAnd* document itself (or pass `includeResultMetadata: true`).',
  },
  'mongodb-callbacks/untracked-option': {
    severity: 'error',
    description:
      'An option removed from the driver (`fields`, `returnOriginal`, `multi`, `single`, `new`, a positional sort) is passed to a call whose receiver could not be followed to a mongodb handle.',
    help: 'Use the current option (`projection`, `returnDocument`) or method (updateMany / deleteOne / findOneAndUpdate with `sort`).',
  },
  'mongodb-callbacks/fastify-plugin': {
    severity: 'warning',
    description: 'fastify-mongodb is registered: it bundles its own mongodb driver (3.x/4.x), so its handles do not follow the mongodb dependency.',
    help: 'Move to @fastify/mongodb 10 (mongodb 7; fastify 5) or 8-9 (mongodb 6; fastify 4), then migrate the code that uses fastify.mongo.',
  },
  'mongodb-callbacks/connection-string-option': {
    severity: 'error',
    description: 'A mongodb:// connection string carries an option the current driver does not know (`useUnifiedTopology`, `useNewUrlParser`, …).',
    help: "Remove the option from the connection string (or rename it: see the driver's connection string options).",
  },
  'mongodb-callbacks/dependency': {
    severity: 'info',
    description: 'package.json: mongodb raised to the target major (or mongodb-legacy replaced, @types/mongodb removed) once no legacy site remains in the package.',
    help: 'Run your package manager to refresh the lockfile.',
  },
  'mongodb-callbacks/stale-lockfile': {
    severity: 'warning',
    description: 'A lockfile still pins the old mongodb or mongodb-legacy; lockfiles are not edited.',
    help: 'Run `npm install` (or your package manager) to refresh the lockfile.',
  },
};
