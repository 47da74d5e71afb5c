// Checked wrappers: each failing call reads errno immediately and throws an MmapError shaped
// like Node's fs errors (code, errno, syscall, path).
import { isMainThread } from 'node:worker_threads';
import { alignDown, alignUp, ErrorCodes, type FdAccess, MmapError, runtime, pageSize as systemPageSize, syscallError } from '@memmap/core';

const unsupported = (what: string, backend: string): MmapError =>
  new MmapError(ErrorCodes.UNSUPPORTED, `${what} is not supported by the ${backend} backend`);

import { limited } from './async-queue.js';
import { os } from './os/index.js';
import { platform } from './platform/index.js';
import { MAP_FAILED } from './pointers.js';

const { calls, lastErrno } = os;

/**
 * Bun crashes (SIGSEGV in Bun itself) when a koffi async call completes after the Worker that
 * started it was terminated, so inside Bun's workers the "async" calls run on the calling thread:
 * they block only that worker, and nothing is left to complete after it is gone.
 */
const inlineAsync = runtime().name === 'bun' && !isMainThread;

/** The page size: core's one answer, as a constant for the paths here. */
export const pageSize: number = systemPageSize();
export { alignDown, alignUp };

/** mmap(); returns the address or throws. */
export function mmap(addr: bigint | null, length: number, prot: number, flags: number, fd: number, offset: number, path?: string): bigint {
  const ptr = calls.mmap(addr, length, prot, flags, fd, offset);
  if (ptr === MAP_FAILED || ptr === null) throw syscallError(lastErrno(), 'mmap', path);
  return ptr;
}

export function munmap(addr: bigint, length: number): void {
  if (calls.munmap(addr, length) !== 0) throw syscallError(lastErrno(), 'munmap');
}

export function msync(addr: bigint, length: number, path?: string): void {
  if (calls.msync(addr, length, platform.MS_SYNC) !== 0) throw syscallError(lastErrno(), 'msync', path);
}

/** Runs msync(MS_SYNC) on koffi's worker threads (on this thread if koffi's queue is full). */
export function msyncAsync(addr: bigint, length: number, path?: string): Promise<void> {
  return limited(
    () =>
      new Promise<void>((resolve, reject) => {
        const done = (result: number): void => {
          if (result === 0) resolve();
          else reject(syscallError(lastErrno() || 5 /* EIO if errno was lost */, 'msync', path));
        };
        if (inlineAsync) return done(calls.msync(addr, length, platform.MS_SYNC));
        try {
          calls.msync.async(addr, length, platform.MS_SYNC, (error, result) => (error ? reject(error) : done(result)));
        } catch {
          done(calls.msync(addr, length, platform.MS_SYNC));
        }
      }),
  );
}

/**
 * Reserves disk blocks for file bytes [offset, offset + length) (allocate: true): a full disk is
 * ENOSPC here, before anything is mapped. Never changes a byte; may extend the file to the range.
 */
export function fallocate(fd: number, offset: number, length: number, path?: string): void {
  if (!calls.posix_fallocate) throw unsupported('allocate: true (no posix_fallocate in this C library)', 'ffi');
  let err: number;
  do err = calls.posix_fallocate(fd, offset, length);
  while (err === 4 /* EINTR */);
  if (err !== 0) throw syscallError(err, 'posix_fallocate', path);
}

/** madvise(); false when the kernel refused the hint. */
export const madvise = (addr: bigint, length: number, advice: number): boolean => calls.madvise(addr, length, advice) === 0;

/** madvise() on koffi's worker threads; resolves whether the hint was applied. */
export function madviseAsync(addr: bigint, length: number, advice: number): Promise<boolean> {
  return limited(
    () =>
      new Promise<boolean>((resolve) => {
        if (inlineAsync) return resolve(calls.madvise(addr, length, advice) === 0);
        try {
          calls.madvise.async(addr, length, advice, (error, result) => resolve(!error && result === 0));
        } catch {
          resolve(false); // koffi's queue is full: a hint may be dropped
        }
      }),
  );
}

export function mlock(addr: bigint, length: number, path?: string): void {
  if (calls.mlock(addr, length) !== 0) throw syscallError(lastErrno(), 'mlock', path);
}

/** mlock2(MLOCK_ONFAULT); false where it does not exist here. */
export function mlockOnFault(addr: bigint, length: number, path?: string): boolean {
  if (calls.mlock2 === undefined || platform.MLOCK_ONFAULT === undefined) return false;
  if (calls.mlock2(addr, length, platform.MLOCK_ONFAULT) !== 0) throw syscallError(lastErrno(), 'mlock', path);
  return true;
}

export function munlock(addr: bigint, length: number, path?: string): void {
  if (calls.munlock(addr, length) !== 0) throw syscallError(lastErrno(), 'munlock', path);
}

/** Resident pages of a page-aligned range, counted in chunks so the vector stays small. */
export function mincoreCount(addr: bigint, length: number): number {
  const chunkPages = 1 << 16;
  const vec = new Uint8Array(chunkPages);
  let resident = 0;
  for (let done = 0; done < length; ) {
    const bytes = Math.min(length - done, chunkPages * pageSize);
    if (calls.mincore(addr + BigInt(done), bytes, vec) !== 0) throw syscallError(lastErrno(), 'mincore');
    const pages = Math.ceil(bytes / pageSize);
    for (let i = 0; i < pages; i++) resident += vec[i]! & 1;
    done += bytes;
  }
  return resident;
}

/** mremap(MREMAP_MAYMOVE); Linux only (callers check calls.mremap first). */
export function mremap(addr: bigint, oldLength: number, newLength: number, path?: string): bigint {
  const ptr = calls.mremap!(addr, oldLength, newLength, platform.MREMAP_MAYMOVE!);
  if (ptr === MAP_FAILED || ptr === null) throw syscallError(lastErrno(), 'mremap', path);
  return ptr;
}

export const memcpy = (dst: bigint, src: bigint, length: number): void => {
  calls.memcpy(dst, src, length);
};

export const memset = (dst: bigint, value: number, length: number): void => {
  calls.memset(dst, value, length);
};

const accessModes: readonly FdAccess[] = ['read', 'write', 'read-write'];

/** fcntl(F_GETFL) & O_ACCMODE of a caller's fd: 0 read-only, 1 write-only, 2 read-write. */
export function fdAccessMode(fd: number): FdAccess {
  const flags = calls.fcntl(fd, platform.F_GETFL!);
  if (flags < 0) throw syscallError(lastErrno(), 'fcntl');
  const mode = accessModes[flags & 3];
  if (mode === undefined) throw new MmapError(ErrorCodes.INVALID_ARG_VALUE, `fd ${fd} has no access mode (O_ACCMODE is 3)`);
  return mode;
}

/**
 * close(2) of a descriptor this backend made (a duplicate, shm_open, openShared): closed the way it
 * was opened, since Node's fs in a Worker warns about closing a descriptor it did not open.
 * undefined where the OS layer has no close.
 */
export const closeNative: ((fd: number) => void) | undefined = calls.close
  ? (fd) => {
      if (calls.close!(fd) !== 0) throw syscallError(lastErrno(), 'close');
    }
  : undefined;

/** fcntl(F_DUPFD_CLOEXEC): a new descriptor on the same open file description. */
export function fdDuplicate(fd: number): number {
  const copy = calls.fcntl(fd, platform.F_DUPFD_CLOEXEC!, 'int', 0);
  if (copy < 0) throw syscallError(lastErrno(), 'fcntl');
  return copy;
}
