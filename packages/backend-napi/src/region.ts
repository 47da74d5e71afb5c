// Region over one NativeMap: converts errors, wraps ArrayBuffers as Buffers, tracks async jobs.
import type { Advice, Region, Residency } from '@memmap/core';
import type { NativeMap } from './addon.js';
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

export class NapiRegion implements Region {
  readonly #native: NativeMap;
  readonly #path: string | undefined;
  readonly #pageSize: number;
  #pending = 0;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(native: NativeMap, path: string | undefined, pageSize: number) {
    this.#native = native;
    this.#path = path;
    this.#pageSize = pageSize;
  }

  buffer(): Buffer {
    return Buffer.from(this.#call(() => this.#native.buffer()));
  }

  window(offset: number, length: number): Buffer {
    return Buffer.from(this.#call(() => this.#native.window(offset, length)));
  }

  flush(offset: number, length: number): void {
    this.#call(() => this.#native.flush(offset, length));
  }

  flushAsync(offset: number, length: number): Promise<void> {
    return this.#job(() => this.#native.flushAsync(offset, length));
  }

  advise(advice: Advice, offset: number, length: number): boolean {
    return this.#call(() => this.#native.advise(adviceCodes[advice], offset, length));
  }

  prefetch(offset: number, length: number): Promise<void> {
    return this.#job(() => this.#native.prefetch(offset, length));
  }

  residency(offset: number, length: number): Residency {
    const [resident, total] = this.#call(() => this.#native.residency(offset, length));
    return { resident, total, pageSize: this.#pageSize };
  }

  lock(): void {
    this.#call(() => this.#native.lock());
  }

  unlock(): void {
    this.#call(() => this.#native.unlock());
  }

  remap(newLength: number): void {
    this.#call(() => this.#native.remap(newLength));
  }

  close(): void {
    // Detaches every view, then unmaps (deferred natively until running jobs finish).
    this.#native.close();
  }

  collected(): void {
    // Nothing to do: the native wrapper's own finalizer drops its reference, and the memory stays
    // mapped until the last ArrayBuffer handed out is collected too.
  }

  whenIdle(): Promise<void> | undefined {
    return this.#idle?.promise;
  }

  /** Whether a SIGBUS was repaired inside this map (the file was cut under it). */
  get truncated(): boolean {
    return this.#native.isTruncated();
  }

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
