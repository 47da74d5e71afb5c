#!/usr/bin/env node
// Round-trip latency through two rings of examples/ring.ts between two processes: the parent sends
// a 64-byte message on ring A, the child echoes it on ring B; both sides block in wait() when their
// ring is empty. Prints one JSON line { backend, roundTrips, p50Us, p99Us, meanUs }.
// npm run test:windows runs it under Wine (figures of Wine's wineserver on this machine, not of
// Windows). Usage: node scripts/ring-roundtrip.mjs <ring.mjs> <dir> [roundTrips]  (MEMMAP_BACKEND picks the backend)
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [ringModule, dir, count = '2000', role] = process.argv.slice(2);
const { Ring, ringBytes } = await import(pathToFileURL(ringModule).href);
const { mapMut } = await import('@memmap/core');
const open = (name) => mapMut(join(dir, name), { create: true, length: ringBytes(4096) });
const WARMUP = 200;
const n = Number(count);

// The parent starts both rings empty; the echo child opens them after.
if (role !== 'echo') for (const name of ['rt-a.dat', 'rt-b.dat']) rmSync(join(dir, name), { force: true });
const a = open('rt-a.dat');
const b = open('rt-b.dat');
if (role === 'echo') {
  const inbox = new Ring(a);
  const outbox = new Ring(b);
  for (;;) {
    const m = inbox.receive();
    if (m.length === 0) break;
    outbox.send(m);
  }
} else {
  const outbox = new Ring(a);
  const inbox = new Ring(b);
  const child = spawn(process.execPath, [process.argv[1], ringModule, dir, count, 'echo'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const message = Buffer.alloc(64, 1);
  const times = [];
  for (let i = 0; i < WARMUP + n; i++) {
    const t = performance.now();
    outbox.send(message);
    inbox.receive();
    if (i >= WARMUP) times.push((performance.now() - t) * 1000);
  }
  outbox.send(Buffer.alloc(0));
  await exited;
  times.sort((x, y) => x - y);
  const at = (q) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]);
  const meanUs = Math.round(times.reduce((s, x) => s + x, 0) / times.length);
  console.log(JSON.stringify({ backend: process.env.MEMMAP_BACKEND ?? 'default', roundTrips: n, p50Us: at(0.5), p99Us: at(0.99), meanUs }));
}
a.close();
b.close();
