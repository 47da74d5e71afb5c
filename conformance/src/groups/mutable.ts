// mutable maps and durability: writes through mapMut reach the file (read back with fs, never
// through the backend) after flush, flushAsync, close or dispose; create/mode; every source kind.
import { chmodSync, closeSync, fstatSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from '../harness/index.js';
import type { FileSource, MmapMut } from '@memmap/core';
import { pattern, type SuiteContext } from '../context.js';
import type { Group } from './index.js';
import { allZero, assertIsMmapError, expectThrows, readAt } from './assert.js';
import { callerFdReason, refusesCallerFd } from './windows-limits.js';

const SIZE = 16_384;

/**
 * The permission bits a file created with `mode` shows: mode minus the umask, or on Windows (which
 * keeps only a read-only attribute) 0o666 when the mode lets the owner write, else 0o444.
 */
function createdMode(mode: number): string {
  if (process.platform === 'win32') return (mode & 0o200 ? 0o666 : 0o444).toString(8);
  return (mode & ~process.umask()).toString(8);
}

function register(ctx: SuiteContext): void {
  const { backend } = ctx;
  const marker = Buffer.from('memmap conformance marker');
  const noCallerFd = refusesCallerFd(backend);
  /** Where mapMut() of a caller's fd is refused (windows-limits.ts): exactly that, nothing changed. */
  const expectCallerFdRefused = (path: string, source: number | { fd: number }): void => {
    const before = ctx.read(path);
    expectThrows(() => backend.mapMut(source as number), 'ERR_MMAP_UNSUPPORTED');
    expect(ctx.read(path).equals(before)).toBe(true);
  };

  it('contents and geometry: writable true, offset, length, the file bytes', () => {
    const content = pattern(SIZE, 1);
    using m = backend.mapMut(ctx.file(content), { offset: 10, length: 1000 });
    expect(m.writable).toBe(true);
    expect(m.closed).toBe(false);
    expect(m.offset).toBe(10);
    expect(m.length).toBe(1000);
    expect(m.bytes.equals(content.subarray(10, 1010))).toBe(true);
    expect(m.bytes).toBe(m.bytes);
  });

  it('a write through bytes is in the file after flush()', () => {
    const content = pattern(SIZE, 2);
    const path = ctx.file(content);
    using m = backend.mapMut(path);
    marker.copy(m.bytes, 5000);
    expect(m.flush()).toBeUndefined();
    const expected = Buffer.from(content);
    marker.copy(expected, 5000);
    expect(ctx.read(path).equals(expected)).toBe(true);
  });

  it('a write through view() is in the file after flush()', () => {
    const path = ctx.file(SIZE);
    using m = backend.mapMut(path);
    marker.copy(m.view(8000, marker.length));
    m.flush();
    expect(readAt(path, 8000, marker.length).equals(marker)).toBe(true);
  });

  it('view() and bytes alias the same memory in both directions', () => {
    using m = backend.mapMut(ctx.file(SIZE));
    const v = m.view(4000, 200);
    v[0] = 0x11;
    expect(m.bytes[4000]).toBe(0x11);
    m.bytes[4199] = 0x22;
    expect(v[199]).toBe(0x22);
  });

  it('writes reach the file after close() without flush()', () => {
    const path = ctx.file(SIZE);
    const m = backend.mapMut(path);
    marker.copy(m.bytes, 0);
    marker.copy(m.bytes, SIZE - marker.length);
    m.close();
    expect(readAt(path, 0, marker.length).equals(marker)).toBe(true);
    expect(readAt(path, SIZE - marker.length, marker.length).equals(marker)).toBe(true);
  });

  it('writes reach the file after [Symbol.dispose]()', () => {
    const path = ctx.file(SIZE);
    const m = backend.mapMut(path);
    marker.copy(m.bytes, 123);
    m[Symbol.dispose]();
    expect(m.closed).toBe(true);
    expect(readAt(path, 123, marker.length).equals(marker)).toBe(true);
  });

  it('flush(offset, length) writes that range', () => {
    const path = ctx.file(SIZE);
    using m = backend.mapMut(path);
    marker.copy(m.bytes, 9000);
    expect(m.flush(9000, marker.length)).toBeUndefined();
    expect(readAt(path, 9000, marker.length).equals(marker)).toBe(true);
    marker.copy(m.bytes, 100);
    m.flush(0, 4096); // a page-aligned range covering the write
    expect(readAt(path, 100, marker.length).equals(marker)).toBe(true);
  });

  it('flushAsync() resolves to undefined and the data is in the file', async () => {
    const path = ctx.file(SIZE);
    using m = backend.mapMut(path);
    marker.copy(m.bytes, 7);
    const p = m.flushAsync();
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBeUndefined();
    expect(readAt(path, 7, marker.length).equals(marker)).toBe(true);
  });

  it('flushAsync(offset, length) resolves and that range is in the file', async () => {
    const path = ctx.file(SIZE);
    using m = backend.mapMut(path, { offset: 4097 });
    marker.copy(m.bytes, 5000);
    await m.flushAsync(5000, marker.length);
    expect(readAt(path, 4097 + 5000, marker.length).equals(marker)).toBe(true);
  });

  it('a write at an offset lands at offset + index in the file, neighbours untouched', () => {
    const content = pattern(SIZE, 3);
    const path = ctx.file(content);
    const m = backend.mapMut(path, { offset: 5000, length: 100 });
    m.bytes.fill(0xff);
    m.flush();
    m.close();
    const expected = Buffer.from(content);
    expected.fill(0xff, 5000, 5100);
    expect(ctx.read(path).equals(expected)).toBe(true);
  });

  it('create: true makes a new zero-filled file of offset + length with mode 0o600', () => {
    const path = join(ctx.tmpDir(), 'new.bin');
    {
      using m = backend.mapMut(path, { create: true, offset: 100, length: 5000 });
      expect(m.length).toBe(5000);
      expect(allZero(m.bytes)).toBe(true);
      const st = statSync(path);
      expect(st.size).toBe(5100);
      expect((st.mode & 0o777).toString(8)).toBe(createdMode(0o600));
      marker.copy(m.bytes);
    }
    expect(readAt(path, 100, marker.length).equals(marker)).toBe(true);
  });

  it('create: true honours mode (minus the umask)', () => {
    const path = join(ctx.tmpDir(), 'new.bin');
    backend.mapMut(path, { create: true, length: 10, mode: 0o640 }).close();
    expect((statSync(path).mode & 0o777).toString(8)).toBe(createdMode(0o640));
  });

  it('create: true with no length on a new file gives an empty map and an empty file', () => {
    const path = join(ctx.tmpDir(), 'new.bin');
    using m = backend.mapMut(path, { create: true });
    expect(m.length).toBe(0);
    expect(m.bytes.length).toBe(0);
    expect(statSync(path).size).toBe(0);
  });

  it('create: true extends a short file to offset + length, keeping its bytes', () => {
    const content = pattern(100, 4);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { create: true, offset: 5000, length: 3000 });
      expect(statSync(path).size).toBe(8000);
      expect(allZero(m.bytes)).toBe(true);
    }
    const file = ctx.read(path);
    expect(file.subarray(0, 100).equals(content)).toBe(true);
    expect(allZero(file.subarray(100))).toBe(true);
  });

  it('create: true with offset past EOF and length 0 extends the file to offset', () => {
    const content = pattern(100, 11);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { create: true, offset: 200, length: 0 });
      expect(m.length).toBe(0);
      expect(m.offset).toBe(200);
    }
    expect(statSync(path).size).toBe(200);
    expect(ctx.read(path).subarray(0, 100).equals(content)).toBe(true);
  });

  it('populate: true on mapMut maps the file and writes still reach it', () => {
    const content = pattern(SIZE, 12);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { populate: true, offset: 3 });
      expect(m.bytes.equals(content.subarray(3))).toBe(true);
      m.bytes[0] = (content.readUInt8(3) + 1) & 255;
      m.flush();
    }
    expect(ctx.read(path)[3]).toBe((content.readUInt8(3) + 1) & 255);
  });

  it('create: true never shrinks or rewrites an existing longer file', () => {
    const content = pattern(SIZE, 5);
    const path = ctx.file(content);
    {
      using m = backend.mapMut(path, { create: true, length: 100 });
      expect(m.length).toBe(100);
      expect(m.bytes.equals(content.subarray(0, 100))).toBe(true);
    }
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('sources: a file: URL and a Buffer path', () => {
    for (const kind of ['url', 'buffer'] as const) {
      const path = ctx.file(SIZE);
      const source: FileSource = kind === 'url' ? pathToFileURL(path) : Buffer.from(path);
      const m = backend.mapMut(source);
      marker.copy(m.bytes, 10);
      m.close();
      expect(readAt(path, 10, marker.length).equals(marker), kind).toBe(true);
    }
  });

  it(`sources: an fd opened read-write, which stays open after close()${noCallerFd ? callerFdReason : ''}`, () => {
    const path = ctx.file(SIZE);
    const fd = openSync(path, 'r+');
    try {
      if (noCallerFd) return expectCallerFdRefused(path, fd);
      const m = backend.mapMut(fd, { offset: 1, length: 100 });
      marker.copy(m.bytes);
      m.close();
      expect(fstatSync(fd).size).toBe(SIZE);
      const b = Buffer.alloc(marker.length);
      readSync(fd, b, 0, b.length, 1);
      expect(b.equals(marker)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it(`sources: an fd opened for append (a+): writes land in place, never appended (or the call is refused)${noCallerFd ? callerFdReason : ''}`, () => {
    // pwrite() on an O_APPEND fd appends on Linux whatever the position; mmap writes in place.
    const content = pattern(SIZE, 10);
    const path = ctx.file(content);
    const fd = openSync(path, 'a+');
    const expected = Buffer.from(content);
    try {
      if (noCallerFd) return expectCallerFdRefused(path, fd);
      let m: MmapMut;
      try {
        m = backend.mapMut(fd);
      } catch (err) {
        assertIsMmapError(err);
        expect(ctx.read(path).equals(content)).toBe(true);
        return;
      }
      m.bytes[10] = (content.readUInt8(10) + 1) & 255;
      expected[10] = m.bytes[10];
      m.flush();
      m.close();
    } finally {
      closeSync(fd);
    }
    expect(statSync(path).size).toBe(SIZE);
    expect(ctx.read(path).equals(expected)).toBe(true);
  });

  it('create: true on an existing file keeps its mode', () => {
    const path = ctx.file(SIZE);
    chmodSync(path, 0o644);
    const before = (statSync(path).mode & 0o777).toString(8); // '644' (Windows: '666')
    backend.mapMut(path, { create: true, length: 10, mode: 0o400 }).close();
    expect((statSync(path).mode & 0o777).toString(8)).toBe(before);
  });

  it(`sources: a FileHandle, still usable after close()${noCallerFd ? callerFdReason : ''}`, async () => {
    const path = ctx.file(SIZE);
    const fh = await open(path, 'r+');
    try {
      if (noCallerFd) return expectCallerFdRefused(path, fh);
      const m = backend.mapMut(fh);
      marker.copy(m.bytes, 300);
      m.flush();
      m.close();
      expect((await fh.stat()).size).toBe(SIZE);
      await fh.write(Buffer.from('!'), 0, 1, 0);
      const b = Buffer.alloc(marker.length);
      await fh.read(b, 0, b.length, 300);
      expect(b.equals(marker)).toBe(true);
    } finally {
      await fh.close();
    }
  });

  // mmap(2) lets the caller close the fd right after mapping: the map keeps its file. A backend that
  // keeps using the caller's fd number would write into whatever file reuses that number.
  it(`after the caller closes the source fd / FileHandle, flush, resize and close never touch a file that reused its number${noCallerFd ? callerFdReason : ''}`, async () => {
    if (noCallerFd) {
      const path = ctx.file(SIZE);
      const fd = openSync(path, 'r+');
      const fh = await open(path, 'r+');
      try {
        expectCallerFdRefused(path, fd);
        expectCallerFdRefused(path, fh);
      } finally {
        closeSync(fd);
        await fh.close();
      }
      return;
    }
    for (const kind of ['fd', 'FileHandle'] as const) {
      const mine = ctx.file(SIZE);
      const other = pattern(SIZE, 13);
      const otherPath = ctx.file(other, 'other.bin');
      let m: MmapMut;
      if (kind === 'fd') {
        const fd = openSync(mine, 'r+');
        m = backend.mapMut(fd);
        closeSync(fd);
      } else {
        const fh = await open(mine, 'r+');
        m = backend.mapMut(fh);
        await fh.close();
      }
      const reuse = openSync(otherPath, 'r+'); // most likely gets the number just freed
      try {
        m.bytes.fill(0xee, 0, 64);
        for (const step of [() => m.flush(), () => m.resize(SIZE * 2), () => m.close()]) {
          try {
            step();
          } catch (err) {
            assertIsMmapError(err); // refusing is allowed; writing elsewhere is not
          }
        }
      } finally {
        m.close();
        closeSync(reuse);
      }
      expect(statSync(otherPath).size, kind).toBe(SIZE);
      expect(ctx.read(otherPath).equals(other), kind).toBe(true);
    }
  });

  it(`writes still reach the mapped file after the caller closed the source fd${noCallerFd ? callerFdReason : ''}`, () => {
    const path = ctx.file(SIZE);
    const fd = openSync(path, 'r+');
    if (noCallerFd) {
      try {
        expectCallerFdRefused(path, fd);
      } finally {
        closeSync(fd);
      }
      return;
    }
    const m = backend.mapMut(fd);
    closeSync(fd);
    marker.copy(m.bytes, 50);
    m.flush();
    m.close();
    expect(readAt(path, 50, marker.length).equals(marker)).toBe(true);
  });

  it('two maps of one file writing disjoint pages and flushing both lose nothing', () => {
    const content = pattern(4 * 4096, 6);
    const path = ctx.file(content);
    const a = backend.mapMut(path);
    const b = backend.mapMut(path);
    a.bytes.fill(0xaa, 0, 4096);
    b.bytes.fill(0xbb, 8192, 12288);
    a.flush();
    b.flush();
    a.close();
    b.close();
    const expected = Buffer.from(content);
    expected.fill(0xaa, 0, 4096).fill(0xbb, 8192, 12288);
    expect(ctx.read(path).equals(expected)).toBe(true);
  });

  it('two maps of one file writing disjoint pages and closing without flush lose nothing', () => {
    const content = pattern(4 * 4096, 7);
    const path = ctx.file(content);
    const a = backend.mapMut(path);
    const b = backend.mapMut(path, { offset: 4096 });
    a.bytes[1] = 0xaa;
    b.bytes[3 * 4096 - 1] = 0xbb; // file byte 4 * 4096 - 1
    b.close();
    a.close();
    const expected = Buffer.from(content);
    expected[1] = 0xaa;
    expected[4 * 4096 - 1] = 0xbb;
    expect(ctx.read(path).equals(expected)).toBe(true);
  });

  it('a map opened after a flush sees the new bytes', () => {
    const path = ctx.file(SIZE);
    using w = backend.mapMut(path);
    marker.copy(w.bytes, 2000);
    w.flush();
    using r = backend.map(path, { offset: 2000, length: marker.length });
    expect(r.bytes.equals(marker)).toBe(true);
  });

  it('a mapMut that wrote nothing leaves the file byte-for-byte as it was after flush and close', () => {
    const content = pattern(SIZE, 8);
    const path = ctx.file(content);
    const m = backend.mapMut(path);
    m.flush();
    m.close();
    expect(ctx.read(path).equals(content)).toBe(true);
  });

  it('a file changed through fs while not mapped is seen by the next mapMut', () => {
    const path = ctx.file(SIZE);
    writeFileSync(path, pattern(SIZE, 9));
    using m = backend.mapMut(path);
    expect(m.bytes.equals(pattern(SIZE, 9))).toBe(true);
  });
}

export const mutableGroup: Group = { name: 'mutable maps and durability', register };
