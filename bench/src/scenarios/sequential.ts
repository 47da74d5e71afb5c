// Sequential checksum of the whole data file: map + sum every u32 + close, against 1 MiB reads.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { formatBytes } from '../data.js';
import { garbageReleaser } from './gc.js';
import { MiB, sumWords, sumWordsUnaligned, u32, u32Strict } from './loops.js';
import { backendPlans, nativePlan, peerPlan, type ScenarioDef, settings } from './plan.js';

export const sequential: ScenarioDef = {
  key: 'sequential',
  title: (c) => `sequential checksum (sum of u32) of ${formatBytes(c.data.size)}`,
  op: () => 'open + map + sum every u32 + close (baseline: open + 1 MiB readSync chunks + close)',
  baseline: 'fs.readSync 1 MiB chunks',
  settings: (c) => settings(c, { batch: 1, iterations: 5, warmupIterations: 1, time: 2000 }),
  expected: (c) => c.data.checksum,
  extra: (c, meanNs) => ({ gibPerSec: c.data.size / 1024 ** 3 / (meanNs / 1e9) }),
  plans: (c, st) => {
    const data = c.data.path;
    const chunk = Buffer.allocUnsafe(MiB);
    const cu = u32Strict(chunk, 'chunk buffer');
    return [
      {
        subject: 'fs.readSync 1 MiB chunks',
        kind: 'baseline',
        work: {
          run() {
            const fd = openSync(data, 'r');
            let s = 0;
            let pos = 0;
            for (;;) {
              const n = readSync(fd, chunk, 0, MiB, pos);
              if (n <= 0) break;
              s = sumWords(cu, n >>> 2, s);
              pos += n;
            }
            closeSync(fd);
            return s >>> 0;
          },
        },
      },
      ...backendPlans(c, (be) => ({
        run() {
          const m = be.map(data);
          const bytes = m.bytes;
          const u = u32(bytes);
          const s = u ? sumWords(u, u.length, 0) : sumWordsUnaligned(bytes, 0);
          m.close();
          return s >>> 0;
        },
      })),
      peerPlan(c, (mm) => {
        const gcr = garbageReleaser(1);
        return {
          async run() {
            const fd = openSync(data, 'r');
            const buf = mm.map(fstatSync(fd).size, mm.PROT_READ, mm.MAP_SHARED, fd, 0);
            closeSync(fd);
            const u = u32Strict(buf, 'mmap-io map');
            gcr.count(1);
            const sum = sumWords(u, u.length, 0) >>> 0;
            await gcr.releaseIfDue();
            return sum;
          },
          teardown: gcr.flush,
        };
      }),
      nativePlan(c, () => ['seq', data, String(st.iterations), String(st.time)]),
    ];
  },
  notes: (c) => [
    'Each op maps (or opens) the file, sums every u32 with the same JS loop, and closes it; page faults of the fresh map are timed.',
    c.peer
      ? 'mmap-io cannot unmap: its maps are released at garbage collection (forced after each op and timed with it, as close() is for the backends).'
      : '',
  ],
};
