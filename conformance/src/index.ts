// runConformance(backend, options): registers the conformance groups as tests of the current runner
// (vitest's when called from a vitest test file). runSuite() runs them without vitest.
import type { Backend } from '@memmap/core';
import { type ConformanceOptions, SuiteContext } from './context.js';
import { groups } from './groups/index.js';
import { afterAll, describe } from './harness/index.js';

export { type ChildOptions, type ChildResult, lastJsonLine, runModuleSource, runScript, spawnScript } from './child-process.js';
export type { ConformanceOptions } from './context.js';
export { pattern, SuiteContext } from './context.js';
export { groups } from './groups/index.js';
export { formatRun, type RunResult, type RunSuiteOptions, runSuite } from './run.js';
export { currentRuntime, type RuntimeInfo } from './runtime.js';
export { hostileCalls, testChildScript } from './test-children.js';

export function runConformance(backend: Backend, options: ConformanceOptions): void {
  const ctx = new SuiteContext(backend, options);
  describe(`memmap conformance: ${backend.name}`, () => {
    afterAll(() => ctx.cleanup());
    for (const group of groups) {
      (ctx.skipped(group.name) ? describe.skip : describe)(group.name, () => group.register(ctx));
    }
  });
}
