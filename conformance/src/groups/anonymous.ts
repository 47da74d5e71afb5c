// anonymous: mapAnon is private, zero-filled, writable memory with offset 0; it flushes as a
// no-op and resizes keeping its prefix.
import { expect, it } from 'vitest';
import type { SuiteContext } from '../context.js';
import type { Group } from './index.js';
import { allZero } from './assert.js';

function register(ctx: SuiteContext): void {
  const { backend } = ctx;

  it('is zero-filled, writable, offset 0, of the requested length', () => {
    const m = backend.mapAnon(65_536);
    try {
      expect(m.backend).toBe(backend.name);
      expect(m.writable).toBe(true);
      expect(m.closed).toBe(false);
      expect(m.offset).toBe(0);
      expect(m.length).toBe(65_536);
      expect(Buffer.isBuffer(m.bytes)).toBe(true);
      expect(m.bytes.length).toBe(65_536);
      expect(allZero(m.bytes)).toBe(true);
      expect(m.bytes).toBe(m.bytes);
    } finally {
      m.close();
    }
  });

  it('an unaligned length is exact', () => {
    const m = backend.mapAnon(5000);
    try {
      expect(m.length).toBe(5000);
      expect(m.bytes.length).toBe(5000);
      expect(m.view(4999, 1).length).toBe(1);
    } finally {
      m.close();
    }
  });

  it('keeps what is written; view() and bytes alias', () => {
    const m = backend.mapAnon(8192);
    try {
      m.bytes.write('hello anonymous', 4090);
      expect(m.view(4090, 15).toString()).toBe('hello anonymous');
      m.view(0, 1)[0] = 7;
      expect(m.bytes[0]).toBe(7);
    } finally {
      m.close();
    }
  });

  it('length 0 works', () => {
    const m = backend.mapAnon(0);
    try {
      expect(m.length).toBe(0);
      expect(m.bytes.length).toBe(0);
      expect(m.view().length).toBe(0);
      m.flush();
    } finally {
      m.close();
    }
  });

  it('flush() and flushAsync() succeed', async () => {
    const m = backend.mapAnon(4096);
    try {
      m.bytes[0] = 1;
      expect(m.flush()).toBeUndefined();
      expect(m.flush(0, 10)).toBeUndefined();
      expect(await m.flushAsync()).toBeUndefined();
      expect(m.bytes[0]).toBe(1);
    } finally {
      m.close();
    }
  });

  it('populate: true gives the same zero-filled memory', () => {
    const m = backend.mapAnon(65_536, { populate: true });
    try {
      expect(m.length).toBe(65_536);
      expect(allZero(m.bytes)).toBe(true);
    } finally {
      m.close();
    }
  });

  it('two anonymous maps are independent', () => {
    const a = backend.mapAnon(4096);
    const b = backend.mapAnon(4096);
    try {
      a.bytes.fill(1);
      expect(allZero(b.bytes)).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  });

  it('resize() grows keeping the prefix, new bytes zero; bytes is a new Buffer of the new length', () => {
    const m = backend.mapAnon(5000);
    try {
      m.bytes.fill(0xab);
      const old = m.bytes;
      m.resize(20_000);
      expect(m.length).toBe(20_000);
      expect(m.bytes === old, 'bytes is a new Buffer').toBe(false); // (old may be detached: no deep compare)
      expect(m.bytes.length).toBe(20_000);
      expect(m.bytes.subarray(0, 5000).every((b) => b === 0xab)).toBe(true);
      expect(allZero(m.bytes.subarray(5000))).toBe(true);
      if (ctx.caps.detachOnClose) expect(old.length).toBe(0);
    } finally {
      m.close();
    }
  });

  it('resize() shrinks keeping the prefix, and grows back zero-filled', () => {
    const m = backend.mapAnon(10_000);
    try {
      m.bytes.fill(0xcd);
      m.resize(3000);
      expect(m.length).toBe(3000);
      expect(m.bytes.length).toBe(3000);
      expect(m.bytes.every((b) => b === 0xcd)).toBe(true);
      m.resize(10_000);
      expect(m.bytes.subarray(0, 3000).every((b) => b === 0xcd)).toBe(true);
      expect(allZero(m.bytes.subarray(3000))).toBe(true);
    } finally {
      m.close();
    }
  });

  it('resize() to 0 and back', () => {
    const m = backend.mapAnon(4096);
    try {
      m.bytes.fill(1);
      m.resize(0);
      expect(m.length).toBe(0);
      expect(m.bytes.length).toBe(0);
      m.resize(4096);
      expect(m.length).toBe(4096);
      expect(allZero(m.bytes)).toBe(true);
    } finally {
      m.close();
    }
  });
}

export const anonymousGroup: Group = { name: 'anonymous', register };
