// A Worker of share.test.ts ('racing-workers'): waits at the gate with the others, then shares a
// fresh map at once and sends its handle; closes it when told.
import { parentPort, workerData } from 'node:worker_threads';

const { backendUrl, gate } = workerData as { backendUrl: string; gate: SharedArrayBuffer };
const { backend } = (await import(backendUrl)) as typeof import('../../src/index.js');
Atomics.wait(new Int32Array(gate), 0, 0); // all start at once
const m = backend.mapAnon(4096);
m.bytes[0] = 40 + Math.floor(Math.random() * 10);
parentPort!.postMessage({ handle: m.share(), value: m.bytes[0] });
parentPort!.once('message', () => {
  m.close();
  parentPort!.close();
});
