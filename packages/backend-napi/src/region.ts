// Region over one native mapping handle: converts errors, keeps the whole-map Buffer (so close()
// can detach it without a native weak reference), tracks async jobs. Kept lean on purpose: one
// open+map+bytes+close creates only the handle, this object and one external Buffer here.
// Core validates every range and never calls a closed region, so nothing is re-checked here; the
// native side checks again all the same (defence in depth, src/native/args.h): a stale handle
// throws "closed", and every offset, length and wait address is checked against the mapping's
// real length before any syscall, so a caller that bypasses core gets an MmapError, never a crash.
import type { Advice, Region, RemapOptions, Residency, SharedId, WaitResult } from '@memmap/core';
import { addon, codeName, type MapHandle } from './addon.js';
import { toMmapError } from './errors.js';

const adviceCodes = addon.constants.advice;

// Same numbers as WaitResult in src/native/waiters.h.
const waitResults: readonly WaitResult[] = ['ok', 'not-equal', 'timed-out'];

const pageSize = addon.pageSize;
/** Never a live handle: the native side answers it with "closed". */
const noHandle = -1 as MapHandle;

export class NapiRegion implements Region {
  /** Windows refuses to cut a file under a view: core unmaps, cuts and maps again. */
  readonly blocksFileCut = process.platform === 'win32';
  /** noHandle after close()/collected(): handle numbers are reused, so a kept one could name another map. */
  #h: MapHandle;
  /** The Buffer over the whole map handed out by buffer(), until remap/close detaches it. */
  #whole: Buffer | undefined;
  readonly #path: string | undefined;
  /** The file (-1 for anonymous) and the map's file offset, for allocate on resize. */
  readonly #fd: number;
  readonly #offset: number;
  #pending = 0;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(handle: MapHandle, path: string | undefined, fd: number, offset: number) {
    this.#h = handle;
    this.#path = path;
    this.#fd = fd;
    this.#offset = offset;
  }

  buffer(): Buffer {
    // Core caches the Buffer it makes from ours; this cache only guarantees a single whole-map
    // Buffer (the one close/remap detach) even if it asked twice.
    this.#whole ??= this.#call(() => addon.buffer(this.#h));
    return this.#whole;
  }

  window(offset: number, length: number): Buffer {
    return this.#call(() => addon.window(this.#h, offset, length));
  }

  flush(offset: number, length: number): void {
    this.#call(() => addon.flush(this.#h, offset, length));
  }

  flushAsync(offset: number, length: number): Promise<void> {
    return this.#job(() => addon.flushAsync(this.#h, offset, length));
  }

  advise(advice: Advice, offset: number, length: number): boolean {
    return this.#call(() => addon.advise(this.#h, adviceCodes[advice], offset, length));
  }

  prefetch(offset: number, length: number): Promise<void> {
    return this.#job(() => addon.prefetch(this.#h, offset, length));
  }

  residency(offset: number, length: number): Residency {
    const [resident, total] = this.#call(() => addon.residency(this.#h, offset, length));
    return { resident, total, pageSize };
  }

  lock(): void {
    this.#call(() => addon.lock(this.#h));
  }

  unlock(): void {
    this.#call(() => addon.unlock(this.#h));
  }

  wait(offset: number, expected: number, timeoutMs: number): WaitResult {
    return codeName(
      waitResults,
      this.#call(() => addon.wait(this.#h, offset, expected, timeoutMs)),
      'wait result',
    );
  }

  waitAsync(offset: number, expected: number, timeoutMs: number): Promise<WaitResult> {
    // Not a #job: the wait holds the mapping natively, and core's fd close need not wait for it.
    try {
      return addon.waitAsync(this.#h, offset, expected, timeoutMs).then(
        (code) => codeName(waitResults, code, 'wait result'),
        (error: unknown) => Promise.reject(toMmapError(error, this.#path)),
      );
    } catch (error) {
      return Promise.reject(toMmapError(error, this.#path));
    }
  }

  notify(offset: number, count: number): number {
    return this.#call(() => addon.notify(this.#h, offset, count));
  }

  remap(newLength: number, options: RemapOptions): void {
    // Blocks first: ENOSPC must leave the map and its views as they were.
    if (options.allocate) this.#call(() => addon.allocate(this.#fd, this.#offset, newLength));
    const whole = this.#whole;
    try {
      this.#call(() => addon.remap(this.#h, newLength, whole));
    } finally {
      // Detached (reads length 0) once the native side got that far, even if the resize failed:
      // never hand it out again. If it threw before detaching, keep it so close() detaches it.
      if (whole !== undefined && whole.length === 0) this.#whole = undefined;
    }
  }

  close(): void {
    const h = this.#h;
    const whole = this.#whole;
    this.#h = noHandle;
    this.#whole = undefined;
    // Detaches every view, then unmaps (deferred natively until running jobs finish).
    addon.close(h, whole);
  }

  collected(): void {
    // The map object is gone: drop the handle's reference. Buffers still alive (an ArrayBuffer the
    // user kept) hold their own references, so the memory stays mapped until they are collected.
    const h = this.#h;
    this.#h = noHandle;
    this.#whole = undefined;
    addon.release(h);
  }

  share(): SharedId {
    const [id, secret] = this.#call(() => addon.share(this.#h));
    return { id, secret };
  }

  whenIdle(): Promise<void> | undefined {
    return this.#idle?.promise;
  }

  /** Runs one native call, turning its error into an MmapError. */
  #call<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  #job(start: () => Promise<void>): Promise<void> {
    let promise: Promise<void>;
    try {
      promise = start();
    } catch (error) {
      return Promise.reject(toMmapError(error, this.#path));
    }
    if (this.#pending++ === 0) {
      let resolve!: () => void;
      const idle = new Promise<void>((r) => (resolve = r));
      this.#idle = { promise: idle, resolve };
    }
    const settle = (): void => {
      if (--this.#pending === 0) {
        this.#idle?.resolve();
        this.#idle = undefined;
      }
    };
    return promise.then(settle, (error: unknown) => {
      settle();
      throw toMmapError(error, this.#path);
    });
  }
}
