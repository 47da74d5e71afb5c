// runConformance(backend, options): registers the conformance groups as vitest tests.
import { afterAll, describe } from 'vitest';
import type { Backend } from '@memmap/core';
import { SuiteContext, type ConformanceOptions } from './context.js';
import { groups } from './groups/index.js';

export type { ConformanceOptions } from './context.js';
export { SuiteContext, pattern } from './context.js';
export { groups } from './groups/index.js';

export function runConformance(backend: Backend, options: ConformanceOptions): void {
  const ctx = new SuiteContext(backend, options);
  describe(`memmap conformance: ${backend.name}`, () => {
    afterAll(() => ctx.cleanup());
    for (const group of groups) {
      (ctx.skipped(group.name) ? describe.skip : describe)(group.name, () => group.register(ctx));
    }
  });
}
