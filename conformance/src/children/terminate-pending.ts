// The child process of the worker-shutdown group's "terminated with work pending" check. Its main
// thread maps a file shared and runs Workers one after another (this same file, in Worker mode);
// each maps the file, dirties it, leaves flushAsync()/prefetch()/waitAsync() pending and is
// terminated. Between terminations the main map must keep working; at the end every Worker's marker
// must be in the file. Run as a script file (with --expose-gc where the runtime has it):
//   terminate-pending.js <module URL> <export name> <path> <rounds> <size>
// It prints one JSON line (a TerminatePendingReport) and exits 0; a crash shows as the child's
// signal or exit status, which the group asserts.
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface TerminatePendingReport {
  /** The Workers' 'error' events, described. */
  failures: Array<{ name: string; code?: unknown; message: string }>;
  /** Per round: the Worker's marker reached the file. */
  markers: boolean[];
  /** The main thread's map and the file agree on the first page. */
  mainIntact: boolean;
  /** The file's size at the end. */
  size: number;
}

interface Job {
  module: string;
  exportName: string;
  path: string;
  round: number;
}

// Structural: the backend comes from the module under test at run time.
interface MapLike {
  readonly bytes: Buffer;
  readonly length: number;
  close(): void;
  flush(): void;
  flushAsync(offset?: number, length?: number): Promise<void>;
  prefetch(offset?: number, length?: number): Promise<void>;
  waitAsync(offset: number, expected: number): Promise<unknown>;
}
interface BackendLike {
  capabilities: { waitNotify: boolean };
  mapMut(path: string, options?: { create?: boolean; length?: number }): MapLike;
}

const PAGE = 4096;

async function loadBackend(module: string, exportName: string): Promise<BackendLike> {
  const m = (await import(module)) as Record<string, unknown>;
  return (m[exportName] ?? m.default) as BackendLike;
}

async function inWorker(job: Job): Promise<void> {
  const backend = await loadBackend(job.module, job.exportName);
  const map = backend.mapMut(job.path);
  // Dirty every page past the markers so the flush has real work when the worker is terminated.
  for (let p = 64 * PAGE; p < map.length; p += PAGE) map.bytes[p] = job.round & 255;
  map.bytes[(job.round + 2) * PAGE] = 0xa0 + (job.round % 16);
  const pending = [map.flushAsync(), map.prefetch(), map.flushAsync(0, PAGE * 8)];
  // A waitAsync nobody will notify: still sleeping when the worker is terminated.
  if (backend.capabilities.waitNotify) pending.push(map.waitAsync(63 * PAGE, 0).then(() => {}));
  for (const p of pending) p.catch(() => {});
  parentPort!.postMessage('pending');
}

const describeError = (e: unknown) =>
  e instanceof Error
    ? { name: e.name, code: (e as { code?: unknown }).code, message: e.message }
    : { name: 'non-Error', message: String(e) };

async function ticks(n: number): Promise<void> {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  const gc = g.gc ?? (g.Bun ? () => g.Bun!.gc(true) : undefined);
  for (let i = 0; i < n; i++) {
    if (typeof gc === 'function') gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  const [module, exportName, path, roundsArg, sizeArg] = process.argv.slice(-5) as [string, string, string, string, string];
  const [rounds, size] = [Number(roundsArg), Number(sizeArg)];
  const backend = await loadBackend(module, exportName);
  const mainMap = backend.mapMut(path, { create: true, length: size });
  mainMap.bytes.fill(0x11, 0, PAGE);
  const failures: TerminatePendingReport['failures'] = [];
  for (let round = 0; round < rounds; round++) {
    const job: Job = { module, exportName, path, round };
    const worker = new Worker(new URL(import.meta.url), { execArgv: [], workerData: job });
    worker.on('error', (e) => failures.push(describeError(e)));
    await new Promise((resolve) => {
      worker.once('message', resolve);
      worker.once('error', resolve);
      worker.once('exit', resolve);
    });
    await worker.terminate();
    // The main thread's map keeps working between terminations.
    mainMap.bytes[round] = 0x11 + round;
    await mainMap.flushAsync(0, PAGE);
    await mainMap.prefetch(0, PAGE);
  }
  await ticks(5);
  mainMap.flush();
  const file = readFileSync(path);
  const markers: boolean[] = [];
  for (let round = 0; round < rounds; round++) markers.push(file[(round + 2) * PAGE] === 0xa0 + (round % 16));
  let mainIntact = true;
  for (let i = 0; i < PAGE; i++) mainIntact &&= mainMap.bytes[i] === (i < rounds ? 0x11 + i : 0x11) && file[i] === mainMap.bytes[i];
  mainMap.close();
  const report: TerminatePendingReport = { failures, markers, mainIntact, size: file.length };
  console.log(JSON.stringify(report));
}

if (isMainThread) await main();
else await inWorker(workerData as Job);
