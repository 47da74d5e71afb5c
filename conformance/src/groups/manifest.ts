// manifest: the backend's name and capability flags, each flag checked both ways where it can be
// observed in this process (a flag that is false must be false in behaviour too: no silent lies).
import { writeSync, openSync, closeSync } from 'node:fs';
import { describe, expect, it } from '../harness/index.js';
import { type Capabilities, capabilityFlags, type MmapMut } from '@memmap/core';
import { pattern, type SuiteContext } from '../context.js';
import type { ManifestMode } from '../children/manifest.js';
import type { Group } from './index.js';
import { sectionSize } from './windows-limits.js';
import { MiB, allZero, assertMmapError, expectCleanExit, expectRejects, expectThrows, sparseFile } from './assert.js';

/** Every flag of the contract (core's list; the group checks each backend claims all of them). */
const FLAGS: readonly (keyof Capabilities)[] = capabilityFlags;

function register(ctx: SuiteContext): void {
  const { backend } = ctx;
  const caps = ctx.caps;

  it('name is a non-empty string', () => {
    expect(typeof backend.name).toBe('string');
    expect(backend.name.length).toBeGreaterThan(0);
  });

  it('capabilities is a frozen object with every boolean flag of the contract', () => {
    expect(typeof caps).toBe('object');
    expect(Object.isFrozen(caps)).toBe(true);
    for (const flag of FLAGS) expect(typeof caps[flag], flag).toBe('boolean');
  });

  it('maps report the backend name', () => {
    using m = backend.mapAnon(16);
    expect(m.backend).toBe(backend.name);
  });

  describe('zeroCopy', () => {
    // A zero-copy map IS the page cache: a write through one map is in the file for a map opened
    // afterwards, without flush. A copying backend only writes back on flush/close.
    it(`a write through mapMut is ${caps.zeroCopy ? '' : 'not '}seen by a map opened later, before flush`, () => {
      const path = ctx.file(8192);
      using w = backend.mapMut(path);
      w.bytes.fill(0xab, 100, 110);
      using r = backend.map(path);
      const seen = r.bytes.subarray(100, 110).every((b) => b === 0xab);
      expect(seen).toBe(caps.zeroCopy);
    });

    // A fresh sparse file has no page-cache pages: a zero-copy map of it is not resident until touched,
    // while a copy is resident in full from the start.
    it(`mapping a never-read sparse file ${caps.zeroCopy ? 'copies nothing (not all resident)' : 'copies it (all resident)'}`, () => {
      using m = backend.map(sparseFile(ctx, 16 * MiB));
      const r = m.residency();
      expect(r.total).toBe((16 * MiB) / r.pageSize);
      if (caps.zeroCopy) expect(r.resident).toBeLessThan(r.total);
      else expect(r.resident).toBe(r.total);
    });
  });

  describe('coherent', () => {
    it(`a write after map() is ${caps.coherent ? '' : 'not '}visible through it without remapping (mapMut)`, () => {
      const path = ctx.file(8192);
      using r = backend.map(path);
      const before = Buffer.from(r.bytes.subarray(0, 16));
      using w = backend.mapMut(path);
      w.bytes.fill(0x5a, 0, 16);
      w.flush();
      const now = r.bytes.subarray(0, 16);
      expect(now.every((b) => b === 0x5a)).toBe(caps.coherent);
      if (!caps.coherent) expect(now.equals(before)).toBe(true);
    });

    it(`a write() to the file after map() is ${caps.coherent ? '' : 'not '}visible through it`, () => {
      const path = ctx.file(8192);
      using r = backend.map(path);
      const fd = openSync(path, 'r+');
      try {
        writeSync(fd, Buffer.alloc(16, 0x77), 0, 16, 4096);
      } finally {
        closeSync(fd);
      }
      expect(r.bytes.subarray(4096, 4112).every((b) => b === 0x77)).toBe(caps.coherent);
    });
  });

  describe('detachOnClose', () => {
    it.skipIf(!caps.detachOnClose)('old bytes and views read length 0 after close (flag true)', () => {
      const path = ctx.file(8192);
      const m = backend.map(path);
      const bytes = m.bytes;
      const view = m.view(10, 100);
      expect(bytes.length).toBe(8192);
      m.close();
      expect(bytes.length).toBe(0);
      expect(view.length).toBe(0);
      expect(bytes[0]).toBeUndefined();
    });

    it.skipIf(!caps.detachOnClose)('old Buffers of mapMut and mapAnon read length 0 after close (flag true)', () => {
      const a = backend.mapAnon(4096);
      const w = backend.mapMut(ctx.file(4096));
      const bufs = [a.bytes, a.view(1, 2), w.bytes, w.view(0, 4096)];
      a.close();
      w.close();
      expect(bufs.map((b) => b.length)).toEqual([0, 0, 0, 0]);
    });

    it.skipIf(caps.detachOnClose)(
      'old Buffers keep their length after close, and reading them does not crash (flag false, child process)',
      () => {
        const path = ctx.file(8192);
        const r = ctx.runChildScript('manifest', ['read-after-close' satisfies ManifestMode, path]);
        expectCleanExit(r);
        expect(r.stdout).toMatch(/^ok 8192 10 /);
      },
    );
  });

  describe('truncationSafe', () => {
    it.skipIf(!caps.truncationSafe)('a file cut short under a live map does not kill the process (child)', () => {
      const path = ctx.file(64 * 1024);
      const r = ctx.runChildScript('manifest', ['read-after-truncation' satisfies ManifestMode, path]);
      expectCleanExit(r);
    });
  });

  describe('lock', () => {
    it.skipIf(!caps.lock)('lock() and unlock() work (flag true; EPERM/ENOMEM accepted from mlock)', () => {
      using m = backend.mapAnon(64 * 1024);
      let locked: unknown;
      try {
        locked = m.lock();
      } catch (err) {
        assertMmapError(err, ['EPERM', 'ENOMEM', 'EAGAIN']);
        return;
      }
      expect(locked).toBeUndefined();
      expect(m.unlock()).toBeUndefined();
    });

    it.skipIf(caps.lock)('lock() and unlock() throw ERR_MMAP_UNSUPPORTED (flag false)', () => {
      using m = backend.map(ctx.file(4096));
      expectThrows(() => m.lock(), 'ERR_MMAP_UNSUPPORTED');
      expectThrows(() => m.unlock(), 'ERR_MMAP_UNSUPPORTED');
      expect(m.closed).toBe(false);
    });
  });

  describe('hugePages', () => {
    it.skipIf(!caps.hugePages)('mapAnon({ hugePages: true }) works (flag true; ENOMEM when none are configured)', () => {
      let m: MmapMut;
      try {
        m = backend.mapAnon(4 * MiB, { hugePages: true });
      } catch (err) {
        // MAP_HUGETLB fails with ENOMEM when the system has no huge pages reserved.
        assertMmapError(err, 'ENOMEM');
        return;
      }
      try {
        expect(m.length).toBe(4 * MiB);
        expect(allZero(m.bytes)).toBe(true);
        m.bytes.fill(1, 0, 10);
        expect(m.bytes[9]).toBe(1);
      } finally {
        m.close();
      }
    });

    it.skipIf(caps.hugePages)('mapAnon({ hugePages: true }) throws ERR_MMAP_UNSUPPORTED (flag false)', () => {
      expectThrows(() => backend.mapAnon(4 * MiB, { hugePages: true }), 'ERR_MMAP_UNSUPPORTED');
    });

    it('mapAnon({ hugePages: false }) always works', () => {
      using m = backend.mapAnon(8192, { hugePages: false });
      expect(m.length).toBe(8192);
      expect(allZero(m.bytes)).toBe(true);
    });
  });

  describe('waitNotify', () => {
    it.skipIf(!caps.waitNotify)('wait/waitAsync/notify work: not-equal, timed-out, a wake-up across processes (flag true)', async () => {
      const path = ctx.file(4096);
      using m = backend.mapMut(path);
      const words = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 4);
      words[0] = 1;
      words[1] = 0; // the word the child waits on
      expect(m.wait(0, 2)).toBe('not-equal');
      expect(m.wait(0, 1, 1)).toBe('timed-out');
      await expect(m.waitAsync(0, 1, 1)).resolves.toBe('timed-out');
      // The child (children/manifest.ts) waits on word 1 for up to 20 s and prints the result.
      const { done } = ctx.spawnChildScript('manifest', ['wait-word1' satisfies ManifestMode, path]);
      let woken = 0;
      let exited = false;
      void done.then(() => (exited = true));
      while (woken === 0 && !exited) {
        woken = m.notify(4);
        if (woken === 0) await new Promise((r) => setTimeout(r, 5));
      }
      const r = await done;
      expectCleanExit(r);
      expect({ woken, result: r.stdout.trim() }).toEqual({ woken: 1, result: 'ok' });
    });

    it.skipIf(caps.waitNotify)('wait/notify throw and waitAsync rejects with ERR_MMAP_UNSUPPORTED (flag false)', async () => {
      using m = backend.mapMut(ctx.file(4096));
      expectThrows(() => m.wait(0, 0, 0), 'ERR_MMAP_UNSUPPORTED');
      expectThrows(() => m.notify(0), 'ERR_MMAP_UNSUPPORTED');
      await expectRejects(() => m.waitAsync(0, 0, 0), 'ERR_MMAP_UNSUPPORTED');
      using a = backend.mapAnon(64);
      expectThrows(() => a.notify(0), 'ERR_MMAP_UNSUPPORTED');
    });
  });

  describe('named', () => {
    it.skipIf(!caps.named)('mapNamed creates a region another map opens by name; unlinkNamed removes it (flag true)', () => {
      const name = `mm-manifest-${process.pid}`;
      using a = backend.mapNamed(name, { create: 'exclusive', length: 64 });
      try {
        a.bytes[5] = 42;
        using b = backend.mapNamed(name);
        // A Windows named section reports its size in whole pages (docs/platforms.md).
        expect({ length: b.length, byte: b.bytes[5] }).toEqual({ length: sectionSize(64), byte: 42 });
      } finally {
        // While mapped, so the name exists on Windows too (it lives while a process holds it).
        expect(typeof backend.unlinkNamed(name)).toBe('boolean');
      }
    });

    it.skipIf(caps.named)('mapNamed and unlinkNamed throw ERR_MMAP_UNSUPPORTED (flag false)', () => {
      expectThrows(() => backend.mapNamed('mm-manifest', { create: true, length: 64 }), 'ERR_MMAP_UNSUPPORTED');
      expectThrows(() => backend.unlinkNamed('mm-manifest'), 'ERR_MMAP_UNSUPPORTED');
    });
  });

  describe('ownDescriptor', () => {
    // The mutable group checks the rest (append-mode fds, a reused fd number, FileHandles).
    it(`mapMut() of a caller's fd ${caps.ownDescriptor ? 'works, and writes reach the file after the caller closed its fd' : 'throws ERR_MMAP_UNSUPPORTED and changes nothing'}`, () => {
      const path = ctx.file(pattern(8192, 4));
      const before = ctx.read(path);
      const fd = openSync(path, 'r+');
      if (!caps.ownDescriptor) {
        try {
          expectThrows(() => backend.mapMut(fd), 'ERR_MMAP_UNSUPPORTED');
        } finally {
          closeSync(fd);
        }
        expect(ctx.read(path).equals(before)).toBe(true);
        return;
      }
      using m = backend.mapMut(fd);
      closeSync(fd);
      m.bytes.fill(0x42, 0, 8);
      m.flush();
      expect(
        ctx
          .read(path)
          .subarray(0, 8)
          .every((b) => b === 0x42),
      ).toBe(true);
    });
  });

  it('the file content seen through maps of every kind matches the file', () => {
    const content = pattern(10_000, 3);
    const path = ctx.file(content);
    for (const m of [backend.map(path), backend.mapMut(path), backend.mapCopy(path)]) {
      try {
        expect(m.bytes.equals(content)).toBe(true);
      } finally {
        m.close();
      }
    }
  });
}

export const manifestGroup: Group = { name: 'manifest', register };
