// open + map + read 4 bytes + close of a 4 KiB file, in batches of 16 ops per sample.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { word } from '../data.js';
import { garbageReleaser } from './gc.js';
import { backendPlans, nativePlan, type Plan, peerPlan, type ScenarioContext, type ScenarioDef, type Settings, settings } from './plan.js';

/** Every subject's open + map + read the first u32 + close, `s.batch` times per sample. */
export function openMapReadClosePlans(c: ScenarioContext, s: Settings, withFd: boolean): Plan[] {
  const path = c.small.path;
  const B = s.batch;
  const plans: Plan[] = [
    {
      subject: 'fs.readFileSync',
      kind: 'baseline',
      work: {
        run() {
          let v = 0;
          for (let i = 0; i < B; i++) v = (v + readFileSync(path).readUInt32LE(0)) | 0;
          return v >>> 0;
        },
      },
    },
    ...backendPlans(c, (be) => ({
      run() {
        let v = 0;
        for (let i = 0; i < B; i++) {
          const m = be.map(path);
          v = (v + m.bytes.readUInt32LE(0)) | 0;
          m.close();
        }
        return v >>> 0;
      },
    })),
  ];
  if (withFd) {
    // The caller opens and closes the fd; the map must cost what a path costs.
    for (const p of backendPlans(c, (be) => ({
      run() {
        let v = 0;
        for (let i = 0; i < B; i++) {
          const fd = openSync(path, 'r');
          const m = be.map(fd);
          closeSync(fd);
          v = (v + m.bytes.readUInt32LE(0)) | 0;
          m.close();
        }
        return v >>> 0;
      },
    }))) {
      plans.push({ ...p, subject: `${p.subject} map(fd)` });
    }
  }
  plans.push(
    peerPlan(c, (mm) => {
      const gcr = garbageReleaser(4096);
      return {
        async run() {
          let v = 0;
          for (let i = 0; i < B; i++) {
            const fd = openSync(path, 'r');
            const buf = mm.map(fstatSync(fd).size, mm.PROT_READ, mm.MAP_SHARED, fd, 0);
            v = (v + buf.readUInt32LE(0)) | 0;
            closeSync(fd);
          }
          gcr.count(B);
          await gcr.releaseIfDue();
          return v >>> 0;
        },
        teardown: gcr.flush,
      };
    }),
    nativePlan(c, () => ['open', path, String(B), String(s.iterations), String(s.time)]),
  );
  return plans;
}

/** The value of one batch: the first u32 of the small file, B times, mod 2^32. */
export function openMapReadCloseExpected(s: Settings): number {
  let v = 0;
  for (let i = 0; i < s.batch; i++) v = (v + word(0)) | 0;
  return v >>> 0;
}

export const openMapClose: ScenarioDef = {
  key: 'open-map-close',
  title: (c) => `open + map + read 4 bytes + close, ${c.small.size} B file`,
  op: () => 'open, map, read the first u32, close',
  baseline: 'fs.readFileSync',
  settings: (c) => settings(c, { batch: 16, iterations: 64, warmupIterations: 16 }),
  expected: (_c, s) => openMapReadCloseExpected(s),
  plans: (c, s) => openMapReadClosePlans(c, s, false),
  notes: (c) => [
    `The backends map by path, read bytes[0..4] and close() the map.`,
    c.peer
      ? 'mmap-io has no unmap: its maps are released when the Buffer is garbage-collected, so the suite forces a minor GC every 4096 maps (or the loop would hit vm.max_map_count) and times it with the finalizers that unmap, as close() is timed for the backends.'
      : '',
  ],
};
