// Addon-specific checks beyond the conformance suite: finalizers, detaching, >4 GiB, SIGBUS.

import { constants } from 'node:buffer';
import { adviceNames } from '@memmap/core';
import { describe, expect, it } from 'vitest';
import { addon } from '../src/addon.js';
import { backend } from '../src/index.js';
import { runChild } from './child.js';

const ok = (c: { status: number | null; signal: string | null; stderr: string }) =>
  expect({ status: c.status, signal: c.signal, stderr: c.status === 0 ? '' : c.stderr }).toEqual({ status: 0, signal: null, stderr: '' });

describe('napi backend', () => {
  it('has the capability row of the design', () => {
    expect({ ...backend.capabilities }).toEqual({
      zeroCopy: true,
      coherent: true,
      detachOnClose: true,
      truncationSafe: process.platform === 'linux',
      lock: true,
      hugePages: true,
      waitNotify: process.platform === 'linux' || process.platform === 'win32',
      named: process.platform !== 'win32',
      shareable: true,
      ownDescriptor: true,
    });
    expect(Object.isFrozen(backend.capabilities)).toBe(true);
  });

  it('pins itself: the addon is never unloaded while the process lives (Workers may load it alone)', () => {
    expect(addon.pinned).toBe(true);
  });

  it('exports its native enums by name: every advice and file-map kind of core, each a distinct code', () => {
    expect(Object.keys(addon.constants.advice).sort()).toEqual([...adviceNames].sort());
    expect(new Set(Object.values(addon.constants.advice)).size).toBe(adviceNames.length);
    expect(addon.constants.mapKinds).toEqual({ read: expect.any(Number), shared: expect.any(Number), copy: expect.any(Number) });
    expect(new Set(Object.values(addon.constants.mapKinds)).size).toBe(3);
  });

  it.skipIf(process.platform !== 'linux')('unmaps a never-closed map when it is collected (and only then)', () => {
    const c = runChild('addon', 'gc-unmaps', ['--expose-gc']);
    ok(c);
    expect(c.result).toEqual({ live: 1, afterGc: 0, abAlive: 1, abByte: 1, abGone: 0, native: 0 });
  });

  it('close() detaches every view: Buffer, subarray, view(), Uint8Array read length 0 (child)', () => {
    // A child: were a view left attached, the DataView read below would touch unmapped memory.
    const c = runChild('addon', 'close-detaches');
    ok(c);
    expect(c.result).toEqual({ lengths: [0, 0, 0, 0, 0], dv: 'TypeError', bytes: 'ERR_MMAP_CLOSED' });
  });

  it('resize() grows a map that advise() split into several VMAs (mremap EFAULT)', () => {
    const m = backend.mapAnon(64 * 4096);
    m.bytes[5] = 3;
    m.advise('sequential', 0, 1);
    m.advise('random', 8 * 4096, 4096);
    m.resize(16 * 4096);
    m.bytes[16 * 4096 - 1] = 4;
    m.resize(128 * 4096);
    expect([m.bytes[5], m.bytes[16 * 4096 - 1], m.bytes[128 * 4096 - 1]]).toEqual([3, 4, 0]);
    m.close();
  });

  it('resize() detaches the old views', () => {
    const m = backend.mapAnon(4096);
    const old = m.bytes;
    old[7] = 42;
    m.resize(3 * 4096);
    expect(old.length).toBe(0);
    expect(m.bytes.length).toBe(3 * 4096);
    expect(m.bytes[7]).toBe(42);
    m.close();
  });

  it('writes and reads after close neither crash nor reach the file (child)', () => {
    const c = runChild('addon', 'closed-writes');
    ok(c);
    expect(c.result).toEqual({ read: null, fillThrew: true, dvThrew: true, unchanged: true });
  });

  it('a stray write to a read-only map cannot crash and never reaches the file (child)', () => {
    const c = runChild('addon', 'read-only-stray-write');
    ok(c);
    expect(c.result).toEqual({ seen: [7, 8, 5], unchanged: true });
  });

  it("a read-only map sees another process's writes (coherent), even after a stray write elsewhere", () => {
    const c = runChild('addon', 'coherent');
    ok(c);
    expect(c.result).toEqual({ writer: 0, before: 0, after: [77, 66] });
  });

  it.skipIf(process.platform !== 'linux')(
    'a file truncated under a live map cannot kill the process; the next call throws ERR_MMAP_TRUNCATED (child)',
    () => {
      const c = runChild('addon', 'truncated');
      ok(c);
      const expected = {
        lostRead: 0,
        written: 9,
        roRead: 0,
        kept: 1,
        flush: 'ERR_MMAP_TRUNCATED',
        advise: 'ERR_MMAP_TRUNCATED',
        residency: 'ERR_MMAP_TRUNCATED',
        resize: 'ERR_MMAP_TRUNCATED',
        flushAsync: 'ERR_MMAP_TRUNCATED',
        size: 4096,
      };
      expect(c.result).toEqual({ self: expected, other: expected });
    },
  );

  it.skipIf(process.platform !== 'linux')('SIGBUS outside our maps still reaches the previous (default) handler', () => {
    const c = runChild('addon', 'sigbus-default');
    expect(c.signal).toBe('SIGBUS');
  });

  it('maps and windows above 4 GiB of a sparse file; bytes is guarded by the runtime limit (child)', () => {
    const c = runChild('addon', 'above-4gib');
    ok(c);
    const sixG = 6 * 2 ** 30;
    expect(c.result).toEqual({
      length: 1.5 * 2 ** 30 - 3,
      bytes: 1.5 * 2 ** 30 - 3,
      bigBytes: sixG > constants.MAX_LENGTH ? 'ERR_MMAP_TOO_LARGE' : sixG,
      far: 'far away',
      near: 'abcd',
      seen: 'abcd',
    });
  });

  it('close() while flushAsync/prefetch run is safe; the promises settle (child)', () => {
    const c = runChild('addon', 'close-while-async');
    ok(c);
    expect(c.result).toEqual({ results: ['fulfilled', 'fulfilled', 'fulfilled'], two: true });
  });

  it('errors are MmapErrors shaped like fs errors, and leave no mapping behind', () => {
    const live = addon.liveMappings();
    // Huge pages: a map where the system has them, else the OS answer as an MmapError.
    try {
      backend.mapAnon(4 << 20, { hugePages: true }).close();
    } catch (e) {
      expect(e).toMatchObject({ name: 'MmapError', code: 'ENOMEM', syscall: 'mmap' });
    }
    let error: any;
    try {
      backend.mapAnon(2 ** 52);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'MmapError', code: 'ENOMEM', syscall: 'mmap', errno: -12 });
    expect(addon.liveMappings()).toBeLessThanOrEqual(live); // less if a GC freed an older map meanwhile
  });

  it.skipIf(process.platform !== 'linux')('2000 map/close cycles (and failing calls) leave maps and fds at baseline (child)', () => {
    const c = runChild('addon', 'leak-cycles', ['--expose-gc']);
    ok(c);
    const { before, after } = c.result;
    expect([after[0], after[1]]).toEqual([0, before[1]]);
    expect(after[2] - before[2]).toBeLessThan(256 * 1024); // KiB; 2000 leaked MiB would show
  });

  it('advise/residency/lock/prefetch work on an anonymous map', async () => {
    const m = backend.mapAnon(16 * 4096, { populate: true });
    expect(m.advise('sequential')).toBe(true);
    expect(m.advise('dontneed')).toBe(false); // would zero private pages: refused, data kept
    m.bytes[0] = 5;
    expect(m.residency()).toEqual({ resident: 16, total: 16, pageSize: 4096 });
    await m.prefetch();
    m.lock();
    m.unlock();
    expect(m.bytes[0]).toBe(5);
    m.close();
  });
});
