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

export function engineFor(file: string): Engine | undefined {
  const ext = path.extname(file).toLowerCase();
  return ENGINES.find((e) => e.extensions.includes(ext));
}

export function presetNames(): string[] {
  return ['auto', ...ENGINES.flatMap((e) => e.presets.map((p) => p.name))];
}
