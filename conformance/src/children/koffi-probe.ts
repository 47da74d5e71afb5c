// Child of the worker-shutdown group's probe: once the backend under test is imported, is koffi
// among the modules loaded (the keys of the CommonJS module cache, which lists koffi's own files
// and its .node addon under Node and Bun)? That says the backend calls native code through koffi.
// Run as a script file:  koffi-probe.js <module URL> <export name>
// It prints one JSON line (true or false) and exits 0.
import { createRequire } from 'node:module';
import { report, startChild } from './start.js';

export function loadsKoffi(loaded: readonly string[]): boolean {
  return loaded.some((path) => /[\\/](?:@koromix[\\/])?koffi(?:-[\w-]+)?[\\/]/.test(path));
}

await startChild();
report(loadsKoffi(Object.keys(createRequire(import.meta.url).cache)));
