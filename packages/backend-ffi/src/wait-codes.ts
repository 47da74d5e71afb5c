// What a wait loop returns, on every platform and in the waiter workers: 0 ok, 1 not-equal,
// 2 timed-out, or -errno; and how often a cancellable wait looks at its cancel flag.
import { syscallError, type WaitResult } from '@memmap/core';

/** A waiter worker re-checks its cancel flag at least this often (bounds a wake lost to a race with close()). */
export const SLICE_MS = 1000;

const results: readonly WaitResult[] = ['ok', 'not-equal', 'timed-out'];

export function toResult(code: number, syscall = 'futex'): WaitResult {
  if (code < 0) throw syscallError(-code, syscall);
  const result = results[code];
  if (result === undefined) throw new Error(`The wait loop returned ${code}, which is no WaitResult`);
  return result;
}
