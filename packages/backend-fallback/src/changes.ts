// Finding what changed: the exact byte runs where a buffer differs from its pristine copy, so
// write-back never touches a byte this map did not change (two maps of one file writing disjoint
// bytes cannot clobber each other).

/** A run of changed bytes [start, end) in map coordinates. */
export interface Run {
  readonly start: number;
  readonly end: number;
}

const PAGE = 4096;
/** Blocks compared first, so a flush of a mostly unchanged map makes few native calls. */
const BLOCK = 64 * PAGE;

/** Changed runs of `current` against `pristine` within [from, to): blocks, then pages, then bytes. */
export function changedRuns(current: Buffer, pristine: Buffer, from: number, to: number): Run[] {
  const runs: Run[] = [];
  let open = -1; // start of the run being built, or -1
  const close = (at: number) => {
    if (open >= 0) runs.push({ start: open, end: at });
    open = -1;
  };
  for (let block = from; block < to; block = next(block, BLOCK, to)) {
    const blockEnd = next(block, BLOCK, to);
    if (same(current, pristine, block, blockEnd)) {
      close(block);
      continue;
    }
    for (let page = block; page < blockEnd; page = next(page, PAGE, blockEnd)) {
      const pageEnd = next(page, PAGE, blockEnd);
      if (same(current, pristine, page, pageEnd)) {
        close(page);
        continue;
      }
      for (let i = page; i < pageEnd; i++) {
        if (current[i] !== pristine[i]) {
          if (open < 0) open = i;
        } else close(i);
      }
    }
  }
  close(to);
  return runs;
}

// Compared through subarrays, never with offsets: Deno's Buffer.compare panics (kills the process)
// on offsets past 2^31 - 1.
const same = (a: Buffer, b: Buffer, start: number, end: number) => a.subarray(start, end).compare(b.subarray(start, end)) === 0;

/** The next multiple of `size` after `position`, capped at `limit`. */
function next(position: number, size: number, limit: number): number {
  return Math.min(limit, (Math.floor(position / size) + 1) * size);
}
