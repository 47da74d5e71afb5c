// Child of the read-only group: stray writes through a map() (read-only, private copy-on-write)
// Buffer and view do not crash and never reach the file (`stray` is the child's helper that turns
// a TypeError from a detached Buffer into nothing). Run as a script file:
//   read-only.js <module URL> <export name> <path>
// It prints one JSON line (StrayWriteResult) and exits 0.
import fs from 'node:fs';
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';
import { childTools } from './tools.js';

export interface StrayWriteResult {
  /** A write through view() shows in bytes (they alias one mapping); null where the write threw. */
  viewToBytes: boolean | null;
  /** A write through bytes shows in view(); null where the write threw. */
  bytesToView: boolean | null;
  /** A map opened afterwards still sees the file as it was. */
  clean: boolean;
}

export function strayReadOnlyWrites(backend: Backend, path: string, stray: (write: () => void) => void): StrayWriteResult {
  const m = backend.map(path);
  const b = m.bytes;
  const v = m.view(5000, 10);
  let viewToBytes: boolean | null = null;
  let bytesToView: boolean | null = null;
  stray(() => {
    b.fill(0xee, 0, 100);
    b[b.length - 1] = 0xee;
  });
  stray(() => {
    v[0] = 0xdd;
    viewToBytes = b[5000] === 0xdd;
  });
  stray(() => {
    b[5001] = 0xcc;
    bytesToView = v[1] === 0xcc;
  });
  // A map opened now must still see the file as it was: the write stayed private.
  const again = backend.map(path);
  const clean = again.bytes[0] !== 0xee && again.bytes[5000] !== 0xdd;
  again.close();
  m.close();
  return { viewToBytes, bytesToView, clean };
}

const { backend, args } = await startChild();
report(strayReadOnlyWrites(backend, args[0]!, childTools(fs).stray));
