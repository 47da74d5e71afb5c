import { describe, expect, it } from 'vitest';
import { detach } from '../src/index.js';

describe('detach', () => {
  it('leaves every view over the buffer at length 0', () => {
    const ab = new ArrayBuffer(64);
    const buf = Buffer.from(ab, 8, 16);
    const arr = new Uint32Array(ab);
    buf[0] = 1;
    detach(ab);
    expect(ab.byteLength).toBe(0);
    expect(buf.length).toBe(0);
    expect(arr.length).toBe(0);
  });

  it('is a no-op on a buffer that is already detached', () => {
    const ab = new ArrayBuffer(8);
    detach(ab);
    expect(() => detach(ab)).not.toThrow();
    expect(ab.byteLength).toBe(0);
  });
});
