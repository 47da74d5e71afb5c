// Child of the wait-notify group: a Worker (this same file, in Worker mode) maps a file and leaves a
// waitAsync nobody will notify pending, then ends, once by terminate() and once by process.exit()
// inside the Worker. Neither may settle the wait, throw, or abort the process. Run as a script file:
//   worker-pending-wait.js <module URL> <export name> <path>
// It prints one JSON line ({ events }) and exits 0: each event is '<how>:<message>' from a Worker.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

interface Job {
  module: string;
  exportName: string;
  path: string;
  how: 'terminate' | 'exit';
}

// Structural: the backend comes from the module under test at run time.
interface BackendLike {
  mapMut(path: string): { waitAsync(offset: number, expected: number): Promise<unknown> };
}

async function inWorker(job: Job): Promise<void> {
  const m = (await import(job.module)) as Record<string, unknown>;
  const backend = (m[job.exportName] ?? m.default) as BackendLike;
  const map = backend.mapMut(job.path);
  map.waitAsync(0, 0).then(
    () => parentPort!.postMessage('settled'),
    () => parentPort!.postMessage('rejected'),
  );
  parentPort!.postMessage('waiting');
  if (job.how === 'exit') setTimeout(() => process.exit(0), 50);
}

async function main(): Promise<void> {
  const [module, exportName, path] = process.argv.slice(-3) as [string, string, string];
  const events: string[] = [];
  for (const how of ['terminate', 'exit'] as const) {
    const job: Job = { module, exportName, path, how };
    const w = new Worker(new URL(import.meta.url), { workerData: job });
    w.on('message', (msg) => {
      events.push(`${how}:${msg}`);
      if (msg === 'waiting' && how === 'terminate') setTimeout(() => w.terminate(), 50);
    });
    w.on('error', (e) => events.push(`${how}:error:${e.message}`));
    await new Promise((r) => w.on('exit', r));
  }
  console.log(JSON.stringify({ events }));
}

if (isMainThread) await main();
else await inWorker(workerData as Job);
