// Children of the wait-notify group. Self-contained: each function reaches its child as source text
// via toString() and uses only its parameters.
import type { Backend } from '@memmap/core';

/**
 * waitAsync holds no libuv pool thread: with 8 waits pending (the group runs this with
 * UV_THREADPOOL_SIZE=4 or the default of 4), rounds of fs.promises reads must still complete.
 * Liveness, not speed: with the waits parked on the pool the reads would never finish, and a
 * watchdog prints { starved: true } and exits 3 after 30 s.
 */
export async function waitsHoldNoPoolThread(backend: Backend, path: string): Promise<{ bytes: number; results: string[] }> {
  const fsp = await import('node:fs/promises');
  const m = backend.mapMut(path);
  const waits = Array.from({ length: 8 }, (_, i) => m.waitAsync(4 * i, 0));
  const watchdog = setTimeout(() => {
    console.log(JSON.stringify({ starved: true }));
    process.exit(3);
  }, 30_000);
  let bytes = 0;
  for (let round = 0; round < 5; round++) {
    const reads = await Promise.all(Array.from({ length: 16 }, () => fsp.readFile(path)));
    bytes += reads.reduce((n, b) => n + b.length, 0);
    await fsp.stat(path);
  }
  clearTimeout(watchdog);
  const words = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 8);
  for (let i = 0; i < 8; i++) Atomics.store(words, i, 1);
  for (let i = 0; i < 8; i++) m.notify(4 * i);
  const results = await Promise.all(waits);
  m.close();
  return { bytes, results };
}

/** N processes each add 1 to word 0 of `m` `n` times with Atomics.add: the total must be exact. */
export function countUp(m: { readonly bytes: Buffer; close(): void }, n: number): { ok: true } {
  const counter = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 1);
  for (let i = 0; i < n; i++) Atomics.add(counter, 0, 1);
  m.close();
  return { ok: true };
}
