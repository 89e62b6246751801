/**
 * Pool worker (tinypool): processes one candidate file and returns its outcome; writing stays in the main thread.
 * `speculate` indexes and processes a file in one go (see the runner's jsSpeculative). The runner calls the same
 * function in its own thread when it runs without a pool.
 */
import type { EngineOptions } from '../core/types.js';
import { indexAndProcess, processCandidate, type Outcome, type Speculation } from './process.js';

export interface Task {
  abs: string;
  rel: string;
  buf: Uint8Array;
  options: EngineOptions;
  /** Index and process in one go; `index`: the file passes the cross-file index's prefilter (its exports are wanted). */
  speculate?: { index: boolean };
}

export default async function run(task: Task): Promise<Outcome | Speculation> {
  if (task.speculate) return indexAndProcess(task.abs, task.rel, task.buf, task.options, task.speculate.index);
  const outcome = await processCandidate(task.abs, task.rel, task.buf, task.options);
  delete outcome.exports; // only the index reads them
  return outcome;
}
