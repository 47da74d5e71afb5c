// Group "random operation sequences": fast-check generates short interleavings of map/mapMut/
// mapCopy/mapAnon, writes, flushes, resizes, hints, closes and reopens; the runner checks every
// live map and the file against the reference model after every step. A failure prints the seed,
// the path and the shrunk sequence; replay with MEMMAP_SEED=… MEMMAP_PATH=….
import { join } from 'node:path';
import fc from 'fast-check';
import { randomBytes } from '../children/writers.js';
import type { SuiteContext } from '../context.js';
import { it } from '../harness/index.js';
import { sequenceArb } from '../model/operations.js';
import { SequenceRunner } from '../model/runner.js';
import type { Group } from './index.js';
import { fcParams, timeoutFor } from './robust-util.js';

function pageSizeOf(ctx: SuiteContext): number {
  using m = ctx.backend.mapAnon(1);
  return Math.max(4096, m.residency().pageSize);
}

function register(ctx: SuiteContext): void {
  const runs = ctx.runs;
  it(
    `${runs} random sequences match the model after every step`,
    async () => {
      const pageSize = pageSizeOf(ctx);
      const dir = ctx.tmpDir();
      let n = 0;
      const initial = fc.record({ size: fc.nat(3 * pageSize + 200), seed: fc.nat() });
      await fc.assert(
        fc.asyncProperty(initial, sequenceArb, async ({ size, seed }, ops) => {
          const path = join(dir, `seq-${n++}.bin`);
          await new SequenceRunner({ backend: ctx.backend, path, initial: randomBytes(seed, size), pageSize }).run(ops);
        }),
        fcParams(runs),
      );
    },
    timeoutFor(runs, 300),
  );
}

export const randomSequencesGroup: Group = { name: 'random operation sequences', register };
