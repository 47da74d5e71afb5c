// Descriptors a map owns are closed the way they were opened, also in a Worker (the 'descriptors'
// group). Run as a script file:  worker-descriptors.js <module URL> <export name> <dir>
// The main thread starts one Worker on this same file; the Worker maps and closes every kind of map
// that owns a descriptor (a path, a caller's fd, a shared file map opened through openShared, named
// memory), collecting the process warnings its runtime emits meanwhile (Node warns when node:fs
// closes a descriptor it did not open). Prints one JSON line: the kinds it ran and the warnings.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';

export interface WorkerDescriptorsReport {
  ran: string[];
  warnings: string[];
}

interface Job {
  moduleUrl: string;
  exportName: string;
  dir: string;
}

async function inWorker(job: Job): Promise<void> {
  const warnings: string[] = [];
  process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));
  const m = (await import(job.moduleUrl)) as Record<string, unknown>;
  const backend = (m[job.exportName] ?? m.default) as Backend;
  const { capabilities } = backend;
  const path = join(job.dir, 'worker-descriptors.bin');
  writeFileSync(path, Buffer.alloc(4096, 1));
  const ran: string[] = [];
  for (let round = 0; round < 3; round++) {
    backend.mapMut(path).close();
    ran.push('path');
    if (capabilities.ownDescriptor) {
      const fd = openSync(path, 'r+');
      backend.mapMut(fd).close();
      closeSync(fd);
      ran.push('caller fd');
    }
    if (capabilities.shareable) {
      const owner = backend.mapMut(path);
      backend.openShared(owner.share()).close();
      owner.close();
      ran.push('openShared');
    }
    if (capabilities.named) {
      const name = `memmap-wd-${process.pid}-${round}`;
      backend.mapNamed(name, { create: true, length: 4096 }).close();
      try {
        backend.unlinkNamed(name);
      } catch (error) {
        // A Windows section is gone with its last view: nothing left to unlink.
        if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      }
      ran.push('named');
    }
  }
  // Warnings are emitted on a later turn of the event loop.
  await new Promise((resolve) => setTimeout(resolve, 50));
  parentPort!.postMessage({ ran: [...new Set(ran)], warnings } satisfies WorkerDescriptorsReport);
}

async function main(): Promise<void> {
  const { moduleUrl, exportName, args } = await startChild();
  const [dir = '.'] = args;
  const worker = new Worker(new URL(import.meta.url), { workerData: { moduleUrl, exportName, dir } satisfies Job });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const result = await new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await exited;
  report(result);
}

if (isMainThread) await main();
else await inWorker(workerData as Job);
