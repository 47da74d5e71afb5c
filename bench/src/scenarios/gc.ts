// Garbage-collector helpers: V8's gc() without a command-line flag, the releaser that keeps mmap-io
// (which cannot unmap) under vm.max_map_count, and RSS growth measured between collections.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;
let gcFn: Gc | undefined;

/** The V8 gc() function, exposed for this process without a command-line flag. */
export function gc(): Gc {
  if (!gcFn) {
    const g = (globalThis as { gc?: Gc }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as Gc;
      setFlagsFromString('--no-expose-gc');
    }
  }
  return gcFn;
}

/** One event-loop turn: finalizers and FinalizationRegistry callbacks queued by a GC run here. */
export function turn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/**
 * mmap-io has no unmap: a map is released by the Buffer's finalizer, which Node runs on an event
 * loop turn after a GC. A tight map loop would otherwise hit vm.max_map_count (ENOMEM) within a
 * second; this collects every `every` maps. The subject awaits releaseIfDue() inside its timed
 * batch: releasing its maps is part of what mmap-io costs, as munmap is part of what close() costs.
 */
export function garbageReleaser(every: number): {
  count(n: number): void;
  releaseIfDue(): Promise<void> | undefined;
  flush(): Promise<void>;
} {
  let pending = 0;
  const release = async (type: 'minor' | 'major') => {
    gc()({ type });
    await turn();
    await turn();
  };
  return {
    count(n) {
      pending += n;
    },
    releaseIfDue() {
      if (pending < every) return undefined;
      pending = 0;
      return release('minor');
    },
    async flush() {
      pending = 0;
      await release('major');
    },
  };
}

/**
 * RSS growth of `open` (median of 3), undoing with `close` each time. Garbage (earlier maps, copies)
 * is collected and its finalizers run before each reading, so only `open` moves the number.
 */
export async function rssGrowth<T>(open: () => T, close: (t: T) => void): Promise<number> {
  const g: number[] = [];
  for (let i = 0; i < 3; i++) {
    await garbageReleaser(1).flush();
    const before = process.memoryUsage.rss();
    const t = open();
    g.push(process.memoryUsage.rss() - before);
    close(t);
  }
  return g.sort((a, b) => a - b)[1]!;
}
