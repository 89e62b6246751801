/** Rule ids of the `motor-python` preset, with their default severity and manual fix. */
import type { RuleTable } from '../core/rules.js';

export const PYTHON_RULES: RuleTable = {
  'motor-python/await-added': {
    severity: 'info',
    description: 'A call that was synchronous in Motor is a coroutine in PyMongo; `await` was added.',
    help: 'Nothing to do: review the added `await`.',
  },
  'motor-python/callback-api': {
    severity: 'error',
    description: "Motor's callback API (cursor.each and friends) does not exist in PyMongo's async API.",
    help: 'Rewrite as `async for doc in cursor: ...` (call the callback in the loop body).',
  },
  'motor-python/client-encryption': {
    severity: 'info',
    description: 'AsyncClientEncryption is imported from pymongo.asynchronous.encryption.',
    help: 'Nothing to do: pymongo.encryption exports only the synchronous ClientEncryption.',
  },
  'motor-python/connect-dropped': {
    severity: 'info',
    description: '`connect=True` is not supported by AsyncMongoClient; it was dropped and `await client.aconnect()` added where possible.',
    help: 'Where no `aconnect()` could be added, call `await client.aconnect()` once inside the running loop.',
  },
  'motor-python/dependency-extras': {
    severity: 'info',
    description: 'Extras of the motor requirement were dropped or carried over to pymongo.',
    help: 'Check that the extras kept on pymongo are the ones the project needs.',
  },
  'motor-python/dependency-hashes': {
    severity: 'warning',
    description: 'The motor requirement carried --hash options, which cannot be carried over to pymongo.',
    help: 'Regenerate the hashes for pymongo (e.g. `pip-compile --generate-hashes`).',
  },
  'motor-python/dependency-manual': {
    severity: 'error',
    description: 'A motor dependency from a URL, path or git source cannot be migrated automatically.',
    help: 'Replace it with a pymongo requirement (>= 4.13) by hand.',
  },
  'motor-python/dependency-merged': {
    severity: 'info',
    description: 'The motor requirement was merged into an existing pymongo requirement.',
    help: 'Nothing to do: review the merged constraint.',
  },
  'motor-python/dependency-pin-raised': {
    severity: 'warning',
    description: "A pymongo constraint excluded the release with PyMongo's GA async API; it was raised.",
    help: 'Check that nothing else in the project needs the older pymongo.',
  },
  'motor-python/encryption-positional': {
    severity: 'error',
    description: 'The 5th positional argument of AsyncIOMotorClientEncryption was io_loop; in AsyncClientEncryption it is kms_tls_options.',
    help: 'Remove the io_loop argument; pass kms_tls_options= by keyword if you need it.',
  },
  'motor-python/event-loop-binding': {
    severity: 'warning',
    description: 'An AsyncMongoClient is bound to the event loop of its first operation; this client can be used from several loops.',
    help: 'Create the client inside the running loop (app startup/lifespan, or a per-test fixture) and close it there.',
  },
  'motor-python/fetch-next': {
    severity: 'error',
    description: "cursor.fetch_next / next_object do not exist in PyMongo's async API.",
    help: 'Iterate with `async for doc in cursor:`, or fetch one document with `await cursor.next()` / `await cursor.try_next()`.',
  },
  'motor-python/fetch-next-loop': {
    severity: 'info',
    description: 'A `while await cursor.fetch_next` loop was rewritten as `async for`.',
    help: 'Nothing to do: review the loop.',
  },
  'motor-python/generic-runtime': {
    severity: 'warning',
    description: 'A subscripted Motor class is used in a runtime check; PyMongo async classes are not subscriptable at run time.',
    help: 'Drop the subscript in runtime checks: isinstance(x, AsyncMongoClient).',
  },
  'motor-python/gridfs-collection-kwarg': {
    severity: 'error',
    description: 'AsyncGridFSBucket has no `collection=` parameter.',
    help: 'Use `bucket_name=` to choose the bucket (files are stored in `<bucket_name>.files` / `.chunks`).',
  },
  'motor-python/gridfs-handler': {
    severity: 'error',
    description: "Motor's Tornado/aiohttp GridFS handlers have no PyMongo counterpart.",
    help: 'Serve GridFS files with your framework: open an AsyncGridOut with `await bucket.open_download_stream(id)` and stream it.',
  },
  'motor-python/legacy-dependency': {
    severity: 'error',
    description: 'motor is still a declared dependency; Motor reached end of life on 2026-05-14.',
    help: 'Replace it with pymongo>=4.13 (run `mongo-codemod run --preset motor-python`).',
  },
  'motor-python/legacy-import': {
    severity: 'error',
    description: 'A Motor import is still present.',
    help: 'Run `mongo-codemod run --preset motor-python` on it, then fix what the report lists.',
  },
  'motor-python/mongomock-motor': {
    severity: 'warning',
    description: "mongomock-motor only fakes Motor classes; tests built on it will not exercise PyMongo's async API.",
    help: 'Test against a real server (or a fixture that starts one), or patch AsyncMongoClient yourself.',
  },
  'motor-python/name-kept': {
    severity: 'info',
    description: 'The PyMongo name is already bound in this file, so it is imported under the old local name.',
    help: 'Rename the local name once nothing else in the file needs it.',
  },
  'motor-python/coroutine-reference': {
    severity: 'error',
    description: "A method that is a coroutine function in PyMongo's async API (client.close) is passed on as a callback; whoever calls it never awaits it.",
    help: 'Call and await it in an async teardown instead of registering the bound method.',
  },
  'motor-python/needs-await-in-sync': {
    severity: 'error',
    description: "A coroutine of PyMongo's async API is called where `await` is not allowed; it was not rewritten.",
    help: "Move this call into an async function and `await` it (or run it with asyncio.run / the framework's async shutdown hook).",
  },
  'motor-python/now-coroutine': {
    severity: 'error',
    description: "A call is a coroutine in PyMongo's async API but its result is used where an `await` cannot be added safely.",
    help: 'Await the call first (`cursor = await coll.aggregate(p)`), then use its result.',
  },
  'motor-python/io-loop-patch-removed': {
    severity: 'info',
    description: "A patch of Motor's get_io_loop (`client.get_io_loop = asyncio.get_running_loop`) was removed: PyMongo's async client runs on the running event loop.",
    help: 'Nothing to do; a test that patched the loop this way now needs one client per event loop (see event-loop findings).',
  },
  'motor-python/odm': {
    severity: 'warning',
    description: 'The client is handed to an ODM that may still need Motor.',
    help: "Upgrade to a release that supports PyMongo's async API (e.g. Beanie >= 2.0) before switching the client, or keep Motor for that ODM for now.",
  },
  'motor-python/removed-attribute': {
    severity: 'error',
    description: "The attribute does not exist in PyMongo's async API; on a client or database it would silently name a database or collection.",
    help: 'Replace it with the PyMongo async API (see the README table), or remove it.',
  },
  'motor-python/stale-lockfile': {
    severity: 'warning',
    description: 'A lockfile still pins motor after its dependency file was migrated.',
    help: 'Regenerate the lockfile after updating the dependency file.',
  },
  'motor-python/star-import': {
    severity: 'error',
    description: '`from motor... import *` cannot be migrated automatically: the names it binds are not visible.',
    help: 'Import the names you use explicitly, then run again.',
  },
  'motor-python/string-reference': {
    severity: 'warning',
    description: 'A string names a Motor path (a mock/patch target, warning filter or dynamic import) that the migration does not change.',
    help: 'Point it at the PyMongo async name (e.g. "pymongo.AsyncMongoClient") or remove it.',
  },
  'motor-python/to-list-variable': {
    severity: 'warning',
    description: 'to_list(n) with a variable: Motor treated 0 as "all documents", PyMongo rejects it.',
    help: 'Make sure the value is None or >= 1, e.g. `to_list(n or None)` if 0 meant "all".',
  },
  'motor-python/to-list-zero': {
    severity: 'error',
    description: 'to_list(0) has no PyMongo equivalent.',
    help: 'Drop the call and use [] if no documents were wanted, or use to_list() / to_list(n) with n >= 1.',
  },
  'motor-python/tornado': {
    severity: 'error',
    description: "Motor's Tornado integration (motor.motor_tornado) has no PyMongo counterpart.",
    help: 'Move the code to asyncio (Tornado 5+ runs on asyncio) and use AsyncMongoClient.',
  },
  'motor-python/unmapped-module': {
    severity: 'error',
    description: 'This Motor module has no PyMongo counterpart known to this codemod.',
    help: 'Replace its use by hand with the matching pymongo.asynchronous API.',
  },
  'motor-python/unmapped-name': {
    severity: 'error',
    description: 'This Motor name has no PyMongo counterpart known to this codemod; the import was left as is.',
    help: 'Replace it by hand with the matching pymongo.asynchronous API.',
  },
  'motor-python/unverified-receiver': {
    severity: 'warning',
    description: 'The call has a Motor shape, but its receiver could not be proven to be a Motor handle, so it was not rewritten.',
    help: 'If the receiver is a Motor handle, make the change by hand (see the finding), or make the handle traceable (import it, annotate it).',
  },
  'motor-python/await-added-heuristic': {
    severity: 'warning',
    description: "A cursor-returning coroutine's receiver was not proven to be a Motor handle, but its chain starts from one, so `await` was added.",
    help: 'Review this line: if the receiver is not a PyMongo async collection/database, remove the added `await`.',
  },
  'motor-python/beanie-2': {
    severity: 'info',
    description: 'Beanie 2.0 (PyMongo async) renamed get_motor_collection() to get_pymongo_collection(); the call was renamed.',
    help: 'Nothing to do: the beanie pin is raised to >=2.0 with the driver.',
  },
  'motor-python/beanie-motor-collection': {
    severity: 'error',
    description:
      'Beanie 2.0 removed Document.get_motor_collection() (no alias); the call is not renamed where its receiver could not be traced to a Beanie document (warning), and is an error in check where it could.',
    help: 'If the receiver is a Beanie document class or instance, call get_pymongo_collection() instead (it returns a pymongo AsyncCollection).',
  },
  'motor-python/motor-collection-override': {
    severity: 'warning',
    description:
      'A Beanie document class overrides get_motor_collection(); Beanie 2.0 no longer has that method and calls get_pymongo_collection(), so its own operations bypass the override. Calls to it were not renamed.',
    help: 'Rename the override (and its calls) to get_pymongo_collection(), returning a pymongo AsyncCollection.',
  },
  'motor-python/own-motor-collection': {
    severity: 'info',
    description: "The project defines get_motor_collection() itself (Beanie's own source, a wrapper), so no call to it was renamed to Beanie 2.0's get_pymongo_collection().",
    help: "If the method wraps Beanie's, Beanie 2.0 no longer has it: rename it and its calls to get_pymongo_collection().",
  },
  'motor-python/beanie-pin-raised': {
    severity: 'info',
    description: "The beanie pin was raised to >= 2.0: Beanie < 2.0 needs Motor, 2.0 runs on PyMongo's async API.",
    help: 'Check the Beanie 2.0 release notes for other changes your models rely on.',
  },
  'motor-python/install-motor-message': {
    severity: 'warning',
    description: 'A user-facing message tells users to install motor, which the migrated code no longer uses.',
    help: 'Point it at PyMongo instead, e.g. "pip install \'pymongo>=4.13\'".',
  },
  'motor-python/io-loop-kwarg': {
    severity: 'warning',
    description: '`io_loop=` is passed to a callable that could not be traced to a Motor constructor; it was not rewritten.',
    help: 'If this builds a Motor/PyMongo client, remove `io_loop=`: PyMongo async runs on the running asyncio loop.',
  },
  'motor-python/motor-kept': {
    severity: 'warning',
    description: 'motor stays a dependency: code that an ODM still running on Motor needs remains.',
    help: "Move the models to an ODM on PyMongo's async API (e.g. beanie>=2.0) or wait for a release that supports it; then replace motor with pymongo>=4.13.",
  },
  'motor-python/motor-only-name': {
    severity: 'error',
    description: 'A Motor-only name (get_io_loop, AgnosticCollection, motor.core, MotorGridFSBucket, ...) has no PyMongo counterpart.',
    help: 'Use the pymongo.asynchronous class instead (AsyncMongoClient, AsyncDatabase, AsyncCollection, AsyncCursor, AsyncCommandCursor, gridfs.AsyncGridFSBucket, ...).',
  },
  'motor-python/odm-motor-client': {
    severity: 'error',
    description: "An ODM that still runs on Motor is handed a client or database on PyMongo's async API; the ODM calls Motor-only APIs on it and breaks.",
    help: 'Keep a Motor client for the ODM (and `motor` in the dependencies) until the ODM supports PyMongo async, or move the models to an ODM that does (e.g. Beanie >= 2.0).',
  },
  'motor-python/untraced-cursor-coroutine': {
    severity: 'error',
    description:
      "A cursor-returning call (aggregate, list_indexes, ...) is consumed the Motor way on a receiver that could not be traced; under PyMongo's async API it is a coroutine and must be awaited first.",
    help: 'Await the call first: `cursor = await coll.aggregate(p)`, then `await cursor.to_list()` / `async for`.',
  },
  'motor-python/unverified-close': {
    severity: 'warning',
    description: "A client-looking receiver is closed without `await`; under PyMongo's async API AsyncMongoClient.close() is a coroutine.",
    help: 'If the receiver is an AsyncMongoClient, write `await client.close()` inside an async function.',
  },
};
