// Where a compiled script of this package that runs in another process lives: beside this file
// (dist/, the published layout), or in dist/ when this file runs from src/ under vitest. The
// scripts run under plain Node, so they are always the compiled JavaScript.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The path of `relative` (e.g. `children/ipc-echo.js`) compiled; throws when it has not been built. */
export function compiledScript(relative: string): string {
  const found = [new URL(`./${relative}`, import.meta.url), new URL(`../dist/${relative}`, import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((path) => existsSync(path));
  if (!found) throw new Error(`the compiled script dist/${relative} is missing: build @memmap/bench`);
  return found;
}
