// The C library and every prototype this backend calls, declared once. Pointers are BigInts
// (koffi 3); `void *` results come back unsigned, so MAP_FAILED is 2^64 - 1.
import koffi, { type LibraryHandle } from 'koffi';
import { lastError, windowsLibc } from './libc-win32.js';
import { platform } from './platform/index.js';

type Pointer = bigint;
type Callback<T> = (error: unknown, result: T) => void;
interface Fn<A extends unknown[], R> {
  (...args: A): R;
  async(...args: [...A, Callback<R>]): void;
}

export interface Libc {
  mmap: Fn<[addr: Pointer | null, length: number, prot: number, flags: number, fd: number, offset: number], Pointer>;
  munmap: Fn<[addr: Pointer, length: number], number>;
  msync: Fn<[addr: Pointer, length: number, flags: number], number>;
  madvise: Fn<[addr: Pointer, length: number, advice: number], number>;
  mincore: Fn<[addr: Pointer, length: number, vec: Uint8Array], number>;
  mlock: Fn<[addr: Pointer, length: number], number>;
  munlock: Fn<[addr: Pointer, length: number], number>;
  memcpy: Fn<[dst: Pointer, src: Pointer, length: number], Pointer>;
  memset: Fn<[dst: Pointer, value: number, length: number], Pointer>;
  sysconf: Fn<[name: number], number>;
  /** Variadic: fcntl(fd, cmd) or fcntl(fd, cmd, 'int', arg). */
  fcntl: (fd: number, cmd: number, ...variadic: unknown[]) => number;
  /** Linux only (glibc >= 2.27 / musl >= 1.1.20 for mlock2). */
  mlock2: Fn<[addr: Pointer, length: number, flags: number], number> | undefined;
  mremap: Fn<[addr: Pointer, oldLength: number, newLength: number, flags: number], Pointer> | undefined;
  /** The futex syscall (Linux only; see futexPrototype). */
  syscall:
    | Fn<
        [number: number, addr: Pointer, op: number, val: number, timeout: BigInt64Array | null, addr2: null, val3: number],
        number | bigint
      >
    | undefined;
  /** Variadic: (name, oflag, 'uint32_t', mode). In libc since glibc 2.34, in librt before. */
  shm_open: ((name: string, oflag: number, ...mode: [type: string, mode: number]) => number) | undefined;
  shm_unlink: ((name: string) => number) | undefined;
  /** close(2), for a descriptor the runtime's fs does not own (core's runtime-fd.ts); POSIX only. */
  close?: ((fd: number) => number) | undefined;
  /** Returns the error number itself (errno is not set); undefined where the C library lacks it (macOS). */
  posix_fallocate?: Fn<[fd: number, offset: number, length: number], number> | undefined;
  /** The C environment, process-wide (share.ts finds its registry there); POSIX only. */
  getenv?: ((name: string) => string | null) | undefined;
  setenv?: ((name: string, value: string, overwrite: number) => number) | undefined;
  /** This thread's kernel id (glibc >= 2.30, musl >= 1.2.2); Linux only. */
  gettid?: (() => number) | undefined;
}

/**
 * syscall() is variadic in C; the futex call passes only integers and pointers, in registers,
 * where the variadic and fixed conventions agree (x86_64, Linux aarch64), so a fixed prototype serves.
 */
export const futexPrototype = 'long syscall(long number, void *addr, int op, int val, void *timeout, void *addr2, int val3)';

export const MAP_FAILED: Pointer = (1n << 64n) - 1n;

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

function posixLibc(): Libc {
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

const windows = process.platform === 'win32';

/** The C library, or on Windows the same calls made of kernel32 sections and views (libc-win32.ts). */
export const libc: Libc = windows ? windowsLibc() : posixLibc();

/**
 * errno of the last failing call on this thread (koffi saves it right after each call); on Windows
 * libuv's code for the last Win32 error, which core names the same way.
 */
export const lastErrno = (): number => (windows ? lastError() : koffi.errno());

/** An external ArrayBuffer over [ptr, ptr + length), no copy, no finalizer. */
export const viewOf = (ptr: Pointer, length: number): ArrayBuffer => koffi.view(ptr, length);
