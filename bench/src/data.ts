// Data files for the benchmark suite: created once, reused across runs, read back into the page cache.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Bumped whenever the file layout or the pattern changes, so stale cached files are rebuilt. */
const DATA_VERSION = 1;
const CHUNK = 1 << 20;

/** Word i of every data file (little-endian u32): a cheap integer hash, so no two pages look alike. */
export function word(i: number): number {
  let x = Math.imul(i ^ 0x5bd1e995, 0x9e3779b1);
  x ^= x >>> 15;
  return x >>> 0;
}

export interface DataFile {
  path: string;
  size: number;
  /** Sum of all u32 words, mod 2^32 (as an unsigned number). */
  checksum: number;
}

export type Log = (line: string) => void;

/**
 * The cache folder: `<root>/.cache` of the nearest ancestor of the working directory whose package.json
 * declares workspaces (a monorepo keeps .cache git-ignored), else `<tmpdir>/memmap-bench-cache`.
 */
export function defaultCacheDir(start = process.cwd()): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
        if (json.workspaces) return join(dir, '.cache');
      } catch {
        /* unreadable package.json: keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) return join(tmpdir(), 'memmap-bench-cache');
    dir = up;
  }
}

/** Creates (once) and returns a data file of `size` bytes (a multiple of 4) filled with word(i). */
export function ensureDataFile(dir: string, size: number, log: Log): DataFile {
  if (size % 4 !== 0) throw new RangeError(`data size must be a multiple of 4, got ${size}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `data-${size}.bin`);
  const metaPath = `${path}.json`;
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { version: number; size: number; checksum: number };
    if (meta.version === DATA_VERSION && meta.size === size && statSync(path).size === size) {
      log(`data file ${path} (${formatBytes(size)}) reused`);
      return { path, size, checksum: meta.checksum };
    }
  } catch {
    /* missing or stale: rebuild */
  }
  log(`creating data file ${path} (${formatBytes(size)}), once`);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK, size));
  const u32 = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length >>> 2);
  let sum = 0;
  let nextReport = 0.1;
  try {
    for (let pos = 0; pos < size; pos += chunk.length) {
      const n = Math.min(chunk.length, size - pos);
      const base = pos / 4;
      for (let j = 0, words = n >>> 2; j < words; j++) {
        const w = word(base + j);
        u32[j] = w;
        sum = (sum + w) | 0;
      }
      writeSync(fd, chunk, 0, n, pos);
      if ((pos + n) / size >= nextReport && size >= 64 * CHUNK) {
        log(`  data file ${Math.round(((pos + n) / size) * 100)}%`);
        nextReport += 0.1;
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const checksum = sum >>> 0;
  writeFileSync(metaPath, JSON.stringify({ version: DATA_VERSION, size, checksum }));
  return { path, size, checksum };
}

/** A small file of exactly `size` bytes with the same pattern (scenario 1), rewritten each run. */
export function smallFile(dir: string, name: string, size: number): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i + 4 <= size; i += 4) b.writeUInt32LE(word(i >>> 2), i);
  writeFileSync(path, b);
  return path;
}

/** Reads the whole file once so it sits in the page cache (every scenario assumes a warm cache). */
export function warmPageCache(path: string, log: Log): number {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(8 * CHUNK);
  const t0 = performance.now();
  try {
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  const ms = performance.now() - t0;
  log(`page cache warmed: ${formatBytes(size)} read in ${ms.toFixed(0)} ms`);
  return ms;
}

/** mulberry32: a tiny seeded PRNG, so every subject reads and writes the same offsets. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` word indices (byte offset / 4) for reads of `span` bytes that stay inside a file of `size`
 * bytes; `alignWords` = 2 gives 8-byte aligned offsets (the write scenario).
 */
export function seededWordOffsets(seed: number, count: number, size: number, span: number, alignWords = 1): Uint32Array {
  const rnd = prng(seed);
  const slots = Math.floor((size - span) / (4 * alignWords)) + 1;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(rnd() * slots) * alignWords;
  return out;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

/** Parses "1g", "512m", "64k", "4096" (binary units). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new RangeError(`invalid size: ${JSON.stringify(text)} (use e.g. 64m, 1g)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const n = Math.round(Number(m[1]) * mult);
  return n - (n % 4);
}

/** The file scenario 4 writes into: a full copy of the data file (real blocks, no holes), made once. */
export function ensureWriteFile(dir: string, data: DataFile, log: Log): string {
  const path = join(dir, `write-${data.size}.bin`);
  try {
    if (statSync(path).size === data.size) return path;
  } catch {
    /* missing */
  }
  log(`creating the write-scenario file ${path} (copy of the data file), once`);
  const tmp = `${path}.${process.pid}.tmp`;
  copyFileSync(data.path, tmp);
  renameSync(tmp, path);
  return path;
}
