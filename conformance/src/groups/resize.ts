// resize: a shared file map grows the file to at least offset + n (new bytes zero, old kept);
// shrinking cuts the file only when the map reached its end; old Buffers are detached.
import { statSync } from 'node:fs';
import { pattern, type SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { allZero } from './assert.js';
import type { Group } from './index.js';

const SIZE = 10_000;

function register(ctx: SuiteContext): void {
  const { backend } = ctx;
  const caps = ctx.caps;
  const size = (path: string) => statSync(path).size;

  it('grow: the file grows to offset + n, old content kept, new bytes zero', () => {
    const content = pattern(SIZE, 1);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path);
      expect(m.resize(25_000)).toBeUndefined();
      expect(m.length).toBe(25_000);
      expect(size(path)).toBe(25_000);
      expect(m.bytes.length).toBe(25_000);
      expect(m.bytes.subarray(0, SIZE).equals(content)).toBe(true);
      expect(allZero(m.bytes.subarray(SIZE))).toBe(true);
      expect(m.view(24_999, 1).length).toBe(1);
    }
    const file = ctx.read(path);
    expect(file.subarray(0, SIZE).equals(content)).toBe(true);
    expect(allZero(file.subarray(SIZE))).toBe(true);
  });

  it('grow at an unaligned offset: the file becomes offset + n', () => {
    const content = pattern(SIZE, 2);
    const path = ctx.file(content);
    using m = backend.mapMut(path, { offset: 4097 });
    m.resize(8000);
    expect(m.offset).toBe(4097);
    expect(size(path)).toBe(4097 + 8000);
    expect(m.bytes.subarray(0, SIZE - 4097).equals(content.subarray(4097))).toBe(true);
    expect(allZero(m.bytes.subarray(SIZE - 4097))).toBe(true);
  });

  it('grow inside the file: the file keeps its size and the map shows the file bytes', () => {
    const content = pattern(SIZE, 3);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { length: 1000 });
      m.resize(5000);
      expect(size(path)).toBe(SIZE);
      expect(m.bytes.equals(content.subarray(0, 5000))).toBe(true);
    }
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('shrink of a map reaching EOF cuts the file to offset + n, keeping the prefix', () => {
    const content = pattern(SIZE, 4);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { offset: 4000 });
      m.resize(1000);
      expect(m.length).toBe(1000);
      expect(size(path)).toBe(5000);
      expect(m.bytes.equals(content.subarray(4000, 5000))).toBe(true);
    }
    expect(ctx.read(path).equals(content.subarray(0, 5000))).toBe(true);
  });

  it('shrink of a map ending before EOF leaves the file size and bytes alone', () => {
    const content = pattern(SIZE, 5);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { offset: 100, length: 5000 });
      m.resize(1000);
      expect(m.length).toBe(1000);
      expect(size(path)).toBe(SIZE);
    }
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('bytes is a new Buffer of the new length, stable until the next resize', () => {
    using m = backend.mapMut(ctx.file(SIZE));
    const before = m.bytes;
    m.resize(SIZE + 1);
    const after = m.bytes;
    expect(after === before, 'bytes is a new Buffer').toBe(false); // (before may be detached: no deep compare)
    expect(after.length).toBe(SIZE + 1);
    expect(m.bytes).toBe(after);
  });

  it.skipIf(!caps.detachOnClose)('earlier Buffers and views read length 0 after resize (detachOnClose)', () => {
    using m = backend.mapMut(ctx.file(SIZE));
    const bytes = m.bytes;
    const view = m.view(10, 10);
    m.resize(SIZE * 2);
    expect(bytes.length).toBe(0);
    expect(view.length).toBe(0);
    const bytes2 = m.bytes;
    m.resize(SIZE);
    expect(bytes2.length).toBe(0);
  });

  it('unflushed writes made before a resize reach the file', () => {
    const path = ctx.file(SIZE);
    const m = backend.mapMut(path);
    m.bytes.write('before', 10);
    m.resize(SIZE * 3);
    m.bytes.write('after', SIZE * 2);
    m.close();
    const file = ctx.read(path);
    expect(file.length).toBe(SIZE * 3);
    expect(file.toString('latin1', 10, 16)).toBe('before');
    expect(file.toString('latin1', SIZE * 2, SIZE * 2 + 5)).toBe('after');
  });

  it('writes after a shrink reach the file after flush()', () => {
    const path = ctx.file(SIZE);
    using m = backend.mapMut(path);
    m.resize(100);
    m.bytes.write('tail', 96);
    m.flush();
    expect(ctx.read(path).toString('latin1', 96, 100)).toBe('tail');
    expect(size(path)).toBe(100);
  });

  it('resize to 0 and back: the file follows, the regrown bytes are zero', () => {
    const content = pattern(SIZE, 6);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { offset: 10 });
      m.resize(0);
      expect(m.length).toBe(0);
      expect(m.bytes.length).toBe(0);
      expect(size(path)).toBe(10);
      m.resize(5000);
      expect(m.length).toBe(5000);
      expect(size(path)).toBe(5010);
      expect(allZero(m.bytes)).toBe(true);
    }
    expect(ctx.read(path).subarray(0, 10).equals(content.subarray(0, 10))).toBe(true);
  });

  it('resize to the same length keeps content and file', () => {
    const content = pattern(SIZE, 7);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path);
      m.resize(SIZE);
      expect(m.length).toBe(SIZE);
      expect(m.bytes.equals(content)).toBe(true);
    }
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('a map created empty with create: true grows its new file', () => {
    const path = `${ctx.tmpDir()}/grow.bin`;
    {
      using m = backend.mapMut(path, { create: true });
      m.resize(4096);
      m.bytes.fill(0x61);
      m.flush();
    }
    expect(ctx.read(path).equals(Buffer.alloc(4096, 0x61))).toBe(true);
  });
}

export const resizeGroup: Group = { name: 'resize', register };
