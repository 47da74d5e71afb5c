// Children of the cross-process group, one mode per check (the Atomics spin and the live reader
// have files of their own: atomics-spin.ts, live-reader.ts). Run as a script file:
//   cross-process.js <module URL> <export name> <mode> <path> [mode's arguments]
// A mode that reports prints one JSON line (or, for read-message, the bytes); every mode exits 0.
// In Worker mode (region-host's Workers run this same file) the Worker writes its region.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Backend } from '@memmap/core';
import { startChild } from './start.js';
import { randomBytes, writeRegion } from './writers.js';

export type CrossProcessMode = 'write-message' | 'read-message' | 'fill' | 'region-writer' | 'region-host' | 'kill-writer' | 'ending';

/** How a writer of the "writes reach the file" checks ends: close() without flush(), a normal exit without close(), process.exit(). */
export type Ending = 'close' | 'none' | 'exit';

interface RegionJob {
  moduleUrl: string;
  exportName: string;
  path: string;
  id: number;
  region: number;
  writes: number;
}

/** Writer `id` fills its disjoint range [id * region, (id + 1) * region); odd ids map the whole file. */
const writeRegionOf = (backend: Backend, path: string, id: number, region: number, writes: number): Promise<void> =>
  writeRegion(backend, path, id, id * region, region, writes, id % 2 === 1);

async function inWorker(job: RegionJob): Promise<void> {
  const m = (await import(job.moduleUrl)) as Record<string, unknown>;
  const backend = (m[job.exportName] ?? m.default) as Backend;
  await writeRegionOf(backend, job.path, job.id, job.region, job.writes);
  parentPort!.postMessage('done');
}

async function main(): Promise<void> {
  const { backend, moduleUrl, exportName, args } = await startChild();
  const [mode, path, ...rest] = args as [CrossProcessMode, string, ...string[]];
  if (mode === 'write-message') {
    // The README example's writer. (Node 20 has no `using` syntax, so the children spell it out.)
    const msg = Buffer.from(rest[0]!);
    const w = backend.mapMut(path, { create: true, length: msg.length });
    try {
      msg.copy(w.bytes);
      w.flush();
    } finally {
      w.close();
    }
  } else if (mode === 'read-message') {
    const r = backend.map(path);
    try {
      process.stdout.write(r.bytes.toString());
    } finally {
      r.close();
    }
  } else if (mode === 'fill') {
    const w = backend.mapMut(path);
    w.bytes.fill(0x5a, 100, 200);
    w.view(5000, 10).fill(0x33);
    w.flush();
    w.close();
  } else if (mode === 'region-writer') {
    const [id, region, writes] = rest.map(Number) as [number, number, number];
    await writeRegionOf(backend, path, id, region, writes);
  } else if (mode === 'region-host') {
    // Worker threads of this process, each writing its own region (ids from `first` on).
    const [first, workers, region, writes] = rest.map(Number) as [number, number, number, number];
    await Promise.all(
      Array.from({ length: workers }, (_, i) => first + i).map(
        (id) =>
          new Promise<void>((resolve, reject) => {
            const job: RegionJob = { moduleUrl, exportName, path, id, region, writes };
            const w = new Worker(new URL(import.meta.url), { workerData: job });
            w.on('message', () => resolve());
            w.on('error', reject);
            w.on('exit', (code) => (code ? reject(new Error(`worker exit ${code}`)) : resolve()));
          }),
      ),
    );
  } else if (mode === 'kill-writer') {
    // Writes seeded random bytes at an offset, flushes, says so, then idles until killed.
    const [seed, size, offset] = rest.map(Number) as [number, number, number];
    const data = randomBytes(seed, size);
    const m = backend.mapMut(path, { create: true, offset, length: size });
    for (let at = 0; at < size; ) {
      const n = Math.min(size - at, 1 + ((seed + at) % 70000));
      data.copy(at % 2 ? m.view(at, n) : m.bytes, at % 2 ? 0 : at, at, at + n);
      at += n;
    }
    m.flush();
    process.stdout.write('flushed\n');
    setInterval(() => {
      m.bytes.fill(m.bytes[0]!, 0, 1); // keeps the map in use until the kill
    }, 1000);
  } else if (mode === 'ending') {
    const ending = rest[0] as Ending;
    const m = backend.mapMut(path, { offset: 1001 });
    m.bytes.fill(0x61, 0, 5);
    m.view(9000, 3).fill(0x62);
    m.bytes[m.length - 1] = 0x63;
    if (ending === 'close') m.close();
    else if (ending === 'exit') process.exit(0);
  } else throw new Error(`unknown mode ${mode}`);
}

if (isMainThread) await main();
else await inWorker(workerData as RegionJob);
