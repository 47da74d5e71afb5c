// Tensors in the safetensors format, read back zero-copy: `write` stores a few tensors (an 8-byte
// little-endian header length, a JSON header { name: { dtype, shape, data_offsets } }, then the raw
// little-endian data); `read` maps the file and views each tensor in place with array(), after
// checking the header. A malformed file is a clear error (exit status 1), never a wrong view.
// Run: npx tsx examples/tensors.ts [write|read|demo] [file]
import { writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { map, type Mmap, type TypedArrayConstructor } from '@memmap/core';

/** The dtypes this example knows, with the typed array that views each. */
const dtypes: Record<string, TypedArrayConstructor> = {
  F64: Float64Array,
  F32: Float32Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
  I32: Int32Array,
  U32: Uint32Array,
  I16: Int16Array,
  U16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  ...((globalThis as { Float16Array?: TypedArrayConstructor }).Float16Array
    ? { F16: (globalThis as unknown as { Float16Array: TypedArrayConstructor }).Float16Array }
    : {}),
};

export interface Tensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: ArrayBufferView;
}

/** Thrown for a file that is not valid safetensors (or uses what this example does not read). */
export class SafetensorsError extends Error {}

const fail = (why: string): never => {
  throw new SafetensorsError(`not a valid safetensors file: ${why}`);
};

/** Writes tensors as safetensors; the header is padded with spaces so the data starts 8-aligned. */
export function writeSafetensors(path: string, tensors: Record<string, Tensor>): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const data = Object.values(tensors).map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  writeFileSync(path, Buffer.concat([head, Buffer.from(json), ...data]));
}

/**
 * The tensors of a mapped safetensors file, each a typed array over the map (no copy). Checks the
 * header length, the JSON, every dtype, shape and data range (inside the data, matching the shape,
 * not overlapping another, aligned for its type) before making any view.
 */
export function readSafetensors(m: Mmap): Record<string, Tensor> {
  if (endianness() !== 'LE') fail('this machine is big-endian; the data is little-endian (a view would read it wrong)');
  if (m.length < 8) fail(`the file has ${m.length} bytes, fewer than the 8-byte header length`);
  const headerLength = m.view(0, 8).readBigUInt64LE(0);
  if (headerLength > BigInt(m.length - 8)) fail(`the header length (${headerLength}) runs past the end of the file (${m.length} bytes)`);
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(m.view(8, Number(headerLength)).toString('utf8'));
  } catch (error) {
    fail(`the header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const dataLength = m.length - dataStart;
  const ranges: Array<[number, number, string]> = [];
  const tensors: Record<string, Tensor> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    const type = typeof dtype === 'string' ? dtypes[dtype] : undefined;
    if (!type) fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}, not one of ${Object.keys(dtypes).join(', ')}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor "${name}" has a bad shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor "${name}" has bad data_offsets (want [begin, end])`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] outside the ${dataLength} data bytes`);
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== elements * type!.BYTES_PER_ELEMENT) {
      fail(
        `tensor "${name}" holds ${end - begin} bytes, but ${dtype} ${JSON.stringify(shape)} needs ${elements * type!.BYTES_PER_ELEMENT}`,
      );
    }
    if ((dataStart + begin) % type!.BYTES_PER_ELEMENT !== 0)
      fail(`tensor "${name}" is not ${type!.BYTES_PER_ELEMENT}-byte aligned in the file`);
    ranges.push([begin, end, name]);
    tensors[name] = { dtype: dtype as string, shape: shape as number[], data: m.array(type!, dataStart + begin, elements) };
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]![0] < ranges[i - 1]![1]) fail(`tensors "${ranges[i - 1]![2]}" and "${ranges[i]![2]}" overlap`);
  }
  return tensors;
}

/** The tensors `write` stores. */
function sample(): Record<string, Tensor> {
  const weights = new Float32Array(4 * 3).map((_, i) => i / 4);
  return {
    'layer.weight': { dtype: 'F32', shape: [4, 3], data: weights },
    'layer.bias': { dtype: 'F64', shape: [3], data: new Float64Array([0.5, -1, 2]) },
    'token.ids': { dtype: 'I64', shape: [5], data: new BigInt64Array([1n, 2n, 3n, -4n, 2n ** 40n]) },
    mask: { dtype: 'U8', shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
  };
}

function show(path: string): void {
  using m = map(path);
  for (const [name, t] of Object.entries(readSafetensors(m))) {
    const values = Array.from(t.data as unknown as ArrayLike<number | bigint>, String).join(', ');
    console.log(`${name}: ${t.dtype} [${t.shape.join(', ')}] = ${values}`);
  }
}

const [command = 'demo', file = 'model.safetensors'] = process.argv.slice(2);
try {
  if (command === 'write' || command === 'demo') writeSafetensors(file, sample());
  if (command === 'read' || command === 'demo') show(file);
  if (!['write', 'read', 'demo'].includes(command)) fail(`unknown command ${command} (write, read or demo)`);
} catch (error) {
  if (!(error instanceof SafetensorsError)) throw error;
  console.error(`${file}: ${error.message}`);
  process.exitCode = 1;
}
