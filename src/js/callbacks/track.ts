/**
 * Extra provenance for callback code, computed from the Tracker's public API: the result parameter of a callback
 * passed to a handle-returning call is a handle (`MongoClient.connect(url, (err, client) => ...)`,
 * `db.collection('x', (err, coll) => ...)`, `coll.find(q, (err, cursor) => ...)`). A v2-style connect callback
 * whose parameter is used as a Db (`.collection(...)` and never `.db(...)`) gets a Db.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Tracker } from '../../tracking/tracker.js';
import { memberName } from '../../tracking/tracker.js';
import type { HandleKind } from '../../presets/kinds.js';
import { driverCall, isInlineFn, paramName } from './calls.js';

const DB_ONLY = new Set([
  'collection',
  'createCollection',
  'dropDatabase',
  'listCollections',
  'collections',
  'dropCollection',
  'renameCollection',
  'ensureIndex',
  'eval',
  'addUser',
  'authenticate',
  'stats',
]);

/** How a connect-callback parameter is used: as a Db (v2), as a client, both, or neither. */
export function connectParamUse(binding: Binding): 'db' | 'client' | 'both' | 'none' {
  let db = false;
  let client = false;
  for (const r of binding.referencePaths) {
    const parent = r.parentPath;
    if (!parent?.isMemberExpression() || parent.node.object !== r.node) continue;
    const name = memberName(parent.node);
    if (!name) continue;
    if (DB_ONLY.has(name)) db = true;
    if (name === 'db' || name === 'startSession' || name === 'withSession') client = true;
  }
  return db && client ? 'both' : db ? 'db' : client ? 'client' : 'none';
}

/** Seed callback result parameters as handles until nothing changes; returns the v2 connect parameters found. */
export function seedCallbackHandles(tracker: Tracker, era?: number): Set<Binding> {
  const v2 = new Set<Binding>();
  for (let pass = 0; pass < 6; pass++) {
    let changed = false;
    for (const call of tracker.collected.calls) {
      const dc = driverCall(tracker, call as NodePath<t.CallExpression>, era);
      if (!dc?.cb || !dc.meta?.returns || !isInlineFn(dc.cb)) continue;
      const name = paramName(dc.cb, 1);
      if (!name) continue;
      const binding = dc.cb.scope.getOwnBinding(name);
      if (!binding) continue;
      let kind: HandleKind = dc.meta.returns;
      if (dc.kind === 'static' && connectParamUse(binding) === 'db') {
        kind = 'db';
        v2.add(binding);
      }
      if (tracker.seedBinding(binding, { t: 'handle', kind, origin: 'native' })) changed = true;
    }
    if (!changed) break;
    tracker.resolve();
  }
  return v2;
}
