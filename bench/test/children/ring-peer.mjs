// The consuming thread of ring.test.ts: receives messages from the bench's ring (the built
// dist/ring.js) until the empty one, checks each against message(i), acknowledges every
// `ackEvery`, and posts what it received.
import { parentPort, workerData } from 'node:worker_threads';
import { BenchRing } from '../../dist/ring.js';
import { message, sabMap } from './sab-map.mjs';

const { sab, maxLength, ackEvery } = workerData;
const map = sabMap(sab);
const ring = new BenchRing(map);
const into = Buffer.alloc(maxLength);
let received = 0;
let wrong = 0;
for (;;) {
  const length = ring.receive(into);
  if (length === 0) break;
  received += 1;
  if (!into.subarray(0, length).equals(message(received, maxLength))) wrong += 1;
  if (received % ackEvery === 0) ring.ack(received);
}
parentPort.postMessage({ received, wrong, consumerWaits: map.waits.get(0) ?? 0 });
