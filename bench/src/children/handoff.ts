// The hand-off child (scenario 5, handoff.ts startMapChannel): maps the parent's 4 KiB file, with a
// memmap backend or with mmap-io, and echoes each sequence number from PING into PONG, spinning on
// the map, until PING is -1 or the parent is gone. Exits 0.
//   handoff.js '{"mode":"memmap","moduleUrl":…,"exportName":…,"file":…}'
//   handoff.js '{"mode":"mmap-io","mmapIoPath":…,"file":…}'
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { MmapIo } from '../subjects.js';
import { childArgs, loadBackend } from './common.js';

export type HandoffChildArgs =
  | { mode: 'memmap'; moduleUrl: string; exportName: string; file: string }
  | { mode: 'mmap-io'; mmapIoPath: string; file: string };

function serve(i32: Int32Array): void {
  // Int32 slots in the shared page, as in ../handoff.ts; locals, so the spin loop sees constants
  // (as it did when the numbers were spliced into the child's source).
  const PING = 0; // parent -> child: sequence number, or -1 to stop
  const PONG = 1; // child -> parent: the sequence number seen
  const READY = 3; // child sets 1 once mapped
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const SPIN = 1 << 22;
  const parent = process.ppid;
  let last = 0;
  Atomics.store(i32, READY, 1);
  for (;;) {
    let v: number;
    let spins = 0;
    let naps = 0;
    // biome-ignore lint/suspicious/noAssignInExpressions: one load per spin, read and compared
    while ((v = Atomics.load(i32, PING)) === last) {
      if (++spins > SPIN) {
        Atomics.wait(nap, 0, 0, 1);
        spins = SPIN - 4096;
        if (++naps % 1000 === 0 && (process.ppid !== parent || naps > 600000)) return;
      }
    }
    if (v < 0) return;
    last = v;
    Atomics.store(i32, PONG, v);
  }
}

const args = childArgs<HandoffChildArgs>();
if (args.mode === 'memmap') {
  const backend = await loadBackend(args.moduleUrl, args.exportName);
  const m = backend.mapMut(args.file);
  const b = m.bytes;
  serve(new Int32Array(b.buffer, b.byteOffset, 4));
  m.close();
} else {
  const mmap = createRequire(args.mmapIoPath)(args.mmapIoPath) as MmapIo;
  const fd = fs.openSync(args.file, 'r+');
  const b = mmap.map(4096, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_SHARED, fd);
  fs.closeSync(fd);
  serve(new Int32Array(b.buffer, b.byteOffset, 4));
}
process.exit(0);
