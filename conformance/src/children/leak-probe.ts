// Runs inside a child (node --expose-gc): cycles of maps and failing calls, measuring open fds,
// /proc/self/maps lines and RSS at a baseline and after. Run as a script file:
//   leak-probe.js <module URL> <export name> <path> <cycles> <failing> <close|gc>
// It prints one JSON line (LeakFigures) and exits 0.
import fs from 'node:fs';
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';

export interface LeakFigures {
  fds: [number, number];
  mapsLines: [number, number];
  /** /proc/self/maps lines naming the mapped file (should drop to 0). */
  fileLines: [number, number];
  /** Virtual size (VmSize, bytes): leaked anonymous maps merge into one maps line but show here. */
  vmSize: [number, number];
  rss: [number, number];
  /** V8 heap used + external memory (ArrayBuffers) after GC. */
  heap: [number, number];
  failures: Record<string, number>;
}

export async function leakProbe(
  backend: Backend,
  fs: typeof import('node:fs'),
  path: string,
  cycles: number,
  failing: number,
  mode: 'close' | 'gc',
): Promise<LeakFigures> {
  const linux = process.platform === 'linux';
  const gc = (globalThis as { gc?: () => void }).gc!;
  const settle = async () => {
    for (let i = 0; i < 8; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const maps = () => (linux ? fs.readFileSync('/proc/self/maps', 'utf8').trim().split('\n') : []);
  // V8 grows its heap in anonymous 256 KiB pages aligned to 256 KiB: those lines are not ours.
  const v8Page = (line: string) => {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ 00:00 0\s*$/.exec(line);
    return m !== null && parseInt(m[2]!, 16) - parseInt(m[1]!, 16) === 0x40000 && parseInt(m[1]!, 16) % 0x40000 === 0;
  };
  const fileFd = (fd: string) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith('/');
    } catch {
      return false; // the directory handle readdirSync itself used, already closed
    }
  };
  const vmSize = () => (linux ? Number(/VmSize:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024 : 0);
  const measure = () => ({
    // Descriptors of files only: a leaked map fd names its file, while runtimes open sockets, pipes
    // and event fds for themselves whenever they like (Deno adds a socketpair lazily, once).
    fds: linux ? fs.readdirSync('/proc/self/fd').filter((f) => fileFd(f)).length : 0,
    mapsLines: maps().filter((l) => !v8Page(l)).length,
    vmSize: vmSize(),
    fileLines: maps().filter((l) => l.includes(path)).length,
    rss: process.memoryUsage().rss,
    heap: process.memoryUsage().heapUsed + process.memoryUsage().external,
  });
  const roFd = fs.openSync(path, 'r');
  const size = fs.statSync(path).size;
  const kinds = ['map', 'mapMut', 'mapCopy', 'mapAnon'] as const;
  const cycle = (i: number) => {
    const kind = kinds[i % 4]!;
    const m = kind === 'mapAnon' ? backend.mapAnon(65536) : backend[kind](path, { offset: i % 100 });
    const b = m.bytes;
    b[i % b.length]! ^= 0; // touch a page (and for mapMut, write the byte back unchanged)
    if (mode === 'close') m.close();
  };
  const failures: Record<string, number> = {};
  const calls: Array<() => unknown> = [
    () => backend.map(`${path}.missing`),
    () => backend.map(path, { offset: size + 1 }),
    () => backend.map(path, { length: size + 1 }),
    () => backend.mapMut(roFd),
    () => backend.mapMut(`${path}.new`, { create: true, mode: -1 }),
    () => backend.mapCopy(path, { offset: -1 }),
    () => backend.mapAnon(-1),
    () => {
      const m = backend.map(path);
      try {
        return m.view(0, size + 1);
      } finally {
        m.close();
      }
    },
  ];
  const fail = (i: number) => {
    try {
      calls[i % calls.length]!();
      failures['no error'] = (failures['no error'] ?? 0) + 1;
    } catch (e) {
      const { name, code } = e as { name?: string; code?: string };
      const key = name === 'MmapError' ? String(code) : `${String(name)} ${String(code)}`; // fails isContractCode
      failures[key] = (failures[key] ?? 0) + 1;
    }
  };
  // Warm-up: lazy initialisation and V8/allocator growth settle in the first couple of thousand.
  for (let i = 0; i < Math.min(2000, cycles); i++) cycle(i);
  for (let i = 0; i < calls.length * 10; i++) fail(i);
  await settle();
  // The baseline is taken after a first half of the cycles: a runtime may grow once, on its own
  // schedule, after any warm-up (Deno starts a thread, with a socketpair and a 64 MiB malloc arena,
  // some thousand maps in, on every backend). A per-cycle leak shows in the second half as well.
  const half = Math.floor(cycles / 2);
  for (let i = 0; i < half; i++) {
    cycle(i);
    if (mode === 'gc' && i % 500 === 499) await settle();
  }
  await settle();
  const base = measure();
  for (let i = half; i < cycles; i++) {
    cycle(i);
    if (mode === 'gc' && i % 500 === 499) await settle();
  }
  for (let i = 0; i < failing; i++) fail(i);
  await settle();
  const end = measure();
  fs.closeSync(roFd);
  return {
    fds: [base.fds, end.fds],
    mapsLines: [base.mapsLines, end.mapsLines],
    fileLines: [base.fileLines, end.fileLines],
    vmSize: [base.vmSize, end.vmSize],
    rss: [base.rss, end.rss],
    heap: [base.heap, end.heap],
    failures,
  };
}

const { backend, args } = await startChild();
const [path, cycles, failing, mode] = args as [string, string, string, 'close' | 'gc'];
report(await leakProbe(backend, fs, path, Number(cycles), Number(failing), mode));
