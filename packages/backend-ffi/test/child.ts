// Runs a check of test/children/*.ts in a child process through the suite's child-process helpers
// (crash checks must never take down vitest).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ChildResult, lastJsonLine, runScript, testChildScript } from '@memmap/conformance';

export type { ChildResult } from '@memmap/conformance';

/** The built backend's module URL (children import the same build as each other). */
const backendUrl = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

/**
 * Runs test/children/<script>.ts with `args` after the backend's URL in its argv (children/start.ts
 * reads them: the check's name first). `nodeArgs` are Node options (e.g. --expose-gc).
 */
export function runChild(script: string, args: string[] = [], nodeArgs: string[] = []): ChildResult {
  return runScript(testChildScript(new URL('.', import.meta.url), script), { args: [backendUrl, ...args], nodeArgs, timeoutMs: 120_000 });
}

/** The last stdout line parsed as JSON (children print their findings there); throws if the child failed. */
export function report<T>(r: ChildResult): T {
  if (r.status !== 0 || r.signal) throw new Error(`child failed: status ${r.status} signal ${r.signal}\n${r.stderr}`);
  const result = lastJsonLine<T>(r.stdout);
  if (result === undefined) throw new Error(`child printed no JSON result:\n${r.stdout}`);
  return result;
}
