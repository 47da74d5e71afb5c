// Descriptors the runtime's node:fs accepts. Deno's node:fs refuses descriptors it did not open
// itself (fstat, ftruncate and close answer EBADF), and core sizes, resizes and closes a named
// map's descriptor through node:fs. So a backend that opens shared memory natively (shm_open)
// reopens it through /proc/self/fd (Linux) or /dev/fd (macOS) under Deno: an open(2) of the same
// object that Deno's fs makes and owns. Elsewhere the native descriptor is used as it is.
import fs from 'node:fs';
import { runtime } from './runtime.js';

/**
 * A descriptor on the same object that the runtime's node:fs accepts: under Deno a reopened one
 * (and `fd` is closed with `closeNative`), elsewhere `fd` itself.
 */
export function runtimeOwnedFd(fd: number, closeNative: (fd: number) => void): number {
  if (runtime().name !== 'deno') return fd;
  try {
    return reopenFd(fd);
  } finally {
    closeNative(fd);
  }
}

/** A new read-write descriptor on what `fd` names, opened by the runtime's node:fs; `fd` stays open. */
export function reopenFd(fd: number): number {
  const dir = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';
  return fs.openSync(`${dir}/${fd}`, fs.constants.O_RDWR);
}
