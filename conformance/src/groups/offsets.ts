// offsets, lengths, empty files, large sparse files: any byte offset (number or bigint, above
// 4 GiB too), default lengths, empty maps, ranges past EOF, maps larger than one Buffer can hold.

import { constants as bufferConstants } from 'node:buffer';
import { statSync } from 'node:fs';
import type { Mmap } from '@memmap/core';
import { pattern, type SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { allZero, expectThrows, GiB, readAt, sparseFile } from './assert.js';
import type { Group } from './index.js';

const SIZE = 20_000;
const UNALIGNED = [1, 4095, 4097, 12_345];

/** Offsets above 4 GiB in a sparse file of 5 GiB + 4 KiB. */
const BIG = 5 * GiB + 4096;
const FAR = 4 * GiB + 12_345;
const marker = Buffer.from('beyond four gibibytes');

function expectEmpty(m: Mmap): void {
  expect(m.length).toBe(0);
  expect(m.bytes.length).toBe(0);
  expect(m.view().length).toBe(0);
  expect(m.view(0, 0).length).toBe(0);
}

function register(ctx: SuiteContext): void {
  const { backend } = ctx;
  const content = pattern(SIZE, 1);

  for (const off of UNALIGNED) {
    for (const asBigint of [false, true]) {
      const offset = asBigint ? BigInt(off) : off;
      it(`offset ${off}${asBigint ? 'n (bigint)' : ''} maps the right bytes with the default length`, () => {
        using m = backend.map(ctx.file(content), { offset });
        expect(m.offset).toBe(off);
        expect(m.length).toBe(SIZE - off);
        expect(m.bytes.equals(content.subarray(off))).toBe(true);
      });
    }
  }

  it('an unaligned window across a page boundary (offset 4095, length 2)', () => {
    using m = backend.map(ctx.file(content), { offset: 4095, length: 2 });
    expect([...m.bytes]).toEqual([content[4095], content[4096]]);
  });

  it('mapMut at an unaligned offset writes exactly that byte of the file', () => {
    const path = ctx.file(content);
    const m = backend.mapMut(path, { offset: 4097n, length: 1 });
    m.bytes[0] = (content.readUInt8(4097) + 1) & 255;
    m.close();
    const expected = Buffer.from(content);
    expected[4097] = (content.readUInt8(4097) + 1) & 255;
    expect(ctx.read(path).equals(expected)).toBe(true);
  });

  it('mapCopy at an unaligned offset maps the right bytes', () => {
    using m = backend.mapCopy(ctx.file(content), { offset: 12_345, length: 1000 });
    expect(m.offset).toBe(12_345);
    expect(m.bytes.equals(content.subarray(12_345, 13_345))).toBe(true);
  });

  it('an offset above 4 GiB (number) in a sparse file reads the marker', () => {
    const path = sparseFile(ctx, BIG, [[FAR, marker]]);
    using m = backend.map(path, { offset: FAR - 345, length: 1000 });
    expect(m.offset).toBe(FAR - 345);
    expect(m.bytes.subarray(345, 345 + marker.length).equals(marker)).toBe(true);
    expect(m.view(345, marker.length).equals(marker)).toBe(true);
    expect(allZero(m.bytes.subarray(0, 345))).toBe(true);
  });

  it('an offset above 4 GiB given as a bigint reads the marker', () => {
    const path = sparseFile(ctx, BIG, [[FAR, marker]]);
    using m = backend.map(path, { offset: BigInt(FAR), length: marker.length });
    expect(m.offset).toBe(FAR);
    expect(m.bytes.equals(marker)).toBe(true);
  });

  it('the default length above 4 GiB is size - offset', () => {
    const path = sparseFile(ctx, BIG, [[BIG - marker.length, marker]]);
    using m = backend.map(path, { offset: 5 * GiB });
    expect(m.length).toBe(4096);
    expect(m.bytes.subarray(4096 - marker.length).equals(marker)).toBe(true);
  });

  it('a mapMut write above 4 GiB lands there in the file', () => {
    const path = sparseFile(ctx, BIG);
    const at = 4 * GiB + 777_777;
    const m = backend.mapMut(path, { offset: at, length: 100 });
    marker.copy(m.bytes, 10);
    m.flush();
    m.close();
    expect(readAt(path, at + 10, marker.length).equals(marker)).toBe(true);
    expect(statSync(path).size).toBe(BIG);
    expect(allZero(readAt(path, at - 4096, 4096 + 10))).toBe(true);
  });

  it('create: true and resize() above 4 GiB size the file with 64-bit offsets', () => {
    const path = `${ctx.tmpDir()}/far.bin`;
    const at = 4 * GiB + 1;
    {
      using m = backend.mapMut(path, { create: true, offset: BigInt(at), length: 10 });
      expect(statSync(path).size).toBe(at + 10);
      m.resize(5000);
      expect(statSync(path).size).toBe(at + 5000);
      marker.copy(m.bytes, 4000);
      m.resize(4000 + marker.length);
      expect(statSync(path).size).toBe(at + 4000 + marker.length);
    }
    expect(readAt(path, at + 4000, marker.length).equals(marker)).toBe(true);
  });

  for (const kind of ['map', 'mapMut', 'mapCopy'] as const) {
    it(`${kind}() of an empty file is a valid empty map`, () => {
      const path = ctx.file(Buffer.alloc(0));
      {
        using m = backend[kind](path);
        expect(m.offset).toBe(0);
        expectEmpty(m);
      }
      expect(statSync(path).size).toBe(0);
    });
  }

  it('flush, residency and advise on an empty mapMut succeed', async () => {
    using m = backend.mapMut(ctx.file(Buffer.alloc(0)));
    m.flush();
    await m.flushAsync();
    await m.prefetch();
    expect(m.residency().total).toBe(0);
    expect(typeof m.advise('normal')).toBe('boolean');
  });

  it('length: 0 on a non-empty file is a valid empty map at that offset', () => {
    const path = ctx.file(content);
    for (const m of [backend.map(path, { length: 0 }), backend.mapMut(path, { offset: 100, length: 0 })]) {
      try {
        expectEmpty(m);
      } finally {
        m.close();
      }
    }
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('offset == file size gives an empty map (default length 0)', () => {
    const path = ctx.file(content);
    for (const m of [backend.map(path, { offset: SIZE }), backend.mapMut(path, { offset: BigInt(SIZE) })]) {
      try {
        expect(m.offset).toBe(SIZE);
        expectEmpty(m);
      } finally {
        m.close();
      }
    }
  });

  for (const kind of ['map', 'mapMut', 'mapCopy'] as const) {
    it(`${kind}() with a length past EOF throws ERR_MMAP_OUT_OF_RANGE and leaves the file alone`, () => {
      const path = ctx.file(content);
      expectThrows(() => backend[kind](path, { length: SIZE + 1 }), 'ERR_MMAP_OUT_OF_RANGE');
      expectThrows(() => backend[kind](path, { offset: 4097, length: SIZE - 4096 }), 'ERR_MMAP_OUT_OF_RANGE');
      expect(statSync(path).size).toBe(SIZE);
      expect(ctx.read(path).equals(content)).toBe(true);
    });
  }

  // Only Node 20 caps Buffers below 8 GiB; the copying fallback may refuse such a map outright.
  const smallBuffers = bufferConstants.MAX_LENGTH < 8 * GiB;
  it.skipIf(!smallBuffers || !ctx.caps.zeroCopy)(
    'a map larger than buffer.constants.MAX_LENGTH: bytes throws ERR_MMAP_TOO_LARGE, view() windows work',
    () => {
      const path = sparseFile(ctx, BIG, [[FAR, marker]]);
      using m = backend.map(path);
      expect(m.length).toBe(BIG);
      expectThrows(() => m.bytes, 'ERR_MMAP_TOO_LARGE');
      expect(m.view(FAR, marker.length).equals(marker)).toBe(true);
      expect(allZero(m.view(0, 4096))).toBe(true);
      expect(m.view(BIG - 10).length).toBe(10);
      expectThrows(() => m.view(BIG - 10, 11), 'ERR_MMAP_OUT_OF_RANGE');
    },
  );

  it.skipIf(smallBuffers || !ctx.caps.zeroCopy)('where Buffers may exceed 4 GiB (Node >= 22), bytes covers a 5 GiB map', () => {
    const path = sparseFile(ctx, BIG, [[FAR, marker]]);
    using m = backend.map(path);
    const bytes = m.bytes;
    expect(bytes.length).toBe(BIG);
    expect(bytes.subarray(FAR, FAR + marker.length).equals(marker)).toBe(true);
    expect(m.view(FAR, marker.length).equals(marker)).toBe(true);
  });

  it.skipIf(!smallBuffers || !ctx.caps.zeroCopy)('a mapMut larger than MAX_LENGTH writes through a view above 4 GiB', () => {
    const path = sparseFile(ctx, BIG);
    {
      using m = backend.mapMut(path);
      expectThrows(() => m.bytes, 'ERR_MMAP_TOO_LARGE');
      marker.copy(m.view(FAR, marker.length));
      m.flush(FAR, marker.length);
    }
    expect(readAt(path, FAR, marker.length).equals(marker)).toBe(true);
  });
}

export const offsetsGroup: Group = { name: 'offsets, lengths, empty files, large sparse files', register };
