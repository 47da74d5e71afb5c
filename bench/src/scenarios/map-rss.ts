// map + close of the whole big file, and the RSS it costs before any byte is touched.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { formatBytes } from '../data.js';
import { garbageReleaser, rssGrowth } from './gc.js';
import { backendPlans, peerPlan, plan, type ScenarioDef, settings } from './plan.js';

export const mapRss: ScenarioDef = {
  key: 'map-rss',
  title: (c) => `map + close of ${formatBytes(c.data.size)}, and RSS growth before touching it`,
  op: () => 'map the whole file read-only and close it (baseline: read the whole file)',
  baseline: 'fs.readFileSync (whole file)',
  settings: (c) => settings(c, { batch: 1, iterations: 5, warmupIterations: 2 }),
  plans: (c) => {
    const data = c.data.path;
    return [
      plan(
        'fs.readFileSync (whole file)',
        'baseline',
        c.data.size > 2 ** 31 - 1
          ? 'readFileSync refuses files over 2 GiB'
          : {
              run: () => readFileSync(data).length,
              measure: async () => ({
                rssGrowthBytes: await rssGrowth(
                  () => readFileSync(data),
                  () => undefined,
                ),
              }),
            },
      ),
      ...backendPlans(c, (be) => ({
        run() {
          const m = be.map(data);
          const n = m.length;
          m.close();
          return n;
        },
        measure: async () => ({
          rssGrowthBytes: await rssGrowth(
            () => be.map(data),
            (m) => m.close(),
          ),
        }),
      })),
      peerPlan(c, (mm) => {
        const open = () => {
          const fd = openSync(data, 'r');
          const buf = mm.map(fstatSync(fd).size, mm.PROT_READ, mm.MAP_SHARED, fd, 0);
          closeSync(fd);
          return buf;
        };
        const gcr = garbageReleaser(1024);
        return {
          async run() {
            gcr.count(1);
            const length = open().length;
            await gcr.releaseIfDue();
            return length;
          },
          teardown: gcr.flush,
          measure: async () => ({ rssGrowthBytes: await rssGrowth(open, () => undefined) }),
        };
      }),
    ];
  },
  notes: (c) => [
    'RSS growth: process RSS right after map() (bytes not touched) minus before; median of 3.',
    c.peer ? 'mmap-io cannot unmap, so its "close" is dropping the Buffer (released at garbage collection).' : '',
  ],
};
