import { describe, expect, it } from 'vitest';
import { ErrorCodes, MmapError } from '../src/index.js';
import { validateAdvice, validateCount, validateMode, validateOffset, validateOptions, validateRange } from '../src/validate.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MmapError);
    return (error as MmapError).code;
  }
  return undefined;
}

describe('validateOffset', () => {
  it.each([
    [undefined, 0],
    [0, 0],
    [4097, 4097],
    [5n * 2n ** 30n + 3n, 5 * 2 ** 30 + 3],
    [BigInt(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('accepts %s', (input, expected) => expect(validateOffset(input)).toBe(expected));

  it.each([
    ['string', '1', ErrorCodes.INVALID_ARG_TYPE],
    ['null', null, ErrorCodes.INVALID_ARG_TYPE],
    ['negative', -1, ErrorCodes.INVALID_ARG_VALUE],
    ['negative bigint', -1n, ErrorCodes.INVALID_ARG_VALUE],
    ['fraction', 1.5, ErrorCodes.INVALID_ARG_VALUE],
    ['NaN', NaN, ErrorCodes.INVALID_ARG_VALUE],
    ['Infinity', Infinity, ErrorCodes.INVALID_ARG_VALUE],
    ['huge bigint', 2n ** 64n, ErrorCodes.OUT_OF_RANGE],
    ['huge number', 2 ** 60, ErrorCodes.OUT_OF_RANGE],
  ])('refuses %s', (_name, input, code) => expect(codeOf(() => validateOffset(input))).toBe(code));
});

describe('validateCount', () => {
  it('refuses bigints as a type error', () => expect(codeOf(() => validateCount(1n, 'length'))).toBe(ErrorCodes.INVALID_ARG_TYPE));
  it('accepts zero', () => expect(validateCount(0, 'length')).toBe(0));
});

describe('validateMode', () => {
  it('turns -0 into 0 (a -0 mode aborts Node inside fs.openSync)', () => expect(Object.is(validateMode(-0), 0)).toBe(true));
  it('refuses modes outside 0..0o7777', () => expect(codeOf(() => validateMode(0o10000))).toBe(ErrorCodes.INVALID_ARG_VALUE));
});

describe('validateRange', () => {
  it('defaults to the whole map and the rest of it', () => {
    expect(validateRange(undefined, undefined, 10)).toEqual({ offset: 0, length: 10 });
    expect(validateRange(4, undefined, 10)).toEqual({ offset: 4, length: 6 });
    expect(validateRange(10, undefined, 10)).toEqual({ offset: 10, length: 0 });
  });
  it('never clamps', () => {
    expect(codeOf(() => validateRange(11, undefined, 10))).toBe(ErrorCodes.OUT_OF_RANGE);
    expect(codeOf(() => validateRange(5, 6, 10))).toBe(ErrorCodes.OUT_OF_RANGE);
    expect(codeOf(() => validateRange(-1, 1, 10))).toBe(ErrorCodes.INVALID_ARG_VALUE);
    expect(codeOf(() => validateRange('0', 1, 10))).toBe(ErrorCodes.INVALID_ARG_TYPE);
  });
});

describe('validateOptions and validateAdvice', () => {
  it('takes undefined as no options and refuses non-objects', () => {
    expect(validateOptions(undefined)).toEqual({});
    for (const bad of [null, 1, 'x', [], true]) expect(codeOf(() => validateOptions(bad))).toBe(ErrorCodes.INVALID_ARG_TYPE);
  });
  it('knows the seven advice names', () => {
    for (const a of ['normal', 'random', 'sequential', 'willneed', 'dontneed', 'hugepage', 'nohugepage']) expect(validateAdvice(a)).toBe(a);
    expect(codeOf(() => validateAdvice('fast'))).toBe(ErrorCodes.INVALID_ARG_VALUE);
    expect(codeOf(() => validateAdvice(1))).toBe(ErrorCodes.INVALID_ARG_TYPE);
  });
});
