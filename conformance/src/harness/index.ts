// What the conformance groups import instead of 'vitest': `describe`, `it`, `expect`, `afterAll`.
// Inside a vitest worker they are vitest's own (reports, timeouts and filters as before), except
// while the built-in runner collects or runs; anywhere else (Bun, Deno, node.exe under Wine,
// `memmap-conformance run`) they are the built-in runner's, and vitest is never imported.
import { expect as builtinExpect, type Expect } from './expect.js';
import { addAfterAll, addSuite, addTest, builtinActive, eachName, type TestFn } from './runner.js';

export type { Assertion, Expect, Matchers } from './expect.js';

type TestBody = (...args: never[]) => unknown;
type Register = (name: string, fn: TestBody, timeout?: number) => void;

export interface It {
  (name: string, fn: TestBody, timeout?: number): void;
  skip: Register;
  skipIf(condition: unknown): Register;
  runIf(condition: unknown): Register;
  each<T>(cases: readonly T[]): (name: string, fn: (...args: T extends readonly unknown[] ? T : [T]) => unknown, timeout?: number) => void;
}

export interface Describe {
  (name: string, fn: () => void): void;
  skip(name: string, fn: () => void): void;
  skipIf(condition: unknown): (name: string, fn: () => void) => void;
}

const worker = (globalThis as Record<string, unknown>).__vitest_worker__;
const vitest = typeof worker === 'object' && worker !== null ? await import('vitest') : undefined;

/** vitest's API when this call belongs to vitest, undefined when it belongs to the built-in runner. */
const viaVitest = () => (vitest && !builtinActive() ? vitest : undefined);

const builtinIt: It = Object.assign((name: string, fn: TestBody, timeout?: number) => addTest(name, fn as TestFn, timeout), {
  skip: (name: string, fn: TestBody, timeout?: number) => addTest(name, fn as TestFn, timeout, true),
  skipIf: (condition: unknown) => (name: string, fn: TestBody, timeout?: number) => addTest(name, fn as TestFn, timeout, !!condition),
  runIf: (condition: unknown) => (name: string, fn: TestBody, timeout?: number) => addTest(name, fn as TestFn, timeout, !condition),
  each:
    <T>(cases: readonly T[]) =>
    (name: string, fn: (...args: never[]) => unknown, timeout?: number) => {
      for (const c of cases) {
        const args = Array.isArray(c) ? [...c] : [c];
        addTest(eachName(name, args), () => (fn as (...a: unknown[]) => unknown)(...args), timeout);
      }
    },
});

const builtinDescribe: Describe = Object.assign((name: string, fn: () => void) => addSuite(name, fn), {
  skip: (name: string, fn: () => void) => addSuite(name, fn, true),
  skipIf: (condition: unknown) => (name: string, fn: () => void) => addSuite(name, fn, !!condition),
});

const pickIt = (): It => (viaVitest()?.it as unknown as It | undefined) ?? builtinIt;
const pickDescribe = (): Describe => (viaVitest()?.describe as unknown as Describe | undefined) ?? builtinDescribe;
const pickExpect = (): Expect => (viaVitest()?.expect as unknown as Expect | undefined) ?? builtinExpect;

export const it: It = Object.assign((name: string, fn: TestBody, timeout?: number) => pickIt()(name, fn, timeout), {
  skip: (name: string, fn: TestBody, timeout?: number) => pickIt().skip(name, fn, timeout),
  skipIf: (condition: unknown) => pickIt().skipIf(condition),
  runIf: (condition: unknown) => pickIt().runIf(condition),
  each: <T>(cases: readonly T[]) => pickIt().each(cases),
});
export const test: It = it;

export const describe: Describe = Object.assign((name: string, fn: () => void) => pickDescribe()(name, fn), {
  skip: (name: string, fn: () => void) => pickDescribe().skip(name, fn),
  skipIf: (condition: unknown) => pickDescribe().skipIf(condition),
});

export const expect: Expect = Object.assign((actual: unknown, message?: string) => pickExpect()(actual, message), {
  any: (ctor: unknown) => pickExpect().any(ctor),
  anything: () => pickExpect().anything(),
});

export function afterAll(fn: () => unknown): void {
  const v = viaVitest();
  if (v) v.afterAll(fn as () => void);
  else addAfterAll(fn as TestFn);
}

/** Which runner a call made now would go to. */
export function currentRunner(): 'vitest' | 'builtin' {
  return viaVitest() ? 'vitest' : 'builtin';
}
