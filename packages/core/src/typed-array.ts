// array(): typed-array views over a map, no copy. Validation and construction live here; the map
// objects supply the memory (the same ArrayBuffers view() hands out, so close/resize detach them).
import { invalidType, invalidValue, outOfRange } from './errors.js';
import type { TypedArrayConstructor } from './types.js';
import { validateCount } from './validate.js';

/** The typed-array constructors array() takes: this realm's own, Float16Array where it exists. */
const constructors: ReadonlySet<unknown> = new Set(
  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
    (globalThis as { Float16Array?: unknown }).Float16Array,
  ].filter((c) => typeof c === 'function'),
);

const typeNames =
  'a typed-array constructor (Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, or Float16Array where the runtime has it)';

/** Any of them, called the one way they are all called here. */
type Make = new (buffer: ArrayBufferLike | number, byteOffset?: number, length?: number) => ArrayBufferView;

/** What array() needs of a map: its file offset and length, and its memory as Buffers. */
export interface ArraySource {
  /** File offset of byte 0 (0 for anonymous and named maps): alignment is counted from it. */
  readonly fileOffset: number;
  /** Bytes in the map now. */
  readonly length: number;
  /** A view of [offset, offset + length), as map.view() gives it. */
  view(offset: number, length: number): Buffer;
  /**
   * A view of the same bytes over an ArrayBuffer that starts at `offset` (the backend's window),
   * for when view()'s ArrayBuffer does not start at an element boundary. Detached as views are.
   */
  window(offset: number, length: number): Buffer;
}

/** A validated array() request: the constructor, the map-relative byte offset, elements. */
export interface ArrayRequest {
  readonly type: TypedArrayConstructor;
  readonly byteOffset: number;
  readonly count: number;
}

/**
 * Validates array()'s arguments against a map: the type (ERR_INVALID_ARG_TYPE unless a typed-array
 * constructor), the alignment counted from the file offset (ERR_INVALID_ARG_VALUE naming it), the
 * range (ERR_MMAP_OUT_OF_RANGE past the map). `length` is in elements; by default whole elements
 * to the end of the map.
 */
export function validateArray(type: unknown, byteOffset: unknown, length: unknown, fileOffset: number, total: number): ArrayRequest {
  if (!constructors.has(type)) throw invalidType('type', typeNames, type);
  const ctor = type as TypedArrayConstructor;
  const size = ctor.BYTES_PER_ELEMENT;
  const start = byteOffset === undefined ? 0 : validateCount(byteOffset, 'byteOffset');
  const count = length === undefined ? undefined : validateCount(length, 'length');
  const misalignment = (fileOffset + start) % size;
  if (misalignment !== 0) {
    const where = fileOffset === 0 ? `byteOffset ${start}` : `file offset ${fileOffset} + byteOffset ${start}`;
    throw invalidValue(
      'byteOffset',
      `must be ${size}-byte aligned for ${ctor.name} (alignment is counted from the file offset: ${where} is ${misalignment} past a multiple of ${size})`,
      byteOffset,
    );
  }
  if (start > total) throw outOfRange(`byteOffset ${start} is past the end of the map (${total} bytes)`);
  const elements = count ?? Math.floor((total - start) / size);
  if (start + elements * size > total) {
    throw outOfRange(
      `${elements} ${ctor.name} elements at byteOffset ${start} end at ${start + elements * size}, past the end of the map (${total} bytes)`,
    );
  }
  return { type: ctor, byteOffset: start, count: elements };
}

/**
 * The typed array for a validated request, over view()'s ArrayBuffer when the element boundary
 * falls on one of its own, else over a window that starts at the first element.
 */
export function makeArray(request: ArrayRequest, source: ArraySource): ArrayBufferView {
  const { byteOffset, count } = request;
  const type = request.type as unknown as Make & { readonly BYTES_PER_ELEMENT: number; readonly name: string };
  const size = type.BYTES_PER_ELEMENT;
  const bytes = count * size;
  if (bytes === 0) return new type(0);
  const view = source.view(byteOffset, bytes);
  if (view.byteOffset % size === 0) return new type(view.buffer, view.byteOffset, count);
  const window = source.window(byteOffset, bytes);
  if (window.byteOffset % size !== 0) {
    // A backend whose memory does not sit at addresses the file offset predicts (a copy placed
    // anywhere): say so rather than hand out a RangeError from the runtime.
    throw invalidValue('byteOffset', `cannot be ${size}-byte aligned in this backend's memory for ${type.name}`, byteOffset);
  }
  return new type(window.buffer, window.byteOffset, count);
}
