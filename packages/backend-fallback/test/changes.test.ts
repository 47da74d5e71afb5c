import { describe, expect, it } from 'vitest';
import { changedRuns } from '../src/changes.js';

describe('changedRuns', () => {
  it('finds nothing in identical buffers', () => {
    const a = Buffer.alloc(10_000, 7);
    expect(changedRuns(a, Buffer.from(a), 0, a.length)).toEqual([]);
  });

  it('finds exact runs, across page boundaries, and respects the window', () => {
    const pristine = Buffer.alloc(3 * 4096);
    const current = Buffer.from(pristine);
    current[5] = 1;
    current[6] = 1;
    current.fill(2, 4090, 4100); // spans the first page boundary
    current[3 * 4096 - 1] = 3;
    expect(changedRuns(current, pristine, 0, current.length)).toEqual([
      { start: 5, end: 7 },
      { start: 4090, end: 4100 },
      { start: 3 * 4096 - 1, end: 3 * 4096 },
    ]);
    expect(changedRuns(current, pristine, 4095, 4098)).toEqual([{ start: 4095, end: 4098 }]);
  });

  it('joins a run across block boundaries and finds changes deep in large buffers', () => {
    const pristine = Buffer.alloc(1 << 20);
    const current = Buffer.from(pristine);
    current.fill(9, 65536 * 3 - 2, 65536 * 3 + 2);
    current[(1 << 20) - 1] = 1;
    expect(changedRuns(current, pristine, 0, current.length)).toEqual([
      { start: 65536 * 3 - 2, end: 65536 * 3 + 2 },
      { start: (1 << 20) - 1, end: 1 << 20 },
    ]);
  });
});
