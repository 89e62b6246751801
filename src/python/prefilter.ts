/** The Python prefilter (no parser loaded here). */
import type { EngineOptions } from '../core/types.js';
import type { InjectedHandles } from './tracker.js';

export const PYTHON_EXTENSIONS = ['.py', '.pyi'] as const;

/**
 * Text a Motor (or, for check, a PyMongo async) project may need looked at even when it never says "motor":
 * cursor-returning calls now coroutines, close(), io_loop=, PyMongo's async names.
 */
export const PROJECT_CANDIDATE =
  /\.(aggregate|aggregate_raw_batches|list_indexes|list_search_indexes|close|get_io_loop|get_motor_collection)\s*\(|\bio_loop\s*=|\bAsyncMongoClient\b|\bpymongo\.asynchronous\b|\bAsync(Database|Collection|GridFSBucket)\b/;

/** Byte needles for the runner's scan (a superset of what prefilterPython accepts; case-insensitive motor via 'otor'). */
export const PYTHON_NEEDLES = [
  'otor',
  'OTOR',
  'aggregate',
  'list_indexes',
  'list_search_indexes',
  'close',
  'io_loop',
  'AsyncMongoClient',
  'pymongo',
  'AsyncDatabase',
  'AsyncCollection',
  'AsyncGridFSBucket',
] as const;

/**
 * Cheap test: every file the engine changes or flags mentions motor (any case: AsyncIOMotor*, mongomock_motor, ...),
 * or, when cross-module handles are injected, names one of them.
 */
export function prefilterPython(text: string, options?: EngineOptions): boolean {
  if (/motor/i.test(text)) return true;
  // Motor shapes on receivers from other modules, and (check) code already moved to PyMongo's async API: the engine
  // then asks the project's dependency files (see project.ts) before parsing.
  if (PROJECT_CANDIDATE.test(text)) return true;
  const injected = injectedHandles(options);
  for (const key of Object.keys(injected)) {
    const name = key.split(/[.:]/).pop();
    if (name && text.includes(name)) return true;
  }
  return false;
}

export function injectedHandles(options: EngineOptions | undefined): InjectedHandles {
  const raw = (options as unknown as { pythonImportedHandles?: unknown } | undefined)?.pythonImportedHandles;
  if (!raw || typeof raw !== 'object') return {};
  const out: InjectedHandles = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Files the runner's cross-file pass indexes: Motor code, and (check) code the run moved to PyMongo's async API. */
export function pythonIndexCandidate(text: string, options: EngineOptions): boolean {
  return /motor/i.test(text) || (options.mode === 'check' && MIGRATED_CODE.test(text));
}

/** Code on PyMongo's async API (check re-reports what still breaks there). */
export const MIGRATED_CODE = /\bAsyncMongoClient\b|\bpymongo\.asynchronous\b|\bAsync(Database|Collection|GridFSBucket|Cursor|CommandCursor|ClientSession)\b/;
