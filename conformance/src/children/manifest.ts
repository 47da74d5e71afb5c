// Children of the manifest group, where a flag's "false" side could crash the process, and the
// waiter of its waitNotify check. Run as a script file:
//   manifest.js <module URL> <export name> <read-after-close|read-after-truncation|wait-word1> <path>
// It prints the mode's result as one plain line and exits 0.
import fs from 'node:fs';
import type { Backend } from '@memmap/core';
import { startChild } from './start.js';

export type ManifestMode = 'read-after-close' | 'read-after-truncation' | 'wait-word1';

/** detachOnClose false: old Buffers keep their length after close(), and reading them cannot crash. */
export function readAfterClose(backend: Backend, path: string): string {
  const m = backend.map(path);
  const b = m.bytes;
  const v = m.view(4096, 10);
  m.close();
  let sum = 0;
  for (let i = 0; i < b.length; i += 512) sum += b[i] ?? 0;
  for (let i = 0; i < v.length; i++) sum += v[i] ?? 0;
  return `ok ${b.length} ${v.length} ${sum}`;
}

/** truncationSafe: a file cut short (with `truncate`) under a live map does not kill the process. */
export function readAfterTruncation(backend: Backend, path: string, truncate: (path: string, length: number) => void): string {
  const m = backend.map(path);
  try {
    truncate(path, 0);
  } catch (e) {
    // Windows refuses to cut a file while a view maps it: then it cannot be cut under the map.
    if (process.platform !== 'win32') throw e;
  }
  let sum = 0;
  try {
    const b = m.bytes;
    for (let i = 0; i < b.length; i++) sum += b[i] ?? 0;
  } catch (e) {
    if ((e as { code?: string } | undefined)?.code !== 'ERR_MMAP_TRUNCATED') throw e;
  }
  m.close();
  return `ok ${sum}`;
}

/** wait() on word 1 (offset 4) of a shared file map for up to 20 s: its result. */
export function waitWord1(backend: Backend, path: string): string {
  const m = backend.mapMut(path);
  const r = m.wait(4, 0, 20000);
  m.close();
  return r;
}

const { backend, args } = await startChild();
const [mode, path] = args as [ManifestMode, string];
if (mode === 'read-after-close') console.log(readAfterClose(backend, path));
else if (mode === 'read-after-truncation') console.log(readAfterTruncation(backend, path, fs.truncateSync));
else if (mode === 'wait-word1') console.log(waitWord1(backend, path));
else throw new Error(`unknown mode ${mode}`);
