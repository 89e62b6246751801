/** Pool worker (tinypool): processes one candidate file and returns its outcome; writing stays in the main thread. */
import type { EngineOptions } from '../core/types.js';
import { processCandidate, type Outcome } from './process.js';

export interface Task {
  abs: string;
  rel: string;
  buf: Uint8Array;
  options: EngineOptions;
}

export default function run(task: Task): Promise<Outcome> {
  return processCandidate(task.abs, task.rel, task.buf, task.options);
}
