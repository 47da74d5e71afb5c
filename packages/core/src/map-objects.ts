// The public Mmap / MmapMut objects, shared by every backend built with defineBackend(): the
// closed state, bounds, caching of `bytes` and resize orchestration live here once.
import * as fs from 'node:fs';
import { inspect } from 'node:util';
import { closedError, ErrorCodes, fromNodeError, invalidType, MmapError, outOfRange, tooLarge, unsupported } from './errors.js';
import { maxWholeBufferLength, pageSize } from './pages.js';
import type { Region } from './region.js';
import { makeHandle } from './share.js';
import type { CloseFd } from './source.js';
import { makeArray, validateArray } from './typed-array.js';
import type {
  Advice,
  Capabilities,
  MapHandle,
  Mmap,
  MmapMut,
  Residency,
  ResizeOptions,
  TypedArrayConstructor,
  WaitResult,
} from './types.js';
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
import { shrinkUnderView } from './shrink-under-view.js';

/** Which call made a map: read = map(), shared = mapMut() (and mapNamed()), copy = mapCopy(), anon = mapAnon(). */
export type MapKind = 'read' | 'shared' | 'copy' | 'anon';

export interface MapInit {
  readonly backend: string;
  readonly capabilities: Capabilities;
  readonly kind: MapKind;
  readonly region: Region;
  readonly offset: number;
  readonly length: number;
  /** The fd of a file map (-1 for anonymous). */
  readonly fd: number;
  /** How to close fd when the map is done with it; undefined when it is not the map's to close. */
  readonly closeFd: CloseFd | undefined;
  /** Set when the region cannot change size (a Windows named section): why resize() is refused. */
  readonly fixedSize?: string;
}

/** What the finalizer needs; must not reference the map object itself. */
interface Held {
  readonly region: Region;
  readonly fd: number;
  readonly closeFd: CloseFd | undefined;
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
    if (held.closeFd) closeWhenIdle(held.region, held.fd, held.closeFd);
  } catch {
    // the fd is gone either way
  }
});

/**
 * Closes our fd now, or once no asynchronous work of the region still uses it (so a pending write
 * can never land in a file that reused the fd number).
 */
function closeWhenIdle(region: Region, fd: number, closeFd: CloseFd): void {
  const idle = region.whenIdle?.();
  if (!idle) {
    closeFd(fd);
    return;
  }
  void idle.finally(() => {
    try {
      closeFd(fd);
    } catch {
      // gone already: nothing left to release
    }
  });
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
  constructor(buffer: ArrayBufferView, owner: ReadOnlyMap) {
    super(buffer);
    this.#owner = owner;
  }

  /** The map a Buffer was handed out by, if any. */
  static ownerOf(buffer: unknown): ReadOnlyMap | undefined {
    // `in` throws on primitives: anything that is not an object has no owner.
    if ((typeof buffer !== 'object' && typeof buffer !== 'function') || buffer === null) return undefined;
    return #owner in buffer ? (buffer as OwnedBuffer).#owner : undefined;
  }
}

/**
 * The map a Buffer from `bytes` or `view()` belongs to (undefined for anything else, including
 * values that are not objects at all). A live Buffer keeps its map alive, so the answer is never a
 * collected map. Never throws.
 *
 * @example
 * ```ts
 * import { map, ownerOf } from '@memmap/core';
 * const m = map('data.bin');
 * ownerOf(m.view(0, 16)) === m; // true
 * ```
 */
export const ownerOf = (buffer: unknown): Mmap | undefined => OwnedBuffer.ownerOf(buffer);

/**
 * Everything a map object knows, kept in one private field: no assignment, defineProperty,
 * prototype change or subclass can reach it, so user code can never make core hand a backend a
 * range outside the live mapping.
 */
interface MapState {
  readonly init: MapInit;
  /** Bytes in the map now (changes with resize). */
  length: number;
  closed: boolean;
  /** The Buffer `bytes` returns until resize/close. */
  bytes: Buffer | undefined;
}

/** Only core makes map objects: the constructors refuse anything but this token. */
const makeToken = Symbol('memmap.makeMap');

/** Reads a map's private state; set in ReadOnlyMap's static block (MutableMap needs it too). */
let stateOf: (map: ReadOnlyMap) => MapState;

// structuredClone/postMessage copy own enumerable properties; a function among them makes the
// clone fail with DataCloneError instead of silently producing an empty object that looks like a map.
function notCloneable(): never {
  throw new MmapError(ErrorCodes.INVALID_ARG_VALUE, 'A map object cannot be cloned or posted to a Worker');
}

export class ReadOnlyMap implements Mmap {
  readonly #s: MapState;
  /**
   * Present so that structuredClone()/postMessage() of a map throws DataCloneError (a map is
   * memory of this thread; a Worker must map the file itself) instead of copying nothing.
   */
  declare readonly [Symbol.toStringTag]: string;

  static {
    stateOf = (map: ReadOnlyMap): MapState => {
      // A Proxy or an object that only pretends to be a map: a clean error, never its properties.
      if (!(#s in map)) throw invalidType('this', 'a map object made by memmap', map);
      return map.#s;
    };
  }

  /** @internal Maps are made by a backend's map()/mapMut()/...; the token keeps anyone else out. */
  constructor(token: symbol, init: MapInit) {
    if (token !== makeToken) throw invalidType('constructor', 'called by memmap itself (use map(), mapMut(), ...)', token);
    this.#s = { init, length: init.length, closed: false, bytes: undefined };
    (this as unknown as { cloneGuard: () => never }).cloneGuard = notCloneable;
    finalizer.register(this, { region: init.region, fd: init.fd, closeFd: init.closeFd }, this);
  }

  get backend(): string {
    return stateOf(this).init.backend;
  }
  get length(): number {
    return stateOf(this).length;
  }
  get offset(): number {
    return stateOf(this).init.offset;
  }
  get writable(): boolean {
    return stateOf(this).init.kind !== 'read';
  }
  get closed(): boolean {
    return stateOf(this).closed;
  }

  get bytes(): Buffer {
    return wholeBytes(this, stateOf(this), 'bytes');
  }

  view(offset?: number, length?: number): Buffer {
    const s = openState(this, 'view()');
    const range = validateRange(offset, length, s.length);
    if (s.length <= maxWholeBufferLength()) {
      return own(this, wholeBytes(this, s, 'view()'), range.offset, range.length);
    }
    if (range.length > maxWholeBufferLength()) {
      throw tooLarge(`A view of ${range.length} bytes is more than one Buffer can hold here`);
    }
    return own(this, s.init.region.window(range.offset, range.length));
  }

  array<T extends TypedArrayConstructor>(type: T, byteOffset?: number, length?: number): InstanceType<T> {
    const s = openState(this, 'array()');
    const request = validateArray(type, byteOffset, length, s.init.offset, s.length);
    const array = makeArray(request, {
      fileOffset: s.init.offset,
      length: s.length,
      view: (o, l) => this.view(o, l),
      window: (o, l) => own(this, s.init.region.window(o, l)),
    });
    new OwnedBuffer(array, this); // keeps the map alive while the array lives; ownerOf() finds it
    return array as InstanceType<T>;
  }

  share(): MapHandle {
    const s = openState(this, 'share()');
    const { init } = s;
    if (!init.capabilities.shareable || !init.region.share) throw unsupported('share()', init.backend);
    return makeHandle(init.backend, init.kind, init.offset, s.length, init.region.share());
  }

  advise(advice: Advice, offset?: number, length?: number): boolean {
    const s = openState(this, 'advise()');
    const name = validateAdvice(advice);
    const range = validateRange(offset, length, s.length);
    if (range.length === 0) return false;
    return s.init.region.advise(name, range.offset, range.length);
  }

  prefetch(offset?: number, length?: number): Promise<void> {
    return rangePromise(this, 'prefetch()', offset, length, (s, o, l) => s.init.region.prefetch(o, l));
  }

  residency(offset?: number, length?: number): Residency {
    const s = openState(this, 'residency()');
    const range = validateRange(offset, length, s.length);
    if (range.length === 0) return { resident: 0, total: 0, pageSize: pageSize() };
    return s.init.region.residency(range.offset, range.length);
  }

  lock(): void {
    const s = openState(this, 'lock()');
    if (!s.init.capabilities.lock) throw unsupported('lock()', s.init.backend);
    if (s.length > 0) s.init.region.lock();
  }

  unlock(): void {
    const s = openState(this, 'unlock()');
    if (!s.init.capabilities.lock) throw unsupported('unlock()', s.init.backend);
    if (s.length > 0) s.init.region.unlock();
  }

  close(): void {
    closeState(this, stateOf(this));
  }

  [Symbol.dispose](): void {
    closeState(this, stateOf(this));
  }

  /** What the map is, never its memory (util.inspect, console.log). */
  [inspect.custom](): string {
    return describe(this, stateOf(this));
  }

  /** JSON.stringify gives what the map is, never its memory. */
  toJSON(): { backend: string; kind: MapKind; offset: number; length: number; writable: boolean; closed: boolean } {
    const s = stateOf(this);
    return {
      backend: s.init.backend,
      kind: s.init.kind,
      offset: s.init.offset,
      length: s.length,
      writable: s.init.kind !== 'read',
      closed: s.closed,
    };
  }
}

Object.defineProperty(ReadOnlyMap.prototype, Symbol.toStringTag, { value: 'Mmap', configurable: false, writable: false });

/** The state of an open map; throws ERR_MMAP_CLOSED after close(). */
function openState(map: ReadOnlyMap, what: string): MapState {
  const s = stateOf(map);
  if (s.closed) throw closedError(what);
  return s;
}

function wholeBytes(map: ReadOnlyMap, s: MapState, what: string): Buffer {
  if (s.closed) throw closedError(what);
  if (s.bytes) return s.bytes;
  const max = maxWholeBufferLength();
  if (s.length > max) {
    throw tooLarge(`The map is ${s.length} bytes, more than one Buffer can hold here (${max}); use view()`);
  }
  s.bytes = own(map, s.init.region.buffer());
  return s.bytes;
}

/**
 * A new Buffer object over [start, start + length) of `buffer`'s memory, tagged with its map.
 * Never the backend's own object: a backend that keeps its Buffer would otherwise keep the map
 * reachable forever.
 */
function own(map: ReadOnlyMap, buffer: Buffer, start = 0, length = buffer.length - start): Buffer {
  const tagged = Buffer.from(buffer.buffer, buffer.byteOffset + start, length);
  new OwnedBuffer(tagged, map);
  return tagged;
}

function closeState(map: ReadOnlyMap, s: MapState): void {
  if (s.closed) return;
  s.closed = true;
  s.bytes = undefined;
  finalizer.unregister(map);
  const { region, fd, closeFd } = s.init;
  try {
    region.close();
  } finally {
    if (closeFd) closeWhenIdle(region, fd, closeFd);
  }
}

/** Validates, then runs an async region call; every failure becomes a rejection. */
function rangePromise(
  map: ReadOnlyMap,
  what: string,
  offset: unknown,
  length: unknown,
  run: (s: MapState, offset: number, length: number) => Promise<void>,
): Promise<void> {
  try {
    const s = openState(map, what);
    const range = validateRange(offset, length, s.length);
    if (range.length === 0) return Promise.resolve();
    return run(s, range.offset, range.length);
  } catch (error) {
    return Promise.reject(error);
  }
}

function describe(map: ReadOnlyMap, s: MapState): string {
  const where = s.init.kind === 'anon' ? '' : ` at file offset ${s.init.offset}`;
  const state = s.closed ? ', closed' : '';
  const name = map instanceof MutableMap ? 'MmapMut' : 'Mmap';
  return `${name} <${s.init.backend} ${s.init.kind}, ${s.length} bytes${where}${state}>`;
}

/** A pending waitAsync() as core tracks it: close() rejects it. */
type PendingWait = (error: unknown) => void;

export class MutableMap extends ReadOnlyMap implements MmapMut {
  /** Pending waitAsync() calls; close() rejects them with ERR_MMAP_CLOSED. */
  readonly #waiters = new Set<PendingWait>();

  wait(offset: number, expected: number, timeoutMs?: number): WaitResult {
    const [s, args] = waitArgs(this, 'wait()', offset, expected, timeoutMs);
    try {
      return s.init.region.wait!(args.offset, args.expected, args.timeout);
    } catch (error) {
      throw fromNodeError(error);
    }
  }

  waitAsync(offset: number, expected: number, timeoutMs?: number): Promise<WaitResult> {
    let started: Promise<WaitResult>;
    let waiters: Set<PendingWait>;
    try {
      waiters = this.#waiters;
      const [s, args] = waitArgs(this, 'waitAsync()', offset, expected, timeoutMs);
      started = s.init.region.waitAsync!(args.offset, args.expected, args.timeout);
    } catch (error) {
      return Promise.reject(fromNodeError(error));
    }
    return new Promise<WaitResult>((resolve, reject) => {
      const fail: PendingWait = reject;
      waiters.add(fail);
      // Whatever the backend's promise does after close() (it was woken), the caller already has
      // ERR_MMAP_CLOSED: settle only while still pending here.
      started.then(
        (result) => waiters.delete(fail) && resolve(result),
        (error: unknown) => waiters.delete(fail) && reject(fromNodeError(error)),
      );
    });
  }

  notify(offset: number, count?: number): number {
    const s = openState(this, 'notify()');
    if (!s.init.capabilities.waitNotify) throw unsupported('notify()', s.init.backend);
    const at = validateWaitOffset(offset, s.init.offset, s.length);
    const n = validateNotifyCount(count);
    if (n === 0) return 0; // the futex would still wake one for a count of 0
    try {
      return s.init.region.notify!(at, n);
    } catch (error) {
      throw fromNodeError(error);
    }
  }

  override close(): void {
    const s = stateOf(this);
    if (s.closed) return;
    const pending = [...this.#waiters];
    this.#waiters.clear();
    try {
      closeState(this, s); // the region wakes its waiters and keeps their memory until they return
    } finally {
      for (const reject of pending) reject(closedError('waitAsync()'));
    }
  }

  override [Symbol.dispose](): void {
    MutableMap.prototype.close.call(this);
  }

  flush(offset?: number, length?: number): void {
    const s = openState(this, 'flush()');
    const range = validateRange(offset, length, s.length);
    // A copy-on-write or anonymous map has nothing to write: flush succeeds and writes nothing.
    if (s.init.kind !== 'shared' || range.length === 0) return;
    s.init.region.flush(range.offset, range.length);
  }

  flushAsync(offset?: number, length?: number): Promise<void> {
    return rangePromise(this, 'flushAsync()', offset, length, (s, o, l) =>
      s.init.kind === 'shared' ? s.init.region.flushAsync(o, l) : Promise.resolve(),
    );
  }

  resize(newLength: number, options?: ResizeOptions): void {
    const s = openState(this, 'resize()');
    const next = validateCount(newLength, 'newLength');
    const allocate = validateBoolean(validateOptions(options).allocate, 'options.allocate');
    const { init } = s;
    if (init.kind === 'copy') throw unsupported('resize() of a copy-on-write map', init.backend);
    if (init.fixedSize) throw new MmapError(ErrorCodes.UNSUPPORTED, `resize() of a named map is not possible here: ${init.fixedSize}`);
    // A pending waitAsync sleeps on an address of this mapping: it must not move under it.
    const waiting = this.#waiters.size;
    if (waiting > 0) {
      throw new MmapError('EBUSY', `EBUSY: resource busy, resize() with ${waiting} pending waitAsync() call(s)`, {
        syscall: 'mremap',
      });
    }
    try {
      // Anonymous memory has no disk blocks to reserve: allocate only means something for files.
      if (init.kind === 'shared') resizeFileMap(s, next, allocate && next > 0);
      else init.region.remap(next, { allocate: false });
      s.length = next;
    } finally {
      // Even a failed remap may have detached the old Buffer: never hand it out again.
      s.bytes = undefined;
    }
  }
}

/** Checks a wait()/waitAsync() call; returns the map's state and the validated arguments. */
function waitArgs(
  map: MutableMap,
  what: string,
  offset: unknown,
  expected: unknown,
  timeoutMs: unknown,
): [MapState, { offset: number; expected: number; timeout: number }] {
  const s = openState(map, what);
  if (!s.init.capabilities.waitNotify) throw unsupported(what, s.init.backend);
  return [
    s,
    {
      offset: validateWaitOffset(offset, s.init.offset, s.length),
      expected: validateExpected(expected),
      timeout: validateTimeout(timeoutMs),
    },
  ];
}

/** Grow the file before the map, shrink it after; cut it only when the map reached its end. */
function resizeFileMap(s: MapState, next: number, allocate: boolean): void {
  const { fd, offset, region } = s.init;
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
    const reachedEnd = offset + s.length >= fileSize;
    // The region says whether its view blocks the cut (Windows); core makes no guess about the OS.
    if (region.blocksFileCut === true && next < s.length && reachedEnd) {
      shrinkUnderView(region, fd, s.length, next, newEnd);
      return;
    }
    region.remap(next, { allocate });
    if (next < s.length && reachedEnd) fs.ftruncateSync(fd, newEnd);
  } catch (error) {
    throw fromNodeError(error);
  }
}

// Nobody may swap a method of every map under memmap's feet (a frozen prototype cannot be patched).
Object.freeze(ReadOnlyMap.prototype);
Object.freeze(ReadOnlyMap);
Object.freeze(MutableMap.prototype);
Object.freeze(MutableMap);

/** Makes the public object for a new region: read maps are Mmap, the others MmapMut. */
export function createMap(init: MapInit): ReadOnlyMap {
  return init.kind === 'read' ? new ReadOnlyMap(makeToken, init) : new MutableMap(makeToken, init);
}

/** As createMap, for the calls that always give a mutable map. */
export function createMutableMap(init: MapInit): MutableMap {
  return new MutableMap(makeToken, init);
}
