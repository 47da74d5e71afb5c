// Group "leaks": thousands of map/close cycles and failing calls in a child (--expose-gc) must leave
// open fds, /proc/self/maps entries and RSS at their baseline; maps dropped without close() must
// all be released by the garbage collector. The measurements need /proc, so they skip elsewhere.

import { runtime } from '@memmap/core';
import type { LeakFigures } from '../children/leak-probe.js';
import type { SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import type { Group } from './index.js';
import { childJson, hasProcFs, isContractCode } from './robust-util.js';

const CYCLES = 10_000;
const FAILING = 1_000;
const GC_CYCLES = 2_000;
/**
 * /proc/self/maps lines the runtime may add on its own during the measured half of `cycles`: V8's
 * code and heap segments, more of them where its JIT runs slowly (under qemu: 18 lines in 5,000
 * cycles of the ffi probe, no descriptor, file line or size grown). A leaked file map shows exactly
 * in fileLines and a leaked anonymous one in vmSize, so this line count is the net for what merges
 * with neither (a range swapped for zero pages): anything leaking once in 200 cycles or more often.
 */
const mapsSlack = (cycles: number): number => Math.max(16, Math.ceil(cycles / 2 / 200));
/** glibc keeps some freed ArrayBuffer memory (the fallback's copies) resident: up to ~30 MiB seen. */
const RSS_SLACK = 40 * 1024 * 1024;
const HEAP_SLACK = 4 * 1024 * 1024;
/**
 * 1,250 leaked 64 KiB anonymous maps (a quarter of the measured half) would add 80 MiB. Deno starts
 * a thread of its own part-way through a run, and glibc reserves a 64 MiB malloc arena for it
 * (address space, not memory): one arena more is allowed there.
 */
const VM_SLACK = (runtime().name === 'deno' ? 128 : 64) * 1024 * 1024;
/** A 1 MiB young generation keeps V8's own heap growth from looking like a leak. */
const NODE_ARGS = ['--expose-gc', '--max-semi-space-size=1'];

function probe(ctx: SuiteContext, cycles: number, failing: number, mode: 'close' | 'gc'): LeakFigures {
  const path = ctx.file(3 * 4096 + 100);
  const r = ctx.runChildScript('leak-probe', [path, String(cycles), String(failing), mode], { nodeArgs: NODE_ARGS, timeoutMs: 180_000 });
  return childJson<LeakFigures>(r);
}

function expectBaseline(f: LeakFigures, cycles: number): void {
  const summary = JSON.stringify(f);
  expect(f.fds[1] - f.fds[0], `open fds grew: ${summary}`).toBe(0);
  expect(f.fileLines[1], `/proc/self/maps still maps the file: ${summary}`).toBe(0);
  expect(f.mapsLines[1] - f.mapsLines[0], `/proc/self/maps grew: ${summary}`).toBeLessThanOrEqual(mapsSlack(cycles));
  expect(f.vmSize[1] - f.vmSize[0], `virtual size grew: ${summary}`).toBeLessThan(VM_SLACK);
  expect(f.rss[1] - f.rss[0], `RSS grew: ${summary}`).toBeLessThan(RSS_SLACK);
  expect(f.heap[1] - f.heap[0], `JS heap + external memory grew: ${summary}`).toBeLessThan(HEAP_SLACK);
}

function register(ctx: SuiteContext): void {
  it.skipIf(!hasProcFs)(`${CYCLES} map/close cycles and ${FAILING} failing calls leave fds, maps and RSS at baseline`, () => {
    const f = probe(ctx, CYCLES, FAILING, 'close');
    expect(f.failures['no error'], 'a call that must fail succeeded').toBeUndefined();
    for (const code of Object.keys(f.failures)) expect(isContractCode(code), `failing call threw code ${code}`).toBe(true);
    expectBaseline(f, CYCLES);
  });

  it.skipIf(!hasProcFs)(`${GC_CYCLES} maps dropped without close() are all released by GC`, () => {
    expectBaseline(probe(ctx, GC_CYCLES, 0, 'gc'), GC_CYCLES);
  });
}

export const leaksGroup: Group = { name: 'leaks', register };
