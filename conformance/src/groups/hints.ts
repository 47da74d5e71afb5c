// advise, prefetch, residency, lock: hints answer honestly (a boolean / a resolved Promise),
// residency counts the pages a range spans, lock follows capabilities.lock.

import { type Advice, adviceNames, type Mmap, type MmapMut } from '@memmap/core';
import type { SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { assertMmapError, expectThrows, pagesSpanned } from './assert.js';
import type { Group } from './index.js';

const ADVICE: readonly Advice[] = adviceNames;
const SIZE = 10 * 4096 + 123;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Touches every byte so a zero-copy map faults all its pages in. */
function touch(m: Mmap): number {
  let sum = 0;
  const b = m.bytes;
  for (let i = 0; i < b.length; i++) sum += b[i]!;
  return sum;
}

function register(ctx: SuiteContext): void {
  const { backend } = ctx;
  const caps = ctx.caps;

  for (const advice of ADVICE) {
    it(`advise('${advice}') returns a boolean, on the whole map and on a range`, () => {
      using m = backend.map(ctx.file(SIZE));
      expect(typeof m.advise(advice)).toBe('boolean');
      expect(typeof m.advise(advice, 4097, 8000)).toBe('boolean');
      expect(touch(m)).toBeGreaterThan(0); // the map still reads after the hint
    });
  }

  it('advise on mapMut, mapCopy and mapAnon returns a boolean and keeps written data', () => {
    const maps = [backend.mapMut(ctx.file(SIZE)), backend.mapCopy(ctx.file(SIZE)), backend.mapAnon(SIZE)];
    try {
      for (const m of maps) {
        m.bytes[5] = 42;
        for (const advice of ['normal', 'random', 'sequential', 'willneed'] as const) {
          expect(typeof m.advise(advice, 0, 4096)).toBe('boolean');
        }
        expect(m.bytes[5]).toBe(42);
      }
    } finally {
      for (const m of maps) m.close();
    }
  });

  it('prefetch() and prefetch(offset, length) resolve to undefined', async () => {
    using m = backend.map(ctx.file(SIZE), { offset: 7 });
    const p = m.prefetch();
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBeUndefined();
    expect(await m.prefetch(4096, 4096)).toBeUndefined();
    expect(await m.prefetch(m.length, 0)).toBeUndefined();
  });

  it('prefetch on mapMut and mapAnon resolves', async () => {
    using a = backend.mapAnon(SIZE);
    using w = backend.mapMut(ctx.file(SIZE));
    expect(await Promise.all([a.prefetch(), w.prefetch(1, 100)])).toEqual([undefined, undefined]);
  });

  it('residency() returns { resident, total, pageSize } with a power-of-two page and total = pages spanned', () => {
    using m = backend.map(ctx.file(SIZE));
    const r = m.residency();
    expect(Object.keys(r).sort()).toEqual(['pageSize', 'resident', 'total']);
    expect(isPowerOfTwo(r.pageSize)).toBe(true);
    expect(r.pageSize).toBeGreaterThanOrEqual(512);
    expect(r.total).toBe(pagesSpanned(0, SIZE, r.pageSize));
    expect(Number.isInteger(r.resident)).toBe(true);
    expect(r.resident).toBeGreaterThanOrEqual(0);
    expect(r.resident).toBeLessThanOrEqual(r.total);
  });

  it('residency(offset, length) counts the pages that range spans', () => {
    using m = backend.map(ctx.file(SIZE));
    const ps = m.residency().pageSize;
    for (const [off, len] of [
      [0, 1],
      [1, ps],
      [ps, 2 * ps],
      [ps - 1, 2],
      [SIZE - 1, 1],
      [SIZE, 0],
      [0, 0],
    ] satisfies [number, number][]) {
      const r = m.residency(off, len);
      expect(r.total, `residency(${off}, ${len})`).toBe(pagesSpanned(off, len, ps));
      expect(r.resident).toBeLessThanOrEqual(r.total);
      expect(r.pageSize).toBe(ps);
    }
  });

  it('residency of a map at an unaligned file offset counts pages in the file page grid', () => {
    using m = backend.map(ctx.file(SIZE), { offset: 4095, length: 2 });
    const r = m.residency();
    expect(r.total).toBe(pagesSpanned(4095, 2, r.pageSize));
  });

  it(`after reading every byte, ${caps.zeroCopy ? 'some pages are resident' : 'the whole copy is resident'}`, () => {
    using m = backend.map(ctx.file(SIZE));
    touch(m);
    const r = m.residency();
    if (caps.zeroCopy) expect(r.resident).toBeGreaterThan(0);
    else expect(r.resident).toBe(r.total);
    expect(r.resident).toBeLessThanOrEqual(r.total);
  });

  it('residency of an anonymous map after writing it is > 0', () => {
    using m = backend.mapAnon(SIZE);
    m.bytes.fill(1);
    const r = m.residency();
    expect(r.total).toBe(pagesSpanned(0, SIZE, r.pageSize));
    expect(r.resident).toBeGreaterThan(0);
  });

  // madvise/msync/mincore want page-aligned addresses: a backend must align unaligned ranges itself.
  it('hints, residency, flush and lock work on unaligned ranges of maps at unaligned offsets', async () => {
    const content = Buffer.alloc(SIZE, 1);
    const path = ctx.file(content);
    const off = 4097;
    const maps: Array<[Mmap, number]> = [
      [backend.map(path, { offset: off }), off],
      [backend.mapMut(path, { offset: off }), off],
      [backend.mapCopy(path, { offset: off }), off],
      [backend.mapAnon(5000), 0],
    ];
    try {
      for (const [m, base] of maps) {
        for (const advice of ['normal', 'random', 'sequential', 'willneed'] as const) {
          expect(typeof m.advise(advice, 1, 4100)).toBe('boolean');
        }
        const r = m.residency(1, 4100);
        expect(r.total).toBe(pagesSpanned(base + 1, 4100, r.pageSize));
        await m.prefetch(3, 4000);
        if (m.writable) {
          const w = m as MmapMut;
          w.bytes[1] = 7;
          w.flush(1, 10);
          await w.flushAsync(4095, 2);
        }
        if (caps.lock) {
          try {
            m.lock();
            m.unlock();
          } catch (err) {
            assertMmapError(err, ['EPERM', 'ENOMEM', 'EAGAIN']);
          }
        }
      }
    } finally {
      for (const [m] of maps) m.close();
    }
    const expected = Buffer.from(content);
    expected[off + 1] = 7; // only the mapMut write reaches the file
    expect(ctx.read(path).equals(expected)).toBe(true);
  });

  it.skipIf(!caps.lock)('lock() then unlock() on file and anonymous maps (EPERM/ENOMEM accepted from mlock)', () => {
    const maps = [backend.map(ctx.file(SIZE)), backend.mapMut(ctx.file(SIZE)), backend.mapAnon(SIZE)];
    try {
      for (const m of maps) {
        try {
          m.lock();
        } catch (err) {
          assertMmapError(err, ['EPERM', 'ENOMEM', 'EAGAIN']);
          continue;
        }
        expect(m.residency().resident).toBe(m.residency().total); // locked pages are resident
        m.unlock();
      }
    } finally {
      for (const m of maps) m.close();
    }
  });

  it.skipIf(caps.lock)('lock() and unlock() throw ERR_MMAP_UNSUPPORTED on every map kind', () => {
    const maps = [backend.map(ctx.file(SIZE)), backend.mapMut(ctx.file(SIZE)), backend.mapCopy(ctx.file(SIZE)), backend.mapAnon(SIZE)];
    try {
      for (const m of maps) {
        expectThrows(() => m.lock(), 'ERR_MMAP_UNSUPPORTED');
        expectThrows(() => m.unlock(), 'ERR_MMAP_UNSUPPORTED');
      }
    } finally {
      for (const m of maps) m.close();
    }
  });

  it('lock() on an empty map does not leak an OS error', () => {
    using m = backend.mapAnon(0);
    if (caps.lock) {
      m.lock();
      m.unlock();
    } else {
      expectThrows(() => m.lock(), 'ERR_MMAP_UNSUPPORTED');
    }
  });
}

export const hintsGroup: Group = { name: 'advise, prefetch, residency, lock', register };
