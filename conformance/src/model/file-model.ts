// Reference model of one file and the maps of it, for the random-sequence group. Bytes are held as
// Int16 with UNKNOWN (-1) where the contract allows more than one outcome (e.g. a copy-on-write
// map's untouched page after the file changed: Linux shows the new bytes unless the page was
// already copied). Checks compare known bytes only; the end state of the file is always known.
//
// Two regimes, chosen by capabilities.coherent:
//  - coherent: one shared page cache. map()/mapMut() bytes ARE the file's bytes; writes show at once.
//  - not coherent (a copying backend): every map holds a snapshot taken at map time; a mapMut writes
//    its bytes back on flush (the flushed range surely, the rest of the touched pages maybe), on
//    resize (maybe, except bytes cut off the map: surely) and on close (surely). The runner keeps
//    live mapMut maps of one file on disjoint pages there, as the contract only promises that.

export const UNKNOWN = -1;
/** Smallest page size any OS uses: bytes in one such block are always in one OS page. */
const BLOCK = 4096;

/** The call that made a map of the model (core's map objects name the same four 'read', 'shared', 'copy', 'anon'). */
export type MapCall = 'map' | 'mapMut' | 'mapCopy' | 'mapAnon';

export interface ModelMap {
  readonly id: number;
  readonly kind: MapCall;
  readonly offset: number;
  length: number;
  /** Own bytes: every kind except coherent map()/mapMut(), which read the file model. */
  data: Int16Array;
  /** coherent mapCopy: 4 KiB file blocks this map has written (privately copied for sure). */
  readonly privateBlocks: Set<number>;
}

export class FileModel {
  file: Int16Array;
  readonly maps: ModelMap[] = [];
  private nextId = 0;

  constructor(
    initial: Uint8Array,
    readonly coherent: boolean,
    /** The page size a copying backend writes back in (bytes beyond a flushed range may go too). */
    readonly pageSize: number,
  ) {
    this.file = Int16Array.from(initial);
  }

  get size(): number {
    return this.file.length;
  }

  /** Does the map read the file model directly (coherent shared views)? */
  private aliases(m: ModelMap): boolean {
    return this.coherent && (m.kind === 'map' || m.kind === 'mapMut');
  }

  /** The bytes the map must show now. */
  expected(m: ModelMap): Int16Array {
    return this.aliases(m) ? this.file.subarray(m.offset, m.offset + m.length) : m.data;
  }

  open(kind: MapCall, offset: number, length: number, create = false): ModelMap {
    if (create && offset + length > this.size) this.setSize(offset + length);
    const data = kind === 'mapAnon' ? new Int16Array(length) : this.file.slice(offset, offset + length);
    const m: ModelMap = { id: this.nextId++, kind, offset: kind === 'mapAnon' ? 0 : offset, length, data, privateBlocks: new Set() };
    this.maps.push(m);
    return m;
  }

  write(m: ModelMap, at: number, bytes: Uint8Array): void {
    if (this.aliases(m)) {
      this.file.set(bytes, m.offset + at);
      this.fileChanged(m.offset + at, bytes.length);
      return;
    }
    m.data.set(bytes, at);
    if (this.coherent && m.kind === 'mapCopy') {
      for (let b = blockOf(m.offset + at); b <= blockOf(m.offset + at + bytes.length - 1); b++) m.privateBlocks.add(b);
    }
  }

  flush(m: ModelMap, at: number, length: number): void {
    if (m.kind !== 'mapMut' || this.coherent || length === 0) return;
    this.writeBack(m, at, at + length, true);
    // The rest of the pages the range touches may be written back too.
    const page = this.pageSize;
    const from = Math.max(0, Math.floor((m.offset + at) / page) * page - m.offset);
    const to = Math.min(m.length, Math.ceil((m.offset + at + length) / page) * page - m.offset);
    this.writeBack(m, from, at, false);
    this.writeBack(m, at + length, to, false);
  }

  close(m: ModelMap): void {
    if (m.kind === 'mapMut' && !this.coherent) this.writeBack(m, 0, m.length, true);
    this.maps.splice(this.maps.indexOf(m), 1);
  }

  /** resize(n) of a mapMut or mapAnon (mapCopy refuses). */
  resize(m: ModelMap, n: number): void {
    if (m.kind === 'mapAnon') {
      m.data = resized(m.data, n);
      m.length = n;
      return;
    }
    const reachedEnd = m.offset + m.length >= this.size;
    if (!this.coherent) {
      this.writeBack(m, 0, Math.min(n, m.length), false);
      this.writeBack(m, n, m.length, true); // bytes leaving the map: now or never
    }
    const end = m.offset + n;
    if (end > this.size) this.setSize(end);
    else if (n < m.length && reachedEnd) this.setSize(end);
    if (!this.coherent) {
      const kept = m.data.subarray(0, Math.min(n, m.length));
      m.data = new Int16Array(n);
      m.data.set(kept);
      m.data.set(this.file.subarray(m.offset + kept.length, end), kept.length);
    }
    m.length = n;
  }

  /** The [first, last] file pages a map covers, or undefined when empty. */
  pages(offset: number, length: number): [number, number] | undefined {
    if (length === 0) return undefined;
    return [Math.floor(offset / this.pageSize), Math.floor((offset + length - 1) / this.pageSize)];
  }

  private writeBack(m: ModelMap, from: number, to: number, surely: boolean): void {
    for (let i = from; i < to; i++) {
      const at = m.offset + i;
      if (at >= this.size) break;
      if (this.file[at] === m.data[i]) continue;
      this.file[at] = surely ? m.data[i]! : UNKNOWN;
    }
  }

  private setSize(size: number): void {
    this.file = resized(this.file, size);
  }

  /** Coherent file bytes changed: untouched blocks of copy-on-write maps may or may not follow. */
  private fileChanged(at: number, length: number): void {
    for (const c of this.maps) {
      if (c.kind !== 'mapCopy') continue;
      const from = Math.max(at, c.offset);
      const to = Math.min(at + length, c.offset + c.length);
      for (let i = from; i < to; i++) if (!c.privateBlocks.has(blockOf(i))) c.data[i - c.offset] = UNKNOWN;
    }
  }
}

const blockOf = (fileOffset: number): number => Math.floor(fileOffset / BLOCK);

function resized(a: Int16Array, n: number): Int16Array {
  const b = new Int16Array(n);
  b.set(a.subarray(0, Math.min(n, a.length)));
  return b;
}

/** First index where `actual` differs from the known bytes of `expected`, or -1. */
export function firstMismatch(actual: Uint8Array, expected: Int16Array): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (e !== UNKNOWN && actual[i] !== e) return i;
  }
  return -1;
}
