// ffi-specific checks beyond the conformance suite: what happens to old views on each runtime,
// mapping lifetime under GC, > 4 GiB maps, read-only maps under stray writes. Anything that
// could crash runs in a child process and the exit status is asserted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxWholeBufferLength } from '@memmap/core';
import { afterAll, describe, expect, it } from 'vitest';
import { backend } from '../src/index.js';
import { report, runChild } from './child.js';

const dir = mkdtempSync(join(tmpdir(), 'memmap-ffi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = 4096;
let n = 0;
/** A file of `size` bytes with a recognisable pattern. */
function file(size: number): { path: string; content: Buffer } {
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i++) content[i] = (i * 31 + 7) & 255;
  const path = join(dir, `f${n++}.bin`);
  writeFileSync(path, content);
  return { path, content };
}

const detaches = backend.capabilities.detachOnClose;
const hasTransfer = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

describe('capabilities', () => {
  it('detachOnClose is true exactly where ArrayBuffer.prototype.transfer exists', () => {
    expect(detaches).toBe(hasTransfer);
    // The contract's row per runtime: false on Node 20, true on Node >= 22.
    const major = Number(process.versions.node.split('.')[0]);
    expect(detaches).toBe(major >= 22);
    expect(backend.capabilities).toMatchObject({ zeroCopy: true, coherent: true, truncationSafe: false, lock: true, named: true });
    // The share registry needs /proc/self/task, gettid and the futex: Linux only (src/share.ts).
    expect(backend.capabilities.shareable).toBe(process.platform === 'linux');
    // The futex syscall exists on Linux only.
    expect(backend.capabilities.waitNotify).toBe(process.platform === 'linux');
    expect(backend.capabilities.hugePages).toBe(process.platform === 'linux');
    expect(Object.isFrozen(backend.capabilities)).toBe(true);
  });
});

describe('old views after close and resize', () => {
  it('close: views are detached (Node >= 22) or read zeros and never reach the file (Node 20)', () => {
    const { path, content } = file(3 * page);
    const r = runChild('ffi', ['close-views', path]);
    const out = report<Record<string, unknown>>(r);
    if (detaches) {
      expect(out).toEqual({ len: 0, winLen: 0, abLen: 0 });
    } else {
      expect(out).toEqual({ len: 3 * page, winLen: 100, abLen: 3 * page, zeros: true, readBack: [0x41, 0x42, 0x43] });
    }
    expect(readFileSync(path).equals(content)).toBe(true);
  });

  it('resize: old views are detached or neutralised, the new view sees the file', () => {
    const { path, content } = file(2 * page + 10);
    const r = runChild('ffi', ['resize-views', path]);
    const out = report<{ oldLen: number; zeros: boolean; fresh: number[] }>(r);
    expect(out.oldLen).toBe(detaches ? 0 : 2 * page + 3);
    expect(out.zeros).toBe(true);
    expect(out.fresh).toEqual([...content.subarray(7, 11)]);
    const after = readFileSync(path);
    expect(after.length).toBe(2 * page + 10 + 5000);
    expect(after.subarray(0, 2 * page + 10).equals(content)).toBe(true);
    expect(after.subarray(2 * page + 10).every((b) => b === 0x66)).toBe(true);
  });

  it('anonymous resize keeps the bytes and neutralises the old view', () => {
    const r = runChild('ffi', ['anon-resize']);
    expect(report(r)).toEqual({ kept: true, tail: 0, oldLen: detaches ? 0 : 10000, oldZero: true, small: [9, 9, 9, 9, 9] });
  });

  it('resize after advise() split the range (mremap refuses to span VMAs) still works', () => {
    const { path, content } = file(10 * page);
    const m = backend.mapMut(path);
    const a = backend.mapAnon(10 * page);
    try {
      a.bytes.fill(5);
      expect(m.advise('random', page, page)).toBe(true);
      expect(a.advise('sequential', 2 * page, 100)).toBe(true);
      m.resize(20 * page);
      a.resize(20 * page + 1);
      expect(m.bytes.subarray(0, 10 * page).equals(content)).toBe(true);
      expect(m.bytes.subarray(10 * page).every((b) => b === 0)).toBe(true);
      expect(a.bytes.subarray(0, 10 * page).every((b) => b === 5)).toBe(true);
      expect(a.bytes.subarray(10 * page).every((b) => b === 0)).toBe(true);
    } finally {
      m.close();
      a.close();
    }
  });

  it('close while flushAsync and prefetch run: both settle, data is durable, no crash', () => {
    const { path } = file(64 * page);
    const r = runChild('ffi', ['close-while-async', path]);
    expect(report(r)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(readFileSync(path).every((b) => b === 0x77)).toBe(true);
  });
});

describe('async calls', () => {
  it('1000 concurrent flushAsync/prefetch all settle (koffi caps its own queue at 256)', async () => {
    const { path } = file(256 * page);
    const m = backend.mapMut(path);
    try {
      m.bytes.fill(0x12);
      const jobs = Array.from({ length: 1000 }, (_, i) => (i % 2 ? m.prefetch(i * 100, 100) : m.flushAsync(i * 100, 100)));
      const settled = await Promise.allSettled(jobs);
      expect(settled.filter((s) => s.status === 'fulfilled').length).toBe(1000);
    } finally {
      m.close();
    }
    expect(readFileSync(path).every((b) => b === 0x12)).toBe(true);
  });
});

describe('lifetime under GC', () => {
  it('never-closed maps are unmapped once collected; an extracted ArrayBuffer keeps its mapping', () => {
    const { path, content } = file(4 * page);
    const big = join(dir, `big${n++}.bin`);
    const r = runChild('ffi', ['gc-lifetime', path, big], ['--expose-gc']);
    type Counts = 'base' | 'live' | 'neverClosed' | 'heldByArrayBuffer' | 'stillReadable' | 'afterArrayBuffer' | 'cycles';
    const out = report<Record<Counts | 'closedHeld' | 'closedCollected', number>>(r);
    expect(out.live).toBe(out.base + 300);
    expect(out.neverClosed).toBe(out.base);
    expect(out.heldByArrayBuffer).toBe(out.base + 1);
    expect(out.stillReadable).toBe(content[5]);
    expect(out.afterArrayBuffer).toBe(out.base);
    expect(out.cycles).toBe(out.base);
    if (detaches) expect(out.closedHeld).toBeLessThan(64);
    else expect(out.closedHeld).toBeGreaterThanOrEqual(1000);
    expect(out.closedCollected).toBeLessThan(64);
  });
});

describe('maps above 4 GiB (sparse file)', () => {
  it('bytes throws ERR_MMAP_TOO_LARGE where Buffers cannot hold it; view() windows and offsets work', () => {
    const path = join(dir, `sparse${n++}.bin`);
    const size = 5 * 2 ** 30 + 100;
    const off = 4 * 2 ** 30 + 12345;
    const r = runChild('ffi', ['above-4gib', path, String(size), String(off)]);
    const out = report<Record<string, unknown>>(r);
    expect(out).toEqual({
      length: size,
      bytes: size > maxWholeBufferLength() ? 'ERR_MMAP_TOO_LARGE' : size,
      window: 'hello',
      viaOffset: 'ello',
      fs: 'hello',
      fsEnd: 'end',
    });
  });
});

describe('read-only maps', () => {
  it('a stray write neither crashes nor reaches the file; untouched pages stay coherent', () => {
    const { path, content } = file(3 * page);
    const r = runChild('ffi', ['read-only-stray', path]);
    expect(report(r)).toEqual({ false: { stray: 0xff, seen: 'ABC' }, true: { stray: 0xff, seen: 'XYZ' } });
    const expected = Buffer.from(content);
    expected.write('XYZ', 2 * page + 1, 'latin1');
    expect(readFileSync(path).equals(expected)).toBe(true);
  });

  it('lock() and populate keep a read-only map coherent (no copy-on-write of every page)', () => {
    const { path } = file(4 * page);
    const locked = backend.map(path);
    const populated = backend.map(path, { populate: true });
    try {
      locked.lock();
      expect(locked.residency().resident).toBe(4);
      writeFileSync(path, Buffer.from('fresh'), { flag: 'r+' });
      expect(locked.bytes.toString('latin1', 0, 5)).toBe('fresh');
      expect(populated.bytes.toString('latin1', 0, 5)).toBe('fresh');
      locked.unlock();
    } finally {
      locked.close();
      populated.close();
    }
  });
});

describe('durability and errors', () => {
  it('writes reach the file at process exit without flush or close', () => {
    const { path } = file(2 * page);
    const r = runChild('ffi', ['exit-durability', path]);
    expect(report(r)).toBe(1);
    const after = readFileSync(path);
    expect(after.subarray(100, 150).every((b) => b === 0x31)).toBe(true);
    expect(after[99]).not.toBe(0x31);
  });

  it('mapMut of a read-only fd fails with EACCES from mmap', async () => {
    const { path } = file(page);
    const fs = await import('node:fs');
    const fd = fs.openSync(path, 'r');
    try {
      expect(() => backend.mapMut(fd)).toThrow(expect.objectContaining({ code: 'EACCES', syscall: 'mmap', errno: -13 }));
    } finally {
      fs.closeSync(fd);
    }
  });

  it('an unsupported platform fails at module load with a clear message', () => {
    const r = runChild('unsupported-platform');
    expect(report<string>(r)).toMatch(/does not support aix-/);
  });
});
