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
import { childJson, hasProcFs } from './robust-util.js';
import { registerSpecialFiles } from './special-files.js';
import type { AfterCloseResult, AfterResizeResult, BigWindowsResult, CloseSafetyMode, GcResult } from '../children/close-safety.js';

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

/** Runs a mode of children/close-safety.ts on `path` (with `numbers` after it) and parses its JSON line. */
const child = <T>(ctx: SuiteContext, mode: CloseSafetyMode, path: string, numbers: number[] = [], nodeArgs: string[] = []): T =>
  childJson<T>(ctx.runChildScript('close-safety', [mode, path, ...numbers.map(String)], { nodeArgs }));

const BIG = 5 * 1024 ** 3; // above every runtime's 4 GiB limit where one exists (Node 20, Bun)
const FAR = BIG - 512 * 1024 ** 2;

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
    const r = child<BigWindowsResult>(ctx, 'big-windows', path, [BIG, FAR], ['--expose-gc']);
    expect(r.marker).toBe('marker!!');
    if (ctx.caps.detachOnClose) {
      expect(r.readLengths).toEqual([0, 0, 0]);
      expect(r.mutLengths).toEqual(Array(8).fill(0));
    } else expect(r.readZeros, 'a non-detaching backend leaves zero pages').toBe(true);
    expect(readAt(path, FAR + 3 * 4096, 8).toString()).toBe('written!');
  });

  it('old bytes and views read and written after close() cannot crash or touch the file', () => {
    const path = ctx.file(SIZE);
    const results = child<AfterCloseResult[]>(ctx, 'after-close', path, [SIZE]);
    expect(results).toHaveLength(4);
    for (const r of results) {
      if (ctx.caps.detachOnClose) expect([r.kind, r.wholeLength, r.viewLength]).toEqual([r.kind, 0, 0]);
      else expect({ kind: r.kind, zeros: r.zeros }, 'a non-detaching backend leaves zero pages').toEqual({ kind: r.kind, zeros: true });
    }
    expect(ctx.read(path).equals(pattern(SIZE)), 'writes through closed views reached the file').toBe(true);
  });

  it('old bytes and views after resize() cannot crash; only the live bytes reach the file', () => {
    const path = ctx.file(SIZE);
    const r = child<AfterResizeResult>(ctx, 'after-resize', path, [SIZE]);
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
    const r = child<GcResult>(ctx, 'collected', path, [], ['--expose-gc']);
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
    const r = child<{ otherSaw: boolean; freshSaw: boolean }>(ctx, 'stray-writes', path);
    expect(ctx.read(path).equals(pattern(3 * 4096 + 7)), 'the file changed').toBe(true);
    expect(r).toEqual({ otherSaw: true, freshSaw: true });
  });

  it('close() during pending flushAsync()/prefetch() settles them without a crash; writes reach the file', () => {
    const path = ctx.file(SIZE);
    const r = child<{ outcomes: string[] }>(ctx, 'close-while-pending', path);
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
