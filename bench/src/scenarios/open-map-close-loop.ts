// open + map + read + close, 10,000 times in a row as one timed loop: what a user's loop pays,
// collector and finalizers included. Also maps the caller's fd, which must cost what a path costs.
import { openMapReadCloseExpected, openMapReadClosePlans } from './open-map-close.js';
import { type ScenarioDef, settings } from './plan.js';

export const openMapCloseLoop: ScenarioDef = {
  key: 'open-map-close-loop',
  title: (c) => `open + map + read + close, 10,000 times in a row, ${c.small.size} B file`,
  op: () => 'open, map, read the first u32, close; one sample = 10,000 ops back to back',
  baseline: 'fs.readFileSync',
  settings: (c) => settings(c, { batch: 10_000, iterations: 8, warmupIterations: 2 }, 500),
  expected: (_c, s) => openMapReadCloseExpected(s),
  plans: (c, s) => openMapReadClosePlans(c, s, true),
  notes: () => [
    'One sample is one loop of 10,000 back-to-back ops, so every collection and finalizer the loop causes is inside it.',
    '"map(fd)" rows: the caller opens the file, maps the fd, closes its fd, reads, and closes the map.',
  ],
};
