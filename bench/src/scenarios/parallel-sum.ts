// One map of the data file summed by N Worker threads at once, each through openShared() and
// array() over its own slice (no copy, no syscall per thread), for N = 1, 2, 4, ... up to
// os.availableParallelism(); the baseline sums the whole map on the main thread.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Mmap } from '@memmap/core';
import { formatBytes } from '../data.js';
import { sumWords } from './loops.js';
import type { SliceJob } from './parallel-sum-worker.js';
import { type Plan, plan, type ScenarioDef, settings } from './plan.js';

const workerScript = fileURLToPath(new URL('./parallel-sum-worker.js', import.meta.url));

/** 1, 2, 4, ... up to the machine's parallelism, and that number itself. */
export function threadCounts(max = availableParallelism()): number[] {
  const counts: number[] = [];
  for (let n = 1; n <= max; n *= 2) counts.push(n);
  if (counts.at(-1) !== max) counts.push(max);
  return counts;
}

export const parallelSum: ScenarioDef = {
  key: 'parallel-sum',
  title: (c) => `parallel sum (u32) of ${formatBytes(c.data.size)} by N Worker threads over one shared map`,
  op: () => 'every thread sums its slice of the map (array(Uint32Array) over openShared()); the op ends when all have answered',
  baseline: 'main thread, whole map',
  settings: (c) => settings(c, { batch: 1, iterations: 5, warmupIterations: 2, time: 2000 }),
  expected: (c) => c.data.checksum,
  extra: (c, meanNs) => ({ gibPerSec: c.data.size / 1024 ** 3 / (meanNs / 1e9) }),
  plans: (c) => {
    const data = c.data.path;
    const words = Math.floor(c.data.size / 4);
    const shareable = c.backends.find((b) => b.backend.capabilities.shareable);
    const plans: Plan[] = [];
    {
      let m: Mmap | undefined;
      let u: Uint32Array | undefined;
      plans.push(
        plan(
          'main thread, whole map',
          'baseline',
          shareable
            ? {
                setup() {
                  m = shareable.backend.map(data);
                  u = m.array(Uint32Array, 0, words);
                },
                run: () => sumWords(u!, u!.length, 0) >>> 0,
                teardown() {
                  m?.close();
                  u = undefined;
                },
              }
            : 'no backend here is shareable',
        ),
      );
    }
    for (const b of c.backends) {
      for (const n of threadCounts()) {
        const subject = `${b.name}, ${n} Worker${n === 1 ? '' : 's'}`;
        if (!b.backend.capabilities.shareable) {
          plans.push(plan(subject, 'backend', 'capabilities.shareable is false'));
          continue;
        }
        let m: Mmap | undefined;
        let workers: Worker[] = [];
        plans.push(
          plan(subject, 'backend', {
            async setup() {
              m = b.backend.map(data);
              const per = Math.ceil(words / n);
              workers = Array.from({ length: n }, (_, i) => {
                const start = i * per;
                const job: SliceJob = {
                  moduleUrl: b.moduleUrl,
                  exportName: b.exportName,
                  handle: m!.share(),
                  start,
                  count: Math.max(0, Math.min(per, words - start)),
                };
                return new Worker(workerScript, { workerData: job });
              });
              await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
            },
            async run() {
              const sums = await Promise.all(
                workers.map((w) => {
                  const answer = new Promise<number>((resolve) => w.once('message', resolve));
                  w.postMessage('go');
                  return answer;
                }),
              );
              return sums.reduce((a, s) => a + s, 0) >>> 0;
            },
            async teardown() {
              await Promise.all(workers.map((w) => w.terminate()));
              workers = [];
              m?.close();
            },
          }),
        );
      }
    }
    return plans;
  },
  notes: () => [
    `Thread counts ${threadCounts().join(', ')} (os.availableParallelism() is ${availableParallelism()}). Each Worker opens the map once (setup, untimed) and sums its slice per op; the data is in the page cache.`,
    'Backends whose capabilities.shareable is false are listed as skipped.',
  ],
};
