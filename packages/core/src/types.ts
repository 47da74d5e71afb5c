// The public contract (docs/contract.md). Names and semantics here are binding.
import type { FileHandle } from 'node:fs/promises';

/**
 * What can be mapped: a path (string, `file:` URL or Buffer), an fd, or a `FileHandle`. An fd or
 * handle is never closed by memmap and not needed after the call returns.
 *
 * @example
 * ```ts
 * map('data.bin'); map(new URL('file:///tmp/data.bin')); map(fs.openSync('data.bin', 'r'));
 * ```
 */
export type FileSource = string | URL | Buffer | number | FileHandle;

/**
 * Options of `map()` and `mapCopy()`.
 *
 * @example
 * ```ts
 * map('data.bin', { offset: 4096n * 1024n * 1024n, length: 64, populate: true });
 * ```
 */
export interface MapOptions {
  /** Any byte offset, `number` or `bigint` (above 4 GiB too); aligned to the page/granularity internally. Default 0. */
  offset?: number | bigint;
  /** Bytes to map; default: file size - offset. 0 gives a valid empty map. */
  length?: number;
  /** Fault the pages in at map time (prefault without copying on read maps). Default false. */
  populate?: boolean;
}

/**
 * Options of `mapMut()`.
 *
 * @example
 * ```ts
 * mapMut('out.bin', { create: true, length: 1 << 20, mode: 0o644, allocate: true });
 * ```
 */
export interface MapMutOptions extends MapOptions {
  /** Create the file if missing (O_CREAT), and extend it to offset + length if shorter (never shrink). Default false. */
  create?: boolean;
  /** Permission bits for a created file; default 0o600. */
  mode?: number;
  /**
   * Reserve disk blocks for the whole range up front (posix_fallocate or the platform's
   * equivalent), so a full disk is a clean ENOSPC here and never a lost page later. Default false
   * (sparse, as memmap2 and Python do).
   */
  allocate?: boolean;
}

/**
 * Options of `resize()`.
 *
 * @example
 * ```ts
 * m.resize(2 * m.length, { allocate: true });
 * ```
 */
export interface ResizeOptions {
  /** Reserve disk blocks for the whole new range first (as MapMutOptions.allocate); file maps only. */
  allocate?: boolean;
}

/**
 * Options of `mapNamed()`.
 *
 * @example
 * ```ts
 * mapNamed('my-app.ring', { create: 'exclusive', length: 65536 });
 * ```
 */
export interface NamedOptions {
  /** Make the region if it is missing (true), or fail with EEXIST if it exists ('exclusive'). Default false. */
  create?: boolean | 'exclusive';
  /** Bytes to map. Required with create; an existing region keeps its size unless this is larger. */
  length?: number;
  /** Permission bits for a created region; default 0o600. */
  mode?: number;
}

/**
 * Options of `mapAnon()`.
 *
 * @example
 * ```ts
 * mapAnon(1 << 21, { hugePages: true });
 * ```
 */
export interface AnonOptions {
  /** Fault the pages in at map time. Default false. */
  populate?: boolean;
  /** Back the map with huge pages (MAP_HUGETLB); ERR_MMAP_UNSUPPORTED where capabilities.hugePages is false. Default false. */
  hugePages?: boolean;
}

/**
 * A hint for `advise()`, as madvise(2) names them.
 *
 * @example
 * ```ts
 * m.advise('sequential');
 * ```
 */
export type Advice = 'normal' | 'random' | 'sequential' | 'willneed' | 'dontneed' | 'hugepage' | 'nohugepage';

/**
 * What `residency()` reports about a range.
 *
 * @example
 * ```ts
 * const { resident, total } = m.residency(); console.log(`${resident}/${total} pages in memory`);
 * ```
 */
export interface Residency {
  /** Pages of the range in memory now. */
  resident: number;
  /** Pages the range spans. */
  total: number;
  /** The page size those counts use, in bytes. */
  pageSize: number;
}

/**
 * A backend's frozen capability manifest (docs/capabilities.md). A flag is true only where it is
 * real; where it is false, hints return false and other calls that need it throw ERR_MMAP_UNSUPPORTED.
 *
 * @example
 * ```ts
 * if (defaultBackend().capabilities.lock) m.lock();
 * ```
 */
export interface Capabilities {
  /** Views alias the page cache; nothing is copied at map time. */
  readonly zeroCopy: boolean;
  /** Another process's writes to the file are visible without remapping. */
  readonly coherent: boolean;
  /** Old views read length 0 after close/resize. */
  readonly detachOnClose: boolean;
  /** A file truncated under a live map cannot kill the process. */
  readonly truncationSafe: boolean;
  /** lock()/unlock() work (mlock). */
  readonly lock: boolean;
  /** mapAnon({ hugePages: true }) is supported. */
  readonly hugePages: boolean;
  /** wait()/waitAsync()/notify() work, across processes on shared file maps and named maps. */
  readonly waitNotify: boolean;
  /** mapNamed()/unlinkNamed() work. */
  readonly named: boolean;
  /** share()/openShared() work between the threads of one process. */
  readonly shareable: boolean;
  /**
   * mapMut() of a caller's fd or FileHandle works: the shared map keeps a descriptor of its own for
   * the same file (duplicated, or reopened through /proc/self/fd), so the caller may close theirs
   * at once and an append-mode fd never misplaces a write. Where false (the fallback on Windows,
   * where Node can neither duplicate nor reopen a descriptor), that call throws
   * ERR_MMAP_UNSUPPORTED before anything is read; a path, and map()/mapCopy() of an fd, still work.
   */
  readonly ownDescriptor: boolean;
}

/**
 * A token for one map's memory from `share()`: plain data that `postMessage` copies, opened in
 * any thread of the same process by `openShared()`. Its fields are the backend's business; an
 * altered or forged one is refused (ERR_INVALID_ARG_VALUE), never trusted.
 *
 * @example
 * ```ts
 * worker.postMessage(m.share());
 * ```
 */
export type MapHandle = { readonly [key: string]: unknown };

/** Float16Array's constructor where the runtime (and the TypeScript lib) has it. */
export interface Float16ArrayConstructorLike {
  /** 2 for Float16Array. */
  readonly BYTES_PER_ELEMENT: number;
  /** A view of `length` elements of `buffer` from `byteOffset`. */
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): Float16ArrayLike;
}

/** What a Float16Array is to array(): a view with an element count. */
export interface Float16ArrayLike extends ArrayBufferView {
  /** Elements in the view. */
  readonly length: number;
}

/**
 * The constructors `array()` takes: every typed array (Float16Array where the runtime has it),
 * never DataView or Array.
 *
 * @example
 * ```ts
 * const floats = m.array(Float32Array, 16, 4);
 * ```
 */
export type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | Float16ArrayConstructorLike;

/**
 * What wait()/waitAsync() report, as Atomics.wait does.
 *
 * @example
 * ```ts
 * if (m.wait(0, 0, 1000) === 'timed-out') console.log('no writer yet');
 * ```
 */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/**
 * A read-only map (from `map()`), and the base of every map. Every method throws ERR_MMAP_CLOSED
 * after close() (promise-returning ones reject with it); a truncation-safe backend throws
 * ERR_MMAP_TRUNCATED from the next call once the file was cut under the map.
 *
 * @example
 * ```ts
 * { using m = map('data.bin'); console.log(m.bytes.readUInt32LE(0)); }
 * ```
 */
export interface Mmap extends Disposable {
  /** Name of the backend that made the map. */
  readonly backend: string;
  /** Bytes in the map. */
  readonly length: number;
  /** File offset of byte 0 (0 for anonymous and named maps). */
  readonly offset: number;
  /** false for map(), true for the others. */
  readonly writable: boolean;
  /** Whether close() has been called. */
  readonly closed: boolean;
  /**
   * The whole map as one Buffer, no copy where capabilities.zeroCopy; the same object until
   * resize() or close().
   *
   * @throws {@link MmapError} ERR_MMAP_CLOSED after close(); ERR_MMAP_TOO_LARGE when the map is
   *   larger than one Buffer can hold here (use view()).
   */
  readonly bytes: Buffer;
  /**
   * A window of the map, no copy; strict bounds (never clamped).
   *
   * @param offset - map-relative start; default 0
   * @param length - bytes; default the rest of the map
   * @throws {@link MmapError} ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE for a bad number,
   *   ERR_MMAP_OUT_OF_RANGE past the end, ERR_MMAP_TOO_LARGE above one Buffer, ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * const header = m.view(0, 16);
   * ```
   */
  view(offset?: number, length?: number): Buffer;
  /**
   * A typed-array view of the map, no copy, detached on close()/resize() like every view; works
   * past 4 GiB like view(). Alignment is counted from the file offset: element i sits at file
   * offset `offset + byteOffset + i * BYTES_PER_ELEMENT`, which must be a multiple of
   * BYTES_PER_ELEMENT (a map at file offset 3 has Uint32Array elements at byteOffset 1, 5, ...).
   *
   * @param type - Int8Array ... Float64Array, BigInt64Array, BigUint64Array, Float16Array where
   *   the runtime has it
   * @param byteOffset - map-relative start in bytes; default 0
   * @param length - elements; default as many whole elements as fit to the end of the map
   * @throws {@link MmapError} ERR_INVALID_ARG_TYPE when `type` is no typed-array constructor
   *   (DataView, Array, a class); ERR_INVALID_ARG_VALUE for a misaligned byteOffset (naming the
   *   alignment); ERR_MMAP_OUT_OF_RANGE past the end; ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * const counts = m.array(Uint32Array);          // the whole map as uint32s
   * const pair = m.array(Float64Array, 8, 2);      // two doubles at byte 8
   * ```
   */
  array<T extends TypedArrayConstructor>(type: T, byteOffset?: number, length?: number): InstanceType<T>;
  /**
   * A handle for this map's memory that any thread of this process opens with `openShared()`
   * (post it to a Worker): plain data, no syscall, no copy. Each map object over the memory closes
   * on its own; the memory goes when the last is closed or collected or its thread ends.
   *
   * @throws {@link MmapError} ERR_MMAP_UNSUPPORTED where capabilities.shareable is false;
   *   ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * new Worker('./sum.js', { workerData: m.share() });
   * ```
   */
  share(): MapHandle;
  /**
   * Passes a hint to the kernel for a range (default: the whole map).
   *
   * @returns true when the hint was applied, false when it was not (unknown here, refused by the
   *   kernel, empty range); a refused hint never throws.
   * @throws {@link MmapError} ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE for a bad advice name or
   *   number, ERR_MMAP_OUT_OF_RANGE past the end, ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * m.advise('random');
   * ```
   */
  advise(advice: Advice, offset?: number, length?: number): boolean;
  /**
   * Faults a range (default: the whole map) into memory off the main thread, without copying on
   * read maps. Resolves at once on a backend with nothing to fault in (the fallback's copy).
   *
   * @returns a promise that rejects (never throws) with ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE,
   *   ERR_MMAP_OUT_OF_RANGE or ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * await m.prefetch(0, 1 << 20);
   * ```
   */
  prefetch(offset?: number, length?: number): Promise<void>;
  /**
   * How many pages of a range (default: the whole map) are in memory.
   *
   * @throws {@link MmapError} ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, ERR_MMAP_OUT_OF_RANGE,
   *   ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * console.log(m.residency().resident);
   * ```
   */
  residency(offset?: number, length?: number): Residency;
  /**
   * Locks the map's pages in memory (mlock; a read map stays coherent). Call again after resize().
   *
   * @throws {@link MmapError} ERR_MMAP_UNSUPPORTED where capabilities.lock is false; the OS code
   *   (ENOMEM, EPERM) when the lock limit is reached; ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * m.lock(); try { serveHotPath(m); } finally { m.unlock(); }
   * ```
   */
  lock(): void;
  /**
   * Unlocks what lock() locked.
   *
   * @throws {@link MmapError} ERR_MMAP_UNSUPPORTED where capabilities.lock is false; ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * m.unlock();
   * ```
   */
  unlock(): void;
  /**
   * Releases the map: writes of a shared map reach the file, every earlier view is detached (or,
   * where the runtime cannot detach, neutralised), and every later call throws ERR_MMAP_CLOSED.
   * Idempotent; `[Symbol.dispose]` does the same, so `using` calls it. Never throws for a map that
   * is already closed.
   *
   * @example
   * ```ts
   * const m = map('data.bin'); try { use(m.bytes); } finally { m.close(); }
   * ```
   */
  close(): void;
}

/**
 * A writable map: from `mapMut()` (shared: writes reach the file), `mapCopy()` (private:
 * copy-on-write), `mapAnon()` or `mapNamed()`.
 *
 * @example
 * ```ts
 * { using w = mapMut('out.bin', { create: true, length: 5 }); w.bytes.write('hello'); w.flush(); }
 * ```
 */
export interface MmapMut extends Mmap {
  /**
   * Writes a range (default: the whole map) back to the file, durable on return (msync MS_SYNC /
   * fsync). Succeeds and writes nothing on copy-on-write, anonymous and named maps.
   *
   * @throws {@link MmapError} ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, ERR_MMAP_OUT_OF_RANGE,
   *   ERR_MMAP_CLOSED, ERR_MMAP_TRUNCATED, or the OS code (EIO, ENOSPC).
   * @example
   * ```ts
   * w.bytes.writeUInt32LE(1, 0); w.flush(0, 4);
   * ```
   */
  flush(offset?: number, length?: number): void;
  /**
   * As flush(), off the main thread.
   *
   * @returns a promise that rejects (never throws) with the codes flush() throws.
   * @example
   * ```ts
   * await w.flushAsync();
   * ```
   */
  flushAsync(offset?: number, length?: number): Promise<void>;
  /**
   * Changes the map's length. A shared file map grows or shrinks the file with it (a shrink cuts
   * the file only when the map reached its end); an anonymous map changes only the map; a named
   * map changes the region. Earlier views are detached or neutralised.
   *
   * @throws {@link MmapError} ERR_MMAP_UNSUPPORTED for a copy-on-write map;
   *   ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE for a bad length; ERR_MMAP_OUT_OF_RANGE when
   *   offset + length passes 2^53 - 1; ERR_MMAP_CLOSED; the OS code (ENOMEM, ENOSPC, EBUSY on
   *   Windows when another map holds the file).
   * @example
   * ```ts
   * w.resize(w.length * 2);
   * ```
   */
  resize(newLength: number, options?: ResizeOptions): void;
  /**
   * Blocks the calling thread while the int32 at `offset` (4-byte aligned, inside the map) holds
   * `expected`, until notify() (from any process sharing the memory) or the timeout (ms; default
   * no timeout). Results as Atomics.wait.
   *
   * `offset` is a byte offset into the map, where Atomics takes an element index: element `i` of
   * `m.array(Int32Array)` is byte `4 * i`.
   *
   * @throws {@link MmapError} ERR_MMAP_UNSUPPORTED where capabilities.waitNotify is false;
   *   ERR_INVALID_ARG_VALUE for an unaligned offset, a non-integer expected or a negative or NaN
   *   timeout; ERR_MMAP_OUT_OF_RANGE for an offset outside the map; ERR_MMAP_CLOSED.
   * @example
   * ```ts
   * while (Atomics.load(i32, 0) === 0) m.wait(0, 0);
   * ```
   */
  wait(offset: number, expected: number, timeoutMs?: number): WaitResult;
  /**
   * As wait(), without blocking the event loop or holding a libuv thread-pool thread. close()
   * rejects a pending waitAsync with ERR_MMAP_CLOSED.
   *
   * @returns a promise that rejects (never throws) with the codes wait() throws.
   * @example
   * ```ts
   * const result = await m.waitAsync(0, 0, 5000);
   * ```
   */
  waitAsync(offset: number, expected: number, timeoutMs?: number): Promise<WaitResult>;
  /**
   * Wakes up to `count` waiters (default: all) on the int32 at byte `offset` (not an element
   * index: element `i` of an Int32Array over the map's start is byte `4 * i`), in any process
   * sharing the memory.
   *
   * @returns how many woke.
   * @throws {@link MmapError} as wait(), and ERR_INVALID_ARG_VALUE for a negative or fractional count.
   * @example
   * ```ts
   * Atomics.store(i32, 0, 1); m.notify(0);
   * ```
   */
  notify(offset: number, count?: number): number;
}

/**
 * An implementation of the interface: the six calls plus its name and capabilities. Build one with
 * `defineBackend()` (docs/writing-a-backend.md), or pick one with `loadBackend()`.
 *
 * @example
 * ```ts
 * const ffi = loadBackend('ffi'); { using m = ffi.map('data.bin'); }
 * ```
 */
export interface Backend {
  /** 'napi' | 'ffi' | 'fallback' | a third party's name. */
  readonly name: string;
  /** Its frozen manifest. */
  readonly capabilities: Capabilities;
  /** As the top-level map(). */
  map(source: FileSource, options?: MapOptions): Mmap;
  /** As the top-level mapMut(). */
  mapMut(source: FileSource, options?: MapMutOptions): MmapMut;
  /** As the top-level mapCopy(). */
  mapCopy(source: FileSource, options?: MapOptions): MmapMut;
  /** As the top-level mapAnon(). */
  mapAnon(length: number, options?: AnonOptions): MmapMut;
  /** Named shared memory (no file on disk), opened by name from any process; as the top-level mapNamed(). */
  mapNamed(name: string, options?: NamedOptions): MmapMut;
  /** Removes the name; live maps stay valid. false where names cannot be removed (Windows). As the top-level unlinkNamed(). */
  unlinkNamed(name: string): boolean;
  /**
   * Opens the memory behind a handle of this backend from `share()`: a new map object of the
   * same kind over the same pages; as the top-level openShared().
   */
  openShared(handle: MapHandle): Mmap | MmapMut;
}
