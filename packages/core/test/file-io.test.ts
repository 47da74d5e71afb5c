/* eslint-disable @typescript-eslint/no-explicit-any */
// The split read/write loop every backend shares: chunks no larger than asked, short transfers
// continued, bytes past the end of the file reported (not invented), a stalled read an error.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_IO_CHUNK, MmapError, readFullyAt, writeFullyAt } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'memmap-file-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(content: Buffer): number {
  const path = join(dir, `f${Math.random()}`);
  fs.writeFileSync(path, content);
  return fs.openSync(path, 'r+');
}

// Node's own way to patch a builtin for ESM importers: change the CommonJS object, then sync.
const fsObject = createRequire(import.meta.url)('node:fs') as Record<string, unknown>;
function patch<K extends 'readSync' | 'writeSync'>(name: K, make: (real: (typeof fs)[K]) => (...args: any[]) => number) {
  const real = fsObject[name] as (typeof fs)[K];
  const calls: unknown[][] = [];
  const fake = make(real);
  fsObject[name] = (...args: unknown[]) => {
    calls.push(args);
    return fake(...args);
  };
  syncBuiltinESMExports();
  const restore = () => {
    fsObject[name] = real;
    syncBuiltinESMExports();
  };
  return { calls, restore };
}

const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 255));

describe('readFullyAt / writeFullyAt', () => {
  it('one call never asks for more than Linux moves at once (below int32)', () => {
    expect(MAX_IO_CHUNK).toBe(0x7ffff000);
    expect(MAX_IO_CHUNK).toBeLessThan(2 ** 31);
  });

  it('reads in chunks of the given size and gets every byte', () => {
    const fd = fileWith(content);
    const spy = patch(
      'readSync',
      (real) =>
        (...a) =>
          (real as any)(...a),
    );
    try {
      const target = Buffer.alloc(900);
      expect(readFullyAt(fd, target, 50, 7)).toBe(900);
      expect(target.equals(content.subarray(50, 950))).toBe(true);
      expect(spy.calls.length).toBe(Math.ceil(900 / 7));
      for (const call of spy.calls) expect(call[3] as number).toBeLessThanOrEqual(7);
    } finally {
      spy.restore();
      fs.closeSync(fd);
    }
  });

  it('returns the count read when the file ends inside the range (caller decides about the rest)', () => {
    const fd = fileWith(content);
    try {
      const target = Buffer.alloc(100, 0xee);
      expect(readFullyAt(fd, target, 950, 16)).toBe(50);
      expect(target.subarray(0, 50).equals(content.subarray(950))).toBe(true);
      expect(target[50]).toBe(0xee); // untouched, never silently zeroed
    } finally {
      fs.closeSync(fd);
    }
  });

  it('a read that returns 0 bytes where the file has bytes is EIO, not zeros', () => {
    const fd = fileWith(content);
    const spy = patch('readSync', () => () => 0);
    try {
      let error: unknown;
      try {
        readFullyAt(fd, Buffer.alloc(10), 0);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MmapError);
      expect((error as MmapError).code).toBe('EIO');
    } finally {
      spy.restore();
      fs.closeSync(fd);
    }
  });

  it('continues short reads and short writes', () => {
    const fd = fileWith(Buffer.alloc(1000));
    const write = patch('writeSync', (real) => (f, b, o, l, p) => real(f, b, o, Math.min(l, 3), p));
    try {
      writeFullyAt(fd, content.subarray(0, 100), 10, 50);
      expect(write.calls.length).toBe(34);
    } finally {
      write.restore();
    }
    try {
      const back = Buffer.alloc(100);
      expect(readFullyAt(fd, back, 10)).toBe(100);
      expect(back.equals(content.subarray(0, 100))).toBe(true);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('a write that moves nothing is EIO (never an endless loop)', () => {
    const fd = fileWith(Buffer.alloc(10));
    const spy = patch('writeSync', () => () => 0);
    try {
      expect(() => writeFullyAt(fd, Buffer.alloc(5), 0)).toThrow(expect.objectContaining({ code: 'EIO' }));
    } finally {
      spy.restore();
      fs.closeSync(fd);
    }
  });
});
