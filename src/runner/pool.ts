/**
 * The worker pool: when a run hands its candidates to worker threads (poolThreshold), how tasks are batched to
 * them, the in-thread fallback that still lets signals through, and the retry of files nested too deeply for the
 * usual stack.
 */
import { fileURLToPath } from 'node:url';
import type Tinypool from 'tinypool';
import { importExternal } from './external.js';
import type { Outcome, ProcessOptions } from './process.js';
import { phase } from '../core/debug.js';
import { relativePath } from './paths.js';
import type { Batch, Settled, Task } from './worker.js';

/**
 * From how many candidates a pool of `threads` workers processes them; below, this thread does (no pool at all with
 * one thread). Measured on 2 cores (interleaved, Motor-style files of ~30 lines): one thread beat two workers at
 * 400 (1.59 s against 1.89 s), 2,000 (4.2 s / 4.4 s) and 4,000 candidates (5.1 s / 5.3 s), and lost at 8,000
 * (9.1 s / 8.4 s). Each worker compiles and warms up Babel for itself, and one thread leaves the second core to
 * V8's background compiler and collector. With 3 threads and more each worker's share shrinks: there the pool
 * starts at 400, a threshold that could not be measured on this 2-core machine.
 */
export function poolThreshold(threads: number): number {
  return threads <= 2 ? 5_000 : 400;
}

const STACK_OVERFLOW = /Maximum call stack size exceeded/;
/** The stack of the thread that processes files nested too deeply for the usual one (main thread ~1 MB, pool workers 4 MB). */
export const DEEP_STACK_MB = 256;

/**
 * Files whose processing overflowed the stack (deeply nested code: in the main thread or a pool worker, whose stacks
 * differ) are processed again, one at a time, in a worker with a DEEP_STACK_MB stack: the same input gives the same
 * report whatever the thread count. What still overflows there is reported with a clear reason.
 */
export async function retryDeep(
  outcomes: Map<string, Outcome>,
  candidates: Map<string, Buffer>,
  cwd: string,
  options: ProcessOptions,
  settle: (abs: string, o: Outcome) => void,
  failed: (abs: string, err: Error) => Outcome,
): Promise<void> {
  const deep = [...outcomes].filter(([abs, o]) => o.report.status === 'error' && STACK_OVERFLOW.test(o.report.reason ?? '') && candidates.has(abs)).map(([abs]) => abs);
  if (!deep.length) return;
  phase(`${deep.length} files nested too deeply for this thread: a worker with a ${DEEP_STACK_MB} MB stack`);
  const { default: Pool } = await importExternal<{ default: typeof Tinypool }>('tinypool');
  const pool = new Pool({ filename: fileURLToPath(new URL('./worker.js', import.meta.url)), minThreads: 1, maxThreads: 1, resourceLimits: { stackSizeMb: DEEP_STACK_MB } });
  try {
    for (const abs of deep) {
      try {
        settle(abs, (await pool.run({ abs, rel: relativePath(cwd, abs), buf: candidates.get(abs)!, options } satisfies Task)) as Outcome);
      } catch (err) {
        settle(abs, failed(abs, err as Error));
      }
    }
  } finally {
    await pool.destroy();
  }
  for (const abs of deep) {
    const o = outcomes.get(abs)!;
    if (o.report.status === 'error' && STACK_OVERFLOW.test(o.report.reason ?? '')) {
      o.report.reason = `nested too deeply to analyse (it overflows a ${DEEP_STACK_MB} MB stack): left unchanged, migrate it by hand`;
    }
  }
}

/** Files processed in this thread between two turns of the event loop (signals, progress, output get their turn). */
export const YIELD_EVERY = 8;
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Tasks run in this thread one after the other, the event loop turning every YIELD_EVERY of them: otherwise a whole
 * round runs in one go, and SIGINT / SIGTERM would only be seen at the end of the run.
 */
export function serially(run: Submit): Submit {
  let chain: Promise<unknown> = Promise.resolve();
  let n = 0;
  return (task) => {
    const next = chain.then(() => (++n % YIELD_EVERY === 0 ? turn() : undefined)).then(() => run(task));
    chain = next.catch(() => undefined);
    return next;
  };
}

/** Runs a task in a pool worker, or in this thread (the worker's own function). */
export type Submit = (task: Task) => Promise<unknown>;

/** Batches per pool thread when a tick submits many tasks, and the most files in one batch. */
const BATCHES_PER_THREAD = 8;
const MAX_BATCH = 32;

/**
 * Hands tasks to the pool in batches. tinypool's cost per task (a message each way, a heap measurement in the
 * worker, a wait for the next task) was about a third of a worker's time on small files: measured on 2 cores, 2,000
 * files ran slower in two workers than in one thread. The tasks submitted in one tick are grouped, in order, into
 * about BATCHES_PER_THREAD batches per thread (at most MAX_BATCH files each, so that the threads stay evenly busy);
 * each task still settles on its own, with its own outcome or error.
 */
export function batching(run: (batch: Batch) => Promise<Settled[]>, threads: number): Submit {
  let queue: { task: Task; resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  const flush = () => {
    const items = queue;
    queue = [];
    const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(items.length / (threads * BATCHES_PER_THREAD))));
    for (let i = 0; i < items.length; i += size) {
      const group = items.slice(i, i + size);
      run({ batch: group.map((x) => x.task) }).then(
        (settled) =>
          group.forEach((x, j) => {
            const s = settled[j];
            if (s && 'ok' in s) x.resolve(s.ok);
            else x.reject(new Error(s ? s.error : 'the worker returned no result'));
          }),
        (err: Error) => group.forEach((x) => x.reject(err)),
      );
    }
  };
  return (task) =>
    new Promise((resolve, reject) => {
      if (!queue.length) queueMicrotask(flush);
      queue.push({ task, resolve, reject });
    });
}
