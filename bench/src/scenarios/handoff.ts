// Cross-process hand-off round trip through a shared map, against process.send.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import type { MmapMut } from '@memmap/core';
import { type HandoffChannel, startIpcChannel, startMapChannel } from '../handoff.js';
import { backendPlans, peerPlan, type ScenarioDef, settings, type Work } from './plan.js';

export const handoff: ScenarioDef = {
  key: 'handoff',
  title: () => 'cross-process hand-off round trip',
  op: () => 'parent writes sequence n, child sees it and writes n back, parent sees it',
  baseline: 'process.send IPC',
  settings: (c) => settings(c, { batch: 64, iterations: 32, warmupIterations: 4 }, 16),
  plans: (c, s) => {
    const B = s.batch;
    const file = c.handoffPath;
    const reset = () => writeFileSync(file, Buffer.alloc(4096));
    const channelWork = (open: () => Promise<HandoffChannel>, after?: () => void): Work => {
      let ch: HandoffChannel | undefined;
      return {
        async setup() {
          ch = await open();
        },
        run: () => ch!.roundTrips(B),
        async teardown() {
          await ch?.close();
          after?.();
        },
      };
    };
    return [
      { subject: 'process.send IPC', kind: 'baseline', work: channelWork(startIpcChannel) },
      ...backendPlans(c, (be, b) => {
        if (!be.capabilities.coherent) return 'not coherent: another process never sees its writes through a map';
        const moduleUrl = b.moduleUrl;
        if (!moduleUrl) return 'no module specifier for the child process to import the backend from';
        let m: MmapMut | undefined;
        return channelWork(
          async () => {
            reset();
            m = be.mapMut(file);
            const bytes = m.bytes;
            return startMapChannel(new Int32Array(bytes.buffer, bytes.byteOffset, 4), {
              mode: 'memmap',
              moduleUrl,
              exportName: b.exportName,
              file,
            });
          },
          () => m?.close(),
        );
      }),
      peerPlan(c, (mm, path) =>
        channelWork(async () => {
          reset();
          const fd = openSync(file, 'r+');
          const buf = mm.map(4096, mm.PROT_READ | mm.PROT_WRITE, mm.MAP_SHARED, fd, 0);
          closeSync(fd);
          return startMapChannel(new Int32Array(buf.buffer, buf.byteOffset, 4), { mode: 'mmap-io', mmapIoPath: path, file });
        }),
      ),
    ];
  },
  notes: (_c, s) => [
    `Batches of ${s.batch} round trips. Both sides busy-poll the shared page with Atomics.load (a mapped file is not a SharedArrayBuffer, so Atomics.wait cannot be used across processes); the child naps after a few ms idle.`,
    'On a 2-core machine parent and child each hold one core while spinning.',
  ],
};
