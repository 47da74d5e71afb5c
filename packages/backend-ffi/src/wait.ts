// wait/notify for every platform: compare, a short spin (spin.ts), then the OS's sleep (os/posix/
// futex.ts, os/win32/wait.ts). wait() blocks the calling thread; waitAsync() hands the blocking
// wait to a waiter worker thread of our own (never koffi's async calls, which run on libuv's
// thread pool and would starve fs work while a wait is pending).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { WaitResult } from '@memmap/core';
import { os } from './os/index.js';
import { viewOf } from './pointers.js';
import { sleptAfterSpin, spinning, spinUntilChanged } from './spin.js';
import { toResult } from './wait-codes.js';

/** An idle waiter worker ends after this long. */
const IDLE_EXIT_MS = 10_000;

/**
 * Blocks this thread while *addr == expected. `word` is a view of the same int32: compared first
 * (as the kernel would), then spun on briefly (spin.ts) before sleeping.
 */
export function wait(addr: bigint, expected: number, timeoutMs: number, shared: boolean, word: Int32Array): WaitResult {
  if (Atomics.load(word, 0) !== expected) return 'not-equal';
  let left = timeoutMs;
  const spun = timeoutMs > 0 && spinning;
  let sleptFrom = 0;
  if (spun) {
    const started = performance.now();
    if (spinUntilChanged(word, expected, timeoutMs)) return 'ok';
    sleptFrom = performance.now();
    left = Math.max(0, timeoutMs - (sleptFrom - started));
  }
  // A value that changed after the comparison above is a wake-up ('ok'), never 'not-equal'.
  const result = os.wait.sleep(addr, expected, left, shared);
  if (spun && result === 'ok') sleptAfterSpin(performance.now() - sleptFrom);
  return result;
}

/** Wakes up to `count` waiters; returns how many woke. */
export function wake(addr: bigint, count: number, shared: boolean): number {
  return os.wait.wake(addr, count, shared);
}

// ---- waitAsync: a pool of waiter workers, one per pending wait, reused, ended when idle. ----

/** One pending waitAsync: close() sets `cancelled` and wakes the word. */
export interface PendingWait {
  readonly addr: bigint;
  readonly shared: boolean;
  readonly cancelled: Int32Array;
  readonly result: Promise<WaitResult>;
  /** Wakes this wait's own slot (Windows: no other waiter sees a wake-up). */
  readonly wake?: (() => void) | undefined;
}

interface WaiterWorker {
  readonly worker: Worker;
  settle: ((code: number) => void) | undefined;
  fail: ((error: unknown) => void) | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

const idle: WaiterWorker[] = [];
const koffiPath = createRequire(import.meta.url).resolve('koffi');

function spawn(): WaiterWorker {
  const worker = new Worker(os.wait.workerSource, { eval: true, workerData: { koffi: koffiPath, ...os.wait.workerData() } });
  const w: WaiterWorker = { worker, settle: undefined, fail: undefined, idleTimer: undefined };
  worker.on('message', (code: number) => {
    const settle = w.settle;
    w.settle = w.fail = undefined;
    release(w);
    settle?.(code);
  });
  const broken = (error: unknown): void => {
    const fail = w.fail;
    w.settle = w.fail = undefined;
    const at = idle.indexOf(w);
    if (at >= 0) idle.splice(at, 1);
    if (w.idleTimer) clearTimeout(w.idleTimer);
    fail?.(error);
  };
  worker.on('error', broken);
  worker.on('exit', (code) => broken(new Error(`memmap waiter worker exited (code ${code})`)));
  return w;
}

function release(w: WaiterWorker): void {
  w.worker.unref(); // an idle waiter never keeps the process alive
  idle.push(w);
  w.idleTimer = setTimeout(() => {
    const at = idle.indexOf(w);
    if (at >= 0) idle.splice(at, 1);
    void w.worker.terminate();
  }, IDLE_EXIT_MS);
  w.idleTimer.unref();
}

/** Starts a wait on a waiter worker; the caller keeps the memory mapped until `result` settles. */
export function waitAsync(addr: bigint, expected: number, timeoutMs: number, shared: boolean): PendingWait {
  const startedAt = performance.timeOrigin + performance.now();
  // Compared now, as Atomics.waitAsync does: the worker starts waiting later, and a value changed
  // meanwhile must read as a wake-up ('ok'), not as 'not-equal'.
  if (new Int32Array(viewOf(addr, 4))[0] !== expected) {
    const cancelled = new Int32Array(new SharedArrayBuffer(4));
    return { addr, shared, cancelled, result: Promise.resolve('not-equal') };
  }
  const cancelled = new Int32Array(new SharedArrayBuffer(4));
  const started = os.wait.start(addr, expected, timeoutMs, shared, startedAt, cancelled);
  // Changed since the call-time compare: a wake-up.
  if (started === 'ok') return { addr, shared, cancelled, result: Promise.resolve('ok') };
  const w = idle.pop() ?? spawn();
  if (w.idleTimer) clearTimeout(w.idleTimer);
  w.idleTimer = undefined;
  w.worker.ref(); // a pending wait keeps the process alive, as a pending fs call does
  const result = new Promise<WaitResult>((resolve, reject) => {
    w.settle = (code) => {
      try {
        resolve(toResult(code));
      } catch (error) {
        reject(error);
      }
    };
    w.fail = reject;
  });
  w.worker.postMessage(started.message);
  return { addr, shared, cancelled, result: started.finish ? result.finally(started.finish) : result, wake: started.wake };
}

/** close(): the waiting worker returns (other waiters on that word may see a spurious 'ok'). */
export function cancelWait(pending: PendingWait): void {
  if (Atomics.exchange(pending.cancelled, 0, 1) !== 0) return;
  if (pending.wake) {
    pending.wake();
    return;
  }
  try {
    wake(pending.addr, 0x7fffffff, pending.shared);
  } catch {
    // the slice bound ends the wait anyway
  }
}
