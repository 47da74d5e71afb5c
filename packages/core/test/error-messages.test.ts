// Errors that say what to do: for each code, its common causes, and what the message must name
// (the argument or path) and suggest. Codes never change; these check the words around them.
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Backend, type Capabilities, defineBackend, defineCapabilities, MmapError, type Region } from '../src/index.js';

function region(length: number): Region {
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
    wait: () => 'timed-out',
    waitAsync: async () => 'timed-out',
    notify: () => 0,
  };
}

/** A backend built on core with the given name and flags: every message below comes from core. */
function backendLike(name: string, flags: Partial<Capabilities>): Backend {
  return defineBackend({
    name,
    capabilities: defineCapabilities(flags),
    openFile: (request) => region(request.length),
    openAnon: (request) => region(request.length),
  });
}

const dir = mkdtempSync(join(tmpdir(), 'memmap-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'data.bin');
writeFileSync(file, Buffer.alloc(100));
const locked = join(dir, 'locked.bin');
writeFileSync(locked, Buffer.alloc(100));
chmodSync(locked, 0o400);
const isRoot = process.getuid?.() === 0;

// The fallback's manifest, and a zero-copy backend's where the platform has no cross-process wait.
const fallback = backendLike('fallback', { detachOnClose: true, truncationSafe: true });
const noWait = backendLike('napi', { zeroCopy: true, coherent: true, detachOnClose: true, named: false, waitNotify: false });

interface Row {
  code: string;
  cause: string;
  call: () => unknown;
  says: (string | RegExp)[];
  skip?: boolean;
}

const rows: Row[] = [
  {
    code: 'ERR_INVALID_ARG_TYPE',
    cause: 'a source of the wrong type',
    call: () => fallback.map(42n as never),
    says: ['The "source" argument must be a path', 'Received type bigint (42n)'],
  },
  {
    code: 'ERR_INVALID_ARG_VALUE',
    cause: 'a negative offset',
    call: () => fallback.map(file, { offset: -1 }),
    says: ['"options.offset"', 'must be >= 0'],
  },
  {
    code: 'ERR_MMAP_OUT_OF_RANGE',
    cause: 'a range past the end of the file (map)',
    call: () => fallback.map(file, { offset: 50, length: 100 }),
    says: ['options.offset + options.length (50..150)', `'${file}'`, '(100 bytes)', 'map a smaller length'],
  },
  {
    code: 'ERR_MMAP_OUT_OF_RANGE',
    cause: 'a range past the end of the file (mapMut without create)',
    call: () => fallback.mapMut(file, { length: 200 }),
    says: ['past the end of the file', 'pass create: true to extend the file'],
  },
  {
    code: 'ERR_MMAP_OUT_OF_RANGE',
    cause: 'a view past the end of the map',
    call: () => fallback.map(file).view(90, 20),
    says: ['range 90..110 is past the end of the map (100 bytes)'],
  },
  {
    code: 'ERR_MMAP_CLOSED',
    cause: 'a call after close()',
    call: () => {
      const m = fallback.map(file);
      m.close();
      return m.bytes;
    },
    says: ['the map is closed', 'map the file again'],
  },
  {
    code: 'ENOENT',
    cause: 'map() of a missing file',
    call: () => fallback.map(join(dir, 'missing.bin')),
    says: ['ENOENT', `'${join(dir, 'missing.bin')}'`],
  },
  {
    code: 'ENOENT',
    cause: 'mapMut() of a missing file without create',
    call: () => fallback.mapMut(join(dir, 'missing.bin')),
    says: [`'${join(dir, 'missing.bin')}'`, 'pass { create: true, length } to mapMut()'],
  },
  {
    code: 'EACCES',
    cause: 'mapMut() of a descriptor opened read-only',
    call: () => {
      const fd = openSync(file, 'r');
      try {
        return fallback.mapMut(fd);
      } finally {
        closeSync(fd);
      }
    },
    says: ['EACCES: permission denied, mmap', 'the "source" descriptor (fd ', 'open the descriptor read-write'],
  },
  {
    code: 'EACCES',
    cause: 'mapMut() of a file this process may not write',
    call: () => fallback.mapMut(locked),
    says: [`'${locked}'`, 'check its permissions, or map it read-only with map()'],
    skip: isRoot, // root opens anything
  },
  {
    code: 'EISDIR',
    cause: 'a directory',
    call: () => fallback.map(dir),
    says: ['EISDIR', `'${dir}'`],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: "the fallback's wait()",
    call: () => fallback.mapMut(file).wait(0, 0, 0),
    says: ['wait() is not supported by the fallback backend', 'cannot share memory between processes: napi or ffi can'],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: "the fallback's notify()",
    call: () => fallback.mapMut(file).notify(0),
    says: ['notify()', 'cannot share memory between processes: napi or ffi can'],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: "the fallback's mapNamed()",
    call: () => fallback.mapNamed('memmap-messages', { create: true, length: 4096 }),
    says: ['mapNamed()', 'cannot share memory between processes: napi or ffi can', "loadBackend({ require: ['waitNotify', 'named'] })"],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: "the fallback's lock()",
    call: () => fallback.map(file).lock(),
    says: ['lock()', 'napi or ffi can'],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: 'wait() where the platform has no cross-process wait',
    call: () => noWait.mapMut(file).wait(0, 0, 0),
    says: ['capabilities.waitNotify is false', 'through a pipe or socket'],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: 'mapNamed() where named memory is missing (not the fallback)',
    call: () => noWait.mapNamed('memmap-messages'),
    says: ['capabilities.named is false', 'mapMut() of the same path'],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: 'share() where the backend is not shareable',
    call: () => fallback.mapMut(file).share(),
    says: ['share() is not supported by the fallback backend', 'map it again there', "loadBackend({ require: ['shareable'] })"],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: 'huge pages the backend lacks',
    call: () => fallback.mapAnon(4096, { hugePages: true }),
    says: ['hugePages', 'map without hugePages'],
  },
  {
    code: 'ERR_MMAP_UNSUPPORTED',
    cause: 'resize() of a copy-on-write map',
    call: () => fallback.mapCopy(file).resize(10),
    says: ['resize() of a copy-on-write map', 'map the file again with mapCopy()'],
  },
];

describe('error messages name the argument or path and say what to do', () => {
  for (const row of rows) {
    it.skipIf(row.skip)(`${row.code}: ${row.cause}`, () => {
      let error: unknown;
      try {
        row.call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MmapError);
      expect((error as MmapError).code).toBe(row.code);
      for (const words of row.says) expect((error as MmapError).message).toMatch(words);
    });
  }
});
