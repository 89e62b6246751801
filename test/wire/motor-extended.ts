/**
 * The Motor-style wrapper the `motor` fixtures run on: the example app's own wrapper module
 * (examples/shop-api/src/lib/motor.js), whose methods keep their exact code, with the rest of Motor's API that the
 * fixtures use added around it: attribute access (`client.shop.products`), every other collection method delegated
 * to the driver collection it wraps, cursor `skip`/`project`/`next`/async iteration, and Motor's class names.
 */
export function extendMotor(example: any, driver: any): any {
  const probe = new example.AsyncIOMotorClient('mongodb://localhost:27017/probe');
  const db = probe.getDatabase('probe');
  const coll = db.getCollection('probe');
  const Database = db.constructor;
  const Collection = coll.constructor;
  const Cursor = coll.find({}).constructor;

  const cursorProto = Cursor.prototype;
  for (const m of ['skip', 'project', 'batchSize', 'maxTimeMS', 'hint', 'comment', 'collation']) {
    if (!(m in cursorProto))
      cursorProto[m] = function (this: any, ...a: unknown[]) {
        this.inner[m](...a);
        return this;
      };
  }
  for (const m of ['next', 'hasNext', 'close', 'tryNext'])
    if (!(m in cursorProto))
      cursorProto[m] = function (this: any, ...a: unknown[]) {
        return this.inner[m](...a);
      };
  // Motor's fetch_next / next_object pair: a promise that a document is buffered, then that document, synchronously
  if (!('fetchNext' in cursorProto))
    Object.defineProperty(cursorProto, 'fetchNext', {
      get(this: any) {
        return this.inner.hasNext();
      },
    });
  if (!('nextObject' in cursorProto))
    cursorProto.nextObject = function (this: any) {
      return this.inner.readBufferedDocuments(1)[0] ?? null;
    };
  if (!(Symbol.asyncIterator in cursorProto))
    cursorProto[Symbol.asyncIterator] = function (this: any) {
      return this.inner[Symbol.asyncIterator]();
    };

  const collProto = Collection.prototype;
  for (let p = driver.Collection.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const m of Object.getOwnPropertyNames(p)) {
      if (m === 'constructor' || m in collProto || typeof Object.getOwnPropertyDescriptor(p, m)?.value !== 'function') continue;
      collProto[m] =
        m === 'listIndexes'
          ? function (this: any, ...a: unknown[]) {
              return new Cursor(this.inner.listIndexes(...a));
            }
          : function (this: any, ...a: unknown[]) {
              return this.inner[m](...a);
            };
    }
  }
  const dbProto = Database.prototype;
  for (const m of ['command', 'createCollection', 'dropCollection', 'dropDatabase', 'createIndex', 'stats']) {
    if (!(m in dbProto))
      dbProto[m] = function (this: any, ...a: unknown[]) {
        return this.inner[m](...a);
      };
  }

  // attribute access: an unknown name on a client is a database, on a database a collection (as in Motor)
  const attrs = (target: any, child: (name: string) => unknown): any =>
    new Proxy(target, {
      get(t, k, r) {
        if (typeof k === 'symbol' || k in t || k === 'then' || k.startsWith('_')) return Reflect.get(t, k, r);
        return child(k);
      },
    });
  // the driver's names, which Motor-style code also calls (the motor preset leaves them as they are)
  if (!('collection' in dbProto))
    dbProto.collection = function (this: any, name: string) {
      return this.getCollection(name);
    };
  const origGetDatabase = example.AsyncIOMotorClient.prototype.getDatabase;
  const origDefault = example.AsyncIOMotorClient.prototype.getDefaultDatabase;
  const wrapDb = (d: any) => attrs(d, (n) => d.getCollection(n));
  example.AsyncIOMotorClient.prototype.getDatabase = function (this: any, name: string) {
    return wrapDb(origGetDatabase.call(this, name));
  };
  example.AsyncIOMotorClient.prototype.getDefaultDatabase = function (this: any) {
    return wrapDb(origDefault.call(this));
  };
  if (!('db' in example.AsyncIOMotorClient.prototype))
    example.AsyncIOMotorClient.prototype.db = function (this: any, name?: string) {
      return name === undefined ? this.getDefaultDatabase() : this.getDatabase(name);
    };
  if (!('startSession' in example.AsyncIOMotorClient.prototype))
    example.AsyncIOMotorClient.prototype.startSession = function (this: any, ...a: unknown[]) {
      return this.inner.startSession(...a);
    };
  class AsyncIOMotorClient extends example.AsyncIOMotorClient {
    constructor(...a: unknown[]) {
      super(...a);
      return attrs(this, (n) => (this as any).getDatabase(n));
    }
  }
  return {
    ...example,
    AsyncIOMotorClient,
    MotorClient: AsyncIOMotorClient,
    AsyncIOMotorDatabase: Database,
    AsyncIOMotorCollection: Collection,
    AsyncIOMotorCursor: Cursor,
  };
}
