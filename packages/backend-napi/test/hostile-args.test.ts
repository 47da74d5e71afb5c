// Defence in depth: the addon checks every offset, length and wait address itself, against the
// mapping's real current length, before any syscall or pointer arithmetic. These calls bypass
// core (which would refuse them first) and reach the raw addon functions; each must fail with a
// clean MmapError and leave the process alive. They run in a child process: before the checks,
// several of them touched memory outside the map (SIGSEGV).

import { describe, expect, it } from 'vitest';
import { runChild } from './child.js';

const ok = (c: { status: number | null; signal: string | null; stderr: string }) =>
  expect({ status: c.status, signal: c.signal, stderr: c.status === 0 ? '' : c.stderr.slice(-3000) }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });

describe('napi addon: hostile arguments (bypassing core)', () => {
  it('every range past the end of a one-page map is ERR_MMAP_OUT_OF_RANGE, no syscall runs on memory outside it (child)', () => {
    const c = runChild('hostile', 'out-of-range');
    ok(c);
    const r = c.result as Record<string, unknown>;
    const { after, ...cases } = r;
    expect(cases).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 'ERR_MMAP_OUT_OF_RANGE'])));
    expect(Object.keys(cases)).toHaveLength(13);
    expect(after).toEqual([9, 0, 9]);
  });

  it('non-numbers, negatives, fractions, NaN, misaligned wait offsets and unknown advice are ERR_INVALID_ARG_VALUE (child)', () => {
    const c = runChild('hostile', 'invalid');
    ok(c);
    const { after, ...cases } = c.result as Record<string, unknown>;
    expect(cases).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 'ERR_INVALID_ARG_VALUE'])));
    expect(Object.keys(cases)).toHaveLength(22);
    expect(after).toEqual([9, 0, 9]);
  });

  it.skipIf(process.platform !== 'linux')('empty ranges run no syscall and answer as core does; in-range calls still work (child)', () => {
    const c = runChild('hostile', 'empty');
    ok(c);
    expect(c.result).toEqual({
      'flush empty at end': 'no error: undefined',
      'advise empty': 'no error: false',
      'residency empty': 'no error: [0,0]',
      'flushAsync empty': 'no error: undefined',
      'window empty': 'no error: "empty"',
      'notify count 0': 'no error: 0',
      'notify Infinity': 'no error: 0',
      'wait last int32': 'no error: 1',
      'window last byte': 'no error: 0',
      after: [9, 0, 9],
    });
  });
});
