// The public Mmap / MmapMut objects, shared by every backend built with defineBackend(): the
// closed state, bounds, caching of `bytes` and resize orchestration live here once.
import * as fs from 'node:fs';
import { closedError, ErrorCodes, fromNodeError, MmapError, outOfRange, tooLarge, unsupported } from './errors.js';
import { maxWholeBufferLength, pageSize } from './pages.js';
import type { Region } from './region.js';
import type { Advice, Capabilities, Mmap, MmapMut, Residency, ResizeOptions, WaitResult } from './types.js';
import {
  validateAdvice,
  validateBoolean,
  validateCount,
  validateExpected,
  validateNotifyCount,
  validateOptions,
  validateRange,
  validateTimeout,
  validateWaitOffset,
} from './validate.js';
import { isWindows, shrinkMappedFile } from './windows.js';

/** read = map(), shared = mapMut(), copy = mapCopy(), anon = mapAnon(). */
export type MapKind = 'read' | 'shared' | 'copy' | 'anon';

export interface MapInit {
  readonly backend: string;
  readonly capabilities: Capabilities;
  readonly kind: MapKind;
  readonly region: Region;
  readonly offset: number;
  readonly length: number;
  /** The fd of a file map (-1 for anonymous) and whether we close it. */
  readonly fd: number;
  readonly ownsFd: boolean;
  /** Set when the region cannot change size (a Windows named section): why resize() is refused. */
  readonly fixedSize?: string;
}

/** What the finalizer needs; must not reference the map object itself. */
interface Held {
  readonly region: Region;
  readonly fd: number;
  readonly ownsFd: boolean;
}

// A map that was never closed: let the backend release it, then close our fd.
// A finalizer has no caller to report to, and a throw there would kill the process: swallow.
const finalizer = new FinalizationRegistry<Held>((held) => {
  try {
    held.region.collected();
  } catch {
    // e.g. the file vanished: nothing left to write back to
  }
  try {
    if (held.ownsFd) closeWhenIdle(held.region, held.fd);
  } catch {
    // the fd is gone either way
  }
});

/**
 * Closes our fd now, or once no asynchronous work of the region still uses it (so a pending write
 * can never land in a file that reused the fd number).
 */
function closeWhenIdle(region: Region, fd: number): void {
  const idle = region.whenIdle?.();
  if (idle) void idle.finally(() => fs.close(fd, () => {}));
  else fs.closeSync(fd);
}

/** A constructor that returns its argument, so a subclass can stamp a private field on any object. */
class Stamp {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: returning the target is the point: it lets a subclass stamp a private field on any object
    return target;
  }
}

/**
 * Buffers handed out keep their map object alive, so a live Buffer never outlives its map: the map
 * is stored in a private field stamped on the Buffer (invisible to the user, like a private symbol).
 * Much cheaper than Object.defineProperty on a typed array (~5 ns against ~160 ns per Buffer).
 */
class OwnedBuffer extends Stamp {
  // Exists to keep the owner reachable from the Buffer.
  readonly #owner: ReadOnlyMap;
  constructor(buffer: Buffer, owner: ReadOnlyMap) {
    super(buffer);
    this.#owner = owner;
  }

  /** The map a Buffer was handed out by, if any. */
  static ownerOf(buffer: object): ReadOnlyMap | undefined {
    return #owner in buffer ? (buffer as OwnedBuffer).#owner : undefined;
  }
}

/**
 * The map a Buffer from `bytes` or `view()` belongs to (undefined for any other Buffer). A live
 * Buffer keeps its map alive, so the answer is never a collected map. Never throws.
 *
 * @example
 * ```ts
 * import { map, ownerOf } from '@memmap/core';
 * const m = map('data.bin');
 * ownerOf(m.view(0, 16)) === m; // true
 * ```
 */
export const ownerOf = (buffer: object): Mmap | undefined => OwnedBuffer.ownerOf(buffer);

export class ReadOnlyMap implements Mmap {
  protected readonly init: MapInit;
  protected currentLength: number;
  protected isClosed = false;
  private cachedBytes: Buffer | undefined;

  constructor(init: MapInit) {
    this.init = init;
    this.currentLength = init.length;
    finalizer.register(this, { region: init.region, fd: init.fd, ownsFd: init.ownsFd }, this);
  }

  get backend(): string {
    return this.init.backend;
  }
  get length(): number {
    return this.currentLength;
  }
  get offset(): number {
    return this.init.offset;
  }
  get writable(): boolean {
    return this.init.kind !== 'read';
  }
  get closed(): boolean {
    return this.isClosed;
  }

  get bytes(): Buffer {
    this.assertOpen('bytes');
    if (this.cachedBytes) return this.cachedBytes;
    const max = maxWholeBufferLength();
    if (this.currentLength > max) {
      throw tooLarge(`The map is ${this.currentLength} bytes, more than one Buffer can hold here (${max}); use view()`);
    }
    this.cachedBytes = this.own(this.init.region.buffer());
    return this.cachedBytes;
  }

  view(offset?: number, length?: number): Buffer {
    this.assertOpen('view()');
    const range = validateRange(offset, length, this.currentLength);
    if (this.currentLength <= maxWholeBufferLength()) {
      return this.own(this.bytes, range.offset, range.length);
    }
    if (range.length > maxWholeBufferLength()) {
      throw tooLarge(`A view of ${range.length} bytes is more than one Buffer can hold here`);
    }
    return this.own(this.init.region.window(range.offset, range.length));
  }

  advise(advice: Advice, offset?: number, length?: number): boolean {
    this.assertOpen('advise()');
    const name = validateAdvice(advice);
    const range = validateRange(offset, length, this.currentLength);
    if (range.length === 0) return false;
    return this.init.region.advise(name, range.offset, range.length);
  }

  prefetch(offset?: number, length?: number): Promise<void> {
    return this.promise('prefetch()', offset, length, (o, l) => this.init.region.prefetch(o, l));
  }

  residency(offset?: number, length?: number): Residency {
    this.assertOpen('residency()');
    const range = validateRange(offset, length, this.currentLength);
    if (range.length === 0) return { resident: 0, total: 0, pageSize: pageSize() };
    return this.init.region.residency(range.offset, range.length);
  }

  lock(): void {
    this.assertOpen('lock()');
    if (!this.init.capabilities.lock) throw unsupported('lock()', this.init.backend);
    if (this.currentLength > 0) this.init.region.lock();
  }

  unlock(): void {
    this.assertOpen('unlock()');
    if (!this.init.capabilities.lock) throw unsupported('unlock()', this.init.backend);
    if (this.currentLength > 0) this.init.region.unlock();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.cachedBytes = undefined;
    finalizer.unregister(this);
    const { region, fd, ownsFd } = this.init;
    try {
      region.close();
    } finally {
      if (ownsFd) closeWhenIdle(region, fd);
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  protected assertOpen(what: string): void {
    if (this.isClosed) throw closedError(what);
  }

  /** Forget the cached Buffer (the backend detached it). */
  protected dropBytes(): void {
    this.cachedBytes = undefined;
  }

  /** Validates, then runs an async region call; every failure becomes a rejection. */
  protected promise(what: string, offset: unknown, length: unknown, run: (offset: number, length: number) => Promise<void>): Promise<void> {
    try {
      this.assertOpen(what);
      const range = validateRange(offset, length, this.currentLength);
      if (range.length === 0) return Promise.resolve();
      return run(range.offset, range.length);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A new Buffer object over [start, start + length) of `buffer`'s memory, tagged with this map.
   * Never the backend's own object: a backend that keeps its Buffer would otherwise keep the map
   * reachable forever.
   */
  private own(buffer: Buffer, start = 0, length = buffer.length - start): Buffer {
    const tagged = Buffer.from(buffer.buffer, buffer.byteOffset + start, length);
    new OwnedBuffer(tagged, this);
    return tagged;
  }
}

/** A pending waitAsync() as core tracks it: close() rejects it. */
type PendingWait = (error: unknown) => void;

export class MutableMap extends ReadOnlyMap implements MmapMut {
  /** Pending waitAsync() calls; close() rejects them with ERR_MMAP_CLOSED. */
  private readonly waiters = new Set<PendingWait>();

  wait(offset: number, expected: number, timeoutMs?: number): WaitResult {
    const args = this.waitArgs('wait()', offset, expected, timeoutMs);
    try {
      return this.init.region.wait!(args.offset, args.expected, args.timeout);
    } catch (error) {
      throw fromNodeError(error);
    }
  }

  waitAsync(offset: number, expected: number, timeoutMs?: number): Promise<WaitResult> {
    let started: Promise<WaitResult>;
    try {
      const args = this.waitArgs('waitAsync()', offset, expected, timeoutMs);
      started = this.init.region.waitAsync!(args.offset, args.expected, args.timeout);
    } catch (error) {
      return Promise.reject(fromNodeError(error));
    }
    return new Promise<WaitResult>((resolve, reject) => {
      const fail: PendingWait = reject;
      this.waiters.add(fail);
      // Whatever the backend's promise does after close() (it was woken), the caller already has
      // ERR_MMAP_CLOSED: settle only while still pending here.
      started.then(
        (result) => this.waiters.delete(fail) && resolve(result),
        (error: unknown) => this.waiters.delete(fail) && reject(fromNodeError(error)),
      );
    });
  }

  notify(offset: number, count?: number): number {
    this.assertOpen('notify()');
    if (!this.init.capabilities.waitNotify) throw unsupported('notify()', this.init.backend);
    const at = validateWaitOffset(offset, this.init.offset, this.currentLength);
    const n = validateNotifyCount(count);
    if (n === 0) return 0; // the futex would still wake one for a count of 0
    try {
      return this.init.region.notify!(at, n);
    } catch (error) {
      throw fromNodeError(error);
    }
  }

  override close(): void {
    if (this.isClosed) return;
    const pending = [...this.waiters];
    this.waiters.clear();
    try {
      super.close(); // the region wakes its waiters and keeps their memory until they return
    } finally {
      for (const reject of pending) reject(closedError('waitAsync()'));
    }
  }

  private waitArgs(
    what: string,
    offset: unknown,
    expected: unknown,
    timeoutMs: unknown,
  ): { offset: number; expected: number; timeout: number } {
    this.assertOpen(what);
    if (!this.init.capabilities.waitNotify) throw unsupported(what, this.init.backend);
    return {
      offset: validateWaitOffset(offset, this.init.offset, this.currentLength),
      expected: validateExpected(expected),
      timeout: validateTimeout(timeoutMs),
    };
  }

  flush(offset?: number, length?: number): void {
    this.assertOpen('flush()');
    const range = validateRange(offset, length, this.currentLength);
    // A copy-on-write or anonymous map has nothing to write: flush succeeds and writes nothing.
    if (this.init.kind !== 'shared' || range.length === 0) return;
    this.init.region.flush(range.offset, range.length);
  }

  flushAsync(offset?: number, length?: number): Promise<void> {
    return this.promise('flushAsync()', offset, length, (o, l) =>
      this.init.kind === 'shared' ? this.init.region.flushAsync(o, l) : Promise.resolve(),
    );
  }

  resize(newLength: number, options?: ResizeOptions): void {
    this.assertOpen('resize()');
    const next = validateCount(newLength, 'newLength');
    const allocate = validateBoolean(validateOptions(options).allocate, 'options.allocate');
    if (this.init.kind === 'copy') throw unsupported('resize() of a copy-on-write map', this.init.backend);
    if (this.init.fixedSize)
      throw new MmapError(ErrorCodes.UNSUPPORTED, `resize() of a named map is not possible here: ${this.init.fixedSize}`);
    // A pending waitAsync sleeps on an address of this mapping: it must not move under it.
    if (this.waiters.size > 0) {
      throw new MmapError('EBUSY', `EBUSY: resource busy, resize() with ${this.waiters.size} pending waitAsync() call(s)`, {
        syscall: 'mremap',
      });
    }
    try {
      // Anonymous memory has no disk blocks to reserve: allocate only means something for files.
      if (this.init.kind === 'shared') this.resizeFileMap(next, allocate && next > 0);
      else this.init.region.remap(next, { allocate: false });
      this.currentLength = next;
    } finally {
      // Even a failed remap may have detached the old Buffer: never hand it out again.
      this.dropBytes();
    }
  }

  /** Grow the file before the map, shrink it after; cut it only when the map reached its end. */
  private resizeFileMap(next: number, allocate: boolean): void {
    const { fd, offset, region } = this.init;
    try {
      const fileSize = fs.fstatSync(fd).size;
      const newEnd = offset + next;
      if (newEnd > Number.MAX_SAFE_INTEGER) throw outOfRange(`offset + newLength (${newEnd}) is beyond 2^53 - 1`);
      if (newEnd > fileSize) {
        fs.ftruncateSync(fd, newEnd);
        try {
          region.remap(next, { allocate });
        } catch (error) {
          fs.ftruncateSync(fd, fileSize);
          throw error;
        }
        return;
      }
      const reachedEnd = offset + this.currentLength >= fileSize;
      // Only a backend that really maps (zeroCopy) holds a view that blocks the cut.
      if (isWindows && this.init.capabilities.zeroCopy && next < this.currentLength && reachedEnd) {
        shrinkMappedFile(region, fd, this.currentLength, next, newEnd);
        return;
      }
      region.remap(next, { allocate });
      if (next < this.currentLength && reachedEnd) fs.ftruncateSync(fd, newEnd);
    } catch (error) {
      throw fromNodeError(error);
    }
  }
}
