// Children of the wait-notify group, one mode per check. Run as a script file:
//   wait-notify.js <module URL> <export name> <mode> <file|named> <path or name> [mode's argument]
// The map is mapMut(path) of a shared file, or mapNamed(name). Each mode prints one JSON line and
// exits 0 (pool's watchdog: { starved: true } and exit 3).
import fsp from 'node:fs/promises';
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';

export type WaitNotifyMode = 'wait-word2' | 'notify-word2' | 'wait-outcomes' | 'pool' | 'count-up' | 'touch-named';

/**
 * waitAsync holds no libuv pool thread: with 8 waits pending (the group runs this with
 * UV_THREADPOOL_SIZE=4 or the default of 4), rounds of fs.promises reads must still complete.
 * Liveness, not speed: with the waits parked on the pool the reads would never finish, and a
 * watchdog prints { starved: true } and exits 3 after 30 s.
 */
export async function waitsHoldNoPoolThread(
  backend: Backend,
  fsp: typeof import('node:fs/promises'),
  path: string,
): Promise<{ bytes: number; results: string[] }> {
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

/** The part of a map these children use (a MmapMut of a shared file or a named map). */
interface SharedMap {
  readonly bytes: Buffer;
  readonly length: number;
  close(): void;
  wait(offset: number, expected: number, timeoutMs?: number): string;
  waitAsync(offset: number, expected: number, timeoutMs?: number): Promise<string>;
  notify(offset: number, count?: number): number;
}

/** Says "about to wait" (word 5 += 1), then waits (sync or async) on word 2 for up to 20 s. */
export async function waitOnWord2(m: SharedMap, mode: 'wait' | 'waitAsync'): Promise<{ r: string }> {
  Atomics.add(new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 8), 5, 1);
  const r = mode === 'wait' ? m.wait(8, 0, 20_000) : await m.waitAsync(8, 0, 20_000);
  m.close();
  return { r };
}

/** Notifies word 2 until one waiter woke (up to 20 s), without changing the value. */
export async function notifyWord2(m: SharedMap): Promise<{ n: number }> {
  let n = 0;
  for (let i = 0; i < 4000 && n === 0; i++) {
    n = m.notify(8);
    if (!n) await new Promise((r) => setTimeout(r, 5));
  }
  m.close();
  return { n };
}

/** Word 3 holds 5: waits that time out, and waits that see a different value. */
export async function waitOutcomes(m: SharedMap): Promise<Record<string, string>> {
  const timedOut = m.wait(12, 5, 30);
  const asyncTimedOut = await m.waitAsync(12, 5, 30);
  const ne = m.wait(12, 4);
  const asyncNe = await m.waitAsync(12, 4);
  m.close();
  return { timedOut, asyncTimedOut, ne, asyncNe };
}

/** Reads what the parent wrote at 0 and writes 'from child!' at 100 of a named map. */
export function touchNamed(m: SharedMap): { seen: string; length: number } {
  const seen = m.bytes.toString('latin1', 0, 11);
  m.bytes.write('from child!', 100);
  m.close();
  return { seen, length: m.length };
}

const { backend, args } = await startChild();
const [mode, source, target, extra] = args as [WaitNotifyMode, 'file' | 'named', string, string | undefined];
const open = (): SharedMap => (source === 'named' ? backend.mapNamed(target) : backend.mapMut(target));
if (mode === 'wait-word2') report(await waitOnWord2(open(), extra as 'wait' | 'waitAsync'));
else if (mode === 'notify-word2') report(await notifyWord2(open()));
else if (mode === 'wait-outcomes') report(await waitOutcomes(open()));
else if (mode === 'pool') report(await waitsHoldNoPoolThread(backend, fsp, target));
else if (mode === 'count-up') report(countUp(open(), Number(extra)));
else if (mode === 'touch-named') report(touchNamed(open()));
else throw new Error(`unknown mode ${mode}`);
