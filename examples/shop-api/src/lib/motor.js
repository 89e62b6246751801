// The team's in-house Motor-style wrapper: Motor's API (getDatabase, getCollection, toList, ...) over the driver.
// mongo-codemod is pointed at it with `--wrapper-module src/lib/motor` and leaves this file itself alone.
import { MongoClient, ObjectId } from 'mongodb';

class Cursor {
  constructor(inner) {
    this.inner = inner;
  }
  sort(spec) {
    this.inner.sort(spec);
    return this;
  }
  limit(n) {
    this.inner.limit(n);
    return this;
  }
  async toList(length) {
    if (length === 0) return [];
    const out = [];
    for await (const doc of this.inner) {
      out.push(doc);
      if (length && out.length >= length) break;
    }
    return out;
  }
  each(callback) {
    (async () => {
      for await (const doc of this.inner) callback(doc, null);
      callback(null, null);
    })().catch((err) => callback(null, err));
  }
}

class Collection {
  constructor(inner) {
    this.inner = inner;
  }
  find(filter, options) {
    return new Cursor(this.inner.find(filter, options));
  }
  aggregate(pipeline, options) {
    return new Cursor(this.inner.aggregate(pipeline, options));
  }
  findOne(filter, options) {
    return this.inner.findOne(filter, options);
  }
  insertOne(doc, options) {
    return this.inner.insertOne(doc, options);
  }
  updateOne(filter, update, options) {
    return this.inner.updateOne(filter, update, options);
  }
}

class Database {
  constructor(inner) {
    this.inner = inner;
  }
  getCollection(name) {
    return new Collection(this.inner.collection(name));
  }
}

export class AsyncIOMotorClient {
  constructor(uri, options) {
    this.inner = new MongoClient(uri, options);
  }
  getDatabase(name) {
    return new Database(this.inner.db(name));
  }
  getDefaultDatabase() {
    return new Database(this.inner.db());
  }
  close() {
    this.inner.close();
  }
}

export { ObjectId };
