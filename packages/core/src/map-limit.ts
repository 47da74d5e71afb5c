// Headroom below the kernel's map count (Linux vm.max_map_count). Every mapping of the process
// counts, V8's heap pages included, and V8 aborts the whole process when one of its own mmap calls
// fails. So memmap refuses a new map with ENOMEM while the runtime still has room to grow.
// Other platforms have no such per-process count (Windows and macOS are bounded by address space).
import * as fs from 'node:fs';
import { errnoOf, MmapError } from './errors.js';

/** Map entries kept free for the runtime: an eighth of the limit, at least 4,096 (V8 maps its heap in 256 KiB pages). */
export function reservedEntries(limit: number): number {
  return Math.max(4096, Math.floor(limit / 8));
}

/** The kernel's limit, or undefined where there is none to read (not Linux, no /proc). */
function readLimit(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const limit = Number.parseInt(fs.readFileSync('/proc/sys/vm/max_map_count', 'latin1'), 10);
    return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}

/** Entries the process holds now: the lines of /proc/self/maps (undefined when unreadable). */
function countEntries(): number | undefined {
  try {
    const text = fs.readFileSync('/proc/self/maps', 'latin1');
    let lines = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
    return lines;
  } catch {
    return undefined;
  }
}

let limit: number | undefined | null = null; // null: not read yet
/** New maps allowed before the next look at /proc/self/maps (reading it costs ~1 µs per entry). */
let allowance = 0;

/**
 * Called before each new map. Cheap: it reads /proc/self/maps only once a quarter of the room left
 * at the last look has been used, so a program far from the limit pays one read per thousands of
 * maps, and one near it is checked at every map.
 * @throws MmapError ENOMEM naming the limit and the entries held when the runtime's reserve would be touched.
 */
export function checkMapRoom(): void {
  if (allowance > 0) {
    allowance--;
    return;
  }
  if (limit === null) limit = readLimit();
  if (limit === undefined) {
    allowance = Number.POSITIVE_INFINITY;
    return;
  }
  const held = countEntries();
  if (held === undefined) {
    allowance = Number.POSITIVE_INFINITY;
    return;
  }
  // Each new map may take up to two entries (a map and a split of a neighbour).
  const room = Math.floor((limit - reservedEntries(limit) - held) / 2);
  if (room < 1) {
    throw new MmapError(
      'ENOMEM',
      `ENOMEM: not enough memory, mmap: the process holds ${held} memory mappings and the kernel allows ${limit} (vm.max_map_count); memmap keeps ${reservedEntries(limit)} free for the runtime itself. Close maps you no longer need (each live map is one mapping) or raise vm.max_map_count`,
      { errno: -errnoOf('ENOMEM'), syscall: 'mmap' },
    );
  }
  allowance = Math.floor(room / 4);
}
