// Consumer process: prints every message from a ring buffer in a shared file until the empty
// message. Sleeps in waitAsync() while the ring is empty, so the event loop stays free.
// Run: npx tsx examples/ring-consumer.ts [file] [ring bytes, a power of two]
import { mapMut } from '@memmap/core';
import { Ring, ringBytes } from './ring.js';

const file = process.argv[2] ?? 'ring.dat';
const capacity = Number(process.argv[3] ?? 4096);

using map = mapMut(file, { create: true, length: ringBytes(capacity) });
const ring = new Ring(map);
for (;;) {
  const message = await ring.receiveAsync();
  if (message.length === 0) break;
  console.log(message.toString());
}
