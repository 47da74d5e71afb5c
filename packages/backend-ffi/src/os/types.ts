// The seam between the platform-neutral files and the OS, like the napi addon's native/os.h:
// everything they call that differs between POSIX (os/posix/) and Windows (os/win32/).
// os/index.ts builds exactly one implementation when the backend loads.
import type { NamedRegionRequest, NamedSectionRequest, OpenedNamed, WaitResult } from '@memmap/core';
import type { Pointer } from '../pointers.js';

type Callback<T> = (error: unknown, result: T) => void;

/** A koffi function: called on this thread, or on koffi's worker threads with .async. */
export interface Fn<A extends unknown[], R> {
  (...args: A): R;
  async(...args: [...A, Callback<R>]): void;
}

/**
 * The memory calls, with the C library's signatures and the flag values of platform/. Failures
 * return what the C call returns (-1, MAP_FAILED) and leave the reason for Os.lastErrno().
 */
export interface MemoryCalls {
  mmap: Fn<[addr: Pointer | null, length: number, prot: number, flags: number, fd: number, offset: number], Pointer>;
  munmap: Fn<[addr: Pointer, length: number], number>;
  msync: Fn<[addr: Pointer, length: number, flags: number], number>;
  madvise: Fn<[addr: Pointer, length: number, advice: number], number>;
  mincore: Fn<[addr: Pointer, length: number, vec: Uint8Array], number>;
  mlock: Fn<[addr: Pointer, length: number], number>;
  munlock: Fn<[addr: Pointer, length: number], number>;
  memcpy: Fn<[dst: Pointer, src: Pointer, length: number], Pointer>;
  memset: Fn<[dst: Pointer, value: number, length: number], Pointer>;
  /** Variadic: fcntl(fd, cmd) or fcntl(fd, cmd, 'int', arg). */
  fcntl: (fd: number, cmd: number, ...variadic: unknown[]) => number;
  /** Linux only (glibc >= 2.27 / musl >= 1.1.20 for mlock2). */
  mlock2: Fn<[addr: Pointer, length: number, flags: number], number> | undefined;
  mremap: Fn<[addr: Pointer, oldLength: number, newLength: number, flags: number], Pointer> | undefined;
  /** The futex syscall (Linux only; os/posix/libc.ts's futexPrototype). */
  syscall:
    | Fn<
        [number: number, addr: Pointer, op: number, val: number, timeout: BigInt64Array | null, addr2: null, val3: number],
        number | bigint
      >
    | undefined;
  /** close(2) (Windows: libuv's close) of a descriptor this backend made, which the runtime's fs does not own. */
  close?: ((fd: number) => number) | undefined;
  /** Returns the error number itself (errno is not set); undefined where the C library lacks it (macOS). */
  posix_fallocate?: Fn<[fd: number, offset: number, length: number], number> | undefined;
  /** The C environment, process-wide (share.ts finds its registry there); POSIX only. */
  getenv?: ((name: string) => string | null) | undefined;
  setenv?: ((name: string, value: string, overwrite: number) => number) | undefined;
  /** This thread's kernel id (glibc >= 2.30, musl >= 1.2.2); Linux only. */
  gettid?: (() => number) | undefined;
}

/** Named memory: core maps a descriptor (POSIX shm_open) or a section the backend maps (Windows). */
export type NamedMemory =
  | {
      readonly kind: 'descriptor';
      /** capabilities.named */
      readonly available: boolean;
      open(request: NamedRegionRequest): OpenedNamed;
      unlink(name: string): boolean;
    }
  | {
      readonly kind: 'section';
      readonly available: boolean;
      /** Opens or creates the section; throws an MmapError. size: what the section really holds. */
      open(request: NamedSectionRequest): { section: Pointer; created: boolean; size: number };
      /** A read-write view of the section's first `size` bytes, or MAP_FAILED (lastErrno() says why). */
      map(section: Pointer, size: number): Pointer;
      close(section: Pointer): void;
      unlink(name: string): boolean;
    };

/** One waitAsync as the platform prepared it, before a waiter worker takes it. */
export interface StartedWait {
  /** Posted to the waiter worker, which answers with a wait code (wait-codes.ts). */
  readonly message: unknown;
  /** Called once the wait has settled. */
  readonly finish?: () => void;
  /** Wakes only this wait (close()); without it close() wakes the word. */
  readonly wake?: () => void;
}

/** wait/notify on an int32 in mapped memory; `shared`: waiters in other processes must match. */
export interface WaitNotify {
  /** capabilities.waitNotify */
  readonly available: boolean;
  /** The sleep after the caller compared and spun: a value that changed meanwhile is 'ok'. */
  sleep(addr: Pointer, expected: number, timeoutMs: number, shared: boolean): WaitResult;
  /** Wakes up to `count` waiters; returns how many woke. */
  wake(addr: Pointer, count: number, shared: boolean): number;
  /** Source of a waiter worker (see wait.ts) and what it needs beside koffi's path. */
  readonly workerSource: string;
  workerData(): Record<string, unknown>;
  /** Prepares one waitAsync; 'ok' when the value already changed (a wake-up). */
  start(addr: Pointer, expected: number, timeoutMs: number, shared: boolean, startedAt: number, cancelled: Int32Array): StartedWait | 'ok';
}

export interface Os {
  readonly calls: MemoryCalls;
  /** The error of the last failing call on this thread, as core names errors (errno; libuv's code on Windows). */
  lastErrno(): number;
  readonly named: NamedMemory;
  readonly wait: WaitNotify;
  /** The OS refuses to shorten a file while a view maps it (Windows): Region.blocksFileCut. */
  readonly mappedFileCutRefused: boolean;
}
