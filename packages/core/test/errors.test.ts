import { describe, expect, it } from 'vitest';
import { fromNodeError } from '../src/errors.js';
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

describe('fromNodeError', () => {
  it("keeps a Node fs error's code, errno, syscall and path", () => {
    const fsError = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', errno: -2, syscall: 'open', path: '/x' });
    expect(fromNodeError(fsError)).toMatchObject({ name: 'MmapError', code: 'ENOENT', errno: -2, syscall: 'open', path: '/x' });
  });
  it("turns Deno's code-only TypeError for an OS failure into the same MmapError", () => {
    const denoError = Object.assign(new TypeError('Invalid argument (os error 22)'), { code: 'EINVAL' });
    const e = fromNodeError(denoError);
    expect(e).toBeInstanceOf(MmapError);
    expect(e).toMatchObject({ code: 'EINVAL', errno: -22 });
  });
  it('turns Deno\'s message-only "(os error 27)" Error into an MmapError EFBIG', () => {
    const e = fromNodeError(new Error('File too large (os error 27)'));
    expect(e).toBeInstanceOf(MmapError);
    expect(e).toMatchObject({ code: 'EFBIG', errno: -27 });
  });
  it("turns Bun's RangeError for an fs length above 2^52 into ERR_MMAP_OUT_OF_RANGE", () => {
    const bunError = Object.assign(new RangeError('The value of "len" is out of range.'), { code: 'ERR_OUT_OF_RANGE' });
    expect(fromNodeError(bunError)).toMatchObject({ name: 'MmapError', code: 'ERR_MMAP_OUT_OF_RANGE' });
  });
  it('passes other errors through untouched', () => {
    const plain = new TypeError('not an OS error');
    expect(fromNodeError(plain)).toBe(plain);
    const coded = Object.assign(new TypeError('x'), { code: 'ERR_SOMETHING' });
    expect(fromNodeError(coded)).toBe(coded);
  });
});

describe('defineCapabilities', () => {
  it('fills every flag, false unless claimed, and freezes', () => {
    const caps = defineCapabilities({ zeroCopy: true });
    expect(caps).toEqual({
      zeroCopy: true,
      coherent: false,
      detachOnClose: false,
      truncationSafe: false,
      lock: false,
      hugePages: false,
      waitNotify: false,
      named: false,
      shareable: false,
      ownDescriptor: false,
    });
    expect(Object.isFrozen(caps)).toBe(true);
  });
  it('refuses non-boolean flags', () => {
    expect(() => defineCapabilities({ lock: 'yes' as unknown as boolean })).toThrow(MmapError);
  });
});
