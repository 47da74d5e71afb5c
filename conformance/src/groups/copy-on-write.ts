// copy-on-write: mapCopy is writable, its writes are visible in the map and never in the file
// (not after flush, not after close); it cannot be resized.
import { closeSync, openSync } from 'node:fs';
import { pattern, type SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { expectThrows } from './assert.js';
import type { Group } from './index.js';

const SIZE = 12_288;

function register(ctx: SuiteContext): void {
  const { backend } = ctx;

  it('is writable, reports its geometry and shows the file', () => {
    const content = pattern(SIZE, 1);
    using m = backend.mapCopy(ctx.file(content), { offset: 5, length: 8000 });
    expect(m.writable).toBe(true);
    expect(m.backend).toBe(backend.name);
    expect(m.offset).toBe(5);
    expect(m.length).toBe(8000);
    expect(m.bytes.equals(content.subarray(5, 8005))).toBe(true);
    expect(m.bytes).toBe(m.bytes);
  });

  it('writes are visible through bytes and view() of the same map', () => {
    using m = backend.mapCopy(ctx.file(SIZE));
    m.bytes.fill(0x42, 0, 10);
    expect(m.view(0, 10).every((b) => b === 0x42)).toBe(true);
    m.view(5000, 1)[0] = 0x43;
    expect(m.bytes[5000]).toBe(0x43);
  });

  it('writes never reach the file: flush() and flushAsync() succeed and write nothing, nor does close()', async () => {
    const content = pattern(SIZE, 2);
    const path = ctx.file(content);
    const m = backend.mapCopy(path);
    m.bytes.fill(0xee);
    expect(m.flush()).toBeUndefined();
    expect(m.flush(0, 100)).toBeUndefined();
    expect(await m.flushAsync()).toBeUndefined();
    expect(ctx.read(path).equals(content)).toBe(true);
    m.close();
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('another map of the file does not see the copy’s writes', () => {
    const content = pattern(SIZE, 3);
    const path = ctx.file(content);
    using c = backend.mapCopy(path);
    c.bytes.fill(0x99, 0, 4096);
    using r = backend.map(path);
    using w = backend.mapMut(path);
    expect(r.bytes.equals(content)).toBe(true);
    expect(w.bytes.equals(content)).toBe(true);
  });

  it('works on an fd opened read-only (a private copy needs no write access)', () => {
    const content = pattern(SIZE, 4);
    const path = ctx.file(content);
    const fd = openSync(path, 'r');
    try {
      const m = backend.mapCopy(fd);
      m.bytes[0] = (content.readUInt8(0) + 1) & 255;
      expect(m.bytes[0]).toBe((content.readUInt8(0) + 1) & 255);
      m.close();
    } finally {
      closeSync(fd);
    }
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('resize() throws ERR_MMAP_UNSUPPORTED and the map stays usable', () => {
    const content = pattern(SIZE, 5);
    const path = ctx.file(content);
    {
      using m = backend.mapCopy(path);
      expectThrows(() => m.resize(SIZE * 2), 'ERR_MMAP_UNSUPPORTED');
      expectThrows(() => m.resize(10), 'ERR_MMAP_UNSUPPORTED');
      expect(m.closed).toBe(false);
      expect(m.length).toBe(SIZE);
      expect(m.bytes.equals(content)).toBe(true);
    }
    expect(ctx.read(path).length).toBe(SIZE);
  });

  it('two copies of one file are independent', () => {
    const content = pattern(SIZE, 6);
    const path = ctx.file(content);
    using a = backend.mapCopy(path);
    using b = backend.mapCopy(path);
    a.bytes[100] = (content.readUInt8(100) + 1) & 255;
    expect(b.bytes[100]).toBe(content[100]);
  });

  it('an empty copy map (length 0) is valid and flushes', () => {
    using m = backend.mapCopy(ctx.file(SIZE), { offset: 10, length: 0 });
    expect(m.length).toBe(0);
    expect(m.bytes.length).toBe(0);
    m.flush();
  });
}

export const copyOnWriteGroup: Group = { name: 'copy-on-write', register };
