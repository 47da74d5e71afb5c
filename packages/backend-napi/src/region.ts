// Region over one native mapping handle: converts errors, keeps the whole-map Buffer (so close()
// can detach it without a native weak reference), tracks async jobs. Kept lean on purpose: one
// open+map+bytes+close creates only the handle, this object and one external Buffer here.
import type { Advice, Region, Residency } from '@memmap/core';
import { addon, type MapHandle } from './addon.js';
import { toMmapError } from './errors.js';

// Same order as os::Advice in src/native/os.h.
const adviceCodes: Record<Advice, number> = {
  normal: 0,
  random: 1,
  sequential: 2,
  willneed: 3,
  dontneed: 4,
  hugepage: 5,
  nohugepage: 6,
};

const pageSize = addon.pageSize;

export class NapiRegion implements Region {
  /** undefined once closed or released: the native handle must never be used after that. */
  #h: MapHandle | undefined;
  /** The Buffer over the whole map handed out by buffer(), until remap/close detaches it. */
  #whole: Buffer | undefined;
  readonly #path: string | undefined;
  #pending = 0;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(handle: MapHandle, path: string | undefined) {
    this.#h = handle;
    this.#path = path;
  }

  buffer(): Buffer {
    // Core caches the Buffer it makes from ours; this cache only guarantees a single whole-map
    // Buffer (the one close/remap detach) even if it asked twice.
    if (this.#whole !== undefined) return this.#whole;
    try {
      return (this.#whole = addon.buffer(this.#handle()));
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  window(offset: number, length: number): Buffer {
    try {
      return addon.window(this.#handle(), offset, length);
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  flush(offset: number, length: number): void {
    try {
      addon.flush(this.#handle(), offset, length);
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  flushAsync(offset: number, length: number): Promise<void> {
    return this.#job(() => addon.flushAsync(this.#handle(), offset, length));
  }

  advise(advice: Advice, offset: number, length: number): boolean {
    try {
      return addon.advise(this.#handle(), adviceCodes[advice], offset, length);
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  prefetch(offset: number, length: number): Promise<void> {
    return this.#job(() => addon.prefetch(this.#handle(), offset, length));
  }

  residency(offset: number, length: number): Residency {
    try {
      const [resident, total] = addon.residency(this.#handle(), offset, length);
      return { resident, total, pageSize };
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  lock(): void {
    try {
      addon.lock(this.#handle());
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  unlock(): void {
    try {
      addon.unlock(this.#handle());
    } catch (error) {
      throw toMmapError(error, this.#path);
    }
  }

  remap(newLength: number): void {
    const whole = this.#whole;
    try {
      addon.remap(this.#handle(), newLength, whole);
    } catch (error) {
      throw toMmapError(error, this.#path);
    } finally {
      // Detached (reads length 0) once the native side got that far, even if the resize failed:
      // never hand it out again. If it threw before detaching, keep it so close() detaches it.
      if (whole !== undefined && whole.length === 0) this.#whole = undefined;
    }
  }

  close(): void {
    const h = this.#h;
    if (h === undefined) return;
    const whole = this.#whole;
    this.#h = undefined;
    this.#whole = undefined;
    // Detaches every view, then unmaps (deferred natively until running jobs finish).
    addon.close(h, whole);
  }

  collected(): void {
    // The map object is gone: drop the handle's reference. Buffers still alive (an ArrayBuffer the
    // user kept) hold their own references, so the memory stays mapped until they are collected.
    const h = this.#h;
    if (h === undefined) return;
    this.#h = undefined;
    this.#whole = undefined;
    addon.release(h);
  }

  whenIdle(): Promise<void> | undefined {
    return this.#idle?.promise;
  }

  /** Whether a SIGBUS was repaired inside this map (the file was cut under it). */
  get truncated(): boolean {
    return this.#h !== undefined && addon.isTruncated(this.#h);
  }

  #handle(): MapHandle {
    if (this.#h === undefined) throw Object.assign(new Error('the map is closed'), { kind: 'closed' });
    return this.#h;
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
