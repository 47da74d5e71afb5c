// share()/openShared() on the ffi backend beyond the conformance group: hostile handles that name a
// live entry, the registry's bookkeeping (ended threads, resize, re-share), and where it lives. Each
// case runs in a child process (the registry is process-wide), whose exit status is asserted.
import { describe, expect, it } from 'vitest';
import { backend } from '../src/index.js';
import { report, runChild } from './child.js';

const linux = process.platform === 'linux';

describe.skipIf(!linux)('share / openShared (ffi registry)', () => {
  it('shareable is true on Linux', () => {
    expect(backend.capabilities.shareable).toBe(true);
  });

  it('a handle naming a live entry with its kind, length or offset altered is ERR_INVALID_ARG_VALUE, never a bigger view', () => {
    const r = report<{ codes: Record<string, string>; lengths: number[]; genuine: number }>(runChild('share', ['forged-handles']));
    const invalid = 'ERR_INVALID_ARG_VALUE';
    expect(r.codes).toEqual({
      length: invalid,
      'length+1': invalid,
      'kind shared': invalid,
      'kind read': invalid,
      'kind copy': invalid,
      offset: invalid,
      'kind and length': invalid,
      'secret of another entry': invalid,
      'id of another entry': invalid,
      'short secret': invalid,
      'upper-case id': invalid,
      'id past the slots': invalid,
    });
    expect(r.lengths).toEqual([]);
    expect(r.genuine).toBe(4096);
  });

  it('the length comes from the registry: a handle made before a resize opens the resized memory', () => {
    // Node 20 cannot detach a closed map object's views: they keep the memory (and resize() EBUSY)
    // until collected, so the child collects them before each resize.
    const r = report<Record<string, unknown>>(runChild('share', ['resize-handle'], ['--expose-gc']));
    expect(r).toEqual({
      length: 3 * 4096,
      first: 1,
      last: 9,
      again: true,
      emptyLength: 0,
      afterGrow: [4096, 5],
      released: 'ERR_MMAP_CLOSED',
    });
  });

  it("a Worker terminated while holding the memory stops counting once its thread is gone: resize() then works, and the file is unmapped by the main thread's close", () => {
    const r = report<Record<string, unknown>>(runChild('share', ['terminated-worker']));
    expect(r).toEqual({ message: 'holding', busy: 'EBUSY', closed: true, length: 8192, before: 1, after: 0 });
  });

  it('Workers that start sharing at the same moment find one registry: every handle opens in the main thread', () => {
    const r = report<{ values: number[]; names: number }>(runChild('share', ['racing-workers']));
    expect(r).toEqual({ values: [0, 0, 0, 0], names: 1 });
  });

  it('the registry lives in this process only: its environment entry names this pid and its start time', () => {
    const r = report<{ names: string[]; pid: number }>(runChild('share', ['registry-env']));
    expect(r.names).toHaveLength(1);
    expect(r.names[0]).toMatch(new RegExp(`^MEMMAP_FFI_REGISTRY_${r.pid}_\\d+$`));
  });
});
