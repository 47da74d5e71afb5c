// ffi-specific checks beyond the conformance suite: what happens to old views on each runtime,
// mapping lifetime under GC, > 4 GiB maps, read-only maps under stray writes. Anything that
// could crash runs in a child process and the exit status is asserted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxWholeBufferLength } from '@memmap/core';
import { afterAll, describe, expect, it } from 'vitest';
import { backend } from '../src/index.js';
import { backendUrl, report, runChild } from './child.js';

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
    const r = runChild(`
      const m = backend.mapMut(${JSON.stringify(path)});
      const whole = m.bytes, win = m.view(${page + 5}, 100), ab = whole.buffer;
      m.close();
      const out = { len: whole.length, winLen: win.length, abLen: ab.byteLength };
      if (whole.length) {
        out.zeros = whole.every((b) => b === 0) && win.every((b) => b === 0);
        whole.fill(0x41); new Uint8Array(ab).fill(0x42, 10, 20); win.fill(0x43);
        out.readBack = [whole[0], whole[15], whole[${page + 5}]];
      } else {
        whole[0] = 1; win[0] = 1; // writes to a detached view are ignored, not a crash
      }
      console.log(JSON.stringify(out));`);
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
    const r = runChild(`
      const m = backend.mapMut(${JSON.stringify(path)}, { offset: 7 });
      const old = m.bytes;
      m.resize(old.length + 5000);
      const out = { oldLen: old.length, zeros: old.length === 0 || old.every((b) => b === 0) };
      if (old.length) old.fill(0x55);
      out.fresh = [...m.bytes.subarray(0, 4)];
      m.bytes.fill(0x66, ${2 * page + 3});
      m.close();
      console.log(JSON.stringify(out));`);
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
    const r = runChild(`
      const m = backend.mapAnon(10000);
      const old = m.bytes; old.fill(9);
      m.resize(3 * 1024 * 1024);
      const out = { kept: m.bytes.subarray(0, 10000).every((b) => b === 9), tail: m.bytes[10000], oldLen: old.length };
      out.oldZero = old.length === 0 || old.every((b) => b === 0);
      m.resize(100);
      out.small = [...m.bytes.subarray(95)];
      m.close();
      console.log(JSON.stringify(out));`);
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
    const r = runChild(`
      const m = backend.mapMut(${JSON.stringify(path)});
      m.bytes.fill(0x77);
      const jobs = [m.flushAsync(), m.prefetch(), m.flushAsync(0, 100)];
      m.close();
      const settled = await Promise.allSettled(jobs);
      console.log(JSON.stringify(settled.map((s) => s.status)));`);
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
    const r = runChild(
      `
      const path = ${JSON.stringify(path)}, big = ${JSON.stringify(big)};
      const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(path)).length;
      const vm = () => Number(/VmSize:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      const collect = async () => { for (let i = 0; i < 12; i++) { gc(); await new Promise((r) => setTimeout(r, 5)); } };
      const out = { base: maps() };
      (() => { for (let i = 0; i < 300; i++) { const m = backend.map(path); if (i % 3 === 1) m.bytes[0]; if (i % 3 === 2) m.view(1, 2); } })();
      out.live = maps();
      await collect();
      out.neverClosed = maps();
      let ab = (() => backend.map(path).bytes.buffer)();
      await collect();
      out.heldByArrayBuffer = maps();
      out.stillReadable = new Uint8Array(ab)[5];
      ab = null;
      await collect();
      out.afterArrayBuffer = maps();
      for (let i = 0; i < 2000; i++) { const m = backend.mapMut(path); m.bytes[1]; m.view(3, 4); m.close(); }
      out.cycles = maps();
      // A 1 GiB map closed while a view is still held: detached (gone at once) or neutralised
      // (anonymous, released when the view is collected).
      fs.closeSync(fs.openSync(big, 'w')); fs.truncateSync(big, 2 ** 30);
      const v0 = vm();
      let keep = (() => { const m = backend.mapMut(big); const b = m.bytes; m.close(); return b; })();
      out.closedHeld = Math.round((vm() - v0) / 2 ** 20);
      keep = null;
      await collect();
      out.closedCollected = Math.round((vm() - v0) / 2 ** 20);
      console.log(JSON.stringify(out));`,
      ['--expose-gc'],
    );
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
    const r = runChild(`
      const path = ${JSON.stringify(path)}, off = ${off};
      fs.closeSync(fs.openSync(path, 'w')); fs.truncateSync(path, ${size});
      const m = backend.mapMut(path);
      const out = { length: m.length };
      try { out.bytes = m.bytes.length; } catch (e) { out.bytes = e.code; }
      m.view(off, 5).write('hello');
      m.view(${size} - 3, 3).write('end');
      m.flush(off, 5);
      out.window = m.view(off, 5).toString();
      m.close();
      const r = backend.map(path, { offset: off + 1, length: 4 });
      out.viaOffset = r.bytes.toString();
      r.close();
      const b = Buffer.alloc(5), fd = fs.openSync(path, 'r');
      fs.readSync(fd, b, 0, 5, off); out.fs = b.toString();
      fs.readSync(fd, b, 0, 3, ${size} - 3); out.fsEnd = b.toString('latin1', 0, 3);
      fs.closeSync(fd); fs.rmSync(path);
      console.log(JSON.stringify(out));`);
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
    const r = runChild(`
      const path = ${JSON.stringify(path)};
      const out = {};
      for (const populate of [false, true]) {
        const m = backend.map(path, { populate });
        m.bytes.fill(0xff, 0, ${page});
        m.view(10, 5).fill(0xee);
        const fd = fs.openSync(path, 'r+');
        fs.writeSync(fd, Buffer.from(populate ? 'XYZ' : 'ABC'), 0, 3, ${2 * page + 1});
        fs.closeSync(fd);
        out[populate] = { stray: m.bytes[0], seen: m.bytes.toString('latin1', ${2 * page + 1}, ${2 * page + 4}) };
        m.close();
      }
      console.log(JSON.stringify(out));`);
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
    const r = runChild(
      `const m = backend.mapMut(${JSON.stringify(path)}, { offset: 100, length: 50 }); m.bytes.fill(0x31); console.log('1');`,
    );
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
    const r = runChild(
      `Object.defineProperty(process, 'platform', { value: 'aix' });
      try { await import(${JSON.stringify(backendUrl)}); console.log(JSON.stringify('loaded')); }
      catch (e) { console.log(JSON.stringify(e.message)); }`,
      [],
      true,
    );
    expect(report<string>(r)).toMatch(/does not support aix-/);
  });
});
