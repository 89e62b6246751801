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

/** Several tasks in one message (the runner batches what it hands to the pool); each settles on its own. */
export interface Batch {
  batch: Task[];
}

/** A batched task's result: its outcome, or the message of the error it threw. */
export type Settled = { ok: Outcome | Speculation } | { error: string };

export default async function run(task: Task): Promise<Outcome | Speculation>;
export default async function run(task: Batch): Promise<Settled[]>;
export default async function run(task: Task | Batch): Promise<Outcome | Speculation | Settled[]> {
  if (!('batch' in task)) return runOne(task);
  const settled: Settled[] = [];
  for (const one of task.batch) {
    try {
      settled.push({ ok: await runOne(one) });
    } catch (err) {
      settled.push({ error: (err as Error).message });
    }
  }
  return settled;
}

async function runOne(task: Task): Promise<Outcome | Speculation> {
  if (task.speculate) return indexAndProcess(task.abs, task.rel, task.buf, task.options, task.speculate.index);
  const outcome = await processCandidate(task.abs, task.rel, task.buf, task.options);
  delete outcome.exports; // only the index reads them
  return outcome;
}
