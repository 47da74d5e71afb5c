// Code that runs inside child processes and worker threads (children/cross-process.ts), and here:
// the group checks the bytes the writers leave with the same functions.
import type { Backend } from '@memmap/core';

/** A small deterministic PRNG (mulberry32): the same sequence here and in a child. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` pseudo-random bytes from `seed`. */
export function randomBytes(seed: number, length: number): Buffer {
  const next = mulberry32(seed);
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (next() * 256) | 0;
  return b;
}

/** The byte writer `id` must leave at file offset `i`. */
export function expectedByte(id: number, i: number): number {
  return (i * 131 + id * 17 + 3) & 255;
}

/**
 * Fills [start, start+length) of the file with expectedByte(id, ·) in `writes` small writes: a pass
 * of junk then the real bytes, each pass in random order, flushing now and then (sync, async, whole
 * map or just a range) so concurrent writers interleave their write-backs. `whole` maps the whole
 * file (the fallback must then write back only changed bytes); otherwise just the writer's range.
 */
export async function writeRegion(
  backend: Backend,
  path: string,
  id: number,
  start: number,
  length: number,
  writes: number,
  whole: boolean,
): Promise<void> {
  const random = mulberry32(id * 7919 + 1);
  const m = whole ? backend.mapMut(path) : backend.mapMut(path, { offset: start, length });
  const base = whole ? start : 0;
  const chunks = Math.max(1, Math.floor(writes / 2));
  const chunk = Math.ceil(length / chunks);
  const order = Array.from({ length: chunks }, (_, i) => i);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let k = 0; k < order.length; k++) {
      const from = order[k]! * chunk;
      const to = Math.min(length, from + chunk);
      if (from >= to) continue;
      const target = k % 2 ? m.view(base + from, to - from) : m.bytes.subarray(base + from, base + to);
      for (let i = from; i < to; i++) target[i - from] = pass === 0 ? (random() * 256) | 0 : expectedByte(id, start + i);
      if (k % 97 === 0) m.flush(base + from, to - from);
      else if (k % 211 === 0) await m.flushAsync();
    }
  }
  m.flush();
  m.close();
}
