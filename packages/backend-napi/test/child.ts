// Runs a snippet in a fresh process through the suite's child-process helper (crash checks never
// run in the test worker itself).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ChildResult, lastJsonLine, runModuleSource } from '@memmap/conformance';

export const distUrl = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

export interface Child extends ChildResult {
  /** The last stdout line parsed as JSON (children report results that way). */
  result: any;
}

/**
 * `body` runs as an ES module with `backend` (from dist/: build first), `fs`, `spawnSync` and `dir`
 * (a fresh temp dir, removed afterwards) in scope. `nodeArgs` are Node options (e.g. --expose-gc).
 */
export function runChild(body: string, nodeArgs: string[] = []): Child {
  const r = runModuleSource(
    (dir) =>
      `import { backend } from ${JSON.stringify(distUrl)};\nimport fs from 'node:fs';\nimport { spawnSync } from 'node:child_process';\nconst dir = ${JSON.stringify(dir)};\n${body}\n`,
    { nodeArgs },
  );
  return { ...r, result: lastJsonLine(r.stdout) };
}
