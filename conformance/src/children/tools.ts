// The helpers children share, built in the child from its node:fs by childTools(fs).
import type * as NodeFs from 'node:fs';

/** What a child's functions get as `tools`. */
export interface ChildTools {
  /** Runs a write through an old Buffer; a TypeError (detached) is a JS exception, not a crash. */
  stray(write: () => void): void;
  /** Collects garbage (where the runtime lets it) and lets `n` timer turns pass. */
  ticks(n: number): Promise<void>;
  /** How many lines of /proc/self/maps name `needle` (0 where there is no /proc). */
  mapsLines(needle: string): number;
  /**
   * How many descriptors of files the process holds (0 where there is no /proc): files only, since
   * a leaked map fd names its file and runtimes open sockets and pipes for themselves whenever they
   * like (Deno adds a socketpair lazily, once).
   */
  fdCount(): number;
  readFile(path: string): Buffer;
}

export function childTools(fs: Pick<typeof NodeFs, 'readFileSync' | 'readdirSync' | 'readlinkSync'>): ChildTools {
  const linux = process.platform === 'linux';
  return {
    stray(write) {
      try {
        write();
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
      }
    },
    async ticks(n) {
      const gc = (globalThis as { gc?: () => void }).gc;
      for (let i = 0; i < n; i++) {
        if (typeof gc === 'function') gc();
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    mapsLines: (needle) =>
      linux
        ? fs
            .readFileSync('/proc/self/maps', 'utf8')
            .split('\n')
            .filter((l) => l.includes(needle)).length
        : 0,
    fdCount: () =>
      linux
        ? fs.readdirSync('/proc/self/fd').filter((f) => {
            try {
              return fs.readlinkSync(`/proc/self/fd/${f}`).startsWith('/');
            } catch {
              return false;
            }
          }).length
        : 0,
    readFile: (path) => fs.readFileSync(path),
  };
}
