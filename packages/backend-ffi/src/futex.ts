// wait/notify through the Linux futex syscall, called via koffi (on Windows: wait-win32.ts). wait() blocks the calling thread;
// waitAsync() hands the blocking wait to a waiter worker thread of our own (never koffi's async
// calls, which run on libuv's thread pool and would starve fs work while a wait is pending).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { syscallError, type WaitResult } from '@memmap/core';
import { futexPrototype, lastErrno, libc, libcName, viewOf } from './libc.js';
import { platform } from './platform/index.js';
import { sleptAfterSpin, spinning, spinUntilChanged } from './spin.js';
import { type WinRegistration, winRegister, winWaitBlocking, winWaitSource, winWake } from './wait-win32.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_PRIVATE_FLAG = 128;
const EAGAIN = 11;
const EINTR = 4;
const ETIMEDOUT = 110;
/** A waiter worker re-checks its cancel flag at least this often (bounds a wake lost to a race with close()). */
const SLICE_MS = 1000;
/** An idle waiter worker ends after this long. */
const IDLE_EXIT_MS = 10_000;

const windows = process.platform === 'win32';

/** true where the futex syscall exists (Linux). */
export const hasFutex = platform.SYS_futex !== undefined && libc.syscall !== undefined;
/** capabilities.waitNotify: the futex, or on Windows named semaphores (wait-win32.ts). */
export const hasWaitNotify = hasFutex || windows;

/** A shared mapping must use a shared futex (no FUTEX_PRIVATE_FLAG) so other processes' waiters match. */
const op = (base: number, shared: boolean): number => (shared ? base : base | FUTEX_PRIVATE_FLAG);

/**
 * The wait loop, written once as source so the waiter worker runs the very same code: EINTR and
 * slice ends wait again with the time left; once we have waited, a changed value means the writer
 * moved on ('ok'). Returns 0 ok, 1 not-equal, 2 timed-out, or -errno.
 */
const waitLoopSource = `(futex, errno, addr, futexOp, expected, timeoutMs, cancelled, compared) => {
  const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
  const ts = new BigInt64Array(2);
  let waited = compared;
  for (;;) {
    if (cancelled && Atomics.load(cancelled, 0) !== 0) return 0;
    let ms = deadline - performance.now();
    if (cancelled) ms = Math.min(ms, ${SLICE_MS});
    let timeout = null;
    if (ms !== Infinity) {
      ms = Math.max(ms, 0);
      ts[0] = BigInt(Math.floor(ms / 1000));
      ts[1] = BigInt(Math.floor((ms % 1000) * 1e6));
      timeout = ts;
    }
    if (Number(futex(${platform.SYS_futex ?? -1}, addr, futexOp, expected, timeout, null, 0)) === 0) return 0;
    const err = errno();
    if (err === ${EAGAIN}) return waited ? 0 : 1;
    if (err === ${ETIMEDOUT}) {
      if (performance.now() >= deadline) return 2;
      waited = true;
      continue;
    }
    if (err === ${EINTR}) { waited = true; continue; }
    return -err;
  }
}`;

type WaitLoop = (
  futex: unknown,
  errno: () => number,
  addr: bigint,
  futexOp: number,
  expected: number,
  timeoutMs: number,
  cancelled: Int32Array | null,
  compared: boolean,
) => number;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the same source runs in the waiter workers
const waitLoop = new Function(`return ${waitLoopSource}`)() as WaitLoop;

const results: readonly WaitResult[] = ['ok', 'not-equal', 'timed-out'];

function toResult(code: number, syscall = 'futex'): WaitResult {
  if (code < 0) throw syscallError(-code, syscall);
  const result = results[code];
  if (result === undefined) throw new Error(`The wait loop returned ${code}, which is no WaitResult`);
  return result;
}

/**
 * Blocks this thread while *addr == expected (see waitLoopSource). `word` is a view of the same
 * int32: compared first (as the kernel would), then spun on briefly (spin.ts) before sleeping.
 */
export function futexWait(addr: bigint, expected: number, timeoutMs: number, shared: boolean, word: Int32Array): WaitResult {
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
  const result = sleep(addr, expected, left, shared);
  if (spun && result === 'ok') sleptAfterSpin(performance.now() - sleptFrom);
  return result;
}

/** The kernel part of futexWait(), after the comparison and the spin. */
function sleep(addr: bigint, expected: number, left: number, shared: boolean): WaitResult {
  // A value that changed after the comparison above is a wake-up ('ok'), never 'not-equal'.
  if (windows) {
    const result = toResult(winWaitBlocking(addr, expected, left, shared), 'WaitForSingleObject');
    return result === 'not-equal' ? 'ok' : result;
  }
  return toResult(waitLoop(libc.syscall, lastErrno, addr, op(FUTEX_WAIT, shared), expected, left, null, true));
}

/** Wakes up to `count` waiters; returns how many woke. */
export function futexWake(addr: bigint, count: number, shared: boolean): number {
  if (windows) return winWake(addr, count, shared);
  const woken = Number(libc.syscall!(platform.SYS_futex!, addr, op(FUTEX_WAKE, shared), count, null, null, 0));
  if (woken < 0) throw syscallError(lastErrno(), 'futex');
  return woken;
}

// ---- waitAsync: a pool of waiter workers, one per pending wait, reused, ended when idle. ----

// Runs as CommonJS or as a module (an eval worker inherits --input-type from its parent), so it
// reaches modules through process.getBuiltinModule (Node >= 20.16), never through require/import.
const posixWorkerSource = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const koffi = process.getBuiltinModule('node:module').createRequire(workerData.koffi)(workerData.koffi);
const futex = koffi.load(workerData.libc).func(${JSON.stringify(futexPrototype)});
const waitLoop = ${waitLoopSource};
parentPort.on('message', ({ addr, futexOp, expected, timeoutMs, cancelled, startedAt }) => {
  // The deadline counts from the call on the main thread, not from this message's arrival.
  const left = timeoutMs === Infinity ? Infinity : Math.max(0, timeoutMs - (performance.timeOrigin + performance.now() - startedAt));
  parentPort.postMessage(waitLoop(futex, koffi.errno, addr, futexOp, expected, left, cancelled, true));
});
`;

// Windows: the main thread registered the wait (wait-win32.ts); the worker sleeps on its semaphore.
const windowsWorkerSource = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const koffi = process.getBuiltinModule('node:module').createRequire(workerData.koffi)(workerData.koffi);
const waitFor = koffi.load('kernel32.dll').func('uint32_t __stdcall WaitForSingleObject(void *handle, uint32_t ms)');
const wait = (sem, ms) => Number(waitFor(sem, ms));
const winWait = ${winWaitSource};
const tables = new Map();
parentPort.on('message', ({ wordsAddr, wordsBytes, slot, gen, sem, deadline, cancelled }) => {
  let words = tables.get(wordsAddr);
  if (!words) tables.set(wordsAddr, (words = new Int32Array(koffi.view(wordsAddr, wordsBytes))));
  parentPort.postMessage(winWait(wait, words, slot, gen, sem, deadline, cancelled, ${SLICE_MS}));
});
`;
const workerSource = windows ? windowsWorkerSource : posixWorkerSource;

/** One pending waitAsync: close() sets `cancelled` and wakes the word. */
export interface PendingFutexWait {
  readonly addr: bigint;
  readonly shared: boolean;
  readonly cancelled: Int32Array;
  readonly result: Promise<WaitResult>;
  /** Windows: wakes this wait's own slot (no other waiter sees a wake-up). */
  readonly wake?: () => void;
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
  const worker = new Worker(workerSource, { eval: true, workerData: { koffi: koffiPath, libc: libcName } });
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
export function futexWaitAsync(addr: bigint, expected: number, timeoutMs: number, shared: boolean): PendingFutexWait {
  const startedAt = performance.timeOrigin + performance.now();
  // Compared now, as Atomics.waitAsync does: the worker starts waiting later, and a value changed
  // meanwhile must read as a wake-up ('ok'), not as 'not-equal'.
  if (new Int32Array(viewOf(addr, 4))[0] !== expected) {
    const cancelled = new Int32Array(new SharedArrayBuffer(4));
    return { addr, shared, cancelled, result: Promise.resolve('not-equal') };
  }
  const cancelled = new Int32Array(new SharedArrayBuffer(4));
  let registered: WinRegistration | undefined;
  if (windows) {
    const r = winRegister(addr, expected, shared);
    // Changed since the call-time compare: a wake-up, as on the futex path.
    if (r === 'not-equal' || r === 'ok') return { addr, shared, cancelled, result: Promise.resolve('ok') };
    registered = r;
  }
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
  if (registered) {
    const { wordsAddr, words, slot, gen, sem, finish, wake } = registered;
    const deadline = timeoutMs === Infinity ? Infinity : startedAt + timeoutMs;
    w.worker.postMessage({ wordsAddr, wordsBytes: words.byteLength, slot, gen, sem, deadline, cancelled });
    return { addr, shared, cancelled, result: result.finally(finish), wake };
  }
  w.worker.postMessage({ addr, futexOp: op(FUTEX_WAIT, shared), expected, timeoutMs, cancelled, startedAt });
  return { addr, shared, cancelled, result };
}

/** close(): the waiting worker returns (other waiters on that word may see a spurious 'ok'). */
export function cancelWait(wait: PendingFutexWait): void {
  if (Atomics.exchange(wait.cancelled, 0, 1) !== 0) return;
  if (wait.wake) {
    wait.wake();
    return;
  }
  try {
    futexWake(wait.addr, 0x7fffffff, wait.shared);
  } catch {
    // the slice bound ends the wait anyway
  }
}
