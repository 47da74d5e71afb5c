// A child process whose main thread never loads a backend: only its Workers do, one after another,
// each mapping, writing and ending (normally, or by terminate() with async work pending). An addon
// the runtime unloads when the last env that loaded it ends must not leave its own threads running
// unloaded code (DESIGN.md, "Hostile callers and process limits"). Run as a script file:
//   worker-only.js <module URL> <export name> <dir> <rounds> <mode,...>
// It prints one JSON line ({ modes: { [mode]: { exits, errors } }, skipped }) and exits 0; a crash
// shows as the child's signal or exit status, which the group asserts.
// Imports only node: builtins, so that the main thread holds nothing of memmap.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** How each Worker ends. */
export type WorkerOnlyMode = 'normal' | 'flushAsync' | 'prefetch' | 'nothing' | 'waitAsync';

export interface WorkerOnlyReport {
  modes: Record<string, { exits: Array<number | null>; errors: string[] }>;
  /** Modes the backend cannot run (waitAsync without waitNotify), with why. */
  skipped: Record<string, string>;
}

interface Job {
  module: string;
  exportName: string;
  path: string;
  mode: WorkerOnlyMode;
  round: number;
}

// Structural: this file imports nothing of memmap (not even its types' module at run time).
interface MapLike {
  readonly bytes: Buffer;
  close(): void;
  flushAsync(): Promise<void>;
  prefetch(): Promise<void>;
  waitAsync(offset: number, expected: number): Promise<unknown>;
}
interface BackendLike {
  capabilities: { waitNotify: boolean };
  mapAnon(length: number): MapLike;
  mapMut(path: string, options?: { create?: boolean; length?: number }): MapLike;
}

const FILE_SIZE = 4 * 1024 * 1024;
const PAGE = 4096;

async function inWorker(job: Job): Promise<void> {
  const m = (await import(job.module)) as Record<string, unknown>;
  const backend = (m[job.exportName] ?? m.default) as BackendLike;
  if (job.mode === 'waitAsync' && !backend.capabilities.waitNotify) {
    parentPort!.postMessage({ skip: 'the backend has no waitNotify' });
    return;
  }
  if (job.mode === 'normal' || job.mode === 'nothing') {
    const anon = backend.mapAnon(PAGE);
    anon.bytes[0] = job.round & 255;
    const file = backend.mapMut(job.path);
    file.bytes[job.round * 8] = 1;
    if (job.mode === 'normal') {
      anon.close();
      file.close();
    }
    // 'nothing': both left open, nothing pending, when the Worker is terminated.
    parentPort!.postMessage('ready');
    return;
  }
  const map = backend.mapMut(job.path);
  // Dirty every page, so a flush has real work when the Worker is terminated.
  for (let p = PAGE; p < map.bytes.length; p += PAGE) map.bytes[p] = (job.round + 1) & 255;
  let pending: Promise<unknown>;
  if (job.mode === 'flushAsync') pending = map.flushAsync();
  else if (job.mode === 'prefetch') pending = map.prefetch();
  else pending = map.waitAsync(0, new Int32Array(map.bytes.buffer, map.bytes.byteOffset, 1)[0]!); // nobody notifies
  pending.catch(() => {});
  parentPort!.postMessage('ready');
}

async function main(): Promise<void> {
  const [module, exportName, dir, roundsText, modesText] = process.argv.slice(-5) as [string, string, string, string, string];
  const rounds = Number(roundsText);
  const modes = modesText.split(',') as WorkerOnlyMode[];
  const path = join(dir, 'worker-only.bin');
  writeFileSync(path, Buffer.alloc(FILE_SIZE));
  const report: WorkerOnlyReport = { modes: {}, skipped: {} };
  for (const mode of modes) {
    const entry = { exits: [] as Array<number | null>, errors: [] as string[] };
    report.modes[mode] = entry;
    for (let round = 0; round < rounds; round++) {
      const data: Job = { module, exportName, path, mode, round };
      const worker = new Worker(new URL(import.meta.url), { workerData: data, execArgv: [] });
      const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
      worker.on('error', (e: unknown) => entry.errors.push(String((e as Error)?.stack ?? e)));
      const message = await Promise.race([new Promise<unknown>((resolve) => worker.once('message', resolve)), exited]);
      if (typeof message === 'object' && message !== null && 'skip' in message) {
        report.skipped[mode] = String((message as { skip: unknown }).skip);
        await exited;
        break;
      }
      // 'normal' ends by itself (nothing left to run); the others are terminated with their work pending.
      if (mode !== 'normal') await worker.terminate();
      entry.exits.push(await exited);
    }
  }
  // Give any thread of an unloaded module the chance to run (and crash) before this process ends.
  await new Promise((resolve) => setTimeout(resolve, 200));
  console.log(JSON.stringify(report));
}

if (isMainThread) await main();
else await inWorker(workerData as Job);
