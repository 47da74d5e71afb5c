// Children of the big-files group's full-disk checks, each run in a child process on a fresh 1 MiB
// tmpfs (`dir`, which already holds keep.bin, 64 KiB that must not change): ffi cannot survive the
// SIGBUS of a page the disk refused (truncationSafe false), so a crash shows as the child's signal.
// Run as a script file:  full-disk.js <module URL> <export name> <scenario> <dir>
// It prints the scenario's result as one JSON line and exits 0.
import * as NodeFs from 'node:fs';
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';

type Fs = Pick<typeof NodeFs, 'existsSync' | 'readFileSync' | 'statSync'>;

/** One call's outcome: ok, or the error's name, code and message. */
export interface Attempt {
  ok: boolean;
  name?: string;
  code?: string;
  message?: string;
}

export function attempt(fn: () => unknown): Attempt {
  try {
    fn();
    return { ok: true };
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    return e instanceof Error
      ? { ok: false, name: err.name, code: err.code, message: err.message }
      : { ok: false, name: 'non-Error', message: String(e) };
  }
}

/** Writes past the free space without allocate. */
export function writePastFreeSpace(backend: Backend, dir: string, fs: Fs, tryIt: typeof attempt) {
  const m = backend.mapMut(`${dir}/big.bin`, { create: true, length: 4 * 1024 * 1024 });
  const writes = tryIt(() => {
    for (let p = 0; p < m.length; p += 4096) m.bytes[p] = 1;
  });
  const flush = tryIt(() => m.flush());
  const size = fs.statSync(`${dir}/big.bin`).size;
  const close = tryIt(() => m.close());
  return { writes, flush, size, close, closed: m.closed };
}

/** mapMut({ create, allocate }) past the free space. */
export function createAllocatePastFreeSpace(backend: Backend, dir: string, fs: Fs, tryIt: typeof attempt) {
  const made = tryIt(() => backend.mapMut(`${dir}/big.bin`, { create: true, length: 4 * 1024 * 1024, allocate: true }));
  return { made, exists: fs.existsSync(`${dir}/big.bin`) };
}

/** mapMut({ allocate }) past the free space on the existing keep.bin. */
export function allocateExistingPastFreeSpace(backend: Backend, dir: string, fs: Fs, tryIt: typeof attempt) {
  const made = tryIt(() => backend.mapMut(`${dir}/keep.bin`, { create: true, length: 4 * 1024 * 1024, allocate: true }));
  const size = fs.statSync(`${dir}/keep.bin`).size;
  return { made, size };
}

/** allocate within the free space: every page written and flushed. */
export function allocateWithinFreeSpace(backend: Backend, dir: string, fs: Fs, tryIt: typeof attempt) {
  const page = 4096;
  const length = 512 * 1024;
  const m = backend.mapMut(`${dir}/fits.bin`, { create: true, length, allocate: true });
  for (let p = 0; p < length; p += page) m.bytes[p] = (p / page) & 255 || 1;
  const flush = tryIt(() => m.flush());
  m.close();
  const back = fs.readFileSync(`${dir}/fits.bin`);
  let lost = 0;
  for (let p = 0; p < length; p += page) if (back[p] !== ((p / page) & 255 || 1)) lost++;
  return { flush, lost, size: back.length };
}

/** resize(n, { allocate }) past the free space. */
export function resizeAllocatePastFreeSpace(backend: Backend, dir: string, fs: Fs, tryIt: typeof attempt) {
  const path = `${dir}/grow.bin`;
  const m = backend.mapMut(path, { create: true, length: 64 * 1024, allocate: true });
  for (let i = 0; i < m.length; i++) m.bytes[i] = (i * 13) & 255;
  m.flush();
  const grow = tryIt(() => m.resize(4 * 1024 * 1024, { allocate: true }));
  let intact = m.length === 64 * 1024;
  for (let i = 0; intact && i < m.length; i++) intact = m.bytes[i] === ((i * 13) & 255);
  const size = fs.statSync(path).size;
  m.bytes[0] = 99;
  const flush = tryIt(() => m.flush());
  m.close();
  const back = fs.readFileSync(path);
  return { grow, intact, size, flush, first: back[0], fileLength: back.length };
}

/** resize(n, { allocate }) within the free space: every new page reaches the file. */
export function resizeAllocateWithinFreeSpace(backend: Backend, dir: string, fs: Fs, tryIt: typeof attempt) {
  const page = 4096;
  const path = `${dir}/grow.bin`;
  const m = backend.mapMut(path, { create: true, length: 4096 });
  m.resize(256 * 1024, { allocate: true });
  for (let p = 0; p < m.length; p += page) m.bytes[p] = 7;
  const flush = tryIt(() => m.flush());
  m.close();
  const back = fs.readFileSync(path);
  let lost = 0;
  for (let p = 0; p < back.length; p += page) if (back[p] !== 7) lost++;
  return { flush, lost, size: back.length };
}

const scenarios = {
  writePastFreeSpace,
  createAllocatePastFreeSpace,
  allocateExistingPastFreeSpace,
  allocateWithinFreeSpace,
  resizeAllocatePastFreeSpace,
  resizeAllocateWithinFreeSpace,
};

/** The scenarios, by the name of their function. */
export type FullDiskScenario = keyof typeof scenarios;

const { backend, args } = await startChild();
const [scenario, dir] = args as [FullDiskScenario, string];
const run = scenarios[scenario];
if (run === undefined) throw new Error(`unknown scenario ${scenario}`);
report(run(backend, dir, NodeFs, attempt));
