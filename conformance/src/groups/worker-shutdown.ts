// worker shutdown: async work (flushAsync, prefetch, waitAsync) still pending when its worker thread is
// terminated settles nothing and throws nothing; the process lives on, the worker's mapping is
// released, what the worker wrote through its shared map reaches the file, and the main thread's
// maps of the same file are unaffected. Runs in a child process whose exit status is asserted.

import { runtime } from '@memmap/core';
import type { TerminatePendingReport } from '../children/terminate-pending.js';
import type { WorkerOnlyMode, WorkerOnlyReport } from '../children/worker-only.js';
import type { SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import type { Group } from './index.js';
import { childJson } from './robust-util.js';

const ROUNDS = 30;
const WORKER_ONLY_ROUNDS = 10;
const WORKER_ONLY_MODES: readonly WorkerOnlyMode[] = ['normal', 'flushAsync', 'prefetch', 'nothing', 'waitAsync'];
const SIZE = 16 * 1024 * 1024;

// Bun crashes inside itself (SIGSEGV, or koffi's node-addon-api aborting on napi_throw) when a Worker
// is terminated while one of koffi's calls is in flight; the ffi backend runs its async calls inline
// in Bun's workers, which removes the crash at completion but not the one during the call. Not ours
// to fix: the ffi README and the runtimes table say so, and this check runs everywhere else.
// Whether the backend calls through koffi is probed, not assumed from its name: a fresh child of
// this runtime imports it and looks for koffi among the modules loaded (this process may hold other
// backends too). Only under Bun, the one runtime with the defect.
const koffiWorkerCrash = (ctx: SuiteContext): boolean => {
  if (runtime().name !== 'bun') return false;
  return childJson<boolean>(ctx.runChildScript('koffi-probe'));
};

function register(ctx: SuiteContext): void {
  const why = koffiWorkerCrash(ctx)
    ? ' (not under Bun for a backend that calls through koffi: Bun itself crashes when a Worker ends during a koffi call)'
    : '';
  it.skipIf(why)(
    `${ROUNDS} workers terminated with flushAsync()/prefetch()/waitAsync() pending: exit status 0, their writes reach the file, the main map is unaffected${why}`,
    () => {
      const path = `${ctx.tmpDir()}/shared.bin`;
      const r = ctx.runChildScript('terminate-pending', [path, String(ROUNDS), String(SIZE)], {
        nodeArgs: ['--expose-gc'],
        timeoutMs: 120_000,
      });
      const res = childJson<TerminatePendingReport>(r);
      expect(res.failures).toEqual([]);
      expect(res.markers.every(Boolean), `every terminated worker's write reached the file: ${res.markers}`).toBe(true);
      expect(res.mainIntact, 'the main thread map and the file agree').toBe(true);
      expect(res.size).toBe(SIZE);
    },
  );
}

function registerWorkerOnly(ctx: SuiteContext): void {
  // The main thread of the child never imports the backend: only its Workers load it, so a runtime
  // that unloads an addon with the last env that loaded it (Node 20) does so after every Worker.
  it(`a process whose main thread never loads the backend survives ${WORKER_ONLY_ROUNDS} Workers in a row per ending (normal; terminate() with flushAsync, prefetch, waitAsync or nothing pending): exit status 0, no signal`, () => {
    const dir = ctx.tmpDir();
    const r = ctx.runChildScript('worker-only', [dir, String(WORKER_ONLY_ROUNDS), WORKER_ONLY_MODES.join(',')], { timeoutMs: 180_000 });
    expect({ status: r.status, signal: r.signal }, `the child died: ${r.stderr.slice(-2000)}`).toEqual({ status: 0, signal: null });
    const report = childJson<WorkerOnlyReport>(r);
    for (const mode of WORKER_ONLY_MODES) {
      const entry = report.modes[mode]!;
      expect(entry.errors, `Worker errors (${mode})`).toEqual([]);
      if (report.skipped[mode] !== undefined) continue;
      expect(entry.exits.length, `Workers run (${mode})`).toBe(WORKER_ONLY_ROUNDS);
      // A Worker that ends by itself exits 0; terminate() gives 1.
      if (mode === 'normal') expect(entry.exits, 'normal endings').toEqual(entry.exits.map(() => 0));
    }
    expect(
      Object.keys(report.skipped).filter((m) => m !== 'waitAsync' || ctx.caps.waitNotify),
      'modes skipped',
    ).toEqual([]);
  });
}

export const workerShutdownGroup: Group = {
  name: 'worker shutdown',
  register(ctx) {
    register(ctx);
    registerWorkerOnly(ctx);
  },
};
