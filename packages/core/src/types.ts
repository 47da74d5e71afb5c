// The public contract (docs/contract.md). Names and semantics here are binding.
import type { FileHandle } from 'node:fs/promises';

/** A path (string, file: URL or Buffer), an fd (never closed by us) or a FileHandle (never closed by us). */
export type FileSource = string | URL | Buffer | number | FileHandle;

export interface MapOptions {
  /** Any byte offset; aligned to the page/granularity internally. */
  offset?: number | bigint;
  /** Bytes to map; default: file size - offset. */
  length?: number;
  /** Prefault the pages (MAP_POPULATE or equivalent). */
  populate?: boolean;
}

export interface MapMutOptions extends MapOptions {
  /** O_CREAT; and extend the file to offset+length if shorter (never shrink). */
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

export interface ResizeOptions {
  /** Reserve disk blocks for the whole new range first (as MapMutOptions.allocate); file maps only. */
  allocate?: boolean;
}

export interface NamedOptions {
  /** Make the region if it is missing (true), or fail with EEXIST if it exists ('exclusive'). */
  create?: boolean | 'exclusive';
  /** Bytes to map. Required with create; an existing region keeps its size unless this is larger. */
  length?: number;
  /** Permission bits for a created region; default 0o600. */
  mode?: number;
}

export interface AnonOptions {
  populate?: boolean;
  hugePages?: boolean;
}

export type Advice =
  | 'normal'
  | 'random'
  | 'sequential'
  | 'willneed'
  | 'dontneed'
  | 'hugepage'
  | 'nohugepage';

export interface Residency {
  resident: number;
  total: number;
  pageSize: number;
}

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
}

/** What wait()/waitAsync() report, as Atomics.wait does. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

export interface Mmap extends Disposable {
  readonly backend: string;
  /** Bytes in the map. */
  readonly length: number;
  /** File offset of byte 0 (0 for anonymous). */
  readonly offset: number;
  /** false for map(), true for the others. */
  readonly writable: boolean;
  readonly closed: boolean;
  /** The whole map as one Buffer (the same object until resize/close). */
  readonly bytes: Buffer;
  /** A window of the map, no copy; strict bounds. */
  view(offset?: number, length?: number): Buffer;
  /** false = the hint was not applied here. */
  advise(advice: Advice, offset?: number, length?: number): boolean;
  prefetch(offset?: number, length?: number): Promise<void>;
  residency(offset?: number, length?: number): Residency;
  lock(): void;
  unlock(): void;
  /** Idempotent; [Symbol.dispose] is the same. */
  close(): void;
}

export interface MmapMut extends Mmap {
  /** Durable on return (msync MS_SYNC / fsync). */
  flush(offset?: number, length?: number): void;
  flushAsync(offset?: number, length?: number): Promise<void>;
  resize(newLength: number, options?: ResizeOptions): void;
  /**
   * Blocks the calling thread while the int32 at `offset` (4-byte aligned, inside the map) holds
   * `expected`, until notify() (from any process sharing the memory) or the timeout (ms; default
   * no timeout). Results as Atomics.wait.
   */
  wait(offset: number, expected: number, timeoutMs?: number): WaitResult;
  /** As wait(), without blocking the event loop or holding a libuv thread-pool thread. */
  waitAsync(offset: number, expected: number, timeoutMs?: number): Promise<WaitResult>;
  /** Wakes up to `count` waiters (default: all) on the int32 at `offset`; returns how many woke. */
  notify(offset: number, count?: number): number;
}

export interface Backend {
  readonly name: string;
  readonly capabilities: Capabilities;
  map(source: FileSource, options?: MapOptions): Mmap;
  mapMut(source: FileSource, options?: MapMutOptions): MmapMut;
  mapCopy(source: FileSource, options?: MapOptions): MmapMut;
  mapAnon(length: number, options?: AnonOptions): MmapMut;
  /** Named shared memory (no file on disk), opened by name from any process. */
  mapNamed(name: string, options?: NamedOptions): MmapMut;
  /** Removes the name; live maps stay valid. false where names cannot be removed (Windows). */
  unlinkNamed(name: string): boolean;
}
