// A Worker of the parallel-sum scenario: opens the scenario's map from its handle (openShared: no
// syscall, no copy), then sums its slice of u32 words each time it is told to, posting the sum.
import { parentPort, workerData } from 'node:worker_threads';
import type { Backend, MapHandle } from '@memmap/core';
import { sumWords } from './loops.js';

export interface SliceJob {
  /** The backend's module and export (the Worker loads the same backend); absent: core's openShared. */
  moduleUrl?: string;
  exportName: string;
  handle: MapHandle;
  /** First u32 word and how many. */
  start: number;
  count: number;
}

const job = workerData as SliceJob;
const open = async (): Promise<Backend['openShared']> => {
  if (!job.moduleUrl) return (await import('@memmap/core')).openShared;
  const m = (await import(job.moduleUrl)) as Record<string, Backend | undefined>;
  const backend = (m[job.exportName] ?? m.default)!;
  return (handle) => backend.openShared(handle);
};
const map = (await open())(job.handle); // held until the Worker is terminated
const words = map.array(Uint32Array, job.start * 4, job.count);
parentPort!.on('message', () => parentPort!.postMessage(sumWords(words, words.length, 0) >>> 0));
parentPort!.postMessage('ready');
