/** The engines the runner dispatches to, by file extension. */
import path from 'node:path';
import type { Engine } from './core/types.js';
import { jsEngine } from './js/index.js';
import { pythonEngine } from './python/index.js';

export const ENGINES: Engine[] = [jsEngine, pythonEngine];

/** Does this engine run under the chosen preset (`auto` runs every engine, each deciding per file)? */
export function engineRuns(engine: Engine, preset: string): boolean {
  return preset === 'auto' || engine.presets.some((p) => p.name === preset);
}

const BY_EXTENSION = new Map(ENGINES.flatMap((e) => e.extensions.map((ext) => [ext, e] as const)));

/** The engine of a file, by its extension (path.extname's answer, without its cost: it runs on every file listed). */
export function engineFor(file: string): Engine | undefined {
  const dot = file.lastIndexOf('.');
  const base = Math.max(file.lastIndexOf('/'), file.lastIndexOf(path.sep)) + 1;
  if (dot <= base) return undefined; // no dot in the name, or only a leading one (`.eslintrc`)
  return BY_EXTENSION.get(file.slice(dot).toLowerCase());
}

export function presetNames(): string[] {
  return ['auto', ...ENGINES.flatMap((e) => e.presets.map((p) => p.name))];
}
