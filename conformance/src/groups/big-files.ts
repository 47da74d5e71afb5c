// big files and full disks: maps above 2 GiB and 4 GiB read and write the right bytes (no fs call
// is asked for more than Node and the OS accept); a full disk is ENOSPC, never a truncation and
// never a silent loss of bytes already in a file; `allocate: true` makes it a clean ENOSPC up front.
// Full-disk checks run in a child process (ffi cannot survive the SIGBUS of a page the disk refused:
// truncationSafe false) on a 1 MiB tmpfs, which needs root on Linux; elsewhere they are skipped
// with the reason.

import { constants as bufferConstants } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Attempt, FullDiskScenario } from '../children/full-disk.js';
import type { ChildResult, SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { allZero, expectThrows, GiB, readAt, sparseFile } from './assert.js';
import type { Group } from './index.js';
import { childJson } from './robust-util.js';

const BIG = 5 * GiB;
const DEEP = 4 * GiB + GiB / 2; // 4.5 GiB
const deep = Buffer.from('deep');
/** Just past the int32 and 0x7ffff000 limits of one fs call. */
const OVER_2G = 2 * GiB + 8192;

/** Why a 1 MiB tmpfs cannot be mounted here, or undefined when it can (probed once). */
let mountProbe: string | undefined | null = null;
function tmpfsRefusal(ctx: SuiteContext): string | undefined {
  if (mountProbe === null) mountProbe = probeTmpfs(ctx);
  return mountProbe;
}

function probeTmpfs(ctx: SuiteContext): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs mounts are a Linux test fixture';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = ctx.tmpDir();
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `mount -t tmpfs refused: ${(r.stderr || String(r.error)).trim()}`;
  spawnSync('umount', [dir]);
  return undefined;
}

/** A fresh 1 MiB tmpfs for one test; `use` gets its directory; always unmounted after. */
function withFullDiskDir<T>(ctx: SuiteContext, use: (dir: string) => T): T {
  const dir = ctx.tmpDir();
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
  try {
    return use(dir);
  } finally {
    spawnSync('umount', ['-l', dir]);
  }
}

function register(ctx: SuiteContext): void {
  const { backend, caps } = ctx;
  // The copying fallback may refuse a map larger than one Buffer (Node 20: 4 GiB).
  const wholeFileMapHolds = caps.zeroCopy || BIG <= bufferConstants.MAX_LENGTH;

  it('a > 4 GiB sparse file written at 4.5 GiB through one map reads back through fs and a whole-file map', () => {
    const path = sparseFile(ctx, BIG);
    {
      using w = backend.mapMut(path, { offset: DEEP, length: 4096 });
      deep.copy(w.bytes);
    }
    expect(readAt(path, DEEP, 4).equals(deep), 'fs reads the bytes the map wrote').toBe(true);
    {
      using small = backend.map(path, { offset: DEEP, length: 4 });
      expect(small.bytes.equals(deep)).toBe(true);
    }
    if (!wholeFileMapHolds) {
      expectThrows(() => backend.map(path), 'ERR_MMAP_TOO_LARGE');
      return;
    }
    using whole = backend.map(path);
    expect(whole.length).toBe(BIG);
    expect(whole.view(DEEP, 4).equals(deep), 'whole-file map at 4.5 GiB').toBe(true);
    expect(allZero(whole.view(DEEP - 4096, 4096))).toBe(true);
  });

  it('a map of more than 2 GiB reads the bytes on both sides of 2 GiB and 4 GiB, not zeros', () => {
    const markers: Array<[number, Buffer]> = [
      [2 * GiB - 2, Buffer.from('two-')],
      [4 * GiB - 2, Buffer.from('four')],
      [4 * GiB + 2 * GiB - 8, Buffer.from('last')],
    ];
    const path = sparseFile(ctx, 6 * GiB, markers);
    // Just over 2 GiB (over int32) from an unaligned offset, across both boundaries.
    const offset = 2 * GiB - 1024 * 1024 + 123;
    const length = 2 * GiB + 2 * 1024 * 1024;
    if (!caps.zeroCopy && length > bufferConstants.MAX_LENGTH) {
      expectThrows(() => backend.map(path, { offset, length }), 'ERR_MMAP_TOO_LARGE');
      return;
    }
    using m = backend.map(path, { offset, length });
    for (const [at, data] of markers.slice(0, 2)) expect(m.view(at - offset, 4).toString()).toBe(data.toString());
    expect(allZero(m.view(length - 4096, 4096))).toBe(true);
  });

  it('a write-back of more than 2 GiB of changed bytes reaches the file whole (flush, then fs)', () => {
    const path = sparseFile(ctx, OVER_2G + 8192);
    {
      using m = backend.mapMut(path, { offset: 4096, length: OVER_2G });
      const fill = (from: number, to: number) => {
        // In windows, so a map larger than one Buffer (none here) would work the same.
        for (let at = from; at < to; at += GiB) m.view(at, Math.min(GiB, to - at)).fill(0x5a);
      };
      fill(0, OVER_2G);
      m.flush();
    }
    for (const at of [4096, 4096 + 2 * GiB - 1, 4096 + 2 * GiB, 4096 + OVER_2G - 1]) {
      expect(readAt(path, at, 1)[0], `byte at ${at}`).toBe(0x5a);
    }
    expect(readAt(path, 4095, 1)[0]).toBe(0);
    expect(readAt(path, 4096 + OVER_2G, 1)[0]).toBe(0);
    expect(statSync(path).size).toBe(OVER_2G + 8192);
  });

  it('resize() to more than 2 GiB shows the file bytes beyond the old end (the grown part is read, not zeroed)', () => {
    const at = 2 * GiB + 4096 * 3 + 5;
    const path = sparseFile(ctx, OVER_2G + 4096 * 4, [[at, deep]]);
    using m = backend.mapMut(path, { length: 4096 });
    m.resize(OVER_2G + 4096 * 4);
    expect(m.view(at, 4).equals(deep)).toBe(true);
    expect(statSync(path).size).toBe(OVER_2G + 4096 * 4);
  });

  // ---- full disks -------------------------------------------------------------------------------

  const refusal = tmpfsRefusal(ctx);
  if (refusal !== undefined) {
    it.skip(`full-disk checks on a 1 MiB tmpfs (skipped: ${refusal})`, () => {});
    return;
  }

  /** Runs a full-disk scenario in a child on a fresh 1 MiB tmpfs holding keep.bin (64 KiB pattern). */
  const onFullDisk = (scenario: FullDiskScenario, check: (r: ChildResult, dir: string) => void) =>
    withFullDiskDir(ctx, (dir) => {
      const keep = Buffer.alloc(64 * 1024);
      for (let i = 0; i < keep.length; i++) keep[i] = (i * 7 + 3) & 255;
      writeFileSync(`${dir}/keep.bin`, keep);
      const r = ctx.runChildScript('full-disk', [scenario, dir]);
      check(r, dir);
      expect(readFileSync(`${dir}/keep.bin`).equals(keep), 'a file already on the disk is unchanged').toBe(true);
    });

  it('writes past the free space without allocate: ENOSPC (never ERR_MMAP_TRUNCATED) by flush at the latest; nothing else changes', () => {
    onFullDisk('writePastFreeSpace', (r) => {
      if (!caps.truncationSafe && r.signal === 'SIGBUS') return; // ffi: the documented death
      const res = childJson<{ writes: Attempt; flush: Attempt; size: number; close: Attempt; closed: boolean }>(r);
      const failure = !res.writes.ok ? res.writes : res.flush;
      expect(failure.ok, 'a full disk cannot pass silently').toBe(false);
      expect(failure.code, failure.message).toBe('ENOSPC');
      expect(failure.message).not.toMatch(/truncat/i);
      expect(res.size, 'the file keeps its length').toBe(4 * 1024 * 1024);
      // close() may report the write-back it could not do (a copying backend), but it closes.
      if (!res.close.ok) expect(res.close.code, res.close.message).toBe('ENOSPC');
      expect(res.closed).toBe(true);
    });
  });

  it('mapMut({ create, allocate }) past the free space: ENOSPC at the call, no file left behind', () => {
    onFullDisk('createAllocatePastFreeSpace', (r) => {
      const res = childJson<{ made: Attempt; exists: boolean }>(r);
      expect(res.made.ok).toBe(false);
      expect(res.made.code, res.made.message).toBe('ENOSPC');
      expect(res.exists, 'the created file is removed').toBe(false);
    });
  });

  it('mapMut({ allocate }) past the free space on an existing file: ENOSPC, size and bytes kept', () => {
    onFullDisk('allocateExistingPastFreeSpace', (r) => {
      const res = childJson<{ made: Attempt; size: number }>(r);
      expect(res.made.ok).toBe(false);
      expect(res.made.code, res.made.message).toBe('ENOSPC');
      expect(res.size).toBe(64 * 1024);
    });
  });

  it('allocate within the free space: every page written and flushed reaches the file', () => {
    onFullDisk('allocateWithinFreeSpace', (r) => {
      const res = childJson<{ flush: Attempt; lost: number; size: number }>(r);
      expect(res.flush.ok, res.flush.message).toBe(true);
      expect(res.lost, 'pages lost').toBe(0);
      expect(res.size).toBe(512 * 1024);
    });
  });

  it('resize(n, { allocate }) past the free space: ENOSPC, the map, its bytes and the file as they were', () => {
    onFullDisk('resizeAllocatePastFreeSpace', (r) => {
      const res = childJson<{ grow: Attempt; intact: boolean; size: number; flush: Attempt; first: number; fileLength: number }>(r);
      expect(res.grow.ok).toBe(false);
      expect(res.grow.code, res.grow.message).toBe('ENOSPC');
      expect(res.intact, 'map length and bytes unchanged').toBe(true);
      expect(res.size, 'file size unchanged').toBe(64 * 1024);
      expect(res.flush.ok, res.flush.message).toBe(true);
      expect(res.first).toBe(99);
      expect(res.fileLength).toBe(64 * 1024);
    });
  });

  it('resize(n, { allocate }) within the free space reserves the blocks: every new page reaches the file', () => {
    onFullDisk('resizeAllocateWithinFreeSpace', (r) => {
      const res = childJson<{ flush: Attempt; lost: number; size: number }>(r);
      expect(res.flush.ok, res.flush.message).toBe(true);
      expect(res.lost).toBe(0);
      expect(res.size).toBe(256 * 1024);
    });
  });
}

export const bigFilesGroup: Group = { name: 'big files and full disks', register };
