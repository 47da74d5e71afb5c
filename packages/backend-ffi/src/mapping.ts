// One OS mapping and its lifetime. The range stays mapped while the Region uses it, while any
// ArrayBuffer handed out over it is alive (and not detached), and while a threadpool call is
// running on it; it is unmapped exactly once, when the last of those ends.
import { detach, ErrorCodes, MmapError } from '@memmap/core';
import { platform } from './platform/index.js';
import { viewOf } from './pointers.js';
import { canDetach } from './runtime.js';
import { dropHolder, type ShareRef } from './share.js';
import { mmap, munmap } from './syscalls.js';

/** One handed-out ArrayBuffer, held weakly so that tracking it never keeps it alive. */
interface Entry {
  readonly ref: WeakRef<ArrayBuffer>;
}

interface Held {
  readonly mapping: Mapping;
  readonly entry: Entry;
}

// Keyed on the ArrayBuffers themselves (not on Buffers nor the map object): the memory is
// needed for exactly as long as an ArrayBuffer over it can be reached.
const registry = new FinalizationRegistry<Held>(({ mapping, entry }) => mapping.forget(entry));

export class Mapping {
  // Private (#fields): no property assignment or subclass can point a view or a syscall elsewhere.
  /** Page-aligned start and length of the OS mapping. */
  #addr: bigint;
  #size: number;
  /** Huge-page mappings are never mremap()ed (the kernel wants huge-page multiples). */
  readonly #huge: boolean;
  readonly #entries = new Set<Entry>();
  #pending = 0;
  #pendingFlushes = 0;
  #released = false;
  #unmapped = false;
  /** Set while the range is a span of the share registry: then the registry unmaps it (share.ts). */
  #share: { ref: ShareRef; holder: number } | null = null;

  constructor(addr: bigint, size: number, huge = false) {
    this.#addr = addr;
    this.#size = size;
    this.#huge = huge;
  }

  get addr(): bigint {
    return this.#addr;
  }

  get size(): number {
    return this.#size;
  }

  get huge(): boolean {
    return this.#huge;
  }

  /** From now on this mapping is one holder of a shared span: its end drops the holder instead of unmapping. */
  attachShare(ref: ShareRef, holder: number): void {
    this.#share = { ref, holder };
  }

  /** The holder record this mapping carries (-1 when none); it unmaps by itself again after. */
  detachShare(): number {
    const holder = this.#share?.holder ?? -1;
    this.#share = null;
    return holder;
  }

  /** This mapping is a holder of a shared span. */
  get shared(): boolean {
    return this.#share !== null;
  }

  /** A zero-copy ArrayBuffer over [offset, offset + length) of the mapping, tracked. */
  view(offset: number, length: number): ArrayBuffer {
    // The last line of defence: never a view past the OS mapping, whatever the caller computed.
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.#size) {
      throw new MmapError(ErrorCodes.OUT_OF_RANGE, `bytes ${offset}..${offset + length} are outside the mapping (${this.#size} bytes)`);
    }
    const ab = viewOf(this.#addr + BigInt(offset), length);
    const entry: Entry = { ref: new WeakRef(ab) };
    this.#entries.add(entry);
    registry.register(ab, { mapping: this, entry }, entry);
    return ab;
  }

  /** true when some handed-out ArrayBuffer may still be reachable. */
  hasLiveViews(): boolean {
    for (const entry of this.#entries) if (entry.ref.deref() === undefined) this.#entries.delete(entry);
    return this.#entries.size > 0;
  }

  /** A threadpool call is running on the range. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** A flushAsync is running on the range. */
  get flushing(): boolean {
    return this.#pendingFlushes > 0;
  }

  /** Keeps the mapping alive until `work` settles, even if it is released meanwhile. */
  track<T>(work: Promise<T>, flush = false): Promise<T> {
    this.#pending++;
    if (flush) this.#pendingFlushes++;
    const done = (): void => {
      this.#pending--;
      if (flush) this.#pendingFlushes--;
      this.#tryUnmap();
    };
    return work.then(
      (value) => {
        done();
        return value;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }

  /** Detaches every live view (Node >= 22). Returns false where the runtime cannot detach. */
  detachAll(): boolean {
    if (!canDetach) return !this.hasLiveViews();
    for (const entry of this.#entries) {
      const ab = entry.ref.deref();
      if (ab !== undefined) detach(ab);
      registry.unregister(entry);
    }
    this.#entries.clear();
    return true;
  }

  /**
   * The Region is done with this mapping. `neutralise` (close/resize): make old views harmless
   * now, by detaching them, or else by swapping in an anonymous zero mapping that they can read
   * and write without reaching the file. Without it (the map object was collected) views the user
   * still holds keep working, and the range is unmapped when the last one is collected.
   */
  release(neutralise: boolean): void {
    if (this.#released) return;
    this.#released = true;
    if (neutralise && !this.detachAll()) this.#neutralise();
    this.#tryUnmap();
  }

  /** Called by the registry when a handed-out ArrayBuffer was collected. */
  forget(entry: Entry): void {
    this.#entries.delete(entry);
    this.#tryUnmap();
  }

  #neutralise(): void {
    const { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED, MAP_NORESERVE } = platform;
    try {
      // MAP_FIXED replaces the range atomically: there is never a hole another mmap could take.
      mmap(this.#addr, this.#size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    } catch {
      // Out of memory for the swap: the file mapping stays as it is (unmapped when the views are
      // collected). Old views then still alias the file; nothing better is possible without native code.
    }
  }

  #tryUnmap(): void {
    if (!this.#released || this.#unmapped || this.#pending > 0 || this.hasLiveViews()) return;
    this.#unmapped = true;
    try {
      // Other threads may still use a shared span: the registry unmaps it after its last holder.
      if (this.#share !== null) dropHolder(this.#share.ref, this.#share.holder);
      else munmap(this.#addr, this.#size);
    } catch {
      // munmap of a range we own cannot fail in practice; nothing useful to do from a finalizer.
    }
  }

  /** The range was moved/resized in place by mremap (the views were detached first). */
  rebase(addr: bigint, size: number): void {
    this.#addr = addr;
    this.#size = size;
  }
}
