// The message-passing bench's ring between two threads: every message arrives once, in order and
// intact, through a ring that fills, wraps and empties, with a producer that must wait for room.
// The map is a SharedArrayBuffer with JavaScript's own Atomics.wait/notify (children/sab-map.mjs):
// this tests the ring's protocol, which the bench then runs over a backend's shared file map.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BenchRing, ringBytes } from '../src/ring.js';
// @ts-expect-error: a plain JavaScript test helper, shared with the Worker
import { message, sabMap } from './children/sab-map.mjs';

interface PeerResult {
  received: number;
  wrong: number;
  consumerWaits: number;
}

async function pass(capacity: number, count: number, maxLength: number, ackEvery: number) {
  const sab = new SharedArrayBuffer(ringBytes(capacity));
  const map = sabMap(sab);
  const ring = new BenchRing(map);
  const peer = new Worker(new URL('./children/ring-peer.mjs', import.meta.url), { workerData: { sab, maxLength, ackEvery } });
  const result = new Promise<PeerResult>((resolve, reject) => {
    peer.once('message', resolve);
    peer.once('error', reject);
  });
  for (let i = 1; i <= count; i++) ring.send(message(i, maxLength));
  ring.awaitAck(count - (count % ackEvery));
  ring.send(Buffer.alloc(0));
  const got = await result;
  await peer.terminate();
  return { ...got, producerWaits: (map.waits as Map<number, number>).get(192) ?? 0 };
}

describe('bench ring', () => {
  it('passes 20,000 messages of 1..200 bytes through 256 bytes: most need more than the half ring the consumer frees before it wakes the producer', async () => {
    const got = await pass(256, 20_000, 200, 100);
    expect(got).toMatchObject({ received: 20_000, wrong: 0 });
    expect(got.producerWaits).toBeGreaterThan(0);
  });

  it('passes 200,000 messages of 1..64 bytes through 4 KiB, acknowledged every 1,000', async () => {
    const got = await pass(4096, 200_000, 64, 1000);
    expect(got).toMatchObject({ received: 200_000, wrong: 0 });
  });
});
