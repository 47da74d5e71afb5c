// A "mapping" made of a private copy: the range is read into a dedicated ArrayBuffer; a shared
// map writes back exactly the bytes that changed (on flush, close, process exit and collection).
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import {
  type Advice,
  detach,
  ErrorCodes,
  type FileMapKind,
  MmapError,
  maxWholeBufferLength,
  pageSize,
  type Region,
  type RemapOptions,
  type Residency,
  readFullyAt,
  writeFullyAt,
} from '@memmap/core';
import { changedRuns, type Run } from './changes.js';
import { trackForExit, untrackForExit } from './exit-writeback.js';
import { reserveBlocks } from './reserve-blocks.js';

const fdatasync = promisify(fs.fdatasync);

export interface CopiedRegionInit {
  /** 'anon' has no file; 'read' and 'copy' never write to it. */
  readonly kind: FileMapKind | 'anon';
  readonly fd: number;
  readonly offset: number;
  readonly length: number;
  /** Reserve disk blocks for the range before reading it (shared file maps). */
  readonly allocate?: boolean;
}

export class CopiedRegion implements Region {
  private readonly kind: CopiedRegionInit['kind'];
  private readonly fd: number;
  private readonly offset: number;
  private memory: Buffer;
  /** The file's bytes as last read or written: what a change is measured against (shared only). */
  private pristine: Buffer | undefined;
  private pending = new Set<Promise<void>>();

  constructor(init: CopiedRegionInit) {
    this.kind = init.kind;
    this.fd = init.fd;
    this.offset = init.offset;
    if (init.allocate) reserveBlocks(this.fd, this.offset, init.length);
    this.memory = this.load(init.length);
    if (this.kind === 'shared') {
      this.pristine = Buffer.from(this.memory);
      trackForExit(this);
    }
  }

  buffer(): Buffer {
    return this.memory;
  }

  window(): Buffer {
    // openFile refuses maps larger than one Buffer, so core never needs a window here.
    throw new MmapError(ErrorCodes.TOO_LARGE, 'The fallback backend holds whole maps only');
  }

  flush(offset: number, length: number): void {
    this.assertNotTruncated();
    this.writeBack(offset, offset + length);
    fs.fdatasyncSync(this.fd);
  }

  flushAsync(offset: number, length: number): Promise<void> {
    this.assertNotTruncated();
    // The writes only copy into the page cache, so they happen now, in order with any other flush
    // (an older snapshot written later could never overwrite newer bytes); the slow, durable part
    // (fdatasync) runs on the thread pool.
    this.writeBack(offset, offset + length);
    return this.track(fdatasync(this.fd));
  }

  advise(_advice: Advice): boolean {
    return false; // a private copy has no page cache to advise
  }

  prefetch(): Promise<void> {
    return Promise.resolve(); // everything is already in memory
  }

  residency(offset: number, length: number): Residency {
    const size = pageSize();
    const first = Math.floor((this.offset + offset) / size);
    const last = Math.ceil((this.offset + offset + length) / size);
    return { resident: last - first, total: last - first, pageSize: size };
  }

  lock(): void {
    throw new MmapError(ErrorCodes.UNSUPPORTED, 'lock() is not supported by the fallback backend');
  }

  unlock(): void {
    this.lock();
  }

  remap(newLength: number, options: RemapOptions): void {
    // Reserve first: ENOSPC must leave the map, its views and the file as they were.
    if (options.allocate) reserveBlocks(this.fd, this.offset, newLength);
    if (this.kind === 'shared') this.writeBack(0, this.memory.length);
    const kept = Math.min(this.memory.length, newLength);
    const next = allocate(newLength, this.kind === 'anon', this.offset);
    next.set(this.memory.subarray(0, kept)); // no offsets: see changes.ts on Deno
    if (newLength > kept && this.kind !== 'anon') readOrZero(this.fd, next.subarray(kept), this.offset + kept);
    detach(this.memory.buffer as ArrayBuffer);
    this.memory = next;
    if (this.kind === 'shared') this.pristine = Buffer.from(next);
  }

  close(): void {
    // A write-back that fails (ENOSPC) is reported, but the map closes all the same.
    try {
      this.release();
    } finally {
      detach(this.memory.buffer as ArrayBuffer);
    }
  }

  collected(): void {
    this.release();
  }

  whenIdle(): Promise<void> | undefined {
    return this.pending.size === 0 ? undefined : Promise.allSettled([...this.pending]).then(() => {});
  }

  /** Writes back what changed (within the file's current size) and stops tracking. */
  writeBackForExit(): void {
    if (!this.pristine) return;
    const fileEnd = fs.fstatSync(this.fd).size - this.offset;
    this.writeBack(0, Math.max(0, Math.min(this.memory.length, fileEnd)));
  }

  private release(): void {
    if (this.kind !== 'shared') return;
    untrackForExit(this);
    try {
      this.writeBackForExit();
    } finally {
      this.pristine = undefined;
    }
  }

  private load(length: number): Buffer {
    const memory = allocate(length, this.kind === 'anon', this.offset);
    if (this.kind !== 'anon') readOrZero(this.fd, memory, this.offset);
    return memory;
  }

  private changes(from: number, to: number): Run[] {
    return this.pristine ? changedRuns(this.memory, this.pristine, from, to) : [];
  }

  private writeBack(from: number, to: number): void {
    for (const run of this.changes(from, to)) {
      writeFullyAt(this.fd, this.memory.subarray(run.start, run.end), this.offset + run.start);
      this.pristine!.set(this.memory.subarray(run.start, run.end), run.start);
    }
  }

  /** A file cut short under this map: writing back would re-extend it with our stale bytes. */
  private assertNotTruncated(): void {
    if (fs.fstatSync(this.fd).size < this.offset + this.memory.length) {
      throw new MmapError(ErrorCodes.TRUNCATED, 'The file was truncated under this map');
    }
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }
}

/**
 * Fills target from the file at `position`, in chunks no fs call refuses. Only bytes past the end
 * of the file (cut under us since core checked the range) read as zero, as a fresh page would; a
 * read that stops early where the file has bytes throws (readFullyAt), never leaves zeros.
 */
function readOrZero(fd: number, target: Buffer, position: number): void {
  const read = readFullyAt(fd, target, position);
  if (read < target.length) target.subarray(read).fill(0);
}

/**
 * A Buffer with its own ArrayBuffer (never pooled, so it can be detached), zero-filled only when
 * asked: file maps overwrite every byte with readOrZero, so they skip the clearing.
 * The runtime refusing that much memory is ERR_MMAP_TOO_LARGE. The copy starts `fileOffset % 8`
 * bytes into its ArrayBuffer, as a real mapping's bytes sit at that offset into a page, so array()
 * finds every element that is aligned in the file aligned in the ArrayBuffer too.
 */
function allocate(length: number, zeroed: boolean, fileOffset: number): Buffer {
  const pad = fileOffset % 8;
  if (length > maxWholeBufferLength()) {
    throw new MmapError(
      ErrorCodes.TOO_LARGE,
      `The fallback backend copies maps into memory; ${length} bytes is more than one Buffer holds`,
    );
  }
  try {
    if (pad === 0) return zeroed ? Buffer.from(new ArrayBuffer(length)) : Buffer.allocUnsafeSlow(length);
    const memory = zeroed ? Buffer.from(new ArrayBuffer(length + pad)) : Buffer.allocUnsafeSlow(length + pad);
    return memory.subarray(pad);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new MmapError(ErrorCodes.TOO_LARGE, `The fallback backend could not allocate ${length} bytes for its copy`, {}, { cause: error });
  }
}
