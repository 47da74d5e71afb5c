// Defence in depth: the region checks every offset, length and wait address itself, against the
// map's real length it holds privately (#fields), before any call reaches the OS. These calls
// bypass core (which would refuse them first) and reach a raw FfiRegion; each must fail with a
// clean MmapError and leave the process alive. They run in a child process: before the checks,
// a view or a wait past the end read memory outside the map (SIGSEGV).

import { describe, expect, it } from 'vitest';
import { runChild } from './child.js';

const isLinux = process.platform === 'linux';

const ok = (c: { status: number | null; signal: string | null; stderr: string }) =>
  expect({ status: c.status, signal: c.signal, stderr: c.status === 0 ? '' : c.stderr.slice(-3000) }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });

const lastJson = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

describe('ffi region: hostile arguments (bypassing core)', () => {
  it('every range past the end of a one-page map is ERR_MMAP_OUT_OF_RANGE; nothing outside the mapping is touched (child)', () => {
    const c = runChild('hostile', ['out-of-range']);
    ok(c);
    const { after, ...cases } = lastJson(c.stdout);
    const closed = ['window after close', 'flush after close', 'remap after close'];
    const ranges = Object.keys(cases).filter((k) => !closed.includes(k));
    expect(Object.fromEntries(ranges.map((k) => [k, cases[k]]))).toEqual(
      Object.fromEntries(ranges.map((k) => [k, 'ERR_MMAP_OUT_OF_RANGE'])),
    );
    expect(ranges).toHaveLength(isLinux ? 13 : 9);
    expect(after).toEqual([9, 0, 9]);
    expect(Object.fromEntries(closed.map((k) => [k, cases[k]]))).toEqual(Object.fromEntries(closed.map((k) => [k, 'ERR_MMAP_CLOSED'])));
  });

  it('non-numbers, negatives, fractions, NaN and misaligned wait offsets are ERR_INVALID_ARG_VALUE (child)', () => {
    const c = runChild('hostile', ['invalid']);
    ok(c);
    const { after, ...all } = lastJson(c.stdout);
    const cases = Object.fromEntries(Object.entries(all).filter(([k]) => !k.endsWith('after close')));
    expect(cases).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 'ERR_INVALID_ARG_VALUE'])));
    expect(Object.keys(cases)).toHaveLength(isLinux ? 17 : 10);
    expect(after).toEqual([9, 0, 9]);
  });

  it.skipIf(!isLinux)('empty ranges reach no syscall and answer as core does; in-range calls still work (child)', () => {
    const c = runChild('hostile', ['empty']);
    ok(c);
    const rest = lastJson(c.stdout);
    for (const k of ['window after close', 'flush after close', 'remap after close']) delete rest[k];
    expect(rest).toEqual({
      'flush empty at end': 'no error: undefined',
      'advise empty': 'no error: false',
      'residency empty': 'no error: {"resident":0,"total":0,"pageSize":4096}',
      'flushAsync empty': 'no error: undefined',
      'window empty': 'no error: "empty"',
      'notify count 0': 'no error: 0',
      'notify Infinity': 'no error: 0',
      'wait last int32': 'no error: "not-equal"',
      'window last byte': 'no error: 0',
      after: [9, 0, 9],
    });
  });
});
