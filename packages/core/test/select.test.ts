import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listBackends, loadBackend, MmapError, runtime, runtimeLabel } from '../src/index.js';

describe('backend selection', () => {
  it('loads a built-in backend by name', () => {
    const backend = loadBackend('fallback');
    expect(backend.name).toBe('fallback');
    expect(loadBackend('fallback')).toBe(backend);
  });

  it('refuses a backend that cannot load, with the reason', () => {
    try {
      loadBackend('/nonexistent/memmap-backend.js');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MmapError);
      expect((error as MmapError).code).toBe('ERR_MMAP_UNSUPPORTED');
      expect((error as MmapError).message).toMatch(/could not be loaded/);
    }
  });

  it('lists the built-ins with their status', () => {
    const names = listBackends().map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['napi', 'ffi', 'fallback']));
    const fallback = listBackends().find((s) => s.name === 'fallback');
    expect(fallback).toMatchObject({ loaded: true, module: '@memmap/backend-fallback' });
    const failed = listBackends().find((s) => s.name === '/nonexistent/memmap-backend.js');
    expect(failed?.loaded).toBe(false);
    expect(failed?.error).toBeTruthy();
  });

  it('lets MEMMAP_BACKEND choose the default backend, and refuses one that cannot load', () => {
    // A fresh process per setting: defaultBackend() is chosen once per process.
    const probe = (backend: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `
            import * as core from '@memmap/core';
            let code = null, name = null;
            try { name = core.defaultBackend().name; } catch (e) { code = e.code; }
            console.log(JSON.stringify({ name, code, why: core.selectionReason() }));`,
          ],
          { encoding: 'utf8', env: { ...process.env, MEMMAP_BACKEND: backend } },
        ),
      );
    expect(probe('fallback')).toEqual({
      name: 'fallback',
      code: null,
      why: `MEMMAP_BACKEND=fallback, under node ${process.versions.node}`,
    });
    expect(probe('/nonexistent/backend.js')).toMatchObject({ name: null, code: 'ERR_MMAP_UNSUPPORTED' });
  });
});

describe('runtime', () => {
  it('names the runtime and its own version (node here; bun and deno are checked by test:bun / test:deno)', () => {
    expect(runtime()).toEqual({ name: 'node', version: process.versions.node });
    expect(Object.isFrozen(runtime())).toBe(true);
    expect(runtimeLabel()).toBe(`node ${process.versions.node}`);
  });

  it('a backend that cannot load says under which runtime', () => {
    expect(() => loadBackend('/nonexistent/other-backend.js')).toThrow(`under node ${process.versions.node}`);
  });
});
