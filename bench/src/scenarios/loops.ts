// The timed loops shared by the scenarios. One copy of each, used by every subject, so V8 optimises
// the same code for all.

export const MiB = 1 << 20;
const TWO32 = 4294967296;

/** A Uint32Array over a Buffer, or null when its byteOffset is not 4-aligned. */
export function u32(buf: Buffer): Uint32Array | null {
  return (buf.byteOffset & 3) === 0 ? new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2) : null;
}

export function u32Strict(buf: Buffer, what: string): Uint32Array {
  const u = u32(buf);
  if (!u) throw new Error(`${what}: buffer byteOffset ${buf.byteOffset} is not 4-byte aligned`);
  return u;
}

/**
 * The "read 64 bytes": sum of the 16 u32 words at word index w, as an exact float64 (< 2^36).
 * Tree-shaped so the adds do not form one long dependency chain.
 */
export function fold16(u: Uint32Array, w: number): number {
  if (w < 0 || w + 16 > u.length) throw new RangeError(`fold16: words ${w}..${w + 15} are not all in 0..${u.length - 1}`);
  return (
    u[w]! +
    u[w + 1]! +
    (u[w + 2]! + u[w + 3]!) +
    (u[w + 4]! + u[w + 5]! + (u[w + 6]! + u[w + 7]!)) +
    (u[w + 8]! + u[w + 9]! + (u[w + 10]! + u[w + 11]!) + (u[w + 12]! + u[w + 13]! + (u[w + 14]! + u[w + 15]!)))
  );
}

/** Same as fold16 for a Buffer whose byteOffset is not 4-aligned (a copying backend may hand one out). */
export function fold16Unaligned(b: Buffer, w: number): number {
  let s = 0;
  for (let j = 0, p = w * 4; j < 16; j++, p += 4) s += b.readUInt32LE(p);
  return s;
}

/**
 * The checksum loop: s + every u32 word of u[0..n), mod 2^32 (as a signed int32). Four float64
 * accumulators, exact for up to 2^21 terms each, folded mod 2^32 every 2^20 words. (The obvious
 * `s = (s + u[i]) | 0` runs ~5x slower on V8: the add is speculated as float64 because the sum
 * overflows int32, and every iteration waits on a float add plus a truncation.)
 */
export function sumWords(u: Uint32Array, n: number, s: number): number {
  if (n > u.length) throw new RangeError(`sumWords: ${n} words asked of ${u.length}`);
  for (let b = 0; b < n; b += 1 << 20) {
    const e = Math.min(n, b + (1 << 20));
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = b;
    for (; i + 3 < e; i += 4) {
      s0 += u[i]!;
      s1 += u[i + 1]!;
      s2 += u[i + 2]!;
      s3 += u[i + 3]!;
    }
    for (; i < e; i++) s0 += u[i]!;
    s = (s + ((s0 + s1) % TWO32) + ((s2 + s3) % TWO32)) | 0;
  }
  return s;
}

export function sumWordsUnaligned(b: Buffer, s: number): number {
  for (let p = 0, end = b.length - 3; p < end; p += 4) s = (s + b.readUInt32LE(p)) | 0;
  return s;
}
