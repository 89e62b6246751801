/** The Python prefilter (no parser loaded here). */
import type { EngineOptions } from '../core/types.js';
import type { InjectedHandles } from './tracker.js';

export const PYTHON_EXTENSIONS = ['.py', '.pyi'] as const;

/**
 * Cheap test: every file the engine changes or flags mentions motor (any case: AsyncIOMotor*, mongomock_motor, ...),
 * or, when cross-module handles are injected, names one of them.
 */
export function prefilterPython(text: string, options?: EngineOptions): boolean {
  if (/motor/i.test(text)) return true;
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

