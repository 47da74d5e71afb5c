// Children of the cross-process group's Atomics checks: a reader spinning on Atomics.load over its
// own map of a file, and a writer storing 1, 2, ... into a shared map of the same file. Run as a
// script file:  atomics-spin.js <module URL> <export name> reader <path> <map|mapMut> <stores>
//                atomics-spin.js <module URL> <export name> writer <path> <stores>
// The reader prints 'ready', then one JSON line ({ final, distinct }); both exit 0.
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';

/** Prints 'ready', then spins on Atomics.load of word 0 until it reads `stores` or 20 s pass. */
export function spinReader(backend: Backend, path: string, kind: 'map' | 'mapMut', stores: number): { final: number; distinct: number } {
  const m = backend[kind](path);
  const a = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 4);
  console.log('ready');
  const deadline = Date.now() + 20_000;
  let v = 0;
  let n = 0;
  let distinct = 0;
  let last = -1;
  for (v = Atomics.load(a, 0); v < stores; v = Atomics.load(a, 0)) {
    if (v !== last) {
      distinct++;
      last = v;
    }
    if ((++n & 0xffff) === 0 && Date.now() > deadline) break;
  }
  m.close();
  return { final: v, distinct };
}

/** `stores` Atomics.store of 1, 2, ... into word 0 of a shared map, a millisecond apart every ten. */
export function atomicWriter(backend: Backend, path: string, stores: number): void {
  const w = backend.mapMut(path);
  const a = new Int32Array(w.bytes.buffer, w.bytes.byteOffset, 4);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 1; i <= stores; i++) {
    Atomics.store(a, 0, i);
    if (i % 10 === 0) Atomics.wait(pause, 0, 0, 1);
  }
  w.close();
}

const { backend, args } = await startChild();
const [role, path] = args as [string, string];
if (role === 'reader') report(spinReader(backend, path, args[2] as 'map' | 'mapMut', Number(args[3])));
else atomicWriter(backend, path, Number(args[2]));
