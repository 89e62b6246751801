/**
 * The committed native surface (src/generated/, made by `npm run generate`) must match the installed `mongodb`
 * package exactly: no hand-typed list to drift, and a driver upgrade without regenerating fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { MEMBERS, EXPORTS, CLIENT_OPTIONS, MONGODB_VERSION } from '../src/generated/native-surface.js';
import { nativeHas, nativeAcceptsClientOption } from '../src/presets/native-surface.js';

const require = createRequire(import.meta.url);

test('generated surface matches the installed driver', () => {
  const mongodb = require('mongodb') as Record<string, { prototype: object }>;
  assert.equal(MONGODB_VERSION, (require('mongodb/package.json') as { version: string }).version);
  const classes: Record<string, string> = {
    client: 'MongoClient',
    db: 'Db',
    collection: 'Collection',
    cursor: 'FindCursor',
    commandCursor: 'AggregationCursor',
    session: 'ClientSession',
    changeStream: 'ChangeStream',
    bucket: 'GridFSBucket',
  };
  for (const [kind, name] of Object.entries(classes)) {
    const names = new Set<string>();
    for (let p: object | null = mongodb[name]!.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) for (const k of Object.getOwnPropertyNames(p)) names.add(k);
    names.delete('constructor');
    assert.deepEqual(MEMBERS[kind], [...names].sort(), kind);
  }
  assert.deepEqual(EXPORTS, Object.keys(mongodb).sort());
  assert.deepEqual(CLIENT_OPTIONS, Object.keys((require('mongodb/lib/connection_string.js') as { OPTIONS: object }).OPTIONS).sort());
});

test('surface lookups', () => {
  assert.equal(nativeHas('cursor', 'toArray'), true);
  assert.equal(nativeHas('cursor', 'toList'), false);
  assert.equal(nativeHas('commandCursor', 'next'), true);
  assert.equal(nativeHas('client', 'startSession'), true);
  assert.equal(nativeHas('db', 'listCollectionNames'), false);
  assert.equal(nativeAcceptsClientOption('maxPoolSize'), true);
  assert.equal(nativeAcceptsClientOption('MAXPOOLSIZE'), true);
  assert.equal(nativeAcceptsClientOption('useUnifiedTopology'), false);
  assert.equal(nativeAcceptsClientOption('ioLoop'), false);
});
