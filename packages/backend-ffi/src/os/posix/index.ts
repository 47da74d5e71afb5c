// The seam (os/types.ts) on Linux, macOS and FreeBSD: the C library through koffi.
import type { Os } from '../types.js';
import { futexWaits } from './futex.js';
import { lastErrno, loadLibc } from './libc.js';
import { shmNamed } from './named.js';

export function posixOs(): Os {
  const libc = loadLibc();
  return { calls: libc, lastErrno, named: shmNamed(libc), wait: futexWaits(libc), mappedFileCutRefused: false };
}
