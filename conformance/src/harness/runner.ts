// The built-in test runner: collects describe/it/afterAll into a tree and runs it in order, one
// test at a time, with per-test timeouts and skips. It exists so the conformance groups run where
// vitest cannot (Bun, Deno, node.exe under Wine); under vitest the harness hands everything to vitest.
import { format } from 'node:util';

export type TestFn = () => unknown;

interface TestNode {
  kind: 'test';
  name: string;
  fn: TestFn;
  timeout?: number;
  skip: boolean;
}

interface SuiteNode {
  kind: 'suite';
  name: string;
  skip: boolean;
  children: Array<TestNode | SuiteNode>;
  afterAll: TestFn[];
}

export interface TestOutcome {
  /** Suite names from the outermost down, then the test's name. */
  path: string[];
  state: 'passed' | 'failed' | 'skipped';
  error?: unknown;
  ms: number;
}

export interface RunOptions {
  /** Timeout for tests that set none (vitest's testTimeout). */
  timeout: number;
  /** Called after each test (for progress output). */
  onTest?: (outcome: TestOutcome) => void;
}

const root = (): SuiteNode => ({ kind: 'suite', name: '', skip: false, children: [], afterAll: [] });

let collected = root();
/** The describe()s being collected: the root, then one per nesting level. */
let stack: SuiteNode[] = [collected];
let running = false;
const current = (): SuiteNode => stack.at(-1) ?? collected;

/** True while the built-in runner collects (inside its describe) or runs tests. */
export function builtinActive(): boolean {
  return running || stack.length > 1;
}

/** Starts a fresh collection; tests registered afterwards land in it. */
export function resetCollection(): void {
  collected = root();
  stack = [collected];
}

export function addSuite(name: string, fn: () => void, skip = false): void {
  const suite: SuiteNode = { kind: 'suite', name, skip: skip || current().skip, children: [], afterAll: [] };
  current().children.push(suite);
  stack.push(suite);
  try {
    const r = fn() as unknown;
    if (r instanceof Promise) throw new Error(`describe('${name}') got an async callback; register tests synchronously`);
  } finally {
    stack.pop();
  }
}

export function addTest(name: string, fn: TestFn, timeout?: number, skip = false): void {
  current().children.push({ kind: 'test', name, fn, timeout, skip: skip || current().skip });
}

export function addAfterAll(fn: TestFn): void {
  current().afterAll.push(fn);
}

/** vitest's it.each name formatting: printf placeholders take the case's values in turn. */
export function eachName(template: string, args: unknown[]): string {
  return /%[sdifjo%]/.test(template) ? format(template, ...args) : template;
}

function withTimeout(fn: TestFn, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test timed out after ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve().then(fn), timedOut]).finally(() => clearTimeout(timer));
}

async function runSuite(suite: SuiteNode, path: string[], options: RunOptions, out: TestOutcome[]): Promise<void> {
  for (const child of suite.children) {
    if (child.kind === 'suite') {
      await runSuite(child, [...path, child.name], options, out);
      continue;
    }
    const outcome: TestOutcome = { path: [...path, child.name], state: 'skipped', ms: 0 };
    if (!child.skip) {
      const start = performance.now();
      try {
        await withTimeout(child.fn, child.timeout ?? options.timeout);
        outcome.state = 'passed';
      } catch (error) {
        outcome.state = 'failed';
        outcome.error = error;
      }
      outcome.ms = performance.now() - start;
    }
    out.push(outcome);
    options.onTest?.(outcome);
  }
  for (const hook of suite.afterAll) {
    try {
      await withTimeout(hook, options.timeout);
    } catch (error) {
      const outcome: TestOutcome = { path: [...path, '(afterAll)'], state: 'failed', error, ms: 0 };
      out.push(outcome);
      options.onTest?.(outcome);
    }
  }
}

/** Runs everything collected since the last resetCollection(), in registration order. */
export async function runCollected(options: RunOptions): Promise<TestOutcome[]> {
  const tree = collected;
  resetCollection();
  const out: TestOutcome[] = [];
  running = true;
  try {
    await runSuite(tree, [], options, out);
  } finally {
    running = false;
  }
  return out;
}
