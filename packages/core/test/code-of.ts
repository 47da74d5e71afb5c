// The code of the MmapError a call throws ('no error' when it returns), as most core tests assert it.
import { expect } from 'vitest';
import { MmapError } from '../src/index.js';

export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MmapError);
    return (e as MmapError).code;
  }
  return 'no error';
}
