// Named memory under Deno. Deno's node:fs refuses descriptors it did not open itself (fstat,
// ftruncate and close answer EBADF), and core sizes, resizes and closes a named map's descriptor
// through node:fs. So under Deno the shm_open descriptor is reopened through /proc/self/fd (Linux)
// or /dev/fd (macOS): an open(2) of the same shared memory object that Deno's fs makes and owns,
// and the original descriptor is closed natively. Elsewhere the descriptor is returned as it is.
import fs from 'node:fs';
import { runtime } from '@memmap/core';

/** A descriptor on the same object that the runtime's node:fs accepts; `fd` is closed or returned. */
export function runtimeOwnedFd(fd: number, closeNative: (fd: number) => void): number {
  if (runtime().name !== 'deno') return fd;
  const dir = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';
  try {
    return fs.openSync(`${dir}/${fd}`, fs.constants.O_RDWR);
  } finally {
    closeNative(fd);
  }
}

/** A new descriptor on what `fd` names, opened by the runtime's node:fs; `fd` stays open. */
export function reopenFd(fd: number): number {
  const dir = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';
  return fs.openSync(`${dir}/${fd}`, fs.constants.O_RDWR);
}
