// biome-ignore-all lint/suspicious/noExplicitAny: the rows pass values the types forbid, on purpose
// bad input: a table. Each row runs on a fresh file with known content in its own directory and
// asserts the exact MmapError code, that the file is byte-for-byte (and size-for-size) unchanged,
// and that no file appeared or vanished in the directory (a refused create leaves nothing behind).
// Code conventions: wrong JS type → ERR_INVALID_ARG_TYPE; right type but negative / fractional /
// NaN / Infinity / unknown enum → ERR_INVALID_ARG_VALUE; a bigint beyond 2^53 or a range past the
// file / map end → ERR_MMAP_OUT_OF_RANGE; OS failures → the errno name.
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend, Mmap, MmapMut } from '@memmap/core';
import { pattern, type SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { type ErrorLike, expectRejects, expectThrows } from './assert.js';
import type { Group } from './index.js';

const SIZE = 8192;
const T = 'ERR_INVALID_ARG_TYPE';
const V = 'ERR_INVALID_ARG_VALUE';
const R = 'ERR_MMAP_OUT_OF_RANGE';
const C = 'ERR_MMAP_CLOSED';

interface Env {
  backend: Backend;
  /** A file of SIZE known bytes. */
  path: string;
  /** Its directory, listed before and after the row. */
  dir: string;
  /** A path in `dir` that does not exist. */
  missing: string;
  /** A FileHandle on `path` opened read-only, when the row asks for one. */
  handle?: FileHandle;
}

interface Row {
  name: string;
  code: string;
  call: (env: Env) => unknown;
  /** 'throws' (default): synchronously; 'rejects': returns a rejected Promise (the Promise methods never throw). */
  how?: 'throws' | 'rejects';
  /** Open env.handle (read-only) for this row. */
  handle?: boolean;
  check?: (err: ErrorLike, env: Env) => void;
}

const b = (env: Env): any => env.backend;

/** Runs `fn` on a map opened by `open`, closing the map afterwards (also after a Promise settles). */
function onMap<M extends Mmap>(open: (env: Env) => M, fn: (m: any, env: Env) => unknown) {
  return (env: Env) => {
    const m = open(env);
    let result: unknown;
    try {
      result = fn(m, env);
    } catch (err) {
      m.close();
      throw err;
    }
    if (result instanceof Promise) return result.finally(() => m.close());
    m.close();
    return result;
  };
}
const onRead = (fn: (m: any) => unknown) => onMap((env) => env.backend.map(env.path), fn);
const onMut = (fn: (m: any) => unknown) => onMap<MmapMut>((env) => env.backend.mapMut(env.path), fn);
const onAnon = (fn: (m: any) => unknown) => onMap<MmapMut>((env) => env.backend.mapAnon(SIZE), fn);

/** Runs `fn` on a map that is already closed. */
const afterClose = (open: (env: Env) => Mmap, fn: (m: any) => unknown) => (env: Env) => {
  const m = open(env);
  m.close();
  return fn(m);
};
const closedMut = (fn: (m: any) => unknown) => afterClose((env) => env.backend.mapMut(env.path), fn);

/** An fd opened with `flags` and closed after `fn`. */
const withFd = (flags: string, fn: (fd: number, env: Env) => unknown) => (env: Env) => {
  const fd = openSync(env.path, flags);
  try {
    return fn(fd, env);
  } finally {
    closeSync(fd);
  }
};

/** OS errors carry errno and syscall, as Node's fs errors do. */
const expectSyscall = (err: ErrorLike) => {
  expect(typeof err.errno, 'errno').toBe('number');
  expect(typeof err.syscall, 'syscall').toBe('string');
};

const ROWS: Row[] = [
  // ---- sources --------------------------------------------------------------------------
  { name: 'map(null)', code: T, call: (e) => b(e).map(null) },
  { name: 'map(undefined)', code: T, call: (e) => b(e).map(undefined) },
  { name: 'map({})', code: T, call: (e) => b(e).map({}) },
  { name: 'map(true)', code: T, call: (e) => b(e).map(true) },
  { name: 'mapMut([]) (an array is no source)', code: T, call: (e) => b(e).mapMut([]) },
  { name: 'mapCopy(Symbol())', code: T, call: (e) => b(e).mapCopy(Symbol('x')) },
  { name: 'map(1.5) (fractional fd)', code: V, call: (e) => b(e).map(1.5) },
  { name: 'map(-1) (negative fd)', code: V, call: (e) => b(e).map(-1) },
  { name: 'map(NaN) as fd', code: V, call: (e) => b(e).map(NaN) },
  {
    name: 'map(a closed fd)',
    code: 'EBADF',
    call: (e) => {
      const fd = openSync(e.path, 'r');
      closeSync(fd);
      return b(e).map(fd);
    },
    check: expectSyscall,
  },
  { name: 'map(2**31 - 1) (a huge fd that is not open)', code: 'EBADF', call: (e) => b(e).map(2 ** 31 - 1) },
  {
    name: 'map(missing file)',
    code: 'ENOENT',
    call: (e) => b(e).map(e.missing),
    check: (err, env) => {
      expect(err.path).toBe(env.missing);
      expect(typeof err.syscall).toBe('string');
      expect(typeof err.errno).toBe('number');
      expect(err.message).toContain('ENOENT');
    },
  },
  {
    name: 'mapMut(missing file) without create',
    code: 'ENOENT',
    call: (e) => b(e).mapMut(e.missing),
    check: (err, env) => expect(err.path).toBe(env.missing),
  },
  { name: 'mapCopy(missing file)', code: 'ENOENT', call: (e) => b(e).mapCopy(e.missing) },
  {
    name: 'mapMut(missing/dir/file, { create: true })',
    code: 'ENOENT',
    call: (e) => b(e).mapMut(join(e.missing, 'f'), { create: true, length: 10 }),
  },
  {
    name: 'map(directory)',
    code: 'EISDIR',
    call: (e) => b(e).map(e.dir),
    check: (err, env) => {
      expectSyscall(err);
      expect(err.path).toBe(env.dir);
    },
  },
  { name: 'mapMut(directory)', code: 'EISDIR', call: (e) => b(e).mapMut(e.dir) },
  { name: 'mapCopy(directory)', code: 'EISDIR', call: (e) => b(e).mapCopy(e.dir) },
  { name: 'map(a path with a NUL byte)', code: V, call: (e) => b(e).map(`${e.path}\0x`) },
  { name: 'map(an http: URL)', code: V, call: (e) => b(e).map(new URL('http://example.com/data.bin')) },
  { name: 'mapMut(fd opened read-only)', code: 'EACCES', call: withFd('r', (fd, e) => b(e).mapMut(fd)), check: expectSyscall },
  // 'a': write-only (append), and opening it changes no byte of the file.
  { name: 'map(fd opened write-only)', code: 'EACCES', call: withFd('a', (fd, e) => b(e).map(fd)), check: expectSyscall },
  { name: 'mapCopy(fd opened write-only)', code: 'EACCES', call: withFd('a', (fd, e) => b(e).mapCopy(fd)), check: expectSyscall },
  { name: 'mapMut(fd opened write-only)', code: 'EACCES', call: withFd('a', (fd, e) => b(e).mapMut(fd)), check: expectSyscall },
  { name: 'mapMut(FileHandle opened read-only)', code: 'EACCES', handle: true, call: (e) => b(e).mapMut(e.handle), check: expectSyscall },
  // ---- options object -------------------------------------------------------------------
  { name: 'map(path, 42)', code: T, call: (e) => b(e).map(e.path, 42) },
  { name: "map(path, 'offset')", code: T, call: (e) => b(e).map(e.path, 'offset') },
  { name: 'mapMut(path, true)', code: T, call: (e) => b(e).mapMut(e.path, true) },
  // ---- offset ---------------------------------------------------------------------------
  { name: 'offset: -1', code: V, call: (e) => b(e).map(e.path, { offset: -1 }) },
  { name: 'offset: 1.5', code: V, call: (e) => b(e).map(e.path, { offset: 1.5 }) },
  { name: 'offset: NaN', code: V, call: (e) => b(e).map(e.path, { offset: NaN }) },
  { name: 'offset: Infinity', code: V, call: (e) => b(e).map(e.path, { offset: Infinity }) },
  { name: "offset: '1' (string)", code: T, call: (e) => b(e).map(e.path, { offset: '1' }) },
  { name: 'offset: true', code: T, call: (e) => b(e).mapCopy(e.path, { offset: true }) },
  { name: 'offset: -1n (negative bigint)', code: V, call: (e) => b(e).map(e.path, { offset: -1n }) },
  { name: 'offset: 2n ** 64n (huge bigint)', code: R, call: (e) => b(e).map(e.path, { offset: 2n ** 64n }) },
  { name: 'offset: 2n ** 53n + 1n (bigint past 2^53)', code: R, call: (e) => b(e).mapMut(e.path, { offset: 2n ** 53n + 1n, length: 0 }) },
  { name: 'offset past EOF (size + 1)', code: R, call: (e) => b(e).map(e.path, { offset: SIZE + 1 }) },
  { name: 'mapMut offset past EOF without create', code: R, call: (e) => b(e).mapMut(e.path, { offset: SIZE + 1, length: 0 }) },
  { name: 'offset 2**60 (number, far past EOF)', code: R, call: (e) => b(e).mapCopy(e.path, { offset: 2 ** 60 }) },
  // ---- length ---------------------------------------------------------------------------
  { name: 'length: -1', code: V, call: (e) => b(e).map(e.path, { length: -1 }) },
  { name: 'length: 1.5', code: V, call: (e) => b(e).map(e.path, { length: 1.5 }) },
  { name: 'length: NaN', code: V, call: (e) => b(e).mapMut(e.path, { length: NaN }) },
  { name: 'length: Infinity', code: V, call: (e) => b(e).map(e.path, { length: Infinity }) },
  { name: "length: '10' (string)", code: T, call: (e) => b(e).map(e.path, { length: '10' }) },
  { name: 'length: 10n (bigint)', code: T, call: (e) => b(e).map(e.path, { length: 10n }) },
  { name: 'offset + length past EOF', code: R, call: (e) => b(e).map(e.path, { offset: 100, length: SIZE }) },
  { name: 'mapMut offset + length past EOF without create', code: R, call: (e) => b(e).mapMut(e.path, { offset: 1, length: SIZE }) },
  // ---- populate / create / mode (create rows target a missing path: nothing may appear) ----
  { name: "populate: 'yes'", code: T, call: (e) => b(e).map(e.path, { populate: 'yes' }) },
  { name: 'populate: 1', code: T, call: (e) => b(e).mapCopy(e.path, { populate: 1 }) },
  { name: "create: 'yes' (missing file)", code: T, call: (e) => b(e).mapMut(e.missing, { create: 'yes', length: 10 }) },
  {
    name: "mode: '0644' with create (missing file)",
    code: T,
    call: (e) => b(e).mapMut(e.missing, { create: true, length: 10, mode: '0644' }),
  },
  { name: 'mode: -1 with create (missing file)', code: V, call: (e) => b(e).mapMut(e.missing, { create: true, length: 10, mode: -1 }) },
  { name: 'mode: 1.5 with create (missing file)', code: V, call: (e) => b(e).mapMut(e.missing, { create: true, length: 10, mode: 1.5 }) },
  { name: 'length: -1 with create (missing file)', code: V, call: (e) => b(e).mapMut(e.missing, { create: true, length: -1 }) },
  {
    name: "offset: 'x' with create (missing file)",
    code: T,
    call: (e) => b(e).mapMut(e.missing, { create: true, offset: 'x', length: 1 }),
  },
  {
    name: 'offset: 2n ** 64n with create (missing file)',
    code: R,
    call: (e) => b(e).mapMut(e.missing, { create: true, offset: 2n ** 64n, length: 1 }),
  },
  // ---- mapAnon --------------------------------------------------------------------------
  { name: 'mapAnon(-1)', code: V, call: (e) => b(e).mapAnon(-1) },
  { name: 'mapAnon(1.5)', code: V, call: (e) => b(e).mapAnon(1.5) },
  { name: 'mapAnon(NaN)', code: V, call: (e) => b(e).mapAnon(NaN) },
  { name: 'mapAnon(Infinity)', code: V, call: (e) => b(e).mapAnon(Infinity) },
  { name: "mapAnon('10')", code: T, call: (e) => b(e).mapAnon('10') },
  { name: 'mapAnon(10n)', code: T, call: (e) => b(e).mapAnon(10n) },
  { name: 'mapAnon() (length missing)', code: T, call: (e) => b(e).mapAnon() },
  { name: "mapAnon(10, 'x') (options not an object)", code: T, call: (e) => b(e).mapAnon(10, 'x') },
  { name: "mapAnon(10, { hugePages: 'yes' })", code: T, call: (e) => b(e).mapAnon(10, { hugePages: 'yes' }) },
  { name: 'mapAnon(10, { populate: 0 })', code: T, call: (e) => b(e).mapAnon(10, { populate: 0 }) },
  // ---- view -----------------------------------------------------------------------------
  { name: 'view(0, length + 1)', code: R, call: onRead((m) => m.view(0, SIZE + 1)) },
  { name: 'view(length + 1)', code: R, call: onRead((m) => m.view(SIZE + 1)) },
  { name: 'view(-1)', code: V, call: onRead((m) => m.view(-1)) },
  { name: 'view(0, -1)', code: V, call: onRead((m) => m.view(0, -1)) },
  { name: 'view(0, 1.5)', code: V, call: onRead((m) => m.view(0, 1.5)) },
  { name: 'view(NaN)', code: V, call: onRead((m) => m.view(NaN)) },
  { name: "view('0')", code: T, call: onRead((m) => m.view('0')) },
  { name: 'view(0n)', code: T, call: onMut((m) => m.view(0n)) },
  // ---- flush / flushAsync ---------------------------------------------------------------
  { name: 'flush(0, length + 1)', code: R, call: onMut((m) => m.flush(0, SIZE + 1)) },
  { name: 'flush(length + 1)', code: R, call: onMut((m) => m.flush(SIZE + 1)) },
  { name: 'flush(-1)', code: V, call: onMut((m) => m.flush(-1)) },
  { name: 'flush(0, NaN)', code: V, call: onMut((m) => m.flush(0, NaN)) },
  { name: "flush('0')", code: T, call: onMut((m) => m.flush('0')) },
  { name: 'flush out of range on an anonymous map', code: R, call: onAnon((m) => m.flush(0, SIZE + 1)) },
  { name: 'flushAsync(0, length + 1)', code: R, how: 'rejects', call: onMut((m) => m.flushAsync(0, SIZE + 1)) },
  { name: 'flushAsync(-1)', code: V, how: 'rejects', call: onMut((m) => m.flushAsync(-1)) },
  { name: "flushAsync('x')", code: T, how: 'rejects', call: onMut((m) => m.flushAsync('x')) },
  // ---- advise ---------------------------------------------------------------------------
  { name: "advise('normal', 0, length + 1)", code: R, call: onRead((m) => m.advise('normal', 0, SIZE + 1)) },
  { name: "advise('willneed', length + 1)", code: R, call: onRead((m) => m.advise('willneed', SIZE + 1)) },
  { name: "advise('bogus')", code: V, call: onRead((m) => m.advise('bogus')) },
  { name: "advise('NORMAL') (enum strings are exact)", code: V, call: onRead((m) => m.advise('NORMAL')) },
  { name: 'advise(42)', code: T, call: onRead((m) => m.advise(42)) },
  { name: 'advise() (advice missing)', code: T, call: onMut((m) => m.advise()) },
  { name: "advise('normal', -1)", code: V, call: onRead((m) => m.advise('normal', -1)) },
  { name: "advise('random', 0, 1.5)", code: V, call: onAnon((m) => m.advise('random', 0, 1.5)) },
  // ---- residency / prefetch -------------------------------------------------------------
  { name: 'residency(0, length + 1)', code: R, call: onRead((m) => m.residency(0, SIZE + 1)) },
  { name: 'residency(-1)', code: V, call: onRead((m) => m.residency(-1)) },
  { name: "residency('x')", code: T, call: onRead((m) => m.residency('x')) },
  { name: 'prefetch(0, length + 1)', code: R, how: 'rejects', call: onRead((m) => m.prefetch(0, SIZE + 1)) },
  { name: 'prefetch(-1)', code: V, how: 'rejects', call: onRead((m) => m.prefetch(-1)) },
  { name: "prefetch('0')", code: T, how: 'rejects', call: onRead((m) => m.prefetch('0')) },
  // ---- resize ---------------------------------------------------------------------------
  { name: 'resize(-1)', code: V, call: onMut((m) => m.resize(-1)) },
  { name: 'resize(1.5)', code: V, call: onMut((m) => m.resize(1.5)) },
  { name: 'resize(NaN)', code: V, call: onMut((m) => m.resize(NaN)) },
  { name: 'resize(Infinity)', code: V, call: onMut((m) => m.resize(Infinity)) },
  { name: "resize('10')", code: T, call: onMut((m) => m.resize('10')) },
  { name: 'resize() (length missing)', code: T, call: onMut((m) => m.resize()) },
  { name: 'resize(-1) on an anonymous map', code: V, call: onAnon((m) => m.resize(-1)) },
  // ---- after close ----------------------------------------------------------------------
  { name: 'bytes after close', code: C, call: closedMut((m) => m.bytes) },
  {
    name: 'bytes after close (map)',
    code: C,
    call: afterClose(
      (e) => e.backend.map(e.path),
      (m) => m.bytes,
    ),
  },
  {
    name: 'bytes after close (mapAnon)',
    code: C,
    call: afterClose(
      (e) => e.backend.mapAnon(16),
      (m) => m.bytes,
    ),
  },
  { name: 'view() after close', code: C, call: closedMut((m) => m.view(0, 1)) },
  { name: 'advise() after close', code: C, call: closedMut((m) => m.advise('normal')) },
  { name: 'residency() after close', code: C, call: closedMut((m) => m.residency()) },
  { name: 'lock() after close', code: C, call: closedMut((m) => m.lock()) },
  { name: 'unlock() after close', code: C, call: closedMut((m) => m.unlock()) },
  { name: 'flush() after close', code: C, call: closedMut((m) => m.flush()) },
  { name: 'resize() after close', code: C, call: closedMut((m) => m.resize(SIZE * 2)) },
  { name: 'prefetch() after close rejects', code: C, how: 'rejects', call: closedMut((m) => m.prefetch()) },
  { name: 'flushAsync() after close rejects', code: C, how: 'rejects', call: closedMut((m) => m.flushAsync()) },
  {
    name: 'view() after close (mapCopy)',
    code: C,
    call: afterClose(
      (e) => e.backend.mapCopy(e.path),
      (m) => m.view(),
    ),
  },
];

function register(ctx: SuiteContext): void {
  const content = pattern(SIZE, 42);

  for (const row of ROWS) {
    it(`${row.name} → ${row.code}`, async () => {
      const dir = ctx.tmpDir();
      const path = join(dir, 'data.bin');
      writeFileSync(path, content);
      const before = readdirSync(dir).sort();
      const env: Env = { backend: ctx.backend, path, dir, missing: join(dir, 'missing.bin') };
      if (row.handle) env.handle = await open(path, 'r');
      try {
        const call = () => row.call(env);
        const err = row.how === 'rejects' ? await expectRejects(call, row.code) : expectThrows(call, row.code);
        row.check?.(err, env);
      } finally {
        await env.handle?.close();
      }
      expect(readdirSync(dir).sort(), 'no file created or removed').toEqual(before);
      expect(statSync(path).size, 'file size unchanged').toBe(SIZE);
      expect(readFileSync(path).equals(content), 'file bytes unchanged').toBe(true);
    });
  }

  it(`the table has at least 45 rows (${ROWS.length})`, () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(45);
  });

  it('close() twice, and [Symbol.dispose] after close(), are fine; closed stays true', () => {
    const maps = [ctx.backend.map(ctx.file(SIZE)), ctx.backend.mapMut(ctx.file(SIZE)), ctx.backend.mapAnon(16)];
    for (const m of maps) {
      m.close();
      expect(() => m.close()).not.toThrow();
      expect(() => m[Symbol.dispose]()).not.toThrow();
      expect(m.closed).toBe(true);
    }
  });

  it('valid but unusual options are accepted: unknown keys, explicit undefined', () => {
    const { backend } = ctx;
    const path = ctx.file(content);
    const maps = [
      backend.map(path, { bogus: 1 } as never),
      backend.map(path, undefined),
      backend.map(path, { offset: undefined, length: undefined, populate: undefined }),
      backend.mapMut(path, { whatever: 'x' } as never),
      backend.mapCopy(path, {}),
      backend.mapAnon(16, { bogus: true } as never),
      backend.mapAnon(16, undefined),
    ];
    try {
      expect(maps.map((m) => m.length)).toEqual([SIZE, SIZE, SIZE, SIZE, SIZE, 16, 16]);
    } finally {
      for (const m of maps) m.close();
    }
    expect(readFileSync(path).equals(content)).toBe(true);
  });

  it('a failed call leaves the backend usable (the same file maps fine afterwards)', () => {
    const path = ctx.file(content);
    expectThrows(() => ctx.backend.map(path, { offset: SIZE + 1 }), R);
    using m = ctx.backend.map(path);
    expect(m.bytes.equals(content)).toBe(true);
  });
}

export const badInputGroup: Group = { name: 'bad input', register };
