// Random 64-byte reads across the big data file: maps made once, beside pread and the C loop.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Mmap } from '@memmap/core';
import { formatBytes } from '../data.js';
import { garbageReleaser } from './gc.js';
import { fold16, fold16Unaligned, u32, u32Strict } from './loops.js';
import { backendPlans, heapPlan, nativePlan, type Plan, peerPlan, type ScenarioDef, settings } from './plan.js';

export const randomRead: ScenarioDef = {
  key: 'random-read',
  title: (c) => `random 64-byte reads across ${formatBytes(c.data.size)}`,
  op: () => 'read 64 bytes at a seeded random offset (sum of 16 u32)',
  baseline: 'fs.readSync (pread)',
  // Big batches: the per-sample overhead between batches (inside the whole-run mean) stays < 1%.
  settings: (c) => settings(c, { batch: 16384, iterations: 64, warmupIterations: 16 }, 1024),
  plans: (c, s) => {
    const B = s.batch;
    const offs = c.readOffsets;
    const mask = offs.length - 1;
    const data = c.data.path;
    const plans: Plan[] = [];
    {
      let fd = -1;
      let k = 0;
      const buf = Buffer.from(new ArrayBuffer(64));
      const bu = u32Strict(buf, 'pread buffer');
      plans.push({
        subject: 'fs.readSync (pread)',
        kind: 'baseline',
        work: {
          setup: () => {
            fd = openSync(data, 'r');
          },
          run() {
            // Hot loops keep their state in locals (closure slots would be reloaded every iteration).
            const f = fd;
            let kk = k;
            let v = 0;
            for (let i = 0; i < B; i++) {
              readSync(f, buf, 0, 64, offs[kk]! * 4);
              kk = (kk + 1) & mask;
              v += fold16(bu, 0);
            }
            k = kk;
            return v >>> 0;
          },
          teardown: () => closeSync(fd),
        },
      });
    }
    plans.push(
      ...backendPlans(c, (be) => {
        let m: Mmap | undefined;
        let u: Uint32Array | null = null;
        let bytes: Buffer | undefined;
        let k = 0;
        // The loop over u32 words is the peer's and the heap row's, written the same way (a branch
        // around it made V8 compile a different loop); a copying backend whose Buffer is not
        // 4-aligned gets its own loop, chosen at setup.
        const aligned = (): number => {
          const uu = u!;
          let kk = k;
          let v = 0;
          for (let i = 0; i < B; i++) {
            v += fold16(uu, offs[kk]!);
            kk = (kk + 1) & mask;
          }
          k = kk;
          return v >>> 0;
        };
        const unaligned = (): number => {
          const bb = bytes!;
          let kk = k;
          let v = 0;
          for (let i = 0; i < B; i++) {
            v += fold16Unaligned(bb, offs[kk]!);
            kk = (kk + 1) & mask;
          }
          k = kk;
          return v >>> 0;
        };
        let loop = aligned;
        return {
          setup() {
            m = be.map(data);
            bytes = m.bytes;
            u = u32(bytes);
            loop = u ? aligned : unaligned;
          },
          run: () => loop(),
          teardown: () => m?.close(),
        };
      }),
      peerPlan(c, (mm) => {
        let u: Uint32Array | null = null;
        let k = 0;
        return {
          setup() {
            const fd = openSync(data, 'r');
            u = u32Strict(mm.map(fstatSync(fd).size, mm.PROT_READ, mm.MAP_SHARED, fd, 0), 'mmap-io map');
            closeSync(fd);
          },
          run() {
            const uu = u!;
            let kk = k;
            let v = 0;
            for (let i = 0; i < B; i++) {
              v += fold16(uu, offs[kk]!);
              kk = (kk + 1) & mask;
            }
            k = kk;
            return v >>> 0;
          },
          teardown: async () => {
            u = null;
            await garbageReleaser(1).flush();
          },
        };
      }),
      heapPlan(c, (words) => {
        let k = 0;
        return {
          run() {
            const uu = words();
            let kk = k;
            let v = 0;
            for (let i = 0; i < B; i++) {
              v += fold16(uu, offs[kk]!);
              kk = (kk + 1) & mask;
            }
            k = kk;
            return v >>> 0;
          },
        };
      }),
      nativePlan(c, () => ['rand', data, c.readOffsetsFile, String(B), String(s.iterations), String(s.time)]),
    );
    return plans;
  },
  notes: (c, s) => [
    `${c.readOffsets.length} seeded offsets (4-byte aligned), cycled in the same order by every subject; batches of ${s.batch} reads; p50/p99 are of batch means.`,
    "Maps are created once before timing; the pread baseline opens the file once and reuses one 64-byte buffer. The C row is the same loop compiled with -O2 over mmap: the machine's limit; the heap row is the same JavaScript loop over the file read into a heap Buffer: the engine's limit.",
  ],
};
