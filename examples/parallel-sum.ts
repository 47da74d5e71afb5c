// One map of a file, summed by N Worker threads at once: each opens the same memory with
// openShared() (no copy, no syscall) and sums its own slice through array(). Prints the time on
// one thread, on N, and the speed-up.
// Run: npx tsx examples/parallel-sum.ts [file] [MiB] [workers]
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { defaultBackend, type MapHandle, type Mmap, map, openShared } from '@memmap/core';

/** What a Worker is given: the map's handle and its slice, in float64 elements. */
interface Slice {
  handle: MapHandle;
  start: number;
  count: number;
}

/** Sums `count` float64 values from element `start`: the work every thread does. */
export function sum(m: Mmap, start: number, count: number): number {
  const values = m.array(Float64Array, start * 8, count);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

function worker(): void {
  const { handle, start, count } = workerData as Slice;
  const m = openShared(handle); // lives until the Worker ends (then the memory is released)
  sum(m, start, count); // warm up (as the main thread did), then sum on each 'go'
  parentPort!.on('message', () => parentPort!.postMessage(sum(m, start, count)));
  parentPort!.postMessage('ready');
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? 'numbers.f64';
  const mib = Number(process.argv[3] ?? 128);
  const threads = Number(process.argv[4] ?? Math.max(2, availableParallelism()));
  const elements = (mib * 1024 * 1024) / 8;
  if (!defaultBackend().capabilities.shareable) {
    console.error(`the ${defaultBackend().name} backend cannot share a map between threads (capabilities.shareable is false)`);
    process.exit(2);
  }
  if (!existsSync(file) || statSync(file).size !== elements * 8) {
    const values = new Float64Array(elements);
    for (let i = 0; i < elements; i++) values[i] = i % 1000;
    writeFileSync(file, values);
  }
  using m = map(file);
  m.advise('willneed');
  sum(m, 0, elements); // fault every page in once, so both runs read the page cache

  // Best of a few rounds each: the machine may be busy with other work.
  const rounds = 5;
  let single = 0;
  let oneThread = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    single = sum(m, 0, elements);
    oneThread = Math.min(oneThread, performance.now() - started);
  }

  // The Workers open the map and warm up before the clock starts: only the summing is timed.
  const per = Math.ceil(elements / threads);
  const workers = Array.from({ length: threads }, (_, i) => {
    const slice: Slice = { handle: m.share(), start: i * per, count: Math.max(0, Math.min(per, elements - i * per)) };
    // ts-worker.mjs runs this file in the Worker (and lets tsx compile it there).
    return new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { ...slice, script: import.meta.url } });
  });
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  let parts: number[] = [];
  let nThreads = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    parts = await Promise.all(
      workers.map((w) => {
        const result = new Promise<number>((resolve) => w.once('message', resolve));
        w.postMessage('go');
        return result;
      }),
    );
    nThreads = Math.min(nThreads, performance.now() - started);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  const total = parts.reduce((a, b) => a + b, 0);

  console.log(`${mib} MiB, ${elements} float64 values, backend ${m.backend}`);
  console.log(`1 thread:  sum ${single} in ${oneThread.toFixed(1)} ms`);
  console.log(`${threads} threads: sum ${total} in ${nThreads.toFixed(1)} ms`);
  console.log(`speed-up ${(oneThread / nThreads).toFixed(2)}x; sums ${total === single ? 'agree' : 'DIFFER'}`);
  if (total !== single) process.exitCode = 1;
}

if (isMainThread) await main();
else worker();
