// anonymous: mapAnon is private, zero-filled, writable memory with offset 0; it flushes as a
// no-op and resizes keeping its prefix.

import type { SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import { allZero } from './assert.js';
import type { Group } from './index.js';

function register(ctx: SuiteContext): void {
  const { backend } = ctx;

  it('is zero-filled, writable, offset 0, of the requested length', () => {
    using m = backend.mapAnon(65_536);
    expect(m.backend).toBe(backend.name);
    expect(m.writable).toBe(true);
    expect(m.closed).toBe(false);
    expect(m.offset).toBe(0);
    expect(m.length).toBe(65_536);
    expect(Buffer.isBuffer(m.bytes)).toBe(true);
    expect(m.bytes.length).toBe(65_536);
    expect(allZero(m.bytes)).toBe(true);
    expect(m.bytes).toBe(m.bytes);
  });

  it('an unaligned length is exact', () => {
    using m = backend.mapAnon(5000);
    expect(m.length).toBe(5000);
    expect(m.bytes.length).toBe(5000);
    expect(m.view(4999, 1).length).toBe(1);
  });

  it('keeps what is written; view() and bytes alias', () => {
    using m = backend.mapAnon(8192);
    m.bytes.write('hello anonymous', 4090);
    expect(m.view(4090, 15).toString()).toBe('hello anonymous');
    m.view(0, 1)[0] = 7;
    expect(m.bytes[0]).toBe(7);
  });

  it('length 0 works', () => {
    using m = backend.mapAnon(0);
    expect(m.length).toBe(0);
    expect(m.bytes.length).toBe(0);
    expect(m.view().length).toBe(0);
    m.flush();
  });

  it('flush() and flushAsync() succeed', async () => {
    using m = backend.mapAnon(4096);
    m.bytes[0] = 1;
    expect(m.flush()).toBeUndefined();
    expect(m.flush(0, 10)).toBeUndefined();
    expect(await m.flushAsync()).toBeUndefined();
    expect(m.bytes[0]).toBe(1);
  });

  it('populate: true gives the same zero-filled memory', () => {
    using m = backend.mapAnon(65_536, { populate: true });
    expect(m.length).toBe(65_536);
    expect(allZero(m.bytes)).toBe(true);
  });

  it('two anonymous maps are independent', () => {
    using a = backend.mapAnon(4096);
    using b = backend.mapAnon(4096);
    a.bytes.fill(1);
    expect(allZero(b.bytes)).toBe(true);
  });

  it('resize() grows keeping the prefix, new bytes zero; bytes is a new Buffer of the new length', () => {
    using m = backend.mapAnon(5000);
    m.bytes.fill(0xab);
    const old = m.bytes;
    m.resize(20_000);
    expect(m.length).toBe(20_000);
    expect(m.bytes === old, 'bytes is a new Buffer').toBe(false); // (old may be detached: no deep compare)
    expect(m.bytes.length).toBe(20_000);
    expect(m.bytes.subarray(0, 5000).every((b) => b === 0xab)).toBe(true);
    expect(allZero(m.bytes.subarray(5000))).toBe(true);
    if (ctx.caps.detachOnClose) expect(old.length).toBe(0);
  });

  it('resize() shrinks keeping the prefix, and grows back zero-filled', () => {
    using m = backend.mapAnon(10_000);
    m.bytes.fill(0xcd);
    m.resize(3000);
    expect(m.length).toBe(3000);
    expect(m.bytes.length).toBe(3000);
    expect(m.bytes.every((b) => b === 0xcd)).toBe(true);
    m.resize(10_000);
    expect(m.bytes.subarray(0, 3000).every((b) => b === 0xcd)).toBe(true);
    expect(allZero(m.bytes.subarray(3000))).toBe(true);
  });

  it('resize() to 0 and back', () => {
    using m = backend.mapAnon(4096);
    m.bytes.fill(1);
    m.resize(0);
    expect(m.length).toBe(0);
    expect(m.bytes.length).toBe(0);
    m.resize(4096);
    expect(m.length).toBe(4096);
    expect(allZero(m.bytes)).toBe(true);
  });
}

export const anonymousGroup: Group = { name: 'anonymous', register };
