// Children of the close-safety group: every way an old Buffer can outlive its mapping (close,
// resize, GC, stray writes to read-only maps, close() with async work pending, windows of a map
// beyond one Buffer), each run in a child process where a SIGSEGV/SIGBUS shows as a signal. Run
// as a script file (with --expose-gc for big-windows and collected):
//   close-safety.js <module URL> <export name> <mode> <path> [size | big far]
// It prints the mode's result as one JSON line and exits 0.
import fs from 'node:fs';
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';
import { type ChildTools, childTools } from './tools.js';

export type CloseSafetyMode = 'big-windows' | 'after-close' | 'after-resize' | 'collected' | 'stray-writes' | 'close-while-pending';

export interface AfterCloseResult {
  kind: string;
  wholeLength: number;
  viewLength: number;
  zeros: boolean;
}

/** Old Buffers of every kind of map, read and written after close(). */
export function afterClose(backend: Backend, path: string, size: number, tools: ChildTools): AfterCloseResult[] {
  const results: AfterCloseResult[] = [];
  for (const kind of ['map', 'mapMut', 'mapCopy', 'mapAnon'] as const) {
    const m = kind === 'mapAnon' ? backend.mapAnon(size) : backend[kind](path);
    const whole = m.bytes;
    const view = m.view(1, 4000);
    m.close();
    const r = { kind, wholeLength: whole.length, viewLength: view.length, zeros: true };
    for (let i = 0; i < whole.length; i++) if (whole[i] !== 0) r.zeros = false;
    for (let i = 0; i < view.length; i++) if (view[i] !== 0) r.zeros = false;
    // Stray writes: no-ops on detached buffers, harmless zero pages otherwise.
    whole[0] = 0xee;
    whole[whole.length - 1] = 0xee;
    view[5] = 0xee;
    tools.stray(() => whole.fill(0xee));
    tools.stray(() => view.fill(0xee));
    results.push(r);
  }
  return results;
}

export interface AfterResizeResult {
  afterGrow: number[];
  grownKeepsData: boolean;
  grownTailZero: boolean;
  afterShrink: number[];
  shrunkByte10: number | undefined;
  anonOld: number;
  anonKept: number | undefined;
}

/** Old Buffers after grow and shrink; only writes through the current bytes reach the file. */
export function afterResize(backend: Backend, path: string, size: number, tools: ChildTools): AfterResizeResult {
  const m = backend.mapMut(path);
  const first = m.bytes;
  const firstView = m.view(0, 64);
  m.resize(size * 2);
  const grown = m.bytes;
  const afterGrow = [first.length, firstView.length];
  tools.stray(() => first.fill(0xee));
  tools.stray(() => firstView.fill(0xee));
  const grownKeepsData = grown.subarray(0, size).equals(tools.readFile(path).subarray(0, size));
  const grownTailZero = grown.subarray(size).every((b) => b === 0);
  grown[10] = 0x42;
  m.resize(size - 100);
  const afterShrink = [grown.length];
  tools.stray(() => grown.fill(0xee));
  tools.stray(() => first.fill(0xee));
  const shrunkByte10 = m.bytes[10];
  m.close();
  const a = backend.mapAnon(8192);
  const anonOld = a.bytes;
  anonOld[1] = 7;
  a.resize(100);
  const anonOldLength = anonOld.length;
  tools.stray(() => anonOld.fill(0xee));
  const anonKept = a.bytes[1];
  a.close();
  return { afterGrow, grownKeepsData, grownTailZero, afterShrink, shrunkByte10, anonOld: anonOldLength, anonKept };
}

export interface GcResult {
  during: number;
  after: number;
  fd0: number;
  fd1: number;
  keptContent: string;
  b0: number | undefined;
  b5: number | undefined;
  b7: number | undefined;
}

/** (--expose-gc) Maps never closed are collected; memory stays valid, writes reach the file. */
export async function collected(backend: Backend, path: string, tools: ChildTools): Promise<GcResult> {
  const fd0 = tools.fdCount();
  let kept: Buffer | undefined;
  (() => {
    const w = backend.mapMut(path);
    w.bytes[0] = 0x41;
    w.view(5, 1)[0] = 0x42;
    const r = backend.map(path);
    void r.bytes[3];
    kept = backend.map(path, { offset: 101 }).view(0, 16); // bytes nobody writes
    const c = backend.mapCopy(path);
    c.bytes.fill(9);
    backend.mapAnon(1 << 20).bytes.fill(1);
  })();
  const during = tools.mapsLines(path);
  await tools.ticks(20);
  const keptContent = Buffer.from(kept!).toString('hex');
  kept = undefined;
  await tools.ticks(20);
  // A loaded machine (or Deno) may run the finalizers a little later: give them up to 80 more
  // collections before the fds are counted.
  for (let i = 0; i < 80 && tools.fdCount() > fd0; i++) await tools.ticks(1);
  const after = tools.mapsLines(path);
  const fd1 = tools.fdCount();
  // Maps made after the collection still work: nothing was unmapped twice.
  for (let i = 0; i < 50; i++) {
    const m = backend.mapMut(path);
    m.bytes[7] = i;
    void backend.mapAnon(65536).bytes.fill(i);
    m.close();
  }
  await tools.ticks(10);
  const content = tools.readFile(path);
  return { during, after, fd0, fd1, keptContent, b0: content[0], b5: content[5], b7: content[7] };
}

/** Writes through map() (read-only) Buffers must not crash and never reach the file. */
export function strayWrites(backend: Backend, path: string, tools: ChildTools): { otherSaw: boolean; freshSaw: boolean } {
  const other = backend.map(path);
  const maps = [
    backend.map(path),
    backend.map(path, { offset: 4095, length: 5000 }),
    backend.map(path, { populate: true }),
    backend.map(path, { length: 0 }),
  ];
  for (const m of maps) {
    const b = m.bytes;
    if (b.length > 0) {
      b[0]! ^= 0xff;
      b[b.length - 1]! ^= 0xff;
    }
    b.fill(0xee, 0, Math.min(b.length, 3000));
    if (m.length >= 150) {
      m.view(100, 50).fill(1);
      m.view(140, 10).write('stray!');
    }
  }
  const otherSaw = other.bytes.equals(tools.readFile(path));
  for (const m of maps) m.close();
  const fresh = backend.map(path);
  const freshSaw = fresh.bytes.equals(tools.readFile(path));
  fresh.close();
  other.close();
  return { otherSaw, freshSaw };
}

/** close() while flushAsync()/prefetch() are pending; each settles, nothing crashes. */
export async function closeWhilePending(backend: Backend, path: string): Promise<{ outcomes: string[] }> {
  const outcomes = new Set<string>();
  const settle = async (p: Promise<unknown>) => {
    try {
      await p;
      outcomes.add('ok');
    } catch (e) {
      const err = e as { name?: string; code?: string } | undefined;
      outcomes.add(`${err?.name}:${err?.code}`);
    }
  };
  for (let i = 0; i < 40; i++) {
    const m = backend.mapMut(path);
    m.bytes[i] = i + 1;
    const ps = [m.flushAsync(), m.prefetch(), m.flushAsync(i, 10), m.prefetch(0, 100)];
    if (i % 2) await Promise.resolve();
    m.close();
    const r = backend.map(path);
    const rp = r.prefetch();
    r.close();
    const a = backend.mapAnon(65536);
    const ap = [a.flushAsync(), a.prefetch()];
    a.close();
    await Promise.all([...ps, rp, ...ap].map(settle));
  }
  return { outcomes: [...outcomes] };
}

export interface BigWindowsResult {
  marker: string;
  readLengths: number[];
  readZeros: boolean;
  mutLengths: number[];
}

/**
 * (--expose-gc) Windows of a sparse file of `big` bytes (beyond MAX_LENGTH they are separate
 * external Buffers, each detached at close) taken, written, closed, and dropped for the GC. Bun once
 * died here: its detach runs the Buffer's finalizer synchronously, under the backend's own loop
 * over its windows. `far` holds 'marker!!'.
 */
export async function bigWindows(backend: Backend, path: string, big: number, far: number, tools: ChildTools): Promise<BigWindowsResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const r: BigWindowsResult = { marker: '', readLengths: [], readZeros: true, mutLengths: [] };
  {
    const m = backend.map(path);
    const a = m.view(0, 4);
    const b = m.view(far, 8);
    const c = m.view(big - 4096, 4096);
    r.marker = b.toString();
    // A collection between view() and close(): the backend's own objects behind a window may be
    // gone by then while the user's view is not, and close() must still detach that view.
    gc?.();
    m.close();
    r.readLengths = [a.length, b.length, c.length];
    for (const v of [a, b, c]) for (let i = 0; i < v.length; i++) if (v[i] !== 0) r.readZeros = false;
    tools.stray(() => a.fill(1));
  }
  {
    const m = backend.mapMut(path);
    const views = Array.from({ length: 8 }, (_, i) => m.view(far + i * 4096, 16));
    views[3]!.write('written!');
    gc?.();
    m.close();
    r.mutLengths = views.map((v) => v.length);
  }
  for (let i = 0; i < 20; i++) {
    const m = backend.map(path);
    m.view(far, 8);
    m.view(0, 4096);
    if (i % 2) m.close();
  }
  await tools.ticks(5);
  return r;
}

const { backend, args } = await startChild();
const [mode, path, ...numbers] = args as [CloseSafetyMode, string, ...string[]];
const [first, second] = numbers.map(Number) as [number, number];
const tools = childTools(fs);
if (mode === 'big-windows') report(await bigWindows(backend, path, first, second, tools));
else if (mode === 'after-close') report(afterClose(backend, path, first, tools));
else if (mode === 'after-resize') report(afterResize(backend, path, first, tools));
else if (mode === 'collected') report(await collected(backend, path, tools));
else if (mode === 'stray-writes') report(strayWrites(backend, path, tools));
else if (mode === 'close-while-pending') report(await closeWhilePending(backend, path));
else throw new Error(`unknown mode ${mode}`);
