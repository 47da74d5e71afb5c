// Runs inside a child whose RLIMIT_NOFILE is lowered (prlimit): holds thousands of read and copy
// maps at once, which only works if they keep no descriptor, and counts the fds shared maps keep.
// Run as a script file:  descriptor-probe.js <module URL> <export name> <dir> <counts JSON>
// It prints one JSON line (DescriptorFigures) and exits 0.
import fs from 'node:fs';
import type { Backend, Mmap } from '@memmap/core';
import { report, startChild } from './start.js';

export interface DescriptorCounts {
  sameFile: number;
  differentFiles: number;
  copies: number;
  fromFd: number;
  shared: number;
}

export interface DescriptorFigures {
  /** The soft RLIMIT_NOFILE the child runs under (from /proc/self/limits). */
  limit: number;
  /** Open fds before anything was mapped. */
  baseline: number;
  /** Read maps of one file held at once (map(path)), all open, all reading the right byte. */
  sameFile: number;
  /** Read maps of different files held at once. */
  differentFiles: number;
  /** Copy maps of one file held at once. */
  copies: number;
  /** Read maps made from a caller's fd (closed by the caller right after) held at once. */
  fromFd: number;
  /** Open fds while all of the above were live. */
  fdsWhileHeld: number;
  /** Shared maps made, and the fds they added (at most one each). */
  shared: number;
  fdsPerShared: number;
  /** Open fds after everything was closed. */
  after: number;
}

export function descriptorProbe(backend: Backend, fs: typeof import('node:fs'), dir: string, counts: DescriptorCounts): DescriptorFigures {
  const fds = () => fs.readdirSync('/proc/self/fd').length;
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const limit = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? NaN);
  const baseline = fds();
  const held: Mmap[] = [];
  const check = (m: Mmap, expected: number, what: string) => {
    if (m.bytes[m.length - 1] !== expected) throw new Error(`${what}: wrong byte ${m.bytes[m.length - 1]}, expected ${expected}`);
    held.push(m);
  };
  const one = `${dir}/one.bin`;
  fs.writeFileSync(one, Buffer.from([1, 2, 3, 4, 5, 6, 7, 42]));
  for (let i = 0; i < counts.sameFile; i++) check(backend.map(one), 42, `map #${i} of one file`);
  for (let i = 0; i < counts.differentFiles; i++) {
    const path = `${dir}/f${i}.bin`;
    fs.writeFileSync(path, Buffer.from([i & 255]));
    check(backend.map(path), i & 255, `map of file #${i}`);
  }
  for (let i = 0; i < counts.copies; i++) check(backend.mapCopy(one), 42, `mapCopy #${i}`);
  for (let i = 0; i < counts.fromFd; i++) {
    const fd = fs.openSync(one, 'r');
    const m = backend.map(fd);
    fs.closeSync(fd);
    check(m, 42, `map(fd) #${i}`);
  }
  const fdsWhileHeld = fds();
  const before = fds();
  const shared: Mmap[] = [];
  for (let i = 0; i < counts.shared; i++) shared.push(backend.mapMut(one));
  const fdsPerShared = (fds() - before) / counts.shared;
  for (const m of shared) m.close();
  for (const m of held) m.close();
  return {
    limit,
    baseline,
    sameFile: counts.sameFile,
    differentFiles: counts.differentFiles,
    copies: counts.copies,
    fromFd: counts.fromFd,
    fdsWhileHeld,
    shared: counts.shared,
    fdsPerShared,
    after: fds(),
  };
}

const { backend, args } = await startChild();
report(descriptorProbe(backend, fs, args[0]!, JSON.parse(args[1]!) as DescriptorCounts));
