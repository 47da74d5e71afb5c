#!/usr/bin/env node
// A standalone two-process ping-pong of one int32 over a shared file map, each side blocking in
// wait() (the loop of the bench's scenario 12 without the bench around it): prints the p50 and p99
// round trip. Usage: node scripts/ping-pong.mjs [napi|ffi] [round trips]
// MEMMAP_WAIT_SPIN_US sets the spin before each sleep (see the README).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBackend } from '@memmap/core';

const [, script, name = 'napi', rounds = '20000', role, file] = process.argv;
const backend = loadBackend(name);
const count = Number(rounds);

if (role === 'pong') {
  const m = backend.mapMut(file);
  const words = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 2);
  for (let k = 1; k <= count; k++) {
    while (Atomics.load(words, 0) !== 2 * k - 1) m.wait(0, 2 * k - 2);
    Atomics.store(words, 0, 2 * k);
    m.notify(0);
  }
  m.close();
} else {
  const path = join(tmpdir(), `memmap-ping-pong-${process.pid}.bin`);
  fs.writeFileSync(path, Buffer.alloc(4096));
  const m = backend.mapMut(path);
  const words = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 2);
  const child = spawn(process.execPath, [script, name, rounds, 'pong', path], { stdio: 'inherit' });
  const times = [];
  for (let k = 1; k <= count; k++) {
    const started = process.hrtime.bigint();
    Atomics.store(words, 0, 2 * k - 1);
    m.notify(0);
    while (Atomics.load(words, 0) !== 2 * k) m.wait(0, 2 * k - 1);
    times.push(Number(process.hrtime.bigint() - started));
  }
  await new Promise((resolve) => child.on('exit', resolve));
  m.close();
  fs.rmSync(path, { force: true });
  times.sort((a, b) => a - b);
  const at = (q) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] / 1000).toFixed(2);
  console.log(
    `${name}, MEMMAP_WAIT_SPIN_US=${process.env.MEMMAP_WAIT_SPIN_US ?? 'default'}: p50 ${at(0.5)} µs, p99 ${at(0.99)} µs over ${count} round trips`,
  );
}
