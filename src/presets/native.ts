/**
 * The `native` vocabulary: how handles are obtained with the official `mongodb` driver. Used to keep tracking
 * code that is already on `mongodb` (after a run, or written natively), so `check` still sees a legacy method
 * such as `toList()` called on a native cursor, and a second run stays a no-op.
 */
import type { PresetInfo } from '../core/types.js';
import type { HandleKind } from './kinds.js';
import { NATIVE_MODULE } from './motor.js';
import type { MethodRule } from './motor.js';

export const NATIVE_METHODS: Partial<Record<HandleKind, Record<string, MethodRule>>> = {
  client: {
    db: { returns: 'db', verdict: 'AUTO' },
    startSession: { returns: 'session', verdict: 'AUTO' },
    watch: { returns: 'changeStream', verdict: 'AUTO' },
    connect: { returns: 'client', async: true, verdict: 'AUTO' },
  },
  db: {
    collection: { returns: 'collection', verdict: 'AUTO' },
    aggregate: { returns: 'commandCursor', verdict: 'AUTO' },
    watch: { returns: 'changeStream', verdict: 'AUTO' },
    createCollection: { returns: 'collection', async: true, verdict: 'AUTO' },
  },
  collection: {
    find: { returns: 'cursor', verdict: 'AUTO' },
    aggregate: { returns: 'commandCursor', verdict: 'AUTO' },
    watch: { returns: 'changeStream', verdict: 'AUTO' },
  },
};

/** Static factories on native classes: `MongoClient.connect(uri)` resolves to a client. */
export const NATIVE_STATICS: Record<string, Record<string, { returns: HandleKind; async: boolean }>> = {
  MongoClient: { connect: { returns: 'client', async: true } },
};

export const NATIVE_PRESET: PresetInfo = {
  name: 'native',
  language: 'js',
  description: 'Code already on `mongodb`: reports legacy methods (toList, each, ...) still called on native handles.',
  modules: [NATIVE_MODULE],
};
