import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineCapabilities, listBackends, loadBackend, MmapError, runtime, runtimeLabel } from '../src/index.js';
import { loadWith } from '../src/select.js';
import { codeOf } from './code-of.js';

/** The backend choice in a fresh process: a script file beside the tests (children/). */
const selectProbe = new URL('./children/select-probe.mjs', import.meta.url).pathname;

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
        execFileSync(process.execPath, [selectProbe, 'default'], { encoding: 'utf8', env: { ...process.env, MEMMAP_BACKEND: backend } }),
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

describe('loadBackend({ require })', () => {
  // Stub backends as modules on disk: capabilities as given, nothing else needed to be chosen.
  const dir = mkdtempSync(join(tmpdir(), 'memmap-select-'));
  const stub = (name: string, flags: Record<string, boolean>) => {
    const file = join(dir, `${name}.mjs`);
    const caps = JSON.stringify(defineCapabilities(flags));
    writeFileSync(file, `export const backend = { name: '${name}', capabilities: ${caps}, map() {} };\n`);
    return file;
  };
  const copying = stub('copying', {});
  const sharing = stub('sharing', { zeroCopy: true, coherent: true });
  const waiting = stub('waiting', { zeroCopy: true, coherent: true, waitNotify: true, named: true });
  const broken = join(dir, 'broken.mjs');
  writeFileSync(broken, "throw new Error('no addon for this platform');\n");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the first candidate that loads and has every capability', () => {
    expect(loadWith(['coherent'], [copying, sharing, waiting]).name).toBe('sharing');
    expect(loadWith(['coherent', 'waitNotify'], [broken, copying, sharing, waiting]).name).toBe('waiting');
    expect(loadWith([], [broken, copying, waiting]).name).toBe('copying');
  });

  it('says what each candidate lacks, or why it did not load', () => {
    let error: MmapError | undefined;
    try {
      loadWith(['coherent', 'waitNotify'], [broken, copying, sharing]);
    } catch (e) {
      error = e as MmapError;
    }
    expect(error).toBeInstanceOf(MmapError);
    expect(error?.code).toBe('ERR_MMAP_UNSUPPORTED');
    expect(error?.message).toContain('No memmap backend has coherent + waitNotify');
    expect(error?.message).toContain(`${broken} did not load (no addon for this platform)`);
    expect(error?.message).toContain(`${copying} lacks coherent, waitNotify`);
    expect(error?.message).toContain(`${sharing} lacks waitNotify`);
  });

  it('checks its argument: unknown capability names and wrong types', () => {
    expect(codeOf(() => loadBackend({ require: ['coherent', 'sharing' as never] }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(() => loadBackend({ require: ['telepathy' as never] })).toThrow(/unknown capability.*waitNotify/);
    expect(codeOf(() => loadBackend({ require: 'coherent' as never }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => loadBackend({ require: [1 as never] }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => loadBackend(42 as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => loadBackend(null as never))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('with the real backends: the fallback has no coherence, napi or ffi do; loadBackend(name) still works', () => {
    expect(loadBackend({}).name).toBe(loadBackend({ require: [] }).name);
    expect(loadBackend('fallback').name).toBe('fallback');
    const coherent = loadBackend({ require: ['coherent'] });
    expect(coherent.capabilities.coherent).toBe(true);
    expect(coherent.name).not.toBe('fallback');
  });

  it('MEMMAP_BACKEND is the only candidate when set', () => {
    const probe = (backend: string, required: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, [selectProbe, 'require', JSON.stringify(required)], {
          encoding: 'utf8',
          env: { ...process.env, MEMMAP_BACKEND: backend },
        }),
      );
    expect(probe(sharing, ['coherent'])).toMatchObject({ name: 'sharing', code: null });
    const refused = probe('fallback', ['coherent']);
    expect(refused).toMatchObject({ name: null, code: 'ERR_MMAP_UNSUPPORTED' });
    expect(refused.message).toMatch(/MEMMAP_BACKEND=fallback\): fallback lacks coherent$/);
  });
});
