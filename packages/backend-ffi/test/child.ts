// Runs an ES module snippet in a child process through the suite's child-process helper (crash
// checks must never take down vitest).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ChildResult, lastJsonLine, runModuleSource } from '@memmap/conformance';

export type { ChildResult } from '@memmap/conformance';

/** The built backend's module URL (children import the same build as each other). */
export const backendUrl = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

/** `body` runs after `backend` (the built ffi backend) and `fs` are imported (unless `bare`). */
export function runChild(body: string, nodeArgs: string[] = [], bare = false): ChildResult {
  const prelude = bare ? '' : `import { backend } from ${JSON.stringify(backendUrl)};\nimport fs from 'node:fs';\n`;
  return runModuleSource(`${prelude}${body}`, { nodeArgs, timeoutMs: 120_000 });
}

/** The last stdout line parsed as JSON (children print their findings there); throws if the child failed. */
export function report<T>(r: ChildResult): T {
  if (r.status !== 0 || r.signal) throw new Error(`child failed: status ${r.status} signal ${r.signal}\n${r.stderr}`);
  const result = lastJsonLine<T>(r.stdout);
  if (result === undefined) throw new Error(`child printed no JSON result:\n${r.stdout}`);
  return result;
}
