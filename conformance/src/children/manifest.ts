// Children of the manifest group, where a flag's "false" side could crash the process.
// Self-contained: each function reaches its child as source text via toString() and uses only its
// parameters.
import type { Backend } from '@memmap/core';

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
