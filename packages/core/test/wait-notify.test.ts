// wait/notify and named memory as core decides them, with a recording in-memory backend: every
// bad argument gets its code before the backend is asked, close() rejects pending waitAsync, and a
// missing capability is ERR_MMAP_UNSUPPORTED.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defineBackend,
  defineCapabilities,
  MmapError,
  type NamedRegionRequest,
  type NamedSectionRequest,
  type OpenedSection,
  type Region,
  type WaitResult,
} from '../src/index.js';
import { codeOf } from './code-of.js';

const dir = mkdtempSync(join(tmpdir(), 'memmap-core-wait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeBackend(flags: { waitNotify: boolean; named: boolean }, failMap = false) {
  const calls: string[] = [];
  const pending: Array<(r: WaitResult) => void> = [];
  const unlinked: string[] = [];
  const region = (length: number): Region => {
    let memory = Buffer.alloc(length);
    return {
      buffer: () => memory,
      window: (o, l) => memory.subarray(o, o + l),
      flush: () => {},
      flushAsync: async () => {},
      advise: () => true,
      prefetch: async () => {},
      residency: () => ({ resident: 0, total: 0, pageSize: 4096 }),
      lock: () => {},
      unlock: () => {},
      remap: (n) => {
        calls.push(`remap ${n}`);
        memory = Buffer.alloc(n);
      },
      close: () => void calls.push('close'),
      collected: () => {},
      wait: (o, e, t) => {
        calls.push(`wait ${o} ${e} ${t}`);
        return 'timed-out';
      },
      waitAsync: (o, e, t) => {
        calls.push(`waitAsync ${o} ${e} ${t}`);
        return new Promise((r) => pending.push(r));
      },
      notify: (o, c) => {
        calls.push(`notify ${o} ${c}`);
        return 0;
      },
    };
  };
  const names = new Map<string, string>();
  const backend = defineBackend({
    name: 'fake',
    capabilities: defineCapabilities(flags),
    openFile: (request) => {
      if (failMap) throw new MmapError('ENOMEM', 'no memory');
      return region(request.length);
    },
    openAnon: (request) => region(request.length),
    openNamed: (request: NamedRegionRequest) => {
      calls.push(`openNamed ${request.name} ${request.create} ${request.exclusive} ${request.mode.toString(8)}`);
      const exists = names.has(request.name);
      if (exists && request.exclusive) throw new MmapError('EEXIST', 'exists');
      if (!exists && !request.create) throw new MmapError('ENOENT', 'missing');
      if (!exists) names.set(request.name, join(dir, request.name));
      const fd = fs.openSync(names.get(request.name)!, exists ? 'r+' : 'w+');
      return { fd, created: !exists };
    },
    unlinkNamed: (name) => {
      unlinked.push(name);
      return names.delete(name);
    },
  });
  return { backend, calls, pending, unlinked };
}

describe('wait/notify validation (core)', () => {
  const { backend, calls } = fakeBackend({ waitNotify: true, named: true });

  it.each([
    ['unaligned offset', (m: ReturnType<typeof backend.mapAnon>) => m.wait(2, 0), 'ERR_INVALID_ARG_VALUE'],
    ['negative offset', (m: ReturnType<typeof backend.mapAnon>) => m.wait(-4, 0), 'ERR_INVALID_ARG_VALUE'],
    ['fractional offset', (m: ReturnType<typeof backend.mapAnon>) => m.notify(4.5), 'ERR_INVALID_ARG_VALUE'],
    ['string offset', (m: ReturnType<typeof backend.mapAnon>) => m.wait('0' as never, 0), 'ERR_INVALID_ARG_TYPE'],
    ['offset at the end', (m: ReturnType<typeof backend.mapAnon>) => m.wait(64, 0), 'ERR_MMAP_OUT_OF_RANGE'],
    ['word past the end', (m: ReturnType<typeof backend.mapAnon>) => m.notify(62 + 2 + 4), 'ERR_MMAP_OUT_OF_RANGE'],
    ['fractional expected', (m: ReturnType<typeof backend.mapAnon>) => m.wait(0, 0.5), 'ERR_INVALID_ARG_VALUE'],
    ['expected beyond int32', (m: ReturnType<typeof backend.mapAnon>) => m.wait(0, 2 ** 31), 'ERR_INVALID_ARG_VALUE'],
    ['expected NaN', (m: ReturnType<typeof backend.mapAnon>) => m.wait(0, NaN), 'ERR_INVALID_ARG_VALUE'],
    ['expected bigint', (m: ReturnType<typeof backend.mapAnon>) => m.wait(0, 0n as never), 'ERR_INVALID_ARG_TYPE'],
    ['negative timeout', (m: ReturnType<typeof backend.mapAnon>) => m.wait(0, 0, -1), 'ERR_INVALID_ARG_VALUE'],
    ['NaN timeout', (m: ReturnType<typeof backend.mapAnon>) => m.wait(0, 0, NaN), 'ERR_INVALID_ARG_VALUE'],
    ['string timeout', (m: ReturnType<typeof backend.mapAnon>) => m.wait(0, 0, '1' as never), 'ERR_INVALID_ARG_TYPE'],
    ['negative count', (m: ReturnType<typeof backend.mapAnon>) => m.notify(0, -1), 'ERR_INVALID_ARG_VALUE'],
    ['fractional count', (m: ReturnType<typeof backend.mapAnon>) => m.notify(0, 1.5), 'ERR_INVALID_ARG_VALUE'],
  ])('%s is refused before the backend is called', (_name, call, code) => {
    using m = backend.mapAnon(64);
    calls.length = 0;
    expect(codeOf(() => call(m))).toBe(code);
    expect(calls).toEqual([]);
  });

  it('waitAsync rejects (never throws) with the same codes', async () => {
    using m = backend.mapAnon(64);
    await expect(m.waitAsync(1, 0)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(m.waitAsync(64, 0)).rejects.toMatchObject({ code: 'ERR_MMAP_OUT_OF_RANGE' });
    await expect(m.waitAsync(0, 0, -5)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('passes defaults: no timeout = Infinity, no count = all (2^31 - 1); int32 extremes and Infinity are valid', () => {
    using m = backend.mapAnon(64);
    calls.length = 0;
    m.wait(60, -(2 ** 31));
    m.wait(0, 2 ** 31 - 1, 0.5);
    m.notify(8);
    m.notify(8, Infinity);
    // A count of 0 wakes nobody without asking the backend (a futex would still wake one).
    expect(m.notify(8, 0)).toBe(0);
    expect(calls).toEqual([`wait 60 ${-(2 ** 31)} Infinity`, `wait 0 ${2 ** 31 - 1} 0.5`, 'notify 8 2147483647', 'notify 8 2147483647']);
  });

  it('checks alignment in memory: byte 0 of a file map at file offset 2 is 2 bytes into an aligned word', () => {
    const path = join(dir, 'aligned.bin');
    fs.writeFileSync(path, Buffer.alloc(64));
    using m = backend.mapMut(path, { offset: 2 });
    calls.length = 0;
    expect(codeOf(() => m.wait(0, 0))).toBe('ERR_INVALID_ARG_VALUE');
    expect(m.wait(2, 0)).toBe('timed-out');
    expect(calls).toEqual(['wait 2 0 Infinity']);
  });

  it('close() rejects pending waitAsync with ERR_MMAP_CLOSED after the region was closed; later calls throw it', async () => {
    const m = backend.mapAnon(64);
    const a = m.waitAsync(0, 0);
    const b = m.waitAsync(4, 0, 100);
    calls.length = 0;
    m.close();
    expect(calls).toEqual(['close']);
    await expect(a).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    await expect(b).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    expect(codeOf(() => m.wait(0, 0))).toBe('ERR_MMAP_CLOSED');
    expect(codeOf(() => m.notify(0))).toBe('ERR_MMAP_CLOSED');
    await expect(m.waitAsync(0, 0)).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
  });

  it('a settled waitAsync resolves with the backend result; resize is refused (EBUSY) only while one is pending', async () => {
    const { backend: b, pending } = fakeBackend({ waitNotify: true, named: false });
    using m = b.mapAnon(64);
    const p = m.waitAsync(0, 0);
    expect(codeOf(() => m.resize(128))).toBe('EBUSY');
    pending.shift()!('ok');
    await expect(p).resolves.toBe('ok');
    m.resize(128);
    expect(m.length).toBe(128);
  });

  it('waitNotify false: all three throw (or reject with) ERR_MMAP_UNSUPPORTED', async () => {
    const { backend: b, calls: c } = fakeBackend({ waitNotify: false, named: false });
    using m = b.mapAnon(64);
    expect(codeOf(() => m.wait(0, 0))).toBe('ERR_MMAP_UNSUPPORTED');
    expect(codeOf(() => m.notify(0))).toBe('ERR_MMAP_UNSUPPORTED');
    await expect(m.waitAsync(0, 0)).rejects.toMatchObject({ code: 'ERR_MMAP_UNSUPPORTED' });
    expect(c.filter((x) => x.startsWith('wait') || x.startsWith('notify'))).toEqual([]);
  });
});

describe('named memory validation (core)', () => {
  it.each([
    ['', 'ERR_INVALID_ARG_VALUE'],
    ['.', 'ERR_INVALID_ARG_VALUE'],
    ['..', 'ERR_INVALID_ARG_VALUE'],
    ['a/b', 'ERR_INVALID_ARG_VALUE'],
    ['/lead', 'ERR_INVALID_ARG_VALUE'],
    ['x'.repeat(32), 'ERR_INVALID_ARG_VALUE'],
    ['sp ace', 'ERR_INVALID_ARG_VALUE'],
    ['é', 'ERR_INVALID_ARG_VALUE'],
    [42, 'ERR_INVALID_ARG_TYPE'],
    [undefined, 'ERR_INVALID_ARG_TYPE'],
  ])('name %j -> %s, for mapNamed and unlinkNamed, before the backend is called', (name, code) => {
    const { backend, calls } = fakeBackend({ waitNotify: true, named: true });
    expect(codeOf(() => backend.mapNamed(name as string, { create: true, length: 8 }))).toBe(code);
    expect(codeOf(() => backend.unlinkNamed(name as string))).toBe(code);
    expect(calls).toEqual([]);
  });

  it('accepts the portable set up to 31 characters', () => {
    const { backend } = fakeBackend({ waitNotify: true, named: true });
    const name = `A-z_0.9${'x'.repeat(24)}`;
    expect(name.length).toBe(31);
    using m = backend.mapNamed(name, { create: true, length: 8 });
    expect(m.length).toBe(8);
  });

  it.each([
    [{ create: 'yes' }, 'ERR_INVALID_ARG_VALUE'],
    [{ create: 1 }, 'ERR_INVALID_ARG_TYPE'],
    [{ create: true }, 'ERR_INVALID_ARG_TYPE'],
    [{ create: 'exclusive' }, 'ERR_INVALID_ARG_TYPE'],
    [{ create: true, length: -1 }, 'ERR_INVALID_ARG_VALUE'],
    [{ create: true, length: 8, mode: 0o10000 }, 'ERR_INVALID_ARG_VALUE'],
    [null, 'ERR_INVALID_ARG_TYPE'],
  ])('options %j -> %s', (options, code) => {
    const { backend, calls } = fakeBackend({ waitNotify: true, named: true });
    expect(codeOf(() => backend.mapNamed('n', options as never))).toBe(code);
    expect(calls).toEqual([]);
  });

  it('create grows a smaller region, never shrinks; without create a range past the end is out of range', () => {
    const { backend, calls } = fakeBackend({ waitNotify: true, named: true });
    backend.mapNamed('r', { create: true, length: 100, mode: 0o640 }).close();
    backend.mapNamed('r', { create: true, length: 50 }).close();
    using m = backend.mapNamed('r');
    expect(m.length).toBe(100);
    expect(codeOf(() => backend.mapNamed('r', { length: 101 }))).toBe('ERR_MMAP_OUT_OF_RANGE');
    expect(calls.filter((c) => c.startsWith('openNamed'))[0]).toBe('openNamed r true false 640');
  });

  it('a failure after this call created the region removes the name again', () => {
    const { backend, unlinked } = fakeBackend({ waitNotify: true, named: true }, true);
    expect(codeOf(() => backend.mapNamed('gone', { create: 'exclusive', length: 8 }))).toBe('ENOMEM');
    expect(unlinked).toEqual(['gone']);
    expect(codeOf(() => backend.mapNamed('gone', { create: true, length: 8 }))).toBe('ENOMEM');
    expect(unlinked).toEqual(['gone', 'gone']);
  });

  it('named false: ERR_MMAP_UNSUPPORTED after validation', () => {
    const { backend } = fakeBackend({ waitNotify: false, named: false });
    expect(codeOf(() => backend.mapNamed('ok', { create: true, length: 8 }))).toBe('ERR_MMAP_UNSUPPORTED');
    expect(codeOf(() => backend.unlinkNamed('ok'))).toBe('ERR_MMAP_UNSUPPORTED');
    expect(codeOf(() => backend.mapNamed('..'))).toBe('ERR_INVALID_ARG_VALUE');
  });
});

describe('named memory as a fixed-size section (openNamedSection, the Windows seam)', () => {
  /** Sections of whole 4096-byte pages, as Windows reports them; records every hook call. */
  function sectionBackend(failMap = false) {
    const calls: string[] = [];
    const sections = new Map<string, number>();
    const backend = defineBackend({
      name: 'sections',
      capabilities: defineCapabilities({ zeroCopy: true, named: true }),
      openFile: () => {
        throw new Error('not used');
      },
      openAnon: () => {
        throw new Error('not used');
      },
      openNamedSection: (request: NamedSectionRequest): OpenedSection => {
        calls.push(`open ${request.name} ${request.create} ${request.exclusive} ${request.length}`);
        const exists = sections.has(request.name);
        if (exists && request.exclusive) throw new MmapError('EEXIST', 'exists');
        if (!exists && !request.create) throw new MmapError('ENOENT', 'missing');
        if (!exists) sections.set(request.name, Math.ceil(Math.max(request.length, 1) / 4096) * 4096);
        return {
          size: sections.get(request.name)!,
          created: !exists,
          map: (length) => {
            calls.push(`map ${length}`);
            if (failMap) throw new MmapError('ENOMEM', 'no memory');
            const memory = Buffer.alloc(length);
            return {
              buffer: () => memory,
              window: (o, l) => memory.subarray(o, o + l),
              flush: () => {},
              flushAsync: async () => {},
              advise: () => false,
              prefetch: async () => {},
              residency: () => ({ resident: 0, total: 0, pageSize: 4096 }),
              lock: () => {},
              unlock: () => {},
              remap: (n) => void calls.push(`remap ${n}`), // must never run
              close: () => {},
              collected: () => {},
            };
          },
          close: () => void calls.push('close'),
        };
      },
      unlinkNamed: () => false,
    });
    return { backend, calls };
  }

  it('opens with the validated request, maps the asked length, closes its reference; sizes come from the section', () => {
    const { backend, calls } = sectionBackend();
    using a = backend.mapNamed('s', { create: 'exclusive', length: 100 });
    expect(a.length).toBe(100);
    using b = backend.mapNamed('s');
    expect(b.length).toBe(4096);
    expect(backend.mapNamed('s', { create: true, length: 4096 }).length).toBe(4096);
    expect(calls.slice(0, 6)).toEqual(['open s true true 100', 'map 100', 'close', 'open s false false 0', 'map 4096', 'close']);
    expect(backend.unlinkNamed('s')).toBe(false);
  });

  it('a length past the section: ERR_MMAP_OUT_OF_RANGE without create, ERR_MMAP_UNSUPPORTED with create (it cannot grow); nothing is mapped', () => {
    const { backend, calls } = sectionBackend();
    backend.mapNamed('g', { create: true, length: 10 }).close();
    calls.length = 0;
    expect(codeOf(() => backend.mapNamed('g', { length: 4097 }))).toBe('ERR_MMAP_OUT_OF_RANGE');
    expect(codeOf(() => backend.mapNamed('g', { create: true, length: 4097 }))).toBe('ERR_MMAP_UNSUPPORTED');
    expect(calls).toEqual(['open g false false 4097', 'close', 'open g true false 4097', 'close']);
  });

  it('resize() of such a map is ERR_MMAP_UNSUPPORTED and never reaches the region; a failed map still closes the reference', () => {
    const { backend, calls } = sectionBackend();
    using m = backend.mapNamed('r', { create: true, length: 64 });
    expect(codeOf(() => m.resize(128))).toBe('ERR_MMAP_UNSUPPORTED');
    expect(codeOf(() => m.resize(0))).toBe('ERR_MMAP_UNSUPPORTED');
    expect(m.length).toBe(64);
    expect(calls.some((c) => c.startsWith('remap'))).toBe(false);
    const failing = sectionBackend(true);
    expect(codeOf(() => failing.backend.mapNamed('f', { create: true, length: 8 }))).toBe('ENOMEM');
    expect(failing.calls).toEqual(['open f true false 8', 'map 8', 'close']);
    expect(codeOf(() => backend.mapNamed('bad/name', { create: true, length: 8 }))).toBe('ERR_INVALID_ARG_VALUE');
  });
});
