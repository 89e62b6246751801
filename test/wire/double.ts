/**
 * An in-process MongoDB double on a loopback port, for the wire oracle (test/wire-oracle.test.ts): it speaks OP_MSG,
 * plus the OP_QUERY handshake and `$cmd` queries of drivers 2.x/3.x, answers with OP_REPLY/OP_MSG, keeps documents in
 * memory and takes every query, update, projection, sort and aggregation semantic from `mingo`; BSON is `bson`.
 * Each command is recorded per connection; failures (a duplicate key, a dropped connection) can be armed.
 * Commands it does not know answer a server error that names them (code 59), so a gap is never silent.
 */
import net from 'node:net';
import { BSON, Long, ObjectId } from 'bson';
import { Aggregator, Query, update as mingoUpdate } from 'mingo';

export type Doc = Record<string, any>;

export interface Recorded {
  conn: number;
  name: string;
  db: string;
  cmd: Doc;
}

export interface Failure {
  /** Command name to fail (insert, update, delete, findAndModify, find, aggregate, ...). */
  command: string;
  /** 11000 (duplicate key, as a write error for write commands) or any server error code, or 'network'. */
  error: number | 'network';
}

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

/** Commands that never change data and carry nothing a migration could change (handshake, monitoring). */
export const HANDSHAKE = new Set(['hello', 'ismaster', 'isMaster', 'buildInfo', 'buildinfo', 'ping', 'endSessions', 'getLastError', 'getlasterror', 'saslStart', 'getnonce', 'whatsmyuri']);

const MAX_WIRE = 17; // MongoDB 6.0: drivers 2.2 (no upper check), 3.7 (min 0), 4.x, 6.x and 7.x (min 8) accept it

interface CursorState {
  ns: string;
  docs: Doc[];
}

interface IndexSpec {
  key: Doc;
  name: string;
  unique?: boolean;
}

class CommandError extends Error {
  constructor(
    public code: number,
    public codeName: string,
    message: string,
  ) {
    super(message);
  }
}

export class MongoDouble {
  readonly collections = new Map<string, Doc[]>();
  readonly indexes = new Map<string, IndexSpec[]>();
  readonly log: Recorded[] = [];
  private readonly cursors = new Map<string, CursorState>();
  private readonly failures: Failure[] = [];
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  private nextCursor = 1;
  private nextConn = 1;
  private inFlight = 0;
  /** When the double last saw a connection, a message or sent a reply (Date.now()). */
  lastActivity = Date.now();
  port = 0;

  async start(): Promise<number> {
    this.server = net.createServer((s) => this.onConnection(s));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get idle(): boolean {
    return this.inFlight === 0;
  }

  /** Arms a failure: the next command of that name fails once. */
  fail(f: Failure): void {
    this.failures.push(f);
  }

  seed(ns: string, docs: Doc[]): void {
    this.coll(ns, true).push(...docs.map((d) => clone(d)));
  }

  /** Every collection's documents, by namespace, in natural order. */
  contents(): Record<string, Doc[]> {
    const out: Record<string, Doc[]> = {};
    for (const ns of [...this.collections.keys()].sort()) out[ns] = this.collections.get(ns)!.map(clone);
    return out;
  }

  private coll(ns: string, create = false): Doc[] {
    let c = this.collections.get(ns);
    if (!c && create) {
      c = [];
      this.collections.set(ns, c);
      this.indexes.set(ns, [{ key: { _id: 1 }, name: '_id_' }]);
    }
    return c ?? [];
  }

  private onConnection(socket: net.Socket): void {
    const conn = this.nextConn++;
    this.lastActivity = Date.now();
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      this.lastActivity = Date.now();
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4) {
        const len = buf.readInt32LE(0);
        if (buf.length < len) break;
        const msg = buf.subarray(0, len);
        buf = buf.subarray(len);
        this.inFlight++;
        // answer on a later tick, as a server would
        setImmediate(() => {
          try {
            this.onMessage(conn, socket, msg);
          } finally {
            this.inFlight--;
            this.lastActivity = Date.now();
          }
        });
      }
    });
  }

  private onMessage(conn: number, socket: net.Socket, msg: Buffer): void {
    const requestId = msg.readInt32LE(4);
    const opCode = msg.readInt32LE(12);
    if (opCode === OP_MSG) {
      const flags = msg.readUInt32LE(16);
      const end = flags & 1 ? msg.length - 4 : msg.length;
      let off = 20;
      let body: Doc = {};
      while (off < end) {
        const kind = msg[off]!;
        off++;
        if (kind === 0) {
          const size = msg.readInt32LE(off);
          body = BSON.deserialize(msg.subarray(off, off + size), { promoteLongs: false });
          off += size;
        } else {
          const size = msg.readInt32LE(off);
          const sectionEnd = off + size;
          let p = off + 4;
          const nul = msg.indexOf(0, p);
          const id = msg.toString('utf8', p, nul);
          p = nul + 1;
          const docs: Doc[] = [];
          while (p < sectionEnd) {
            const dsize = msg.readInt32LE(p);
            docs.push(BSON.deserialize(msg.subarray(p, p + dsize), { promoteLongs: false }));
            p += dsize;
          }
          body[id] = docs;
          off = sectionEnd;
        }
      }
      const db = body.$db ?? 'admin';
      const reply = this.run(conn, db, body);
      if (reply === 'network') return void socket.destroy();
      if (flags & 2) return; // moreToCome: unacknowledged
      const doc = BSON.serialize(reply);
      const header = Buffer.alloc(21);
      header.writeInt32LE(21 + doc.length, 0);
      header.writeInt32LE(this.nextConn * 1000 + requestId, 4);
      header.writeInt32LE(requestId, 8);
      header.writeInt32LE(OP_MSG, 12);
      header.writeUInt32LE(0, 16);
      header[20] = 0;
      socket.write(Buffer.concat([header, doc]));
      return;
    }
    if (opCode === OP_QUERY) {
      let off = 20;
      const nul = msg.indexOf(0, off);
      const fullName = msg.toString('utf8', off, nul);
      off = nul + 1 + 8;
      const size = msg.readInt32LE(off);
      let query = BSON.deserialize(msg.subarray(off, off + size), { promoteLongs: false });
      const dot = fullName.indexOf('.');
      const db = fullName.slice(0, dot);
      const collName = fullName.slice(dot + 1);
      let reply: Doc | 'network';
      if (collName === '$cmd') {
        if (query.$query) query = query.$query;
        reply = this.run(conn, db, query);
      } else {
        reply = { $err: `legacy OP_QUERY on ${fullName} is not supported by the double`, code: 59 };
      }
      if (reply === 'network') return void socket.destroy();
      const doc = BSON.serialize(reply);
      const header = Buffer.alloc(36);
      header.writeInt32LE(36 + doc.length, 0);
      header.writeInt32LE(requestId + 1, 4);
      header.writeInt32LE(requestId, 8);
      header.writeInt32LE(OP_REPLY, 12);
      header.writeInt32LE(0, 16);
      header.writeBigInt64LE(0n, 20);
      header.writeInt32LE(0, 28);
      header.writeInt32LE(1, 32);
      socket.write(Buffer.concat([header, doc]));
      return;
    }
    // OP_COMPRESSED, legacy OP_INSERT/OP_GET_MORE...: never negotiated; close so the gap shows
    socket.destroy();
  }

  private run(conn: number, db: string, cmd: Doc): Doc | 'network' {
    const name = Object.keys(cmd)[0] ?? '';
    this.log.push({ conn, name, db, cmd });
    const fi = this.failures.findIndex((f) => f.command === name);
    if (fi >= 0) {
      const f = this.failures.splice(fi, 1)[0]!;
      if (f.error === 'network') return 'network';
      const dup = f.error === 11000;
      const errmsg = dup ? `E11000 duplicate key error collection: ${db}.${cmd[name]} index: _id_ dup key` : `injected failure ${f.error}`;
      if (dup && (name === 'insert' || name === 'update' || name === 'delete')) {
        return { ok: 1, n: 0, writeErrors: [{ index: 0, code: 11000, errmsg }] };
      }
      return { ok: 0, code: f.error, codeName: dup ? 'DuplicateKey' : 'Injected', errmsg };
    }
    try {
      return { ...this.exec(conn, db, name, cmd), ok: 1 };
    } catch (e) {
      if (e instanceof CommandError) return { ok: 0, code: e.code, codeName: e.codeName, errmsg: e.message };
      return { ok: 0, code: 8000, codeName: 'DoubleError', errmsg: `double: ${(e as Error).message}` };
    }
  }

  private exec(conn: number, db: string, name: string, cmd: Doc): Doc {
    const ns = (c: unknown): string => `${db}.${String(c)}`;
    switch (name) {
      case 'hello':
      case 'ismaster':
      case 'isMaster':
        return {
          helloOk: true,
          ismaster: true,
          isWritablePrimary: true,
          maxBsonObjectSize: 16 * 1024 * 1024,
          maxMessageSizeBytes: 48000000,
          maxWriteBatchSize: 100000,
          localTime: new Date(),
          logicalSessionTimeoutMinutes: 30,
          connectionId: conn,
          minWireVersion: 0,
          maxWireVersion: MAX_WIRE,
          readOnly: false,
        };
      case 'buildInfo':
      case 'buildinfo':
        return { version: '6.0.0', versionArray: [6, 0, 0, 0], maxBsonObjectSize: 16 * 1024 * 1024 };
      case 'ping':
      case 'endSessions':
      case 'getLastError':
      case 'getlasterror':
      case 'dropDatabase':
        if (name === 'dropDatabase') for (const k of [...this.collections.keys()]) if (k.startsWith(`${db}.`)) this.collections.delete(k);
        return {};
      case 'find': {
        const n = ns(cmd.find);
        let q = new Query(cmd.filter ?? {}).find(this.coll(n), projection(cmd.projection));
        if (cmd.sort && Object.keys(cmd.sort).length) q = q.sort(cmd.sort);
        if (cmd.skip) q = q.skip(num(cmd.skip));
        const limit = Math.abs(num(cmd.limit ?? 0));
        if (limit) q = q.limit(limit);
        return this.cursor(n, (q.all() as Doc[]).map(clone), cmd.batchSize, cmd.singleBatch || num(cmd.limit ?? 0) < 0);
      }
      case 'getMore': {
        const id = String(cmd.getMore);
        const c = this.cursors.get(id);
        if (!c) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
        const size = cmd.batchSize ? num(cmd.batchSize) : c.docs.length;
        const batch = c.docs.splice(0, size);
        if (!c.docs.length) this.cursors.delete(id);
        return { cursor: { id: Long.fromString(c.docs.length ? id : '0'), ns: c.ns, nextBatch: batch } };
      }
      case 'killCursors': {
        const ids = (cmd.cursors ?? []).map(String);
        for (const id of ids) this.cursors.delete(id);
        return { cursorsKilled: cmd.cursors ?? [], cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: [] };
      }
      case 'insert': {
        const n = ns(cmd.insert);
        const c = this.coll(n, true);
        const writeErrors: Doc[] = [];
        let count = 0;
        for (const [i, d] of (cmd.documents ?? []).entries()) {
          const doc = d._id === undefined ? { _id: new ObjectId(), ...d } : d;
          const dup = this.duplicate(n, doc);
          if (dup) {
            writeErrors.push({ index: i, code: 11000, errmsg: dup });
            if (cmd.ordered !== false) break;
            continue;
          }
          c.push(doc);
          count++;
        }
        return writeErrors.length ? { n: count, writeErrors } : { n: count };
      }
      case 'update': {
        const n = ns(cmd.update);
        let matched = 0;
        let modified = 0;
        const upserted: Doc[] = [];
        const writeErrors: Doc[] = [];
        for (const [i, u] of (cmd.updates ?? []).entries()) {
          try {
            const r = this.applyUpdate(n, u.q ?? {}, u.u, { multi: !!u.multi, upsert: !!u.upsert, arrayFilters: u.arrayFilters });
            matched += r.matched;
            modified += r.modified;
            if (r.upsertedId !== undefined) upserted.push({ index: i, _id: r.upsertedId });
          } catch (e) {
            if (!(e instanceof CommandError)) throw e;
            writeErrors.push({ index: i, code: e.code, errmsg: e.message });
            if (cmd.ordered !== false) break;
          }
        }
        const out: Doc = { n: matched + upserted.length, nModified: modified };
        if (upserted.length) out.upserted = upserted;
        if (writeErrors.length) out.writeErrors = writeErrors;
        return out;
      }
      case 'delete': {
        const n = ns(cmd.delete);
        let removed = 0;
        for (const d of cmd.deletes ?? []) {
          const c = this.coll(n);
          const q = new Query(d.q ?? {});
          const limit = num(d.limit ?? 0);
          for (let i = 0; i < c.length;) {
            if (q.test(c[i]!) && (!limit || removed < limit)) {
              c.splice(i, 1);
              removed++;
              if (limit) break;
            } else i++;
          }
        }
        return { n: removed };
      }
      case 'findAndModify':
      case 'findandmodify': {
        const n = ns(cmd[name]);
        const c = this.coll(n);
        let matches = new Query(cmd.query ?? {}).find(c);
        if (cmd.sort && Object.keys(cmd.sort).length) matches = matches.sort(cmd.sort);
        const target = matches.all()[0] as Doc | undefined;
        const shape = (d: Doc | undefined): Doc | null => (d ? (new Query({}).find([clone(d)], projection(cmd.fields)).all()[0] ?? null) : null);
        if (cmd.remove) {
          if (target) c.splice(c.indexOf(target), 1);
          return { lastErrorObject: { n: target ? 1 : 0 }, value: shape(target) };
        }
        const before = target ? clone(target) : undefined;
        const r = this.applyUpdate(n, target ? { _id: target._id } : (cmd.query ?? {}), cmd.update, { multi: false, upsert: !!cmd.upsert && !target });
        const after = this.coll(n).find((d) => equal(d._id, target ? target._id : r.upsertedId));
        const leo: Doc = { n: target || r.upsertedId !== undefined ? 1 : 0, updatedExisting: !!target };
        if (r.upsertedId !== undefined) leo.upserted = r.upsertedId;
        return { lastErrorObject: leo, value: cmd.new ? shape(after) : shape(before) };
      }
      case 'aggregate': {
        const n = ns(cmd.aggregate);
        const pipeline: Doc[] = cmd.pipeline ?? [];
        const docs = new Aggregator(pipeline, { collectionResolver: (c: string) => this.coll(ns(c)) }).run(this.coll(n).map(clone)) as Doc[];
        return this.cursor(n, docs, cmd.cursor?.batchSize, false);
      }
      case 'count': {
        const n = ns(cmd.count);
        let docs = new Query(cmd.query ?? {}).find(this.coll(n)).all();
        if (cmd.skip) docs = docs.slice(num(cmd.skip));
        if (cmd.limit) docs = docs.slice(0, Math.abs(num(cmd.limit)));
        return { n: docs.length };
      }
      case 'distinct': {
        const n = ns(cmd.distinct);
        const values: unknown[] = [];
        for (const d of new Query(cmd.query ?? {}).find(this.coll(n)).all()) {
          const v = String(cmd.key)
            .split('.')
            .reduce<any>((o, k) => (o == null ? undefined : o[k]), d);
          for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && !values.some((y) => equal(x, y))) values.push(x);
        }
        return { values };
      }
      case 'create': {
        const n = ns(cmd.create);
        if (this.collections.has(n)) throw new CommandError(48, 'NamespaceExists', `Collection ${n} already exists.`);
        this.coll(n, true);
        return {};
      }
      case 'drop': {
        const n = ns(cmd.drop);
        if (!this.collections.has(n)) throw new CommandError(26, 'NamespaceNotFound', 'ns not found');
        this.collections.delete(n);
        this.indexes.delete(n);
        return { ns: n, nIndexesWas: 1 };
      }
      case 'createIndexes': {
        const n = ns(cmd.createIndexes);
        const existed = this.collections.has(n);
        this.coll(n, true);
        const list = this.indexes.get(n)!;
        const before = list.length;
        for (const ix of cmd.indexes ?? []) {
          if (!list.some((x) => x.name === ix.name)) list.push({ key: ix.key, name: ix.name, ...(ix.unique ? { unique: true } : {}) });
        }
        return { createdCollectionAutomatically: !existed, numIndexesBefore: before, numIndexesAfter: list.length };
      }
      case 'listIndexes': {
        const n = ns(cmd.listIndexes);
        if (!this.collections.has(n)) throw new CommandError(26, 'NamespaceNotFound', `ns does not exist: ${n}`);
        return this.cursor(
          n,
          this.indexes.get(n)!.map((ix) => ({ v: 2, ...ix })),
          cmd.cursor?.batchSize,
          false,
        );
      }
      case 'dropIndexes': {
        const n = ns(cmd.dropIndexes);
        const list = this.indexes.get(n);
        if (!list) throw new CommandError(26, 'NamespaceNotFound', `ns not found ${n}`);
        const which = cmd.index;
        if (which === '*') list.splice(1);
        else {
          const i = list.findIndex((x) => (typeof which === 'string' ? x.name === which : equal(x.key, which)));
          if (i <= 0) throw new CommandError(27, 'IndexNotFound', `index not found with name [${JSON.stringify(which)}]`);
          list.splice(i, 1);
        }
        return { nIndexesWas: list.length + 1 };
      }
      case 'listCollections': {
        const all = [...this.collections.keys()].filter((k) => k.startsWith(`${db}.`)).map((k) => ({ name: k.slice(db.length + 1), type: 'collection', options: {}, info: { readOnly: false } }));
        const docs = new Query(cmd.filter ?? {}).find(all).all() as Doc[];
        return this.cursor(`${db}.$cmd.listCollections`, docs, cmd.cursor?.batchSize, false);
      }
      case 'explain':
        // a fixed plan: enough for code that reads queryPlanner.winningPlan; the verbosity is recorded
        return { queryPlanner: { namespace: ns(Object.values(cmd.explain ?? {})[0]), winningPlan: { stage: 'COLLSCAN' } }, serverInfo: { version: '6.0.0' } };
      case 'listDatabases': {
        const names = [...new Set([...this.collections.keys()].map((k) => k.split('.')[0]!))].sort();
        return { databases: names.map((name) => ({ name, sizeOnDisk: 0, empty: false })), totalSize: 0 };
      }
      case 'renameCollection': {
        const from = String(cmd.renameCollection);
        const to = String(cmd.to);
        if (!this.collections.has(from)) throw new CommandError(26, 'NamespaceNotFound', 'source namespace does not exist');
        this.collections.set(to, this.collections.get(from)!);
        this.indexes.set(to, this.indexes.get(from)!);
        this.collections.delete(from);
        this.indexes.delete(from);
        return {};
      }
      default:
        throw new CommandError(59, 'CommandNotFound', `no such command: '${name}' (the wire double does not implement it)`);
    }
  }

  private cursor(n: string, docs: Doc[], batchSize: unknown, single: boolean): Doc {
    const size = batchSize !== undefined ? num(batchSize) : 101;
    const first = docs.slice(0, size);
    const rest = docs.slice(size);
    let id = '0';
    if (rest.length && !single) {
      id = String(this.nextCursor++);
      this.cursors.set(id, { ns: n, docs: rest });
    }
    return { cursor: { id: Long.fromString(id), ns: n, firstBatch: first } };
  }

  private duplicate(n: string, doc: Doc, except?: Doc): string | undefined {
    for (const ix of this.indexes.get(n) ?? []) {
      if (ix.name !== '_id_' && !ix.unique) continue;
      const keys = Object.keys(ix.key);
      const val = (d: Doc) => keys.map((k) => k.split('.').reduce<any>((o, p) => (o == null ? undefined : o[p]), d));
      const mine = val(doc);
      if (this.coll(n).some((d) => d !== except && equal(val(d), mine))) {
        return `E11000 duplicate key error collection: ${n} index: ${ix.name} dup key: ${JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, mine[i]])))}`;
      }
    }
    return undefined;
  }

  private applyUpdate(n: string, q: Doc, u: Doc | Doc[], o: { multi: boolean; upsert: boolean; arrayFilters?: Doc[] }): { matched: number; modified: number; upsertedId?: unknown } {
    const c = this.coll(n, o.upsert);
    const query = new Query(q);
    const isOps = Array.isArray(u) || Object.keys(u).some((k) => k.startsWith('$'));
    let matched = 0;
    let modified = 0;
    for (let i = 0; i < c.length; i++) {
      const d = c[i]!;
      if (!query.test(d)) continue;
      matched++;
      const before = Buffer.from(BSON.serialize(d));
      let next: Doc;
      if (isOps) {
        next = clone(d);
        const ops = Array.isArray(u) ? u : { ...u };
        if (!Array.isArray(ops)) delete ops.$setOnInsert;
        if (Array.isArray(ops)) next = (new Aggregator(ops).run([next]) as Doc[])[0]!;
        else if (Object.keys(ops).length) mingoUpdate(next, ops, o.arrayFilters);
      } else {
        next = { _id: d._id, ...u };
      }
      if (!equal(next._id, d._id)) throw new CommandError(66, 'ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
      const dup = this.duplicate(n, next, d);
      if (dup) throw new CommandError(11000, 'DuplicateKey', dup);
      c[i] = next;
      if (!Buffer.from(BSON.serialize(next)).equals(before)) modified++;
      if (!o.multi) break;
    }
    if (matched || !o.upsert) return { matched, modified };
    // upsert: the equality parts of the filter, then the update (with $setOnInsert) or the replacement
    const base: Doc = {};
    for (const [k, v] of Object.entries(q)) {
      if (k.startsWith('$')) continue;
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
        if ('$eq' in v) base[k] = v.$eq;
        continue;
      }
      base[k] = v;
    }
    let doc: Doc;
    if (isOps && !Array.isArray(u)) {
      doc = clone(base);
      const ops: Doc = { ...u };
      if (ops.$setOnInsert) ops.$set = { ...(ops.$set ?? {}), ...ops.$setOnInsert };
      delete ops.$setOnInsert;
      if (Object.keys(ops).length) mingoUpdate(doc, ops, o.arrayFilters);
    } else if (Array.isArray(u)) {
      doc = (new Aggregator(u).run([clone(base)]) as Doc[])[0]!;
    } else {
      doc = { ...(base._id !== undefined ? { _id: base._id } : {}), ...u };
    }
    if (doc._id === undefined) doc = { _id: new ObjectId(), ...doc };
    const dup = this.duplicate(n, doc);
    if (dup) throw new CommandError(11000, 'DuplicateKey', dup);
    c.push(doc);
    return { matched: 0, modified: 0, upsertedId: doc._id };
  }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v));
}

function projection(p: Doc | undefined): Doc | undefined {
  return p && Object.keys(p).length ? p : undefined;
}

export function clone<T>(d: T): T {
  return BSON.deserialize(BSON.serialize({ v: d }), { promoteLongs: false }).v as T;
}

function equal(a: unknown, b: unknown): boolean {
  return Buffer.from(BSON.serialize({ v: a })).equals(BSON.serialize({ v: b }));
}
