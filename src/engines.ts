/** The engines the runner dispatches to, by file extension. */
import path from 'node:path';
import type { Engine } from './core/types.js';
import { jsEngine } from './js/engine.js';

export const ENGINES: Engine[] = [jsEngine];

export function engineFor(file: string): Engine | undefined {
  const ext = path.extname(file).toLowerCase();
  return ENGINES.find((e) => e.extensions.includes(ext));
}

export function presetNames(): string[] {
  return ['auto', ...ENGINES.flatMap((e) => e.presets.map((p) => p.name))];
}
