// The Region core drives: translates map-relative ranges to page-aligned OS calls on the
// current Mapping, and swaps mappings on resize. Its state is private (#fields), and every range
// is checked again here against the map's real length before any call reaches the OS (defence in
// depth: core checks first, but a caller that reaches the region directly must get an MmapError,
// never a syscall or a view on memory outside the mapping).
import {
  type Advice,
  ErrorCodes,
  MmapError,
  maxWholeBufferLength,
  type Region,
  type RemapOptions,
  type Residency,
  type SharedId,
  type WaitResult,
} from '@memmap/core';
import { createMapping, type MapSpec, prefault } from './create.js';
import type { Mapping } from './mapping.js';
import { os } from './os/index.js';
import { platform } from './platform/index.js';
import { canDetach } from './runtime.js';
import * as share from './share.js';
import * as sys from './syscalls.js';
import { cancelWait, type PendingWait, wait, waitAsync, wake } from './wait.js';

const { pageSize } = sys;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const invalid = (name: string, why: string, value: unknown): MmapError =>
  new MmapError(
    ErrorCodes.INVALID_ARG_VALUE,
    `The "${name}" argument ${why}. Received ${typeof value === 'number' ? value : typeof value}`,
  );

/** `value` as a non-negative integer (at most 2^53 - 1), else ERR_INVALID_ARG_VALUE. */
function count(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SAFE) {
    throw invalid(name, 'must be a non-negative integer', value);
  }
  return value;
}

export class FfiRegion implements Region {
  /** Windows refuses to cut a file under a view: core unmaps, cuts and maps again. */
  readonly blocksFileCut = os.mappedFileCutRefused;
  readonly #spec: MapSpec;
  /** null while the map is empty (length 0 makes no OS mapping) and after close(). */
  #mapping: Mapping | null;
  /** The map's real length now (bytes after spec.delta). */
  #length: number;
  /** Pending waitAsync calls, woken by close(). */
  readonly #waits = new Set<PendingWait>();
  /** close() or collected() ran: nothing maps again, nothing reaches the OS. */
  #closed = false;
  /** Set once share() or openShared() made this map object a handle of a registry span (share.ts). */
  #share: { ref: share.ShareRef; handle: number } | null = null;

  /**
   * A new mapping of `spec`, or (openShared) `opened`: a holder of a registry span, which this map
   * object becomes a handle of.
   */
  constructor(spec: MapSpec, length: number, opened?: { mapping: Mapping | null; ref: share.ShareRef; handle: number }) {
    this.#length = length;
    if (opened) {
      this.#mapping = opened.mapping;
      this.#share = { ref: opened.ref, handle: opened.handle };
    } else {
      this.#mapping = length === 0 ? null : createMapping(spec, length);
    }
    // Only a shared map keeps its descriptor: core closes a read or copy map's right after this, so
    // the region never holds a number the OS may reuse.
    this.#spec = spec.kind === 'shared' ? spec : { ...spec, fd: -1 };
  }

  /** Makes the memory a span of the process-wide registry (once) and names it. */
  share(): SharedId {
    if (this.#closed) throw new MmapError(ErrorCodes.CLOSED, 'The map is closed');
    if (this.#share === null) {
      const mapping = this.#mapping;
      const registered = share.register(this.#span(), this.#spec.kind === 'shared' ? this.#spec.fd : -1, sys.fdDuplicate);
      this.#share = { ref: registered.ref, handle: registered.handle };
      if (mapping !== null) mapping.attachShare(registered.ref, registered.holder);
    }
    const id = share.idText(this.#share.ref.id);
    const offset = this.#spec.alignedOffset + this.#spec.delta;
    return { id, secret: share.tagOf(id, this.#spec.kind, offset, this.#length, process.pid) };
  }

  /** The span as the registry keeps it. */
  #span(): share.SpanInfo {
    const m = this.#mapping;
    return {
      kind: this.#spec.kind,
      offset: this.#spec.alignedOffset + this.#spec.delta,
      length: this.#length,
      addr: m?.addr ?? 0n,
      size: m?.size ?? 0,
      delta: this.#spec.delta,
      huge: m?.huge ?? false,
    };
  }

  /** This map object is gone: true when its old views may be neutralised (no other map object needs the memory). */
  #dropHandle(): boolean {
    const s = this.#share;
    if (s === null) return true;
    this.#share = null;
    try {
      return share.dropHandle(s.ref, s.handle);
    } catch {
      return false;
    }
  }

  buffer(): Buffer {
    return this.window(0, this.#length);
  }

  window(offset: number, length: number): Buffer {
    this.#check(offset, length);
    // An empty map has no OS mapping (buffer() of it lands here).
    if (this.#mapping === null || length === 0) return Buffer.alloc(0);
    // Core checks this too; repeated at the FFI boundary because koffi.view above the runtime's
    // Buffer limit aborts Node 20 (a crash, not an exception).
    if (length > maxWholeBufferLength()) {
      throw new MmapError(ErrorCodes.TOO_LARGE, `A view of ${length} bytes is more than one Buffer can hold here`);
    }
    return Buffer.from(this.#mapping.view(this.#spec.delta + offset, length));
  }

  flush(offset: number, length: number): void {
    if (this.#check(offset, length) === 0) return;
    const range = this.#pages(offset, length);
    sys.msync(range.addr, range.size, this.#spec.path);
  }

  flushAsync(offset: number, length: number): Promise<void> {
    try {
      if (this.#check(offset, length) === 0) return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    const range = this.#pages(offset, length);
    return range.mapping.track(sys.msyncAsync(range.addr, range.size, this.#spec.path), true);
  }

  advise(advice: Advice, offset: number, length: number): boolean {
    const value = Object.hasOwn(platform.MADV, advice) ? platform.MADV[advice] : undefined;
    if (this.#check(offset, length) === 0 || value === undefined) return false;
    // On private writable memory Linux's MADV_DONTNEED throws away the data (zero / file
    // contents come back): that is not a hint, so it is refused there.
    if (advice === 'dontneed' && (this.#spec.kind === 'copy' || this.#spec.kind === 'anon')) return false;
    const range = this.#pages(offset, length);
    return sys.madvise(range.addr, range.size, value);
  }

  prefetch(offset: number, length: number): Promise<void> {
    try {
      if (this.#check(offset, length) === 0) return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    const range = this.#pages(offset, length);
    const { MADV_POPULATE_READ, MADV } = platform;
    // As prefault(): readahead of exactly the range, then map it readable (both only hints).
    const work = (async () => {
      if (!(await sys.madviseAsync(range.addr, range.size, MADV.willneed!))) return;
      if (MADV_POPULATE_READ !== undefined) await sys.madviseAsync(range.addr, range.size, MADV_POPULATE_READ);
    })();
    return range.mapping.track(work).then(() => undefined);
  }

  residency(offset: number, length: number): Residency {
    if (this.#check(offset, length) === 0) return { resident: 0, total: 0, pageSize };
    const range = this.#pages(offset, length);
    return { resident: sys.mincoreCount(range.addr, range.size), total: range.size / pageSize, pageSize };
  }

  lock(): void {
    const m = this.#live();
    // mlock() write-faults private writable memory to break COW: on a 'read' map that would copy
    // every page and stop seeing the file. Lock on fault, then fault the pages in read-only.
    if (this.#spec.kind === 'read' && sys.mlockOnFault(m.addr, m.size, this.#spec.path)) prefault(m.addr, m.size);
    else sys.mlock(m.addr, m.size, this.#spec.path);
  }

  unlock(): void {
    const m = this.#live();
    sys.munlock(m.addr, m.size, this.#spec.path);
  }

  wait(offset: number, expected: number, timeoutMs: number): WaitResult {
    const addr = this.#wordAddress(offset);
    // A view of the one word, for the short spin before the OS sleep (never handed out).
    const word = new Int32Array(this.#live().view(this.#spec.delta + offset, 4));
    return wait(addr, this.#expected(expected), this.#timeout(timeoutMs), this.#sharedMemory(), word);
  }

  waitAsync(offset: number, expected: number, timeoutMs: number): Promise<WaitResult> {
    let addr: bigint;
    try {
      addr = this.#wordAddress(offset);
      this.#expected(expected);
      this.#timeout(timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    const pending = waitAsync(addr, expected, timeoutMs, this.#sharedMemory());
    this.#waits.add(pending);
    const done = (): void => void this.#waits.delete(pending);
    // The mapping stays mapped until the waiter worker has returned from its wait.
    return this.#live().track(pending.result.finally(done));
  }

  notify(offset: number, count: number): number {
    const addr = this.#wordAddress(offset);
    if (typeof count !== 'number' || Number.isNaN(count) || count < 0 || (!Number.isInteger(count) && count !== Infinity)) {
      throw invalid('count', 'must be a non-negative integer or Infinity', count);
    }
    if (count === 0) return 0; // the futex would still wake one
    return wake(addr, Math.min(count, 0x7fffffff), this.#sharedMemory());
  }

  /** Address of the int32 at map offset `offset`: inside the map and 4-byte aligned in memory. */
  #wordAddress(offset: number): bigint {
    const at = count(offset, 'offset');
    if (at + 4 > this.#length) {
      throw new MmapError(ErrorCodes.OUT_OF_RANGE, `offset ${at}..${at + 4} is past the end of the map (${this.#length} bytes)`);
    }
    // Mappings are page-aligned, so the address is aligned when delta + offset is.
    if ((this.#spec.delta + at) % 4 !== 0) throw invalid('offset', 'must be 4-byte aligned in memory', offset);
    return this.#live().addr + BigInt(this.#spec.delta + at);
  }

  #expected(value: unknown): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw invalid('expected', 'must be an int32 integer', value);
    }
    return value;
  }

  #timeout(value: unknown): number {
    if (typeof value !== 'number' || !(value >= 0)) throw invalid('timeoutMs', 'must be a number >= 0', value);
    return value;
  }

  /**
   * Checks [offset, offset + length) against the map's real length now (not against what the
   * caller believes it is) and returns the length; nothing outside the mapping is ever touched.
   */
  #check(offset: number, length: number): number {
    const o = count(offset, 'offset');
    const n = count(length, 'length');
    if (o > this.#length || n > this.#length - o) {
      throw new MmapError(ErrorCodes.OUT_OF_RANGE, `offset ${o} + length ${n} is past the end of the map (${this.#length} bytes)`);
    }
    if (n > 0) this.#live();
    return n;
  }

  /** Shared file (and named) maps wait across processes; private maps within this process. */
  #sharedMemory(): boolean {
    return this.#spec.kind === 'shared' || this.#spec.kind === 'read';
  }

  remap(newLength: number, options: RemapOptions): void {
    count(newLength, 'newLength');
    if (this.#closed) throw new MmapError(ErrorCodes.CLOSED, 'The map is closed');
    const s = this.#share;
    if (s === null) {
      this.#remap(newLength, options);
      return;
    }
    // A shared span: EBUSY while another map object or mapping uses it (checked before anything
    // changes), else resized under the registry's lock, the holder record moving to the new mapping.
    const old = this.#mapping;
    const holder = share.exclusive(s.ref, old?.shared ? 2 : 1, () => {
      const rec = old?.detachShare() ?? -1;
      try {
        this.#remap(newLength, options);
      } catch (error) {
        if (old !== null && rec >= 0 && this.#mapping === old) old.attachShare(s.ref, rec);
        throw error;
      }
      const now = this.#mapping;
      if (now === null) share.forgetHolder(s.ref, rec);
      return { span: this.#span(), holder: now === null ? 'none' : rec >= 0 ? rec : 'new' };
    });
    if (this.#mapping !== null && holder >= 0) this.#mapping.attachShare(s.ref, holder);
  }

  #remap(newLength: number, options: RemapOptions): void {
    // Blocks first: ENOSPC must leave the mapping and its views as they were.
    if (options.allocate) sys.fallocate(this.#spec.fd, this.#spec.alignedOffset + this.#spec.delta, newLength, this.#spec.path);
    const old = this.#mapping;
    if (old) this.#settle(old);
    if (old === null || newLength === 0) {
      // 0 -> n: the call that can fail is mmap, and it reports itself as such.
      this.#mapping = newLength === 0 ? null : this.#mapAnew(newLength);
      old?.release(true);
    } else if (!this.#moveInPlace(old, newLength)) {
      const next = this.#mapAnew(newLength);
      // Anonymous memory has no file behind it: carry the bytes over.
      if (this.#spec.kind === 'anon') sys.memcpy(next.addr, old.addr, Math.min(this.#length, newLength));
      this.#mapping = next;
      old.release(true);
    }
    this.#length = newLength;
  }

  /** A fresh mapping for resize(). populate is a map-time option: it is not applied again here. */
  #mapAnew(newLength: number): Mapping {
    return createMapping(this.#spec.populate ? { ...this.#spec, populate: false } : this.#spec, newLength);
  }

  /**
   * mremap() when no view can see the pages move. false when it cannot be used (then map afresh):
   * no mremap here, a huge-page mapping, a running threadpool call, views that cannot be detached
   * (Node 20), or EFAULT from the kernel. Any other mremap error is thrown as it is.
   */
  #moveInPlace(old: Mapping, newLength: number): boolean {
    if (!os.calls.mremap || old.huge || old.busy || !old.detachAll()) return false;
    const size = sys.alignUp(this.#spec.delta + newLength);
    // An earlier shrink left old bytes past the end in the last page; growth must read zeros.
    if (this.#spec.kind === 'anon' && newLength > this.#length) {
      sys.memset(old.addr + BigInt(this.#length), 0, Math.min(old.size, newLength) - this.#length);
    }
    try {
      old.rebase(sys.mremap(old.addr, old.size, size, this.#spec.path), size);
      return true;
    } catch (error) {
      // EFAULT: madvise()/mlock() split the range into several VMAs, which mremap will not span.
      if ((error as MmapError).code === 'EFAULT') return false;
      throw error;
    }
  }

  close(): void {
    this.#closed = true;
    for (const pending of this.#waits) cancelWait(pending);
    this.#waits.clear();
    const old = this.#mapping;
    this.#mapping = null;
    // Without detach (Node 20) old views are neutralised by swapping zero pages in: never while
    // another map object still uses shared memory (they then keep it mapped until collected).
    const lastHandle = this.#dropHandle();
    if (old) {
      this.#settle(old);
      old.release(canDetach || !old.shared || lastHandle);
    }
  }

  collected(): void {
    this.#closed = true;
    const old = this.#mapping;
    this.#mapping = null;
    this.#dropHandle();
    old?.release(false);
  }

  /**
   * Before a mapping is swapped away under a running flushAsync, make that flush's promise
   * true by syncing here: the threadpool msync may find an anonymous range in its place.
   */
  #settle(mapping: Mapping): void {
    if (!mapping.flushing || this.#spec.kind !== 'shared') return;
    try {
      sys.msync(mapping.addr, mapping.size, this.#spec.path);
    } catch {
      // the pending flushAsync reports its own failure
    }
  }

  /**
   * The current mapping. Core calls lock/unlock/flush/advise/prefetch/residency only on a
   * non-empty map with a validated, non-empty range, so there is always one; a caller that
   * bypasses core gets ERR_MMAP_CLOSED (after close) or ERR_MMAP_OUT_OF_RANGE (an empty map).
   */
  #live(): Mapping {
    if (this.#mapping !== null) return this.#mapping;
    throw this.#closed ? new MmapError(ErrorCodes.CLOSED, 'The map is closed') : new MmapError(ErrorCodes.OUT_OF_RANGE, 'The map is empty');
  }

  /** The page-aligned OS range covering map bytes [offset, offset + length) (checked by #check). */
  #pages(offset: number, length: number): { mapping: Mapping; addr: bigint; size: number } {
    const mapping = this.#live();
    const start = sys.alignDown(this.#spec.delta + offset);
    const end = sys.alignUp(this.#spec.delta + offset + length);
    return { mapping, addr: mapping.addr + BigInt(start), size: end - start };
  }
}
