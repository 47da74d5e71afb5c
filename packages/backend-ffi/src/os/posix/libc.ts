// The C library (Linux, macOS, FreeBSD) and every prototype this backend calls, declared once.
// Loaded by loadLibc() from os/posix/index.ts, never at import: Windows imports this module too.
import koffi, { type LibraryHandle } from 'koffi';
import { platform } from '../../platform/index.js';
import type { Fn, MemoryCalls } from '../types.js';

/** The C library: the memory calls, plus what only POSIX code here uses. */
export interface Libc extends MemoryCalls {
  sysconf: Fn<[name: number], number>;
  /** Variadic: (name, oflag, 'uint32_t', mode). In libc since glibc 2.34, in librt before. */
  shm_open: ((name: string, oflag: number, ...mode: [type: string, mode: number]) => number) | undefined;
  shm_unlink: ((name: string) => number) | undefined;
}

/**
 * syscall() is variadic in C; the futex call passes only integers and pointers, in registers,
 * where the variadic and fixed conventions agree (x86_64, Linux aarch64), so a fixed prototype serves.
 */
export const futexPrototype = 'long syscall(long number, void *addr, int op, int val, void *timeout, void *addr2, int val3)';

/** The C library name that loaded (the waiter workers load the same one). */
export let libcName = '';

function open(): LibraryHandle {
  const errors: string[] = [];
  for (const name of platform.libc) {
    try {
      const lib = koffi.load(name);
      libcName = name;
      return lib;
    } catch (error) {
      errors.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`@memmap/backend-ffi cannot load the C library (${errors.join('; ')})`);
}

/** Loads the C library and looks up every call. */
export function loadLibc(): Libc {
  const lib = open();
  const fn = <F>(definition: string): F => lib.func(definition) as unknown as F;

  /** A function the C library may lack (an old libc): undefined instead of a load failure. */
  function optional<F>(definition: string): F | undefined {
    try {
      return fn<F>(definition);
    } catch {
      return undefined;
    }
  }

  /** shm_open/shm_unlink from libc, else from librt (glibc < 2.34). */
  function shm<F>(definition: string): F | undefined {
    const found = optional<F>(definition);
    if (found !== undefined || process.platform !== 'linux') return found;
    try {
      return koffi.load('librt.so.1').func(definition) as unknown as F;
    } catch {
      return undefined;
    }
  }

  return {
    // off_t is 64-bit on every supported (LP64) platform, so mmap is the 64-bit-offset variant.
    mmap: fn('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
    munmap: fn('int munmap(void *addr, size_t length)'),
    msync: fn('int msync(void *addr, size_t length, int flags)'),
    madvise: fn('int madvise(void *addr, size_t length, int advice)'),
    mincore: fn('int mincore(void *addr, size_t length, _Out_ uint8_t *vec)'),
    mlock: fn('int mlock(const void *addr, size_t length)'),
    munlock: fn('int munlock(const void *addr, size_t length)'),
    memcpy: fn('void *memcpy(void *dst, const void *src, size_t length)'),
    memset: fn('void *memset(void *dst, int value, size_t length)'),
    sysconf: fn('long sysconf(int name)'),
    fcntl: fn('int fcntl(int fd, int cmd, ...)'),
    mlock2: platform.MLOCK_ONFAULT === undefined ? undefined : optional('int mlock2(const void *addr, size_t length, unsigned int flags)'),
    // Declared without the variadic new_address: we only ever pass MREMAP_MAYMOVE.
    mremap:
      platform.MREMAP_MAYMOVE === undefined ? undefined : fn('void *mremap(void *addr, size_t oldLength, size_t newLength, int flags)'),
    syscall: platform.SYS_futex === undefined ? undefined : optional(futexPrototype),
    shm_open: shm('int shm_open(const char *name, int oflag, ...)'),
    shm_unlink: shm('int shm_unlink(const char *name)'),
    close: fn('int close(int fd)'),
    posix_fallocate: optional('int posix_fallocate(int fd, int64_t offset, int64_t length)'),
    getenv: optional('const char *getenv(const char *name)'),
    setenv: optional('int setenv(const char *name, const char *value, int overwrite)'),
    gettid: process.platform === 'linux' ? optional('int gettid(void)') : undefined,
  };
}

/** errno of the last failing call on this thread (koffi saves it right after each call). */
export const lastErrno = (): number => koffi.errno();
