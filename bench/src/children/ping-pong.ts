// The answering side of the wait/notify ping-pong (messages.ts startPingPong): maps the parent's
// file, sets word 1 once mapped, then answers each odd count in word 0 with the next even one
// (blocking in wait() in between) until word 0 is -1; prints its CPU time.
//   ping-pong.js '{"moduleUrl":…,"exportName":…,"file":…}'
import type { MmapMut } from '@memmap/core';
import { childArgs, loadBackend, reportCpu } from './common.js';

export interface PingPongArgs {
  moduleUrl: string;
  exportName: string;
  file: string;
}

function answer(m: MmapMut): void {
  const w = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 2);
  Atomics.store(w, 1, 1); // ready
  let seen = 0;
  for (;;) {
    let v = Atomics.load(w, 0);
    while (v === seen) {
      m.wait(0, seen);
      v = Atomics.load(w, 0);
    }
    if (v < 0) break;
    seen = v + 1;
    Atomics.store(w, 0, seen);
    m.notify(0);
  }
}

const args = childArgs<PingPongArgs>();
const backend = await loadBackend(args.moduleUrl, args.exportName);
const m = backend.mapMut(args.file);
answer(m);
m.close();
reportCpu();
