/**
 * Loads the CLI bundle (dist/bundle/mongo-codemod.cjs: one CommonJS script, built by scripts/build.mjs) with V8's
 * code cache. The build runs the CLI once over the example app and the fixtures and saves the bytecode V8 compiled
 * for it; later runs hand that cache to V8 instead of compiling Babel and the engines again (about 10% of a run on
 * the benchmark). Node 20 has no compile cache of its own for modules (module.enableCompileCache is Node 22), so
 * the bundle is a script run through `vm.Script`, which takes `cachedData`.
 *
 * Safety: the cache file is named after the V8 version that made it, starts with the SHA-1 of the bundle it was
 * made from, and is only offered when both match; V8 checks its own flags and version again and rejects a cache
 * that does not fit, in which case the bundle compiles as usual. Nothing is ever written at run time.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type * as bundleEntry from './bundle.js';

/** What the bundle exports: src/bundle.ts (the CLI's main, the pool worker's task). */
export type BundleExports = typeof bundleEntry;

/** How a load went (MONGO_CODEMOD_DEBUG prints it): the cache was used, offered and rejected by V8, or there was none for this bundle and V8. */
type CacheState = 'used' | 'rejected' | 'none';

interface Loaded {
  exports: BundleExports;
  script: vm.Script;
  digest: Buffer;
}

const DIGEST_BYTES = 20;
const loaded = new Map<string, Loaded>();

/** The cache of a bundle for the V8 that runs this process. */
export function codeCacheFile(bundle: string): string {
  return `${bundle.replace(/\.cjs$/, '')}.v8-${process.versions.v8}.cache`;
}

/** The cached data for this exact bundle, or undefined. */
function readCache(bundle: string, digest: Buffer): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = fs.readFileSync(codeCacheFile(bundle));
  } catch {
    return undefined;
  }
  return cache.length > DIGEST_BYTES && digest.equals(cache.subarray(0, DIGEST_BYTES)) ? cache.subarray(DIGEST_BYTES) : undefined;
}

function load(bundle: string): Loaded {
  const hit = loaded.get(bundle);
  if (hit) return hit;
  const bytes = fs.readFileSync(bundle);
  const digest = createHash('sha1').update(bytes).digest();
  const cachedData = readCache(bundle, digest);
  // The CommonJS wrapper, on the bundle's first line so that its line numbers stay those of the file; the last
  // parameter gives the script the import() it cannot have (src/runner/external.ts).
  const source = `(function (exports, require, module, __filename, __dirname, __mongoCodemodImport) {${bytes.toString('utf8')}\n})`;
  const script = new vm.Script(source, { filename: bundle, cachedData });
  const state: CacheState = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  if (process.env.MONGO_CODEMOD_DEBUG) process.stderr.write(`[mongo-codemod] code cache: ${state}: ${performance.now().toFixed(0)} ms\n`);
  const module = { exports: {} as BundleExports };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), (id: string) => import(id));
  const entry: Loaded = { exports: module.exports, script, digest };
  loaded.set(bundle, entry);
  return entry;
}

/** The bundle's exports (main, runTask); loaded once per thread. */
export function loadBundle(bundle: string): BundleExports {
  return load(bundle).exports;
}

/**
 * Saves the code V8 has compiled so far for the loaded bundle (the build calls this after a training run), written
 * atomically next to the bundle. Returns the file written.
 */
export function saveCodeCache(bundle: string): string {
  const { script, digest } = load(bundle);
  const file = codeCacheFile(bundle);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
  fs.renameSync(tmp, file);
  return file;
}
