/**
 * Pool worker (tinypool): processes one candidate file and returns its outcome; writing stays in the main thread.
 * `warm` loads the JS/TS engine ahead of the first file (while the main thread still reads the tree); `speculate`
 * indexes and processes a file in one go (see the runner's jsSpeculative).
 */
import type { EngineOptions } from '../core/types.js';
import { indexAndProcess, processCandidate, type Outcome, type Speculation } from './process.js';

export interface Task {
  abs: string;
  rel: string;
  buf: Uint8Array;
  options: EngineOptions;
  speculate?: boolean;
}

export default async function run(task: Task | { warm: true }): Promise<Outcome | Speculation | null> {
  if ('warm' in task) {
    await import('../js/engine.js');
    return null;
  }
  if (task.speculate) return indexAndProcess(task.abs, task.rel, task.buf, task.options);
  return processCandidate(task.abs, task.rel, task.buf, task.options);
}
