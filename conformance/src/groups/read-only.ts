// read-only maps: map() shows the file, reports its geometry, hands out stable Buffers, and a
// stray write through it never reaches the file (that write runs in a child process).
import { closeSync, fstatSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { pattern, type SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { expectThrows } from './assert.js';
import type { Group } from './index.js';
import type { StrayWriteResult } from '../children/read-only.js';
import { childJson } from './robust-util.js';

const SIZE = 20_000;

function register(ctx: SuiteContext): void {
  const { backend } = ctx;

  it('contents equal the file', () => {
    const content = pattern(SIZE, 1);
    using m = backend.map(ctx.file(content));
    expect(Buffer.isBuffer(m.bytes)).toBe(true);
    expect(m.bytes.length).toBe(SIZE);
    expect(m.bytes.equals(content)).toBe(true);
  });

  it('reports backend, writable false, closed, offset 0 and the file length', () => {
    const m = backend.map(ctx.file(SIZE));
    expect(m.backend).toBe(backend.name);
    expect(m.writable).toBe(false);
    expect(m.closed).toBe(false);
    expect(m.offset).toBe(0);
    expect(m.length).toBe(SIZE);
    m.close();
    expect(m.closed).toBe(true);
  });

  it('offset and length options give that window and are reported', () => {
    const content = pattern(SIZE, 2);
    using m = backend.map(ctx.file(content), { offset: 100, length: 5000 });
    expect(m.offset).toBe(100);
    expect(m.length).toBe(5000);
    expect(m.bytes.equals(content.subarray(100, 5100))).toBe(true);
  });

  it('default length is the rest of the file after offset', () => {
    const content = pattern(SIZE, 3);
    using m = backend.map(ctx.file(content), { offset: 7000 });
    expect(m.length).toBe(SIZE - 7000);
    expect(m.bytes.equals(content.subarray(7000))).toBe(true);
  });

  it('bytes returns the same Buffer object on every read', () => {
    using m = backend.map(ctx.file(SIZE));
    const a = m.bytes;
    const b = m.bytes;
    m.view(0, 10);
    expect(b).toBe(a);
    expect(m.bytes).toBe(a);
  });

  it('view() windows hold the right bytes (no args, offset only, offset and length)', () => {
    const content = pattern(SIZE, 4);
    using m = backend.map(ctx.file(content));
    expect(Buffer.isBuffer(m.view())).toBe(true);
    expect(m.view().equals(content)).toBe(true);
    expect(m.view(12_345).equals(content.subarray(12_345))).toBe(true);
    expect(m.view(4095, 4098).equals(content.subarray(4095, 8193))).toBe(true);
    expect(m.view(SIZE - 1, 1)[0]).toBe(content[SIZE - 1]);
  });

  it('empty views at the edges are valid: view(0, 0), view(length), view(length, 0)', () => {
    using m = backend.map(ctx.file(SIZE));
    expect(m.view(0, 0).length).toBe(0);
    expect(m.view(SIZE).length).toBe(0);
    expect(m.view(SIZE, 0).length).toBe(0);
  });

  it('view() bounds are strict: one byte past the end throws ERR_MMAP_OUT_OF_RANGE (no clamping)', () => {
    using m = backend.map(ctx.file(SIZE));
    expectThrows(() => m.view(0, SIZE + 1), 'ERR_MMAP_OUT_OF_RANGE');
    expectThrows(() => m.view(SIZE - 10, 11), 'ERR_MMAP_OUT_OF_RANGE');
    expectThrows(() => m.view(SIZE + 1), 'ERR_MMAP_OUT_OF_RANGE');
    expectThrows(() => m.view(SIZE + 1, 0), 'ERR_MMAP_OUT_OF_RANGE');
  });

  it('a stray write through bytes/view does not crash and never reaches the file (child process)', () => {
    const content = pattern(SIZE, 5);
    const path = ctx.file(content);
    const out = childJson<StrayWriteResult>(ctx.runChildScript('read-only', [path]));
    expect(out.clean).toBe(true);
    if (ctx.caps.zeroCopy)
      expect({ viewToBytes: out.viewToBytes, bytesToView: out.bytesToView }).toEqual({ viewToBytes: true, bytesToView: true });
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('populate: true maps the same contents', () => {
    const content = pattern(SIZE, 6);
    using m = backend.map(ctx.file(content), { populate: true, offset: 3, length: 10_000 });
    expect(m.bytes.equals(content.subarray(3, 10_003))).toBe(true);
  });

  it('accepts a file: URL and a Buffer path', () => {
    const content = pattern(SIZE, 7);
    const path = ctx.file(content);
    for (const source of [pathToFileURL(path), Buffer.from(path)]) {
      using m = backend.map(source);
      expect(m.bytes.equals(content)).toBe(true);
    }
  });

  it('accepts an fd (read-only or read-write) and never closes it', () => {
    const content = pattern(SIZE, 8);
    const path = ctx.file(content);
    for (const flags of ['r', 'r+']) {
      const fd = openSync(path, flags);
      try {
        const m = backend.map(fd, { offset: 1 });
        expect(m.bytes.equals(content.subarray(1))).toBe(true);
        m.close();
        expect(fstatSync(fd).size).toBe(SIZE);
      } finally {
        closeSync(fd);
      }
    }
  });

  it('accepts a FileHandle and leaves it open', async () => {
    const content = pattern(SIZE, 9);
    const fh = await open(ctx.file(content), 'r');
    try {
      const m = backend.map(fh);
      expect(m.bytes.equals(content)).toBe(true);
      m.close();
      expect((await fh.stat()).size).toBe(SIZE);
      const { bytesRead } = await fh.read(Buffer.alloc(4), 0, 4, 0);
      expect(bytesRead).toBe(4);
    } finally {
      await fh.close();
    }
  });

  it('close() is idempotent and [Symbol.dispose] closes', () => {
    const m = backend.map(ctx.file(SIZE));
    m.close();
    expect(() => m.close()).not.toThrow();
    const d = backend.map(ctx.file(SIZE));
    d[Symbol.dispose]();
    expect(d.closed).toBe(true);
    expect(() => d[Symbol.dispose]()).not.toThrow();
  });

  it('two maps of one file live independently', () => {
    const content = pattern(SIZE, 10);
    const path = ctx.file(content);
    const a = backend.map(path);
    using b = backend.map(path, { offset: 10 });
    a.close();
    expect(b.bytes.equals(content.subarray(10))).toBe(true);
  });

  it('unknown options are ignored', () => {
    const content = pattern(SIZE, 11);
    using m = backend.map(ctx.file(content), { length: 100, frobnicate: true } as never);
    expect(m.bytes.equals(content.subarray(0, 100))).toBe(true);
  });
}

export const readOnlyGroup: Group = { name: 'read-only maps', register };
