// The six scenarios. Each subject (plain-fs baseline, memmap backends, mmap-io, the C loop) gets a
// Work: setup outside the timing, run() = one timed batch returning a value that every subject must
// agree on (so a fast but wrong backend shows as an error, not a win), teardown.
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DataFile } from './data.js';
import { word } from './data.js';
import { backendChildSource, mmapIoChildSource, startIpcChannel, startMapChannel, type HandoffChannel } from './handoff.js';
import { runNative, type NativeRun, type NativeTool } from './native.js';
import type { Backend, Mmap, MmapMut } from '@memmap/core';
import type { LoadedBackend, MmapIo } from './subjects.js';
import type { ScenarioKey, SubjectKind } from './types.js';

export interface Work {
  setup?(): void | Promise<void>;
  /** One timed batch of `batch` ops. */
  run(): number | Promise<number>;
  teardown?(): void | Promise<void>;
  async?: boolean;
  /** Runs after each batch, outside the timing (e.g. letting the GC unmap mmap-io's maps). */
  untimed?(): void | Promise<void>;
  /** Figures measured besides the timing (e.g. RSS growth), taken after setup. */
  measure?(): Record<string, number> | Promise<Record<string, number>>;
}

export interface Plan {
  subject: string;
  kind: SubjectKind;
  work?: Work;
  /** The C loop: runs on its own, returns per-op samples. */
  native?: () => NativeRun;
  skipped?: string;
}

export interface Settings {
  batch: number;
  iterations: number;
  warmupIterations: number;
  time: number;
  warmupTime: number;
}

export interface ScenarioContext {
  data: DataFile;
  small: { path: string; size: number };
  handoffPath: string;
  /** Word indices (byte offset / 4) of the random 64-byte reads; cycled. */
  readOffsets: Uint32Array;
  readOffsetsFile: string;
  /** Word indices, 8-byte aligned, of the random 8-byte writes; cycled. */
  writeOffsets: Uint32Array;
  writeOffsetsFile: string;
  /** Scenario 4's own file (a copy of the data file), so the data file never changes. */
  writeFile: string;
  /** Writes per op in scenario 4. */
  writesPerOp: number;
  quick: boolean;
  time?: number;
  backends: LoadedBackend[];
  peer?: { lib: MmapIo; path: string };
  native?: NativeTool;
  nativeSkip?: string;
  peerSkip?: string;
}

export interface ScenarioDef {
  id: number;
  key: ScenarioKey;
  title: (c: ScenarioContext) => string;
  op: (c: ScenarioContext) => string;
  baseline: string;
  settings: (c: ScenarioContext) => Settings;
  /** The value every subject's first batch must return; undefined: take the baseline's. */
  expected?: (c: ScenarioContext, s: Settings) => number | undefined;
  plans: (c: ScenarioContext, s: Settings) => Plan[];
  notes: (c: ScenarioContext, s: Settings) => string[];
}

// ---------------------------------------------------------------------------------------------
// Shared loops. One copy of each, used by every subject, so V8 optimises the same code for all.

/** A Uint32Array over a Buffer, or null when its byteOffset is not 4-aligned. */
export function u32(buf: Buffer): Uint32Array | null {
  return (buf.byteOffset & 3) === 0 ? new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2) : null;
}

function u32Strict(buf: Buffer, what: string): Uint32Array {
  const u = u32(buf);
  if (!u) throw new Error(`${what}: buffer byteOffset ${buf.byteOffset} is not 4-byte aligned`);
  return u;
}

/**
 * The "read 64 bytes": sum of the 16 u32 words at word index w, as an exact float64 (< 2^36).
 * Tree-shaped so the adds do not form one long dependency chain.
 */
export function fold16(u: Uint32Array, w: number): number {
  return (((u[w] + u[w + 1]) + (u[w + 2] + u[w + 3])) + ((u[w + 4] + u[w + 5]) + (u[w + 6] + u[w + 7]))) +
    (((u[w + 8] + u[w + 9]) + (u[w + 10] + u[w + 11])) + ((u[w + 12] + u[w + 13]) + (u[w + 14] + u[w + 15])));
}

/** Same as fold16 for a Buffer whose byteOffset is not 4-aligned (a copying backend may hand one out). */
function fold16Unaligned(b: Buffer, w: number): number {
  let s = 0;
  for (let j = 0, p = w * 4; j < 16; j++, p += 4) s += b.readUInt32LE(p);
  return s;
}

const TWO32 = 4294967296;

/**
 * The checksum loop: s + every u32 word of u[0..n), mod 2^32 (as a signed int32). Four float64
 * accumulators, exact for up to 2^21 terms each, folded mod 2^32 every 2^20 words. (The obvious
 * `s = (s + u[i]) | 0` runs ~5x slower on V8: the add is speculated as float64 because the sum
 * overflows int32, and every iteration waits on a float add plus a truncation.)
 */
export function sumWords(u: Uint32Array, n: number, s: number): number {
  for (let b = 0; b < n; b += 1 << 20) {
    const e = Math.min(n, b + (1 << 20));
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = b;
    for (; i + 3 < e; i += 4) {
      s0 += u[i];
      s1 += u[i + 1];
      s2 += u[i + 2];
      s3 += u[i + 3];
    }
    for (; i < e; i++) s0 += u[i];
    s = (s + ((s0 + s1) % TWO32) + ((s2 + s3) % TWO32)) | 0;
  }
  return s;
}

function sumWordsUnaligned(b: Buffer, s: number): number {
  for (let p = 0, end = b.length - 3; p < end; p += 4) s = (s + b.readUInt32LE(p)) | 0;
  return s;
}

const MiB = 1 << 20;

/**
 * Scenario 4 writes word(w) + epoch, the epoch growing by one per op across all subjects, so every
 * write changes the bytes (a copying backend that skips unchanged bytes must still do real work).
 */
let writeEpoch = 1;

function rss(): number {
  return process.memoryUsage.rss();
}

/**
 * RSS growth of `open` (median of 3), undoing with `close` each time. Garbage (earlier maps, copies)
 * is collected and its finalizers run before each reading, so only `open` moves the number.
 */
async function rssGrowth<T>(open: () => T, close: (t: T) => void): Promise<number> {
  const g: number[] = [];
  for (let i = 0; i < 3; i++) {
    await garbageReleaser(1).flush();
    const before = rss();
    const t = open();
    g.push(rss() - before);
    close(t);
  }
  return g.sort((a, b) => a - b)[1];
}

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;
let gcFn: Gc | undefined;

/** The V8 gc() function, exposed for this process without a command-line flag. */
function gc(): Gc {
  if (!gcFn) {
    const g = (globalThis as { gc?: Gc }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as Gc;
      setFlagsFromString('--no-expose-gc');
    }
  }
  return gcFn;
}

/**
 * mmap-io has no unmap: a map is released by the Buffer's finalizer, which Node runs on an event
 * loop turn after a GC. A tight map loop would otherwise hit vm.max_map_count (ENOMEM) within a
 * second; this collects every `every` maps, untimed.
 */
export function garbageReleaser(every: number): { count(n: number): void; untimed(): Promise<void>; flush(): Promise<void> } {
  let pending = 0;
  const release = async (type: 'minor' | 'major') => {
    gc()({ type });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  };
  return {
    count(n) {
      pending += n;
    },
    async untimed() {
      if (pending >= every) {
        pending = 0;
        await release('minor');
      }
    },
    async flush() {
      pending = 0;
      await release('major');
    },
  };
}

/** A plan from `make`'s result: a Work, or the reason the subject is skipped. */
function plan(subject: string, kind: SubjectKind, w: Work | string): Plan {
  return typeof w === 'string' ? { subject, kind, skipped: w } : { subject, kind, work: w };
}

/**
 * One plan per loaded backend. `make` runs once per backend, so the state it declares (map, cursor)
 * is that backend's own; the timed loops stay written out inside each scenario.
 */
function backendPlans(c: ScenarioContext, make: (be: Backend, b: LoadedBackend) => Work | string): Plan[] {
  return c.backends.map((b) => plan(b.name, 'backend', make(b.backend, b)));
}

function peerPlan(c: ScenarioContext, make: (lib: MmapIo, path: string) => Work | string): Plan {
  if (!c.peer) return { subject: 'mmap-io', kind: 'peer', skipped: c.peerSkip ?? 'not requested' };
  return plan('mmap-io', 'peer', make(c.peer.lib, c.peer.path));
}

function nativePlan(c: ScenarioContext, args: () => string[]): Plan {
  const subject = 'C (mmap)';
  if (!c.native) return { subject, kind: 'native', skipped: c.nativeSkip ?? 'not requested' };
  const tool = c.native;
  return { subject, kind: 'native', native: () => runNative(tool, args()) };
}

function settings(c: ScenarioContext, full: Omit<Settings, 'warmupTime' | 'time'> & { time?: number }, quickBatch?: number): Settings {
  if (c.quick) {
    return { batch: quickBatch ?? full.batch, iterations: 3, warmupIterations: 1, time: c.time ?? 60, warmupTime: 15 };
  }
  return { ...full, time: c.time ?? full.time ?? 1000, warmupTime: 200 };
}

// ---------------------------------------------------------------------------------------------

export const scenarios: ScenarioDef[] = [
  {
    id: 1,
    key: 'open-map-close',
    title: (c) => `open + map + read 4 bytes + close, ${c.small.size} B file`,
    op: () => 'open, map, read the first u32, close',
    baseline: 'fs.readFileSync',
    settings: (c) => settings(c, { batch: 16, iterations: 64, warmupIterations: 16 }),
    expected: (_c, s) => {
      let v = 0;
      for (let i = 0; i < s.batch; i++) v = (v + word(0)) | 0;
      return v >>> 0;
    },
    plans: (c, s) => {
      const path = c.small.path;
      const B = s.batch;
      return [
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
        peerPlan(c, (mm) => {
          const gcr = garbageReleaser(4096);
          return {
            run() {
              let v = 0;
              for (let i = 0; i < B; i++) {
                const fd = openSync(path, 'r');
                const buf = mm.map(fstatSync(fd).size, mm.PROT_READ, mm.MAP_SHARED, fd, 0);
                v = (v + buf.readUInt32LE(0)) | 0;
                closeSync(fd);
              }
              gcr.count(B);
              return v >>> 0;
            },
            untimed: gcr.untimed,
            teardown: gcr.flush,
          };
        }),
        nativePlan(c, () => ['open', path, String(B), String(s.iterations), String(s.time)]),
      ];
    },
    notes: (c) => [
      `The backends map by path (open + fstat + mmap + close fd), read bytes[0..4] and close() the map.`,
      c.peer ? 'mmap-io has no unmap: its maps are released when the Buffer is garbage-collected, so its row omits munmap (the suite forces a minor GC every 4096 maps, untimed, or the loop would hit vm.max_map_count).' : '',
    ],
  },
  {
    id: 2,
    key: 'random-read',
    title: (c) => `random 64-byte reads across ${fmtSize(c.data.size)}`,
    op: () => 'read 64 bytes at a seeded random offset (sum of 16 u32)',
    baseline: 'fs.readSync (pread)',
    settings: (c) => settings(c, { batch: 4096, iterations: 64, warmupIterations: 16 }, 1024),
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
            setup: () => void (fd = openSync(data, 'r')),
            run() {
              // Hot loops keep their state in locals (closure slots would be reloaded every iteration).
              const f = fd;
              let kk = k;
              let v = 0;
              for (let i = 0; i < B; i++) {
                readSync(f, buf, 0, 64, offs[kk] * 4);
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
          return {
            setup() {
              m = be.map(data);
              bytes = m.bytes;
              u = u32(bytes);
            },
            run() {
              const uu = u;
              let kk = k;
              let v = 0;
              if (uu) {
                for (let i = 0; i < B; i++) {
                  v += fold16(uu, offs[kk]);
                  kk = (kk + 1) & mask;
                }
              } else {
                const bb = bytes!;
                for (let i = 0; i < B; i++) {
                  v += fold16Unaligned(bb, offs[kk]);
                  kk = (kk + 1) & mask;
                }
              }
              k = kk;
              return v >>> 0;
            },
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
                v += fold16(uu, offs[kk]);
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
        nativePlan(c, () => ['rand', data, c.readOffsetsFile, String(B), String(s.iterations), String(s.time)]),
      );
      return plans;
    },
    notes: (c, s) => [
      `${c.readOffsets.length} seeded offsets (4-byte aligned), cycled in the same order by every subject; batches of ${s.batch} reads; p50/p99 are of batch means.`,
      'Maps are created once before timing; the pread baseline opens the file once and reuses one 64-byte buffer.',
    ],
  },
  {
    id: 3,
    key: 'sequential',
    title: (c) => `sequential checksum (sum of u32) of ${fmtSize(c.data.size)}`,
    op: () => 'open + map + sum every u32 + close (baseline: open + 1 MiB readSync chunks + close)',
    baseline: 'fs.readSync 1 MiB chunks',
    settings: (c) => settings(c, { batch: 1, iterations: 5, warmupIterations: 1, time: 2000 }),
    expected: (c) => c.data.checksum,
    plans: (c, st) => {
      const data = c.data.path;
      const chunk = Buffer.allocUnsafe(MiB);
      const cu = u32Strict(chunk, 'chunk buffer');
      return [
        {
          subject: 'fs.readSync 1 MiB chunks',
          kind: 'baseline',
          work: {
            run() {
              const fd = openSync(data, 'r');
              let s = 0;
              let pos = 0;
              for (;;) {
                const n = readSync(fd, chunk, 0, MiB, pos);
                if (n <= 0) break;
                s = sumWords(cu, n >>> 2, s);
                pos += n;
              }
              closeSync(fd);
              return s >>> 0;
            },
          },
        },
        ...backendPlans(c, (be) => ({
          run() {
            const m = be.map(data);
            const bytes = m.bytes;
            const u = u32(bytes);
            const s = u ? sumWords(u, u.length, 0) : sumWordsUnaligned(bytes, 0);
            m.close();
            return s >>> 0;
          },
        })),
        peerPlan(c, (mm) => {
          const gcr = garbageReleaser(1);
          return {
            run() {
              const fd = openSync(data, 'r');
              const buf = mm.map(fstatSync(fd).size, mm.PROT_READ, mm.MAP_SHARED, fd, 0);
              closeSync(fd);
              const u = u32Strict(buf, 'mmap-io map');
              gcr.count(1);
              return sumWords(u, u.length, 0) >>> 0;
            },
            untimed: gcr.untimed,
            teardown: gcr.flush,
          };
        }),
        nativePlan(c, () => ['seq', data, String(st.iterations), String(st.time)]),
      ];
    },
    notes: (c) => [
      'Each op maps (or opens) the file, sums every u32 with the same JS loop, and closes it; page faults of the fresh map are timed.',
      c.peer ? 'mmap-io cannot unmap: its maps are released at garbage collection (forced after each op, untimed).' : '',
    ],
  },
  {
    id: 4,
    key: 'random-write',
    title: (c) => `random 8-byte writes across ${fmtSize(c.data.size)}, then one flush`,
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
            setup: () => void (fd = openSync(data, 'r+')),
            run() {
              const e = writeEpoch++;
              let kk = k;
              for (let i = 0; i < W; i++) {
                const w = offs[kk];
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
                const w = offs[kk];
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
                const w = offs[kk];
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
        nativePlan(c, () => ['write', data, c.writeOffsetsFile, String(W), String(st.iterations), String(st.time), String((writeEpoch += 1 << 20))]),
      );
      return plans;
    },
    notes: (c) => [
      'The C row maps the file shared once and does the same writes, then msync(MS_SYNC) of the whole map: the floor for any map-based flush.',
      `Each op writes ${c.writesPerOp} × 8 bytes into a copy of the data file (word + a per-op epoch, so every write changes bytes) and then makes them durable once: flush() (msync MS_SYNC) for maps, fsync for the baseline.`,
      'Maps are created once before timing (mapMut of the whole file).',
    ],
  },
  {
    id: 5,
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
        { subject: 'process.send IPC', kind: 'baseline', work: { ...channelWork(startIpcChannel), async: true } },
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
              return startMapChannel(new Int32Array(bytes.buffer, bytes.byteOffset, 4), backendChildSource(moduleUrl, b.exportName, file));
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
            return startMapChannel(new Int32Array(buf.buffer, buf.byteOffset, 4), mmapIoChildSource(path, file));
          }),
        ),
      ];
    },
    notes: (_c, s) => [
      `Batches of ${s.batch} round trips. Both sides busy-poll the shared page with Atomics.load (a mapped file is not a SharedArrayBuffer, so Atomics.wait cannot be used across processes); the child naps after a few ms idle.`,
      'On a 2-core machine parent and child each hold one core while spinning.',
    ],
  },
  {
    id: 6,
    key: 'map-rss',
    title: (c) => `map + close of ${fmtSize(c.data.size)}, and RSS growth before touching it`,
    op: () => 'map the whole file read-only and close it (baseline: read the whole file)',
    baseline: 'fs.readFileSync (whole file)',
    settings: (c) => settings(c, { batch: 1, iterations: 5, warmupIterations: 2 }),
    plans: (c) => {
      const data = c.data.path;
      return [
        plan(
          'fs.readFileSync (whole file)',
          'baseline',
          c.data.size > 2 ** 31 - 1
            ? 'readFileSync refuses files over 2 GiB'
            : {
                run: () => readFileSync(data).length,
                measure: async () => ({ rssGrowthBytes: await rssGrowth(() => readFileSync(data), () => undefined) }),
              },
        ),
        ...backendPlans(c, (be) => ({
          run() {
            const m = be.map(data);
            const n = m.length;
            m.close();
            return n;
          },
          measure: async () => ({ rssGrowthBytes: await rssGrowth(() => be.map(data), (m) => m.close()) }),
        })),
        peerPlan(c, (mm) => {
          const open = () => {
            const fd = openSync(data, 'r');
            const buf = mm.map(fstatSync(fd).size, mm.PROT_READ, mm.MAP_SHARED, fd, 0);
            closeSync(fd);
            return buf;
          };
          const gcr = garbageReleaser(1024);
          return {
            run() {
              gcr.count(1);
              return open().length;
            },
            untimed: gcr.untimed,
            teardown: gcr.flush,
            measure: async () => ({ rssGrowthBytes: await rssGrowth(open, () => undefined) }),
          };
        }),
      ];
    },
    notes: (c) => [
      'RSS growth: process RSS right after map() (bytes not touched) minus before; median of 3.',
      c.peer ? 'mmap-io cannot unmap, so its "close" is dropping the Buffer (released at garbage collection).' : '',
    ],
  },
];

export function fmtSize(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} B`;
}
