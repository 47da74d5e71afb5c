// Producer process: sends messages through a ring buffer in a shared file, then an empty message
// that tells the consumer to stop. Blocks (wait) while the ring is full.
// Run: npx tsx examples/ring-producer.ts [file] [count] [ring bytes, a power of two]
import { mapMut } from '@memmap/core';
import { Ring, ringBytes } from './ring.js';

const file = process.argv[2] ?? 'ring.dat';
const count = Number(process.argv[3] ?? 10);
const capacity = Number(process.argv[4] ?? 4096);

using map = mapMut(file, { create: true, length: ringBytes(capacity) });
const ring = new Ring(map);
for (let i = 1; i <= count; i++) ring.send(Buffer.from(`message ${i} ${'.'.repeat(i % 50)}`));
ring.send(Buffer.alloc(0)); // end of stream
console.log(`sent ${count} messages`);
