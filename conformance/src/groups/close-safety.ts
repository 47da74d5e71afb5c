// Group "close, dispose and GC safety": close()/using in this process, and every way an old Buffer
// can outlive its mapping (close, resize, GC, read-only stray writes, pending async work) checked in
// child processes, where a SIGSEGV/SIGBUS shows as a signal instead of killing the test runner.

import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { Mmap, MmapMut } from '@memmap/core';
import type { SuiteContext } from '../context.js';
import { pattern } from '../context.js';
import { expect, it } from '../harness/index.js';
import { expectRejects, expectThrows, readAt } from './assert.js';
import type { Group } from './index.js';
import { CHILD_HELPERS, childJson, hasProcFs } from './robust-util.js';
import { registerSpecialFiles } from './special-files.js';

const CLOSED = 'ERR_MMAP_CLOSED';
const SIZE = 3 * 4096 + 123; // several pages plus a partial one

type Opener = (ctx: SuiteContext, path: string) => Mmap | MmapMut;
const openers: Record<string, Opener> = {
  map: (ctx, p) => ctx.backend.map(p),
  mapMut: (ctx, p) => ctx.backend.mapMut(p),
  mapCopy: (ctx, p) => ctx.backend.mapCopy(p),
  mapAnon: (ctx) => ctx.backend.mapAnon(SIZE),
};

function registerInProcess(ctx: SuiteContext): void {
  it.each(Object.entries(openers))('%s: close() is idempotent and sets closed', (_kind, open) => {
    const m = open(ctx, ctx.file(SIZE));
    expect(m.closed).toBe(false);
    m.close();
    expect(m.closed).toBe(true);
    expect(() => m.close()).not.toThrow();
    expect(() => m[Symbol.dispose]()).not.toThrow();
    expect(m.closed).toBe(true);
  });

  it.each(Object.entries(openers))('%s: `using` closes the map at the end of the block', (_kind, open) => {
    const path = ctx.file(SIZE);
    let escaped: Mmap | undefined;
    {
      using m = open(ctx, path);
      escaped = m;
      expect(m.closed).toBe(false);
    }
    expect(escaped.closed).toBe(true);
  });

  it.each(Object.entries(openers))('%s: after close every method and bytes throw ERR_MMAP_CLOSED, promises reject', async (kind, open) => {
    const m = open(ctx, ctx.file(SIZE)) as MmapMut;
    m.close();
    expectThrows(() => m.bytes, CLOSED);
    expectThrows(() => m.view(), CLOSED);
    expectThrows(() => m.view(0, 1), CLOSED);
    expectThrows(() => m.advise('normal'), CLOSED);
    expectThrows(() => m.residency(), CLOSED);
    expectThrows(() => m.lock(), CLOSED);
    expectThrows(() => m.unlock(), CLOSED);
    await expectRejects(() => m.prefetch(), CLOSED);
    if (kind !== 'map') {
      expectThrows(() => m.flush(), CLOSED);
      expectThrows(() => m.resize(1), CLOSED);
      await expectRejects(() => m.flushAsync(), CLOSED);
    }
    // Plain properties stay readable.
    expect(m.closed).toBe(true);
    expect(typeof m.length).toBe('number');
  });
}

/** Child: old Buffers of every kind of map, read and written after close(). */
const afterCloseChild = `${CHILD_HELPERS}
const path = process.argv[1];
const results = [];
for (const kind of ['map', 'mapMut', 'mapCopy', 'mapAnon']) {
  const m = kind === 'mapAnon' ? backend.mapAnon(${SIZE}) : backend[kind](path);
  const whole = m.bytes;
  const view = m.view(1, 4000);
  m.close();
  const r = { kind, wholeLength: whole.length, viewLength: view.length, zeros: true };
  for (let i = 0; i < whole.length; i++) if (whole[i] !== 0) r.zeros = false;
  for (let i = 0; i < view.length; i++) if (view[i] !== 0) r.zeros = false;
  // Stray writes: no-ops on detached buffers, harmless zero pages otherwise.
  whole[0] = 0xee; whole[whole.length - 1] = 0xee; view[5] = 0xee;
  stray(() => whole.fill(0xee)); stray(() => view.fill(0xee));
  results.push(r);
}
out(results);
`;

/** Child: old Buffers after grow and shrink; only writes through the current bytes reach the file. */
const afterResizeChild = `${CHILD_HELPERS}
const path = process.argv[1];
const size = ${SIZE};
const m = backend.mapMut(path);
const first = m.bytes, firstView = m.view(0, 64);
m.resize(size * 2);
const grown = m.bytes;
const r = { afterGrow: [first.length, firstView.length] };
stray(() => first.fill(0xee)); stray(() => firstView.fill(0xee));
r.grownKeepsData = grown.subarray(0, size).equals(fs.readFileSync(path).subarray(0, size));
r.grownTailZero = grown.subarray(size).every((b) => b === 0);
grown[10] = 0x42;
m.resize(size - 100);
r.afterShrink = [grown.length];
stray(() => grown.fill(0xee)); stray(() => first.fill(0xee));
r.shrunkByte10 = m.bytes[10];
m.close();
const a = backend.mapAnon(8192);
const anonOld = a.bytes;
anonOld[1] = 7;
a.resize(100);
r.anonOld = anonOld.length;
stray(() => anonOld.fill(0xee));
r.anonKept = a.bytes[1];
a.close();
out(r);
`;

/** Child (--expose-gc): maps never closed are collected; memory stays valid, writes reach the file. */
const gcChild = `${CHILD_HELPERS}
const path = process.argv[1];
const fd0 = fdCount();
let kept;
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
const during = mapsLines(path);
await ticks(20);
const keptContent = Buffer.from(kept).toString('hex');
kept = undefined;
await ticks(20);
const after = mapsLines(path);
const fd1 = fdCount();
// Maps made after the collection still work: nothing was unmapped twice.
for (let i = 0; i < 50; i++) { const m = backend.mapMut(path); m.bytes[7] = i; void backend.mapAnon(65536).bytes.fill(i); m.close(); }
await ticks(10);
const content = fs.readFileSync(path);
out({ during, after, fd0, fd1, keptContent, b0: content[0], b5: content[5], b7: content[7] });
`;

/** Child: writes through map() (read-only) Buffers must not crash and never reach the file. */
const strayWriteChild = `${CHILD_HELPERS}
const path = process.argv[1];
const other = backend.map(path);
const maps = [backend.map(path), backend.map(path, { offset: 4095, length: 5000 }), backend.map(path, { populate: true }), backend.map(path, { length: 0 })];
for (const m of maps) {
  const b = m.bytes;
  if (b.length > 0) { b[0] ^= 0xff; b[b.length - 1] ^= 0xff; }
  b.fill(0xee, 0, Math.min(b.length, 3000));
  if (m.length >= 150) { m.view(100, 50).fill(1); m.view(140, 10).write('stray!'); }
}
const otherSaw = other.bytes.equals(fs.readFileSync(path));
for (const m of maps) m.close();
const fresh = backend.map(path);
const freshSaw = fresh.bytes.equals(fs.readFileSync(path));
fresh.close(); other.close();
out({ otherSaw, freshSaw });
`;

/** Child: close() while flushAsync()/prefetch() are pending; each settles, nothing crashes. */
const pendingChild = `${CHILD_HELPERS}
const path = process.argv[1];
const outcomes = new Set();
const settle = async (p) => { try { await p; outcomes.add('ok'); } catch (e) { outcomes.add(e?.name + ':' + e?.code); } };
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
out({ outcomes: [...outcomes] });
`;

const BIG = 5 * 1024 ** 3; // above every runtime's 4 GiB limit where one exists (Node 20, Bun)
const FAR = BIG - 512 * 1024 ** 2;

/**
 * Child: windows of a 5 GiB sparse file (beyond MAX_LENGTH they are separate external Buffers, each
 * detached at close) taken, written, closed, and dropped for the GC. Bun once died here: its detach
 * runs the Buffer's finalizer synchronously, under the backend's own loop over its windows.
 */
const bigWindowsChild = `${CHILD_HELPERS}
const path = process.argv[1];
const r = {};
{
  const m = backend.map(path);
  const a = m.view(0, 4), b = m.view(${FAR}, 8), c = m.view(${BIG} - 4096, 4096);
  r.marker = b.toString();
  // A collection between view() and close(): the backend's own objects behind a window may be
  // gone by then while the user's view is not, and close() must still detach that view.
  globalThis.gc?.();
  m.close();
  r.readLengths = [a.length, b.length, c.length];
  r.readZeros = true;
  for (const v of [a, b, c]) for (let i = 0; i < v.length; i++) if (v[i] !== 0) r.readZeros = false;
  stray(() => a.fill(1));
}
{
  const m = backend.mapMut(path);
  const views = Array.from({ length: 8 }, (_, i) => m.view(${FAR} + i * 4096, 16));
  views[3].write('written!');
  globalThis.gc?.();
  m.close();
  r.mutLengths = views.map((v) => v.length);
}
for (let i = 0; i < 20; i++) {
  const m = backend.map(path);
  m.view(${FAR}, 8);
  m.view(0, 4096);
  if (i % 2) m.close();
}
await ticks(5);
out(r);
`;

function registerChildren(ctx: SuiteContext): void {
  it.skipIf(!ctx.caps.zeroCopy)('windows of a 5 GiB map, then close() and GC: no crash, writes reach the file (child)', () => {
    const dir = ctx.tmpDir();
    const path = `${dir}/big.bin`;
    const fd = openSync(path, 'w+');
    try {
      ftruncateSync(fd, BIG);
      writeSync(fd, Buffer.from('marker!!'), 0, 8, FAR);
    } finally {
      closeSync(fd);
    }
    const r = childJson<{ marker: string; readLengths: number[]; readZeros: boolean; mutLengths: number[] }>(
      ctx.runChild(bigWindowsChild, [path], ['--expose-gc']),
    );
    expect(r.marker).toBe('marker!!');
    if (ctx.caps.detachOnClose) {
      expect(r.readLengths).toEqual([0, 0, 0]);
      expect(r.mutLengths).toEqual(Array(8).fill(0));
    } else expect(r.readZeros, 'a non-detaching backend leaves zero pages').toBe(true);
    expect(readAt(path, FAR + 3 * 4096, 8).toString()).toBe('written!');
  });

  it('old bytes and views read and written after close() cannot crash or touch the file', () => {
    const path = ctx.file(SIZE);
    const results = childJson<Array<{ kind: string; wholeLength: number; viewLength: number; zeros: boolean }>>(
      ctx.runChild(afterCloseChild, [path]),
    );
    expect(results).toHaveLength(4);
    for (const r of results) {
      if (ctx.caps.detachOnClose) expect([r.kind, r.wholeLength, r.viewLength]).toEqual([r.kind, 0, 0]);
      else expect({ kind: r.kind, zeros: r.zeros }, 'a non-detaching backend leaves zero pages').toEqual({ kind: r.kind, zeros: true });
    }
    expect(ctx.read(path).equals(pattern(SIZE)), 'writes through closed views reached the file').toBe(true);
  });

  it('old bytes and views after resize() cannot crash; only the live bytes reach the file', () => {
    const path = ctx.file(SIZE);
    const r = childJson<Record<string, unknown>>(ctx.runChild(afterResizeChild, [path]));
    expect(r.grownKeepsData).toBe(true);
    expect(r.grownTailZero).toBe(true);
    expect(r.shrunkByte10).toBe(0x42);
    expect(r.anonKept).toBe(7);
    if (ctx.caps.detachOnClose) {
      expect(r.afterGrow).toEqual([0, 0]);
      expect(r.afterShrink).toEqual([0]);
      expect(r.anonOld).toBe(0);
    }
    const expected = pattern(SIZE).subarray(0, SIZE - 100);
    expected[10] = 0x42;
    expect(ctx.read(path).equals(expected), 'the file holds exactly the live writes, cut to the new size').toBe(true);
  });

  it('maps never closed are released by GC; kept Buffers stay valid; writes reach the file', () => {
    const path = ctx.file(SIZE);
    const r = childJson<Record<string, number | string>>(ctx.runChild(gcChild, [path], ['--expose-gc']));
    expect(r.keptContent, 'a Buffer kept after its map became unreachable').toBe(pattern(SIZE).subarray(101, 117).toString('hex'));
    expect([r.b0, r.b5, r.b7], 'writes of a collected mapMut reach the file').toEqual([0x41, 0x42, 49]);
    if (hasProcFs) {
      expect(r.fd1, 'fds of collected maps are closed').toBe(r.fd0);
      if (ctx.caps.zeroCopy) {
        expect(r.during, '/proc/self/maps lists the live maps (the probe works)').toBeGreaterThan(0);
        expect(r.after, '/proc/self/maps still lists the file after GC').toBe(0);
      }
    }
  });

  it('stray writes to read-only maps cannot crash and never reach the file or other maps', () => {
    const path = ctx.file(3 * 4096 + 7);
    const r = childJson<{ otherSaw: boolean; freshSaw: boolean }>(ctx.runChild(strayWriteChild, [path]));
    expect(ctx.read(path).equals(pattern(3 * 4096 + 7)), 'the file changed').toBe(true);
    expect(r).toEqual({ otherSaw: true, freshSaw: true });
  });

  it('close() during pending flushAsync()/prefetch() settles them without a crash; writes reach the file', () => {
    const path = ctx.file(SIZE);
    const r = childJson<{ outcomes: string[] }>(ctx.runChild(pendingChild, [path]));
    for (const o of r.outcomes) expect(['ok', `MmapError:${CLOSED}`], 'a pending call settled with').toContain(o);
    const expected = pattern(SIZE);
    for (let i = 0; i < 40; i++) expected[i] = i + 1;
    expect(ctx.read(path).equals(expected)).toBe(true);
  });
}

export const closeSafetyGroup: Group = {
  name: 'close, dispose and GC safety',
  register(ctx) {
    registerInProcess(ctx);
    registerChildren(ctx);
    registerSpecialFiles(ctx);
  },
};
