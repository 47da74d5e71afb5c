// Finding what changed: the exact byte runs where a buffer differs from its pristine copy, so
// write-back never touches a byte this map did not change (two maps of one file writing disjoint
// bytes cannot clobber each other).

/** A run of changed bytes [start, end) in map coordinates. */
export interface Run {
  readonly start: number;
  readonly end: number;
}

const PAGE = 4096;

/** Changed runs of `current` against `pristine` within [from, to). Pages are compared natively first. */
export function changedRuns(current: Buffer, pristine: Buffer, from: number, to: number): Run[] {
  const runs: Run[] = [];
  let open = -1; // start of the run being built, or -1
  for (let page = from; page < to; page = nextPage(page, to)) {
    const end = nextPage(page, to);
    if (current.compare(pristine, page, end, page, end) === 0) {
      if (open >= 0) {
        runs.push({ start: open, end: page });
        open = -1;
      }
      continue;
    }
    for (let i = page; i < end; i++) {
      if (current[i] !== pristine[i]) {
        if (open < 0) open = i;
      } else if (open >= 0) {
        runs.push({ start: open, end: i });
        open = -1;
      }
    }
  }
  if (open >= 0) runs.push({ start: open, end: to });
  return runs;
}

function nextPage(position: number, limit: number): number {
  return Math.min(limit, (Math.floor(position / PAGE) + 1) * PAGE);
}
