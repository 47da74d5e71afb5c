// array(): typed-array views over a map, no copy. Every typed-array type (Float16Array where the
// runtime has it); alignment counted from the file offset (a map at file offset 3 has Uint32Array
// elements at byteOffset 1, 5, ...); misaligned: ERR_INVALID_ARG_VALUE naming the alignment; past
// the map: ERR_MMAP_OUT_OF_RANGE; not a typed-array constructor: ERR_INVALID_ARG_TYPE; detached on
// close/resize like every view (where detachOnClose); past 4 GiB like view() (zeroCopy backends).
import { ownerOf, type TypedArrayConstructor } from '@memmap/core';
import { pattern, type SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { expectThrows, GiB, sparseFile } from './assert.js';
import type { Group } from './index.js';

// Written out here, not taken from core: the suite states what array() must take.
const TYPES: readonly TypedArrayConstructor[] =
  'Int8 Uint8 Uint8Clamped Int16 Uint16 Int32 Uint32 Float32 Float64 BigInt64 BigUint64 Float16'
    .split(' ')
    .map((name) => (globalThis as Record<string, unknown>)[`${name}Array`])
    .filter((type): type is TypedArrayConstructor => typeof type === 'function'); // Float16Array where the runtime has it

type Numbers = ArrayLike<number | bigint>;
/** The same elements decoded from a copy of the bytes (a fresh ArrayBuffer, offset 0). */
function decoded(type: TypedArrayConstructor, bytes: Uint8Array, byteOffset: number, count: number): Numbers {
  const copy = new Uint8Array(bytes.subarray(byteOffset, byteOffset + count * type.BYTES_PER_ELEMENT));
  return new (type as unknown as new (b: ArrayBuffer) => Numbers)(copy.buffer);
}
const same = (a: Numbers, b: Numbers): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

function register(ctx: SuiteContext): void {
  const { backend } = ctx;
  const data = pattern(4096 + 64, 7);

  it(`every typed-array type (${TYPES.map((t) => t.name).join(', ')}) views the map in place, whole elements to the end by default`, () => {
    using m = backend.mapMut(ctx.file(data));
    for (const type of TYPES) {
      const a = m.array(type);
      expect(a.constructor, type.name).toBe(type);
      expect(a.length, type.name).toBe(Math.floor(m.length / type.BYTES_PER_ELEMENT));
      expect(same(a as Numbers, decoded(type, m.bytes, 0, a.length)), `${type.name} reads the map's bytes`).toBe(true);
      const part = m.array(type, 16, 3);
      expect(part.length).toBe(3);
      expect(same(part as Numbers, decoded(type, m.bytes, 16, 3)), `${type.name} at byteOffset 16`).toBe(true);
    }
    // No copy: a write through an array is in bytes, and the other way round.
    const words = m.array(Uint32Array, 8, 2);
    words[0] = 0xdeadbeef;
    expect(m.bytes.readUInt32LE(8)).toBe(0xdeadbeef);
    m.bytes.writeDoubleLE(1.5, 24);
    expect(m.array(Float64Array, 24, 1)[0]).toBe(1.5);
    expect(ownerOf(words)).toBe(m);
  });

  it('alignment counts from the file offset: at file offset 3, Uint32Array at byteOffset 1, 5, ...; Float64Array/BigInt64Array at 5; misaligned ones name the alignment', () => {
    using m = backend.map(ctx.file(data), { offset: 3 });
    const file = data.subarray(3);
    const u32 = m.array(Uint32Array, 1, 4);
    expect(Array.from(u32)).toEqual([0, 1, 2, 3].map((i) => file.readUInt32LE(1 + 4 * i)));
    expect(m.array(Uint32Array, 5, 1)[0]).toBe(file.readUInt32LE(5));
    expect(m.array(Float64Array, 5, 2)[1]).toBe(file.readDoubleLE(13));
    expect(m.array(BigInt64Array, 13, 1)[0]).toBe(file.readBigInt64LE(13));
    expect(m.array(Uint16Array, 1, 1)[0]).toBe(file.readUInt16LE(1));
    expect(m.array(Uint8Array, 0, 3)[2]).toBe(file[2]);
    // Default length: whole elements from byteOffset to the end.
    expect(m.array(Uint32Array, 1).length).toBe(Math.floor((m.length - 1) / 4));
    for (const [type, at] of [
      [Uint32Array, 0],
      [Uint32Array, 4],
      [Uint16Array, 0],
      [Float64Array, 1],
      [BigUint64Array, 8],
    ] as const) {
      const err = expectThrows(() => m.array(type, at), 'ERR_INVALID_ARG_VALUE');
      expect(err.message, `${type.name} at ${at}`).toMatch(new RegExp(`${type.BYTES_PER_ELEMENT}-byte aligned`));
    }
  });

  it('errors: not a typed-array constructor is ERR_INVALID_ARG_TYPE; bad numbers ERR_INVALID_ARG_*; past the map ERR_MMAP_OUT_OF_RANGE; closed ERR_MMAP_CLOSED', () => {
    const m = backend.mapAnon(4096);
    class NotAnArray {}
    for (const bad of [DataView, Array, NotAnArray, Object, Buffer, ArrayBuffer, 'Uint8Array', undefined, null, 4, {}]) {
      expectThrows(() => m.array(bad as unknown as TypedArrayConstructor), 'ERR_INVALID_ARG_TYPE');
    }
    expectThrows(() => m.array(Uint8Array, '1' as unknown as number), 'ERR_INVALID_ARG_TYPE');
    expectThrows(() => m.array(Uint8Array, 0, '1' as unknown as number), 'ERR_INVALID_ARG_TYPE');
    expectThrows(() => m.array(Uint8Array, -1), 'ERR_INVALID_ARG_VALUE');
    expectThrows(() => m.array(Uint8Array, 1.5), 'ERR_INVALID_ARG_VALUE');
    expectThrows(() => m.array(Uint8Array, 0, -1), 'ERR_INVALID_ARG_VALUE');
    expectThrows(() => m.array(Uint8Array, 4097), 'ERR_MMAP_OUT_OF_RANGE');
    expectThrows(() => m.array(Uint32Array, 0, 1025), 'ERR_MMAP_OUT_OF_RANGE');
    expectThrows(() => m.array(Float64Array, 4088, 2), 'ERR_MMAP_OUT_OF_RANGE');
    expect(m.array(Float64Array, 4096).length, 'an empty array at the very end').toBe(0);
    expect(m.array(Uint32Array, 4092).length).toBe(1);
    m.close();
    expectThrows(() => m.array(Uint8Array), 'ERR_MMAP_CLOSED');
  });

  it(`arrays are ${ctx.caps.detachOnClose ? '' : 'not necessarily '}detached by close() and resize(), whether over bytes' ArrayBuffer or a window of their own`, () => {
    const m = backend.mapMut(ctx.file(data), { offset: 3 });
    const inPlace = m.array(Uint8Array, 0, 16);
    const windowed = m.array(Uint32Array, 1, 16);
    const doubles = m.array(Float64Array, 5, 4);
    m.close();
    for (const a of [inPlace, windowed, doubles]) {
      if (ctx.caps.detachOnClose) expect(a.byteLength, a.constructor.name).toBe(0);
    }
    const anon = backend.mapAnon(8192);
    const before = anon.array(Int32Array);
    before[0] = 5;
    anon.resize(16384);
    if (ctx.caps.detachOnClose) expect(before.byteLength, 'detached by resize').toBe(0);
    const after = anon.array(Int32Array);
    expect(after.length).toBe(4096);
    expect(after[0]).toBe(5);
    anon.close();
  });

  it.skipIf(ctx.caps.zeroCopy ? false : 'the backend copies (no maps above one Buffer)')(
    'past 4 GiB: an array at byteOffset 4 GiB + 8 of a 5 GiB sparse file reads the file there',
    () => {
      const marker = Buffer.alloc(16);
      marker.writeBigUInt64LE(0x0123456789abcdefn, 0);
      marker.writeBigUInt64LE(42n, 8);
      using m = backend.map(sparseFile(ctx, 5 * GiB, [[4 * GiB + 8, marker]]));
      const a = m.array(BigUint64Array, 4 * GiB + 8, 2);
      expect(Array.from(a)).toEqual([0x0123456789abcdefn, 42n]);
      expect(m.array(Uint8Array, 5 * GiB - 1).length).toBe(1);
    },
  );
}

export const arrayGroup: Group = { name: 'array', register };
