// wait/notify through the Linux futex syscall, called via koffi; elsewhere (macOS, FreeBSD) there is
// no futex and capabilities.waitNotify is false. The same wait loop runs on the calling thread
// (wait()) and in the waiter workers (waitAsync(), wait.ts), which load the futex themselves.
import { syscallError } from '@memmap/core';
import { platform } from '../../platform/index.js';
import type { Pointer } from '../../pointers.js';
import { SLICE_MS, toResult } from '../../wait-codes.js';
import type { WaitNotify } from '../types.js';
import { futexPrototype, type Libc, lastErrno, libcName } from './libc.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_PRIVATE_FLAG = 128;
const EAGAIN = 11;
const EINTR = 4;
const ETIMEDOUT = 110;

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
  addr: Pointer,
  futexOp: number,
  expected: number,
  timeoutMs: number,
  cancelled: Int32Array | null,
  compared: boolean,
) => number;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the same source runs in the waiter workers
const waitLoop = new Function(`return ${waitLoopSource}`)() as WaitLoop;

// Runs as CommonJS or as a module (an eval worker inherits --input-type from its parent), so it
// reaches modules through process.getBuiltinModule (Node >= 20.16), never through require/import.
const workerSource = `
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

export function futexWaits(libc: Libc): WaitNotify {
  return {
    available: platform.SYS_futex !== undefined && libc.syscall !== undefined,
    sleep: (addr, expected, timeoutMs, shared) =>
      toResult(waitLoop(libc.syscall, lastErrno, addr, op(FUTEX_WAIT, shared), expected, timeoutMs, null, true)),
    wake(addr, count, shared) {
      const woken = Number(libc.syscall!(platform.SYS_futex!, addr, op(FUTEX_WAKE, shared), count, null, null, 0));
      if (woken < 0) throw syscallError(lastErrno(), 'futex');
      return woken;
    },
    workerSource,
    // The C library that loaded here (libcName is set by loadLibc()).
    workerData: () => ({ libc: libcName }),
    start: (addr, expected, timeoutMs, shared, startedAt, cancelled) => ({
      message: { addr, futexOp: op(FUTEX_WAIT, shared), expected, timeoutMs, cancelled, startedAt },
    }),
  };
}
