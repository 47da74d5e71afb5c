// defineBackend with a recording in-memory region: core alone decides validation, file handling
// and resize orchestration, so these hold for every backend built on it.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defineBackend, defineCapabilities, type FileRegionRequest, MmapError, ownerOf, type Region } from '../src/index.js';
import { codeOf } from './code-of.js';

function fakeBackend(fail = false) {
  const requests: FileRegionRequest[] = [];
  const calls: string[] = [];
  const region = (length: number): Region => {
    let memory = Buffer.alloc(length);
    return {
      buffer: () => memory,
      window: (o, l) => memory.subarray(o, o + l),
      flush: (o, l) => void calls.push(`flush ${o} ${l}`),
      flushAsync: async (o, l) => void calls.push(`flushAsync ${o} ${l}`),
      advise: (a) => {
        calls.push(`advise ${a}`);
        return true;
      },
      prefetch: async () => {},
      residency: (_o, l) => ({ resident: 0, total: Math.ceil(l / 4096), pageSize: 4096 }),
      lock: () => void calls.push('lock'),
      unlock: () => void calls.push('unlock'),
      remap: (n, options) => {
        calls.push(`remap ${n}${options.allocate ? ' allocate' : ''}`);
        memory = Buffer.alloc(n);
      },
      close: () => void calls.push('close'),
      collected: () => void calls.push('collected'),
    };
  };
  const backend = defineBackend({
    name: 'fake',
    capabilities: defineCapabilities({ lock: false, ownDescriptor: true }),
    openFile: (request) => {
      requests.push(request);
      if (fail) throw new MmapError('ENOMEM', 'no memory');
      return region(request.length);
    },
    openAnon: (request) => region(request.length),
  });
  return { backend, requests, calls };
}

function fakeRegion(length: number): Region {
  const memory = Buffer.alloc(length);
  const none = () => {};
  return {
    buffer: () => memory,
    window: (o, l) => memory.subarray(o, o + l),
    flush: none,
    flushAsync: async () => {},
    advise: () => false,
    prefetch: async () => {},
    residency: (_o, l) => ({ resident: 0, total: Math.ceil(l / 4096), pageSize: 4096 }),
    lock: none,
    unlock: none,
    remap: none,
    close: none,
    collected: none,
  };
}

const dirs: string[] = [];
const dir = () => {
  const made = mkdtempSync(join(tmpdir(), 'memmap-core-'));
  dirs.push(made);
  return made;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const file = (content: string) => {
  const path = join(dir(), 'f.bin');
  fs.writeFileSync(path, content);
  return path;
};

describe('defineBackend', () => {
  it('passes unaligned offsets, default lengths and kinds through', () => {
    const { backend, requests } = fakeBackend();
    const path = file('0123456789');
    backend.map(path, { offset: 3n }).close();
    backend.mapCopy(path, { offset: 9, length: 1 }).close();
    expect(requests.map(({ kind, offset, length, fileSize }) => ({ kind, offset, length, fileSize }))).toEqual([
      { kind: 'read', offset: 3, length: 7, fileSize: 10 },
      { kind: 'copy', offset: 9, length: 1, fileSize: 10 },
    ]);
  });

  it('validates allocate and hands it to the backend for shared maps of a non-empty range only', () => {
    const { backend, requests, calls } = fakeBackend();
    const path = file('0123456789');
    expect(codeOf(() => backend.mapMut(path, { allocate: 1 as unknown as boolean }))).toBe('ERR_INVALID_ARG_TYPE');
    const m = backend.mapMut(path, { allocate: true });
    backend.mapMut(path, { allocate: true, length: 0 }).close();
    backend.mapMut(path).close();
    expect(requests.map((r) => r.allocate)).toEqual([true, false, false]);
    expect(codeOf(() => m.resize(20, { allocate: 'yes' as unknown as boolean }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => m.resize(20, null as unknown as undefined))).toBe('ERR_INVALID_ARG_TYPE');
    expect(fs.statSync(path).size).toBe(10);
    m.resize(20, { allocate: true });
    m.resize(0, { allocate: true });
    m.resize(5);
    expect(calls.filter((c) => c.startsWith('remap'))).toEqual(['remap 20 allocate', 'remap 0', 'remap 5']);
    m.close();
    const anon = backend.mapAnon(10);
    anon.resize(20, { allocate: true });
    expect(calls.at(-1)).toBe('remap 20');
    anon.close();
  });

  it('validates before creating anything', () => {
    const { backend, requests } = fakeBackend();
    const path = join(dir(), 'new.bin');
    expect(codeOf(() => backend.mapMut(path, { create: true, offset: -1 }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => backend.mapMut(path, { create: 'yes' as unknown as boolean }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => backend.mapMut(path, { create: true, mode: 0o10000 }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(fs.existsSync(path)).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('refuses ranges past the end unless create extends the file', () => {
    const { backend } = fakeBackend();
    const path = file('abc');
    expect(codeOf(() => backend.map(path, { length: 4 }))).toBe('ERR_MMAP_OUT_OF_RANGE');
    expect(codeOf(() => backend.mapMut(path, { offset: 4 }))).toBe('ERR_MMAP_OUT_OF_RANGE');
    expect(codeOf(() => backend.mapMut(path, { create: true, offset: Number.MAX_SAFE_INTEGER, length: 1 }))).toBe('ERR_MMAP_OUT_OF_RANGE');
    const far = backend.mapMut(path, { offset: 1, length: 1 });
    expect(codeOf(() => far.resize(Number.MAX_SAFE_INTEGER))).toBe('ERR_MMAP_OUT_OF_RANGE');
    far.close();
    expect(fs.statSync(path).size).toBe(3);
    backend.mapMut(path, { create: true, offset: 2, length: 8 }).close();
    expect(fs.statSync(path).size).toBe(10);
    backend.mapMut(path, { create: true, length: 1 }).close();
    expect(fs.statSync(path).size).toBe(10); // never shrinks
  });

  it('undoes a failed map: created file removed, extended file restored, no fd left', () => {
    const { backend } = fakeBackend(true);
    const fresh = join(dir(), 'fresh.bin');
    const existing = file('abc');
    const fds = fs.readdirSync('/proc/self/fd').length;
    expect(codeOf(() => backend.mapMut(fresh, { create: true, length: 100 }))).toBe('ENOMEM');
    expect(codeOf(() => backend.mapMut(existing, { create: true, length: 100 }))).toBe('ENOMEM');
    const freshUrl = join(dir(), 'fresh-url.bin');
    expect(codeOf(() => backend.mapMut(pathToFileURL(freshUrl), { create: true, length: 100 }))).toBe('ENOMEM');
    expect(codeOf(() => backend.mapMut(Buffer.from(freshUrl), { create: true, length: 100 }))).toBe('ENOMEM');
    expect(fs.existsSync(freshUrl)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(false);
    expect(fs.readFileSync(existing, 'utf8')).toBe('abc');
    expect(fs.readdirSync('/proc/self/fd').length).toBe(fds);
  });

  it('never closes a caller fd, and closes its own', () => {
    const { backend } = fakeBackend();
    const path = file('abc');
    const fd = fs.openSync(path, 'r+');
    const before = fs.readdirSync('/proc/self/fd').length;
    backend.mapMut(fd).close();
    backend.map(path).close();
    expect(fs.fstatSync(fd).size).toBe(3);
    expect(fs.readdirSync('/proc/self/fd').length).toBe(before);
    fs.closeSync(fd);
  });

  it('without ownDescriptor refuses mapMut() of a caller fd (ERR_MMAP_UNSUPPORTED) before the backend is asked', () => {
    const backend = defineBackend({
      name: 'no-own-descriptor',
      capabilities: defineCapabilities({ lock: false }),
      openFile: (request) => {
        throw new Error(`openFile must not be reached for a refused call (${request.kind})`);
      },
      openAnon: () => {
        throw new Error('unused');
      },
    });
    const path = file('abc');
    const fd = fs.openSync(path, 'r+');
    try {
      expect(codeOf(() => backend.mapMut(fd))).toBe('ERR_MMAP_UNSUPPORTED');
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(path, 'utf8')).toBe('abc');
  });

  it('refuses a caller fd without the access the map needs, as mmap would (EACCES)', () => {
    const { backend, requests } = fakeBackend();
    const path = file('abc');
    const readOnly = fs.openSync(path, 'r');
    const writeOnly = fs.openSync(path, fs.constants.O_WRONLY); // not 'w': that would truncate
    expect(codeOf(() => backend.mapMut(readOnly))).toBe('EACCES');
    expect(codeOf(() => backend.mapMut(writeOnly))).toBe('EACCES');
    expect(codeOf(() => backend.map(writeOnly))).toBe('EACCES');
    expect(requests).toHaveLength(0);
    backend.map(readOnly).close();
    fs.closeSync(readOnly);
    fs.closeSync(writeOnly);
    expect(fs.readFileSync(path, 'utf8')).toBe('abc');
  });

  it('read and copy maps keep no descriptor; a caller fd is mapped as it is; a shared map keeps one', () => {
    const { backend, requests } = fakeBackend();
    const path = file('abc');
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = fds();
    const read = backend.map(path);
    const copy = backend.mapCopy(path);
    expect(fds()).toBe(before);
    const fd = fs.openSync(path, 'r+');
    const fromFd = backend.map(fd);
    expect(requests.at(-1)!.fd).toBe(fd); // no reopen for a read map
    const shared = backend.mapMut(fd);
    expect(requests.at(-1)!.fd).not.toBe(fd); // its own descriptor
    expect(fds()).toBe(before + 2); // the caller's fd and the shared map's
    fs.closeSync(fd); // the caller may close theirs at once
    shared.close();
    expect(fds()).toBe(before);
    for (const m of [read, copy, fromFd]) m.close();
  });

  it("asks the backend's descriptor hook, when it has one, instead of /proc", () => {
    const asked: string[] = [];
    const { backend: plain } = fakeBackend();
    const backend = defineBackend({
      name: 'fake-fcntl',
      capabilities: plain.capabilities,
      openFile: (request) => fakeRegion(request.length),
      openAnon: (request) => fakeRegion(request.length),
      descriptors: {
        accessMode: (fd) => {
          asked.push(`mode ${fd}`);
          return fd === readOnly ? 'read' : fd === writeOnly ? 'write' : 'read-write';
        },
        duplicate: (fd) => {
          asked.push(`dup ${fd}`);
          return fs.openSync(path, 'r+');
        },
      },
    });
    const path = file('abc');
    const readOnly = fs.openSync(path, 'r');
    const writeOnly = fs.openSync(path, fs.constants.O_WRONLY);
    const readWrite = fs.openSync(path, 'r+');
    expect(codeOf(() => backend.mapMut(readOnly))).toBe('EACCES');
    expect(codeOf(() => backend.map(writeOnly))).toBe('EACCES');
    backend.map(readOnly).close();
    backend.mapMut(readWrite).close();
    expect(asked).toEqual([`mode ${readOnly}`, `mode ${writeOnly}`, `mode ${readOnly}`, `mode ${readWrite}`, `dup ${readWrite}`]);
    for (const fd of [readOnly, writeOnly, readWrite]) fs.closeSync(fd);
  });

  it('resizes shared maps: grows the file first, cuts it only when the map reached the end', () => {
    const { backend, calls } = fakeBackend();
    const path = file('0123456789');
    const m = backend.mapMut(path, { offset: 2, length: 8 });
    m.resize(20);
    expect(fs.statSync(path).size).toBe(22);
    m.resize(4);
    expect(fs.statSync(path).size).toBe(6);
    m.close();
    const middle = backend.mapMut(path, { length: 2 });
    middle.resize(1);
    expect(fs.statSync(path).size).toBe(6);
    middle.close();
    expect(calls.filter((c) => c.startsWith('remap'))).toEqual(['remap 20', 'remap 4', 'remap 1']);
  });

  it('makes flush a no-op on copy and anonymous maps and refuses resize of copies', () => {
    const { backend, calls } = fakeBackend();
    const path = file('abc');
    const copy = backend.mapCopy(path);
    copy.flush();
    expect(codeOf(() => copy.resize(1))).toBe('ERR_MMAP_UNSUPPORTED');
    backend.mapAnon(10).flush();
    expect(calls.filter((c) => c.startsWith('flush'))).toEqual([]);
    const shared = backend.mapMut(path);
    shared.flush(1, 1);
    expect(calls).toContain('flush 1 1');
  });

  it('throws ERR_MMAP_CLOSED after close and rejects promises with it', async () => {
    const { backend, calls } = fakeBackend();
    const m = backend.mapMut(file('abc'));
    m.close();
    m.close();
    expect(calls.filter((c) => c === 'close')).toHaveLength(1);
    expect(codeOf(() => m.bytes)).toBe('ERR_MMAP_CLOSED');
    expect(codeOf(() => m.view())).toBe('ERR_MMAP_CLOSED');
    await expect(m.flushAsync()).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
    await expect(m.prefetch()).rejects.toMatchObject({ code: 'ERR_MMAP_CLOSED' });
  });

  it('reports missing capabilities as ERR_MMAP_UNSUPPORTED', () => {
    const { backend } = fakeBackend();
    const m = backend.mapAnon(4096);
    expect(codeOf(() => m.lock())).toBe('ERR_MMAP_UNSUPPORTED');
    expect(codeOf(() => backend.mapAnon(4096, { hugePages: true }))).toBe('ERR_MMAP_UNSUPPORTED');
  });

  it('gives the same bytes Buffer until resize', () => {
    const { backend } = fakeBackend();
    const m = backend.mapAnon(10);
    expect(m.bytes).toBe(m.bytes);
    const before = m.bytes;
    m.resize(20);
    expect(m.bytes).not.toBe(before);
    expect(m.bytes.length).toBe(20);
  });

  it('ties every Buffer it hands out to its map (so a live Buffer keeps the map alive)', () => {
    const { backend } = fakeBackend();
    const m = backend.mapAnon(64);
    expect(ownerOf(m.bytes)).toBe(m);
    expect(ownerOf(m.view(8, 8))).toBe(m);
    expect(ownerOf(Buffer.alloc(1))).toBeUndefined();
    expect(Object.getOwnPropertySymbols(m.bytes)).toEqual([]); // invisible to users
  });
});
