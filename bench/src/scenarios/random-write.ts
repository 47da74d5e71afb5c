// Random 8-byte writes across a copy of the data file, then one durable flush per op.
import { closeSync, fstatSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { MmapMut } from '@memmap/core';
import { formatBytes, word } from '../data.js';
import { garbageReleaser } from './gc.js';
import { u32Strict } from './loops.js';
import { backendPlans, nativePlan, type Plan, peerPlan, type ScenarioDef, settings } from './plan.js';

/**
 * Each op writes word(w) + epoch, the epoch growing by one per op across all subjects, so every
 * write changes the bytes (a copying backend that skips unchanged bytes must still do real work).
 */
const nextNativeEpoch = (): number => {
  writeEpoch += 1 << 20;
  return writeEpoch;
};
let writeEpoch = 1;

export const randomWrite: ScenarioDef = {
  key: 'random-write',
  title: (c) => `random 8-byte writes across ${formatBytes(c.data.size)}, then one flush`,
  op: (c) => `${c.writesPerOp} writes of 8 bytes at seeded random 8-aligned offsets + one flush (msync / fsync)`,
  baseline: 'fs.writeSync + fsync',
  settings: (c) => settings(c, { batch: 1, iterations: 16, warmupIterations: 2 }),
  plans: (c, st) => {
    const W = c.writesPerOp;
    const offs = c.writeOffsets;
    const mask = offs.length - 1;
    const data = c.writeFile;
    const plans: Plan[] = [];
    {
      let fd = -1;
      let k = 0;
      const b8 = Buffer.from(new ArrayBuffer(8));
      const u8 = u32Strict(b8, 'write buffer');
      plans.push({
        subject: 'fs.writeSync + fsync',
        kind: 'baseline',
        work: {
          setup: () => {
            fd = openSync(data, 'r+');
          },
          run() {
            const e = writeEpoch++;
            let kk = k;
            for (let i = 0; i < W; i++) {
              const w = offs[kk]!;
              kk = (kk + 1) & mask;
              u8[0] = word(w) + e;
              u8[1] = word(w + 1) + e;
              writeSync(fd, b8, 0, 8, w * 4);
            }
            k = kk;
            fsyncSync(fd);
            return W;
          },
          teardown: () => closeSync(fd),
        },
      });
    }
    plans.push(
      ...backendPlans(c, (be, b) => {
        let m: MmapMut | undefined;
        let u: Uint32Array | null = null;
        let k = 0;
        return {
          setup() {
            m = be.mapMut(data);
            u = u32Strict(m.bytes, `${b.name} mapMut`);
          },
          run() {
            const uu = u!;
            const e = writeEpoch++;
            let kk = k;
            for (let i = 0; i < W; i++) {
              const w = offs[kk]!;
              kk = (kk + 1) & mask;
              uu[w] = word(w) + e;
              uu[w + 1] = word(w + 1) + e;
            }
            k = kk;
            m!.flush();
            return W;
          },
          teardown: () => m?.close(),
        };
      }),
      peerPlan(c, (mm) => {
        let fd = -1;
        let buf: Buffer | undefined;
        let u: Uint32Array | undefined;
        let k = 0;
        return {
          setup() {
            fd = openSync(data, 'r+');
            buf = mm.map(fstatSync(fd).size, mm.PROT_READ | mm.PROT_WRITE, mm.MAP_SHARED, fd, 0);
            u = u32Strict(buf, 'mmap-io map');
          },
          run() {
            const uu = u!;
            const e = writeEpoch++;
            let kk = k;
            for (let i = 0; i < W; i++) {
              const w = offs[kk]!;
              kk = (kk + 1) & mask;
              uu[w] = word(w) + e;
              uu[w + 1] = word(w + 1) + e;
            }
            k = kk;
            mm.sync(buf!, 0, buf!.length, true, false);
            return W;
          },
          teardown: async () => {
            closeSync(fd);
            buf = u = undefined;
            await garbageReleaser(1).flush();
          },
        };
      }),
      nativePlan(c, () => [
        'write',
        data,
        c.writeOffsetsFile,
        String(W),
        String(st.iterations),
        String(st.time),
        String(nextNativeEpoch()),
      ]),
    );
    return plans;
  },
  notes: (c) => [
    'The C row maps the file shared once and does the same writes, then msync(MS_SYNC) of the whole map: the floor for any map-based flush.',
    `Each op writes ${c.writesPerOp} × 8 bytes into a copy of the data file (word + a per-op epoch, so every write changes bytes) and then makes them durable once: flush() (msync MS_SYNC) for maps, fsync for the baseline.`,
    'Maps are created once before timing (mapMut of the whole file).',
  ],
};
