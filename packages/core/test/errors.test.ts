import { describe, expect, it } from 'vitest';
import { defineCapabilities, MmapError, syscallError } from '../src/index.js';

describe('syscallError', () => {
  it('looks like a Node fs error', () => {
    const e = syscallError(13, 'mmap', '/x');
    expect(e).toBeInstanceOf(MmapError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'MmapError', code: 'EACCES', errno: -13, syscall: 'mmap', path: '/x' });
    expect(e.message).toBe("EACCES: permission denied, mmap '/x'");
  });
  it('takes negative errnos too', () => expect(syscallError(-2, 'open').code).toBe('ENOENT'));
});

describe('defineCapabilities', () => {
  it('fills every flag, false unless claimed, and freezes', () => {
    const caps = defineCapabilities({ zeroCopy: true });
    expect(caps).toEqual({ zeroCopy: true, coherent: false, detachOnClose: false, truncationSafe: false, lock: false, hugePages: false, waitNotify: false, named: false });
    expect(Object.isFrozen(caps)).toBe(true);
  });
  it('refuses non-boolean flags', () => {
    expect(() => defineCapabilities({ lock: 'yes' as unknown as boolean })).toThrow(MmapError);
  });
});
