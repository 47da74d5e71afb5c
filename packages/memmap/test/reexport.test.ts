import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@memmap/core';
import { afterAll, describe, expect, it } from 'vitest';
import * as memmap from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'memmap-pkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memmap', () => {
  it('exports exactly what @memmap/core exports, the same objects', () => {
    expect(Object.keys(memmap).sort()).toEqual(Object.keys(core).sort());
    for (const key of Object.keys(core)) expect((memmap as Record<string, unknown>)[key]).toBe((core as Record<string, unknown>)[key]);
  });

  it('maps through the default backend: the README example writes and reads a file', () => {
    const file = join(dir, 'shared.dat');
    const msg = Buffer.from('IPC using mmap!');
    {
      using w = memmap.mapMut(file, { create: true, length: msg.length });
      msg.copy(w.bytes);
      w.flush();
    }
    expect(readFileSync(file).toString()).toBe('IPC using mmap!');
    {
      using r = memmap.map(file);
      expect(r.bytes.toString()).toBe('IPC using mmap!');
      expect(r.backend).toBe(memmap.defaultBackend().name);
    }
    expect(existsSync(file)).toBe(true);
  });

  it('every built-in backend it depends on is listed, and napi is chosen here (the addon is built)', () => {
    const names = memmap.listBackends().map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['napi', 'ffi', 'fallback']));
    if (!process.env.MEMMAP_BACKEND) expect(memmap.defaultBackend().name).toBe('napi');
  });

  it('a refused call is an MmapError with a stable code', () => {
    expect(() => memmap.map(join(dir, 'missing.dat'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    // By name: vitest loads core's module once for this file and once for the backend require()s.
    expect(() => memmap.map(join(dir, 'missing.dat'))).toThrow(expect.objectContaining({ name: 'MmapError', syscall: 'open' }));
  });
});
