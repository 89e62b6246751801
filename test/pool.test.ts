/**
 * The runner's batches for the worker pool (src/runner/run.ts `batching`, src/runner/worker.ts): the tasks of one
 * tick travel in order, in batches sized to the threads, and each task settles on its own, with its own outcome or
 * its own error, as it would one by one. (That the pool gives the same result as one thread is checked end to end
 * in cli.test.ts and crossfile.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { batching } from '../src/runner/run.js';
import runTask, { type Batch, type Settled, type Task } from '../src/runner/worker.js';
import type { EngineOptions } from '../src/core/types.js';
import type { Outcome } from '../src/runner/process.js';
import { SERVICE } from './helpers/sample-project.js';

const OPTIONS: EngineOptions = { mode: 'run', preset: 'auto', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: os.tmpdir() };
const task = (rel: string): Task => ({ abs: path.join(os.tmpdir(), rel), rel, buf: Buffer.from(SERVICE), options: OPTIONS });

test('batching: one tick of tasks goes in order, in batches sized to the threads, and each task settles alone', async () => {
  const batches: string[][] = [];
  const submit = batching(async (b: Batch): Promise<Settled[]> => {
    batches.push(b.batch.map((t) => t.rel));
    return b.batch.map((t) => (t.rel.startsWith('bad') ? { error: `no ${t.rel}` } : { ok: { rel: t.rel } as unknown as Outcome }));
  }, 2);
  const names = Array.from({ length: 100 }, (_, i) => (i === 37 ? 'bad37' : `f${i}`));
  const settled = await Promise.allSettled(names.map((n) => submit(task(n))));
  // 100 tasks on 2 threads: batches of ceil(100 / 16) = 7, in submission order.
  assert.equal(batches.length, 15);
  assert.ok(batches.every((b) => b.length <= 7));
  assert.deepEqual(batches.flat(), names);
  settled.forEach((s, i) => {
    if (i === 37) assert.deepEqual(s, { status: 'rejected', reason: new Error('no bad37') });
    else assert.deepEqual(s, { status: 'fulfilled', value: { rel: names[i] } });
  });
  // A later tick makes new batches; a failed batch rejects each of its tasks with its error.
  const failing = batching(() => Promise.reject(new Error('worker died')), 2);
  const again = await Promise.allSettled([failing(task('a')), failing(task('b'))]);
  assert.deepEqual(
    again.map((s) => s.status === 'rejected' && (s.reason as Error).message),
    ['worker died', 'worker died'],
  );
});

test("worker: a batch returns each task's outcome, or its error, in order; one task alone is unchanged", async () => {
  const broken = { ...task('broken.js'), options: undefined as unknown as EngineOptions };
  const settled = await runTask({ batch: [task('a.js'), broken, task('c.js')] });
  assert.equal(settled.length, 3);
  const alone = await runTask(task('a.js'));
  assert.ok('ok' in settled[0]! && 'ok' in settled[2]!);
  assert.deepEqual(settled[0], { ok: alone });
  assert.equal((alone as Outcome).report.status, 'changed');
  assert.ok('error' in settled[1]! && settled[1].error.length > 0, JSON.stringify(settled[1]));
});
