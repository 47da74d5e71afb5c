// The Region core drives: translates map-relative ranges to page-aligned OS calls on the
// current Mapping, and swaps mappings on resize.
import {
  type Advice,
  ErrorCodes,
  MmapError,
  maxWholeBufferLength,
  type Region,
  type RemapOptions,
  type Residency,
  type WaitResult,
} from '@memmap/core';
import { createMapping, type MapSpec, prefault } from './create.js';
import { cancelWait, futexWait, futexWaitAsync, futexWake, type PendingFutexWait } from './futex.js';
import { libc } from './libc.js';
import type { Mapping } from './mapping.js';
import { platform } from './platform/index.js';
import * as sys from './syscalls.js';

const { pageSize } = sys;

export class FfiRegion implements Region {
  private readonly spec: MapSpec;
  /** null while the map is empty (length 0 makes no OS mapping). */
  private mapping: Mapping | null;
  private length: number;
  /** Pending waitAsync calls, woken by close(). */
  private readonly waits = new Set<PendingFutexWait>();

  constructor(spec: MapSpec, length: number) {
    this.spec = spec;
    this.length = length;
    this.mapping = length === 0 ? null : createMapping(spec, length);
  }

  buffer(): Buffer {
    return this.window(0, this.length);
  }

  window(offset: number, length: number): Buffer {
    // An empty map has no OS mapping (buffer() of it lands here).
    if (this.mapping === null || length === 0) return Buffer.alloc(0);
    // Core checks this too; repeated at the FFI boundary because koffi.view above the runtime's
    // Buffer limit aborts Node 20 (a crash, not an exception).
    if (length > maxWholeBufferLength()) {
      throw new MmapError(ErrorCodes.TOO_LARGE, `A view of ${length} bytes is more than one Buffer can hold here`);
    }
    return Buffer.from(this.mapping.view(this.spec.delta + offset, length));
  }

  flush(offset: number, length: number): void {
    const range = this.pages(offset, length);
    sys.msync(range.addr, range.size, this.spec.path);
  }

  flushAsync(offset: number, length: number): Promise<void> {
    const range = this.pages(offset, length);
    return range.mapping.track(sys.msyncAsync(range.addr, range.size, this.spec.path), true);
  }

  advise(advice: Advice, offset: number, length: number): boolean {
    const value = platform.MADV[advice];
    if (value === undefined) return false;
    // On private writable memory Linux's MADV_DONTNEED throws away the data (zero / file
    // contents come back): that is not a hint, so it is refused there.
    if (advice === 'dontneed' && (this.spec.kind === 'copy' || this.spec.kind === 'anon')) return false;
    const range = this.pages(offset, length);
    return sys.madvise(range.addr, range.size, value);
  }

  prefetch(offset: number, length: number): Promise<void> {
    const range = this.pages(offset, length);
    const { MADV_POPULATE_READ, MADV } = platform;
    // As prefault(): readahead of exactly the range, then map it readable (both only hints).
    const work = (async () => {
      if (!(await sys.madviseAsync(range.addr, range.size, MADV.willneed!))) return;
      if (MADV_POPULATE_READ !== undefined) await sys.madviseAsync(range.addr, range.size, MADV_POPULATE_READ);
    })();
    return range.mapping.track(work).then(() => undefined);
  }

  residency(offset: number, length: number): Residency {
    const range = this.pages(offset, length);
    return { resident: sys.mincoreCount(range.addr, range.size), total: range.size / pageSize, pageSize };
  }

  lock(): void {
    const m = this.live();
    // mlock() write-faults private writable memory to break COW: on a 'read' map that would copy
    // every page and stop seeing the file. Lock on fault, then fault the pages in read-only.
    if (this.spec.kind === 'read' && sys.mlockOnFault(m.addr, m.size, this.spec.path)) prefault(m.addr, m.size);
    else sys.mlock(m.addr, m.size, this.spec.path);
  }

  unlock(): void {
    const m = this.live();
    sys.munlock(m.addr, m.size, this.spec.path);
  }

  wait(offset: number, expected: number, timeoutMs: number): WaitResult {
    return futexWait(this.wordAddress(offset), expected, timeoutMs, this.sharedMemory());
  }

  waitAsync(offset: number, expected: number, timeoutMs: number): Promise<WaitResult> {
    const pending = futexWaitAsync(this.wordAddress(offset), expected, timeoutMs, this.sharedMemory());
    this.waits.add(pending);
    const done = (): void => void this.waits.delete(pending);
    // The mapping stays mapped until the waiter worker has returned from the futex.
    return this.live().track(pending.result.finally(done));
  }

  notify(offset: number, count: number): number {
    return futexWake(this.wordAddress(offset), count, this.sharedMemory());
  }

  /** Address of the int32 at map offset `offset` (core checked it is aligned and inside the map). */
  private wordAddress(offset: number): bigint {
    return this.live().addr + BigInt(this.spec.delta + offset);
  }

  /** Shared file (and named) maps wait across processes; private maps within this process. */
  private sharedMemory(): boolean {
    return this.spec.kind === 'shared' || this.spec.kind === 'read';
  }

  remap(newLength: number, options: RemapOptions): void {
    // Blocks first: ENOSPC must leave the mapping and its views as they were.
    if (options.allocate) sys.fallocate(this.spec.fd, this.spec.alignedOffset + this.spec.delta, newLength, this.spec.path);
    const old = this.mapping;
    if (old) this.settle(old);
    if (old === null || newLength === 0) {
      // 0 -> n: the call that can fail is mmap, and it reports itself as such.
      this.mapping = newLength === 0 ? null : this.mapAnew(newLength);
      old?.release(true);
    } else if (!this.moveInPlace(old, newLength)) {
      const next = this.mapAnew(newLength);
      // Anonymous memory has no file behind it: carry the bytes over.
      if (this.spec.kind === 'anon') sys.memcpy(next.addr, old.addr, Math.min(this.length, newLength));
      this.mapping = next;
      old.release(true);
    }
    this.length = newLength;
  }

  /** A fresh mapping for resize(). populate is a map-time option: it is not applied again here. */
  private mapAnew(newLength: number): Mapping {
    return createMapping(this.spec.populate ? { ...this.spec, populate: false } : this.spec, newLength);
  }

  /**
   * mremap() when no view can see the pages move. false when it cannot be used (then map afresh):
   * no mremap here, a huge-page mapping, a running threadpool call, views that cannot be detached
   * (Node 20), or EFAULT from the kernel. Any other mremap error is thrown as it is.
   */
  private moveInPlace(old: Mapping, newLength: number): boolean {
    if (!libc.mremap || old.huge || old.busy || !old.detachAll()) return false;
    const size = sys.alignUp(this.spec.delta + newLength);
    // An earlier shrink left old bytes past the end in the last page; growth must read zeros.
    if (this.spec.kind === 'anon' && newLength > this.length) {
      sys.memset(old.addr + BigInt(this.length), 0, Math.min(old.size, newLength) - this.length);
    }
    try {
      old.rebase(sys.mremap(old.addr, old.size, size, this.spec.path), size);
      return true;
    } catch (error) {
      // EFAULT: madvise()/mlock() split the range into several VMAs, which mremap will not span.
      if ((error as MmapError).code === 'EFAULT') return false;
      throw error;
    }
  }

  close(): void {
    for (const wait of this.waits) cancelWait(wait);
    this.waits.clear();
    const old = this.mapping;
    this.mapping = null;
    if (old) {
      this.settle(old);
      old.release(true);
    }
  }

  collected(): void {
    const old = this.mapping;
    this.mapping = null;
    old?.release(false);
  }

  /**
   * Before a mapping is swapped away under a running flushAsync, make that flush's promise
   * true by syncing here: the threadpool msync may find an anonymous range in its place.
   */
  private settle(mapping: Mapping): void {
    if (!mapping.flushing || this.spec.kind !== 'shared') return;
    try {
      sys.msync(mapping.addr, mapping.size, this.spec.path);
    } catch {
      // the pending flushAsync reports its own failure
    }
  }

  /**
   * The current mapping. Core calls lock/unlock/flush/advise/prefetch/residency only on a
   * non-empty map with a validated, non-empty range, so there is always one.
   */
  private live(): Mapping {
    return this.mapping!;
  }

  /** The page-aligned OS range covering map bytes [offset, offset + length) (validated by core). */
  private pages(offset: number, length: number): { mapping: Mapping; addr: bigint; size: number } {
    const mapping = this.live();
    const start = sys.alignDown(this.spec.delta + offset);
    const end = sys.alignUp(this.spec.delta + offset + length);
    return { mapping, addr: mapping.addr + BigInt(start), size: end - start };
  }
}
