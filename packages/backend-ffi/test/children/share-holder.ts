// A Worker of share.test.ts ('terminated-worker'): opens the shared memory, writes to it, says so,
// and holds it until terminated.
import { parentPort, workerData } from 'node:worker_threads';
import type { MapHandle } from '@memmap/core';

const { backendUrl, handle } = workerData as { backendUrl: string; handle: MapHandle };
const { backend } = (await import(backendUrl)) as typeof import('../../src/index.js');
const m = backend.openShared(handle);
m.bytes[0] = 2;
parentPort!.postMessage('holding');
setInterval(() => {}, 1000);
