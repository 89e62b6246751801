/**
 * Canonical forms for the wire oracle: what the caller saw and what reached the server, made comparable across
 * driver majors. Applies only the documented shape changes (shared reference js-wrappers.md §3.2: write results,
 * `ModifyResult.value`, ObjectId class names) and replaces what differs from run to run by nature (ObjectIds the
 * client generated, numbered by first appearance; dates of "now").
 */
import type { Doc, Recorded } from './double.js';

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'create', 'drop', 'createIndexes', 'dropIndexes', 'renameCollection', 'dropDatabase']);

export class Canon {
  private readonly ids = new Map<string, string>();
  constructor(private readonly known: Set<string>) {}

  id(hex: string): string {
    if (this.known.has(hex)) return `oid(${hex})`;
    let p = this.ids.get(hex);
    if (!p) this.ids.set(hex, (p = `oid#${this.ids.size + 1}`));
    return p;
  }

  value(v: any, depth = 0): unknown {
    if (depth > 12) return '<deep>';
    if (v === undefined) return '<undefined>';
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isNaN(v) ? '<NaN>' : v;
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return '<function>';
    if (typeof v === 'symbol') return String(v);
    if (v instanceof Date) {
      // "now" and "now minus N days" differ from run to run by the runs' own timing
      const diff = v.getTime() - Date.now();
      if (Math.abs(diff) < 120_000) return '<now>';
      const days = Math.round(diff / 864e5);
      if (Math.abs(diff - days * 864e5) < 120_000) return `<now${days > 0 ? '+' : ''}${days}d>`;
      return v.toISOString();
    }
    if (v instanceof Error || (typeof v.message === 'string' && typeof v.stack === 'string')) return this.error(v);
    const bt = v._bsontype;
    if (typeof bt === 'string') {
      if (/^ObjectI[dD]$/.test(bt)) return this.id(v.toHexString());
      if (bt === 'Long' || bt === 'Int32' || bt === 'Double') return Number(v.toString());
      return `${bt}(${String(v.toString?.() ?? '')})`;
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    if (Buffer.isBuffer(v)) return `<Buffer ${v.length}>`;
    const ctor = v.constructor?.name;
    const keys = Object.keys(v);
    // documented result-shape changes (driver 2/3 write results vs 4+)
    if ('matchedCount' in v && 'modifiedCount' in v && 'deletedCount' in v) {
      return { bulk: { inserted: v.insertedCount, matched: v.matchedCount, modified: v.modifiedCount, deleted: v.deletedCount, upserted: v.upsertedCount } };
    }
    if ('matchedCount' in v && 'modifiedCount' in v) {
      let up = v.upsertedId;
      if (up && typeof up === 'object' && '_id' in up && 'index' in up) up = up._id; // driver 3: {index, _id}
      return { updateResult: { matched: v.matchedCount, modified: v.modifiedCount, upsertedId: up == null ? null : this.value(up, depth + 1) } };
    }
    if ('deletedCount' in v && ('acknowledged' in v || 'result' in v)) return { deleteResult: v.deletedCount };
    if ('insertedId' in v && ('acknowledged' in v || 'result' in v || 'ops' in v)) return { insertResult: [this.value(v.insertedId, depth + 1)] };
    if ('insertedIds' in v && ('acknowledged' in v || 'result' in v || 'ops' in v)) {
      return { insertResult: Object.values(v.insertedIds).map((x) => this.value(x, depth + 1)) };
    }
    // driver 2/3 `update()`/`remove()` answer a CommandResult: the server reply under `result`
    if (v.result && typeof v.result === 'object' && 'n' in v.result && 'ok' in v.result && !('ops' in v) && !('insertedIds' in v)) {
      const r = v.result;
      if ('nModified' in r) {
        const up = Array.isArray(r.upserted) && r.upserted.length ? this.value(r.upserted[0]._id, depth + 1) : null;
        return { updateResult: { matched: r.n - (up === null ? 0 : 1), modified: r.nModified, upsertedId: up } };
      }
      return { deleteResult: r.n };
    }
    if ('value' in v && keys.every((k) => ['value', 'lastErrorObject', 'ok', '$clusterTime', 'operationTime'].includes(k))) return this.value(v.value, depth + 1);
    if (ctor && ctor !== 'Object' && /Cursor|Stream/.test(ctor)) return '<cursor>';
    // handles compare by kind: the wrapper's Database and the driver's Db are the same thing to a caller
    const HANDLES: Record<string, string> = { MongoClient: 'client', AsyncIOMotorClient: 'client', Db: 'db', Database: 'db', Collection: 'collection', Admin: 'admin', ClientSession: 'session' };
    if (ctor && HANDLES[ctor]) return `<${HANDLES[ctor]}>`;
    if (ctor && ctor !== 'Object' && ctor !== 'Array' && Object.getPrototypeOf(v) !== null) {
      return {
        [`<${ctor}>`]: Object.fromEntries(
          keys
            .filter((k) => !k.startsWith('_'))
            .sort()
            .map((k) => [k, this.value(v[k], depth + 1)]),
        ),
      };
    }
    return Object.fromEntries(keys.map((k) => [k, this.value(v[k], depth + 1)]));
  }

  /** Errors compare by what a handler can branch on: the server code (or network / the JS class) and message. */
  error(e: any): unknown {
    const name = String(e.name ?? e.constructor?.name ?? 'Error');
    if (/Network|Socket|ServerSelection|Timeout/i.test(name) || /ECONNRESET|closed|socket hang up|EPIPE/i.test(String(e.message))) return { error: 'network' };
    if (typeof e.code === 'number') return { error: e.code, message: String(e.errmsg ?? e.message) };
    if (/^Mongo/.test(name)) return { error: 'MongoError', message: String(e.message) };
    return { error: name, message: String(e.message) };
  }
}

/** `{f: {$eq: v}}` is `{f: v}` for a plain value (drivers differ in which they send, e.g. GridFS deletes). */
function filter(q: unknown): unknown {
  if (!q || typeof q !== 'object' || Array.isArray(q)) return q;
  const out: Doc = {};
  for (const [k, v] of Object.entries(q as Doc)) {
    const plain = (x: unknown) => x === null || typeof x !== 'object' || (x as Doc)._bsontype !== undefined || x instanceof Date;
    out[k] = v && typeof v === 'object' && Object.keys(v).length === 1 && '$eq' in v && plain(v.$eq) ? v.$eq : v;
  }
  return out;
}

function pick(o: Doc, keys: string[], defaults: Doc = {}): Doc {
  const out: Doc = {};
  for (const k of keys) {
    let v = o[k] ?? defaults[k];
    if (v === undefined) continue;
    if (k === 'writeConcern') {
      if (typeof v !== 'object' || !Object.keys(v).length) continue;
      // `fsync: true` is the journal acknowledgement on every storage engine a driver 4+ talks to; drivers send it as j
      if (v.fsync !== undefined) {
        v = { ...v, j: v.j ?? v.fsync };
        delete v.fsync;
      }
    }
    if (typeof v === 'object' && v && k === 'limit') v = Number(v);
    if (k === 'q' || k === 'query') v = filter(v);
    if (v === false && (k === 'multi' || k === 'upsert' || k === 'new' || k === 'remove')) continue;
    out[k] = v;
  }
  return out;
}

/** A data-changing command with the options that change its semantics; undefined for reads and handshakes. */
export function canonCommand(r: Recorded, canon: Canon): unknown {
  const name = r.name === 'findandmodify' ? 'findAndModify' : r.name;
  if (!WRITES.has(r.name)) return undefined;
  const c = r.cmd;
  const ns = `${r.db}.${String(c[r.name])}`;
  const wc = { ordered: true };
  let out: Doc;
  switch (name) {
    case 'insert':
      out = { ns, ...pick(c, ['documents', 'ordered', 'writeConcern'], wc) };
      break;
    case 'update':
      out = { ns, ...pick(c, ['ordered', 'writeConcern'], wc), updates: (c.updates ?? []).map((u: Doc) => pick(u, ['q', 'u', 'multi', 'upsert', 'arrayFilters', 'collation', 'hint'])) };
      break;
    case 'delete':
      out = { ns, ...pick(c, ['ordered', 'writeConcern'], wc), deletes: (c.deletes ?? []).map((d: Doc) => pick(d, ['q', 'limit', 'collation', 'hint'])) };
      break;
    case 'findAndModify':
      out = { ns, ...pick(c, ['query', 'sort', 'update', 'remove', 'new', 'upsert', 'fields', 'arrayFilters', 'writeConcern']) };
      break;
    case 'createIndexes':
      out = { ns, indexes: (c.indexes ?? []).map((i: Doc) => pick(i, ['key', 'name', 'unique', 'sparse', 'expireAfterSeconds', 'partialFilterExpression'])) };
      break;
    default:
      out = { ns: name === 'renameCollection' ? String(c.renameCollection) : ns, ...pick(c, ['to', 'index', 'dropTarget', 'writeConcern']) };
  }
  // `ordered` only says whether to go on after a failed item: with one item it changes nothing
  const items = out.documents ?? out.updates ?? out.deletes;
  if (Array.isArray(items) && items.length === 1) delete out.ordered;
  return { [name]: canon.value(out) };
}
