// share() / openShared() between the threads of one child process (the 'share' group). Run as a
// script file:  share.js <module URL> <export name> <dir> <scenario> [handle JSON]
// The main thread runs one scenario, starting Workers on this same file; it prints one JSON line
// (what it saw) and exits 0. A crash shows as the child's signal or exit status.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Backend, MapHandle, Mmap, MmapMut } from '@memmap/core';

export type ShareScenario = 'kinds' | 'terminate' | 'atomics' | 'wait-notify' | 'resize-busy' | 'opener-file' | 'handles' | 'foreign';

/** What a Worker is asked to do with a handle. */
type WorkerTask =
  | { task: 'inspect'; handle: MapHandle; write: number }
  | { task: 'hold'; handle: MapHandle }
  | { task: 'own'; handle: MapHandle }
  | { task: 'add'; handle: MapHandle; times: number }
  | { task: 'wait'; handle: MapHandle }
  | { task: 'wake'; handle: MapHandle; delayMs: number };

interface WorkerJob {
  module: string;
  exportName: string;
  work: WorkerTask;
}

const ATOMIC_WORKERS = 4;
const ATOMIC_ADDS = 100_000;

async function loadBackend(module: string, exportName: string): Promise<Backend> {
  const m = (await import(module)) as Record<string, unknown>;
  return (m[exportName] ?? m.default) as Backend;
}

const int32 = (m: Mmap): Int32Array => m.array(Int32Array);
const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'no error';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).name);
  }
};

async function inWorker(job: WorkerJob): Promise<void> {
  const backend = await loadBackend(job.module, job.exportName);
  const { work } = job;
  const m = backend.openShared(work.handle);
  const port = parentPort!;
  if (work.task === 'inspect') {
    const first = [...m.bytes.subarray(0, 8)];
    if (m.writable) m.bytes[8] = work.write;
    port.postMessage({
      kind: (JSON.parse(JSON.stringify(m)) as { kind?: string }).kind,
      writable: m.writable,
      length: m.length,
      offset: m.offset,
      first,
    });
    m.close();
    return;
  }
  if (work.task === 'hold') {
    m.bytes[16] = 0x5a; // touch it, then keep it open until terminated
    port.postMessage('holding');
    port.on('message', (message) => {
      if (message === 'close') {
        m.close();
        port.postMessage('closed');
      }
    });
    return;
  }
  if (work.task === 'own') {
    // A shared file map opened here flushes its file, and once it is the only holder resizes it.
    const mut = m as MmapMut;
    mut.bytes[8] = 0x33;
    port.postMessage({ flush: codeOf(() => mut.flush()) });
    port.once('message', () => {
      const resize = codeOf(() => mut.resize(8192));
      if (mut.length === 8192) mut.bytes[8191] = 0x44;
      port.postMessage({ resize, length: mut.length, flush: codeOf(() => mut.flush()) });
      mut.close();
    });
    return;
  }
  const counters = int32(m);
  if (work.task === 'add') {
    for (let i = 0; i < work.times; i++) Atomics.add(counters, 0, 1);
    m.close();
    port.postMessage('done');
    return;
  }
  const mut = m as MmapMut;
  if (work.task === 'wait') {
    port.postMessage('waiting');
    // Block this thread until the main thread stores 1 at word 1 and notifies.
    let result = mut.wait(4, 0, 10_000);
    while (result === 'ok' && Atomics.load(counters, 1) === 0) result = mut.wait(4, 0, 10_000);
    port.postMessage({ result, seen: Atomics.load(counters, 1) });
    mut.close();
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, work.delayMs));
  Atomics.store(counters, 2, 7);
  port.postMessage({ woken: mut.notify(8) });
  mut.close();
}

/** Starts a Worker on this file with a task; resolves its messages through `next()`. */
function startWorker(
  module: string,
  exportName: string,
  work: WorkerTask,
): { worker: Worker; next: () => Promise<unknown>; exited: Promise<number> } {
  const job: WorkerJob = { module, exportName, work };
  const worker = new Worker(new URL(import.meta.url), { workerData: job, execArgv: [] });
  const queue: unknown[] = [];
  const waiting: Array<(value: unknown) => void> = [];
  const push = (value: unknown): void => {
    const resolve = waiting.shift();
    if (resolve) resolve(value);
    else queue.push(value);
  };
  worker.on('message', push);
  worker.on('error', (error: unknown) => push({ error: String((error as Error)?.stack ?? error) }));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const next = (): Promise<unknown> =>
    queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve));
  return { worker, next, exited };
}

/** Mappings of `path` in this process (Linux /proc; -1 where there is none). */
function mappingsOf(path: string): number {
  try {
    return readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .filter((line) => line.endsWith(path)).length;
  } catch {
    return -1;
  }
}

async function settleMappings(path: string): Promise<number> {
  // The backend may unmap on a thread of its own: give it a moment.
  for (let i = 0; i < 100; i++) {
    const n = mappingsOf(path);
    if (n <= 0) return n;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return mappingsOf(path);
}

async function main(): Promise<void> {
  const [module, exportName, dir, scenario, extra] = process.argv.slice(-5) as [string, string, string, ShareScenario, string | undefined];
  const backend = await loadBackend(module, exportName);
  const file = join(dir, `share-${scenario}.bin`);
  writeFileSync(file, Buffer.from(Array.from({ length: 65536 }, (_, i) => i & 255)));
  const report: Record<string, unknown> = {};
  const run = (work: WorkerTask) => startWorker(module, exportName, work);

  if (scenario === 'kinds') {
    // Every kind: the Worker's map has the same kind, writability, offset, length and bytes, and
    // each side sees the other's writes at once.
    const named = `mm-share-${process.pid}`;
    const maps: Record<string, Mmap> = {
      read: backend.map(file, { offset: 4096, length: 8192 }),
      shared: backend.mapMut(file, { offset: 3, length: 5000 }),
      copy: backend.mapCopy(file),
      anon: backend.mapAnon(4096),
    };
    if (backend.capabilities.named) {
      maps.named = backend.mapNamed(named, { create: true, length: 4096 });
      // Unlinked while mapped (the map stays valid): a Windows name lives only while a process holds
      // it, so after the last close there is nothing to unlink (ENOENT).
      backend.unlinkNamed(named);
    }
    for (const [kind, m] of Object.entries(maps)) {
      if (m.writable) (m as MmapMut).bytes.fill(0x40 + kind.length, 0, 8);
      const w = run({ task: 'inspect', handle: m.share(), write: 0x77 });
      const seen = (await w.next()) as Record<string, unknown>;
      const exit = await w.exited; // a Worker that threw (e.g. in close()) exits 1
      report[kind] = {
        exit,
        seen,
        mainSees: m.bytes[8],
        expected: { writable: m.writable, length: m.length, offset: m.offset, first: [...m.bytes.subarray(0, 8)] },
      };
      m.close();
    }
    // Two map objects in one thread: closing one detaches its views only.
    const a = backend.mapAnon(4096);
    const b = backend.openShared(a.share());
    const viewA = a.bytes;
    const viewB = b.bytes;
    viewB[0] = 9;
    b.close();
    report.closeOne = { viewA: viewA.length, viewB: viewB.length, a0: a.bytes[0], bClosed: b.closed, aClosed: a.closed };
    a.close();
  } else if (scenario === 'terminate') {
    const m = backend.mapMut(file);
    const anon = backend.mapAnon(65536);
    anon.bytes.fill(3);
    const before = mappingsOf(file);
    const workers = [];
    for (let i = 0; i < 4; i++) {
      const w = run({ task: 'hold', handle: i % 2 ? anon.share() : m.share() });
      workers.push(w);
      report[`worker${i}`] = await w.next();
    }
    const exits = [];
    for (const w of workers) {
      await w.worker.terminate();
      exits.push(await w.exited);
    }
    report.exits = exits;
    // The main thread's maps still read and write their memory.
    m.bytes[100] = 1;
    report.mainReads = { file: m.bytes[16], anon: anon.bytes[16], sum: anon.bytes.reduce((s, b) => s + b, 0) };
    report.before = before;
    m.close();
    anon.close();
    report.after = await settleMappings(file);
  } else if (scenario === 'atomics') {
    const m = backend.mapAnon(4096);
    const workers = Array.from({ length: ATOMIC_WORKERS }, () => run({ task: 'add', handle: m.share(), times: ATOMIC_ADDS }));
    report.done = await Promise.all(workers.map((w) => w.next()));
    report.exits = await Promise.all(workers.map((w) => w.exited));
    report.total = Atomics.load(int32(m), 0);
    report.workers = ATOMIC_WORKERS;
    report.adds = ATOMIC_ADDS;
    m.close();
  } else if (scenario === 'wait-notify') {
    const m = backend.mapAnon(4096);
    const words = int32(m);
    // A Worker blocks in wait(); the main thread wakes it.
    const waiter = run({ task: 'wait', handle: m.share() });
    report.waiting = await waiter.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    Atomics.store(words, 1, 1);
    let woken = 0;
    for (let i = 0; i < 200 && woken === 0; i++) {
      woken = m.notify(4);
      if (woken === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    report.mainWoke = woken;
    report.workerSaw = await waiter.next();
    report.waiterExit = await waiter.exited;
    // The main thread blocks in wait(); a Worker wakes it.
    const waker = run({ task: 'wake', handle: m.share(), delayMs: 100 });
    const mut = m;
    let result = mut.wait(8, 0, 10_000);
    while (result === 'ok' && Atomics.load(words, 2) === 0) result = mut.wait(8, 0, 10_000);
    report.mainResult = result;
    report.mainSaw = Atomics.load(words, 2);
    report.workerWoke = await waker.next();
    report.wakerExit = await waker.exited;
    m.close();
  } else if (scenario === 'resize-busy') {
    for (const kind of ['shared', 'anon'] as const) {
      const m = kind === 'shared' ? backend.mapMut(file) : backend.mapAnon(65536);
      const w = run({ task: 'hold', handle: m.share() });
      await w.next();
      const busy = codeOf(() => m.resize(8192));
      const lengthAfter = m.length;
      w.worker.postMessage('close');
      await w.next();
      await w.worker.terminate();
      await w.exited;
      const after = codeOf(() => m.resize(8192));
      report[kind] = { busy, lengthAfter, after, length: m.length };
      m.close();
    }
  } else if (scenario === 'opener-file') {
    // The opener keeps a descriptor of its own: it flushes, and outlives the sharer's to resize the file.
    const m = backend.mapMut(file);
    const w = run({ task: 'own', handle: m.share() });
    report.first = await w.next();
    report.fileByte8 = readFileSync(file)[8];
    m.close();
    w.worker.postMessage('resize');
    report.second = await w.next();
    report.exit = await w.exited;
    const bytes = readFileSync(file);
    report.file = { size: bytes.length, last: bytes[8191] };
  } else if (scenario === 'handles') {
    const m = backend.mapMut(file);
    const h = m.share() as Record<string, unknown>;
    const hex = (s: unknown): string => {
      const text = String(s);
      return text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
    };
    const cases: Record<string, unknown> = {
      secret: { ...h, secret: hex(h.secret) },
      id: { ...h, id: hex(h.id) },
      length: { ...h, length: (h.length as number) + 4096 },
      offset: { ...h, offset: 4096 },
      kind: { ...h, kind: 'anon' },
      pid: { ...h, pid: (h.pid as number) + 1 },
      backend: { ...h, backend: `${backend.name}-other` },
      empty: {},
      garbage: { backend: backend.name, pid: process.pid, kind: 'shared', offset: 0, length: 1, id: 'x', secret: 'y' },
      number: 42,
      string: 'handle',
      null: null,
    };
    const codes: Record<string, string> = {};
    for (const [name, handle] of Object.entries(cases)) codes[name] = codeOf(() => backend.openShared(handle as MapHandle));
    codes.genuine = codeOf(() => backend.openShared(structuredClone(h)).close());
    m.close();
    codes.released = codeOf(() => backend.openShared(h));
    report.codes = codes;
    report.handle = h;
  } else if (scenario === 'foreign') {
    // A handle another process made (it passed it here), as is and with our pid written in.
    const h = JSON.parse(extra!) as Record<string, unknown>;
    report.codes = {
      foreign: codeOf(() => backend.openShared(h)),
      repid: codeOf(() => backend.openShared({ ...h, pid: process.pid })),
    };
  }
  console.log(JSON.stringify(report));
}

if (isMainThread) await main();
else await inWorker(workerData as WorkerJob);
