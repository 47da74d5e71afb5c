// The machine's limit: a small C program doing the random-read and sequential work over mmap(2),
// compiled at bench time when a C compiler is present.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './data.js';
import { firstLine } from './subjects.js';

/**
 * membench rand <file> <offsets.bin> <batch> <min-samples> <time-ms>
 *   offsets.bin holds u32 word indices (byte offset / 4); each op sums the 16 u32 words (64 bytes) at
 *   one offset, exactly as the JS loop does; the offsets cycle in the same order.
 * membench seq <file> <min-samples> <time-ms>
 *   each op: open + mmap + sum of every u32 + munmap + close (the JS loop maps per op too).
 * membench open <file> <batch> <min-samples> <time-ms>
 *   each op: open + fstat + mmap + read the first u32 + munmap + close (scenario 1's floor).
 * membench write <file> <offsets.bin> <writes-per-op> <min-samples> <time-ms> <epoch>
 *   maps the file shared once; each op: that many 8-byte writes (word + epoch, epoch + 1 per op) at
 *   the 8-aligned word offsets (cycled), then msync(MS_SYNC) of the whole map (scenario 4's floor).
 * Output: "result <u32>" (the folded value of the first op, to check against JS) then one line per
 * sample, nanoseconds per op.
 */
export const MEMBENCH_C = String.raw`
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what) { perror(what); exit(2); }

static volatile uint32_t sink;

static uint32_t checksum_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) die("open");
  struct stat st;
  if (fstat(fd, &st) != 0) die("fstat");
  size_t len = (size_t)st.st_size;
  const uint32_t *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) die("mmap");
  uint32_t s = 0;
  size_t words = len / 4;
  for (size_t i = 0; i < words; i++) s += p[i];
  munmap((void *)p, len);
  close(fd);
  return s;
}

static uint32_t word(uint32_t i) {
  uint32_t x = (i ^ 0x5bd1e995u) * 0x9e3779b1u;
  return x ^ (x >> 15);
}

static uint32_t *read_offsets(const char *path, long *count) {
  FILE *of = fopen(path, "rb");
  if (!of) die("fopen offsets");
  fseek(of, 0, SEEK_END);
  long n = ftell(of) / 4;
  fseek(of, 0, SEEK_SET);
  uint32_t *offs = malloc((size_t)n * 4);
  if (!offs || fread(offs, 4, (size_t)n, of) != (size_t)n) die("read offsets");
  fclose(of);
  *count = n;
  return offs;
}

/* The timing loop every mode shares: print the first result (so JS can cross-check it) and the
   time per op of each sample; stop once enough samples and enough time have gone by. */
typedef struct { long min_samples, samples; double budget, start; int first; } sampler;

static sampler sampler_start(const char *min_samples, const char *budget_ms) {
  sampler sm = { atol(min_samples), 0, atof(budget_ms) * 1e6, now_ns(), 1 };
  return sm;
}

static int sampler_done(sampler *sm, uint32_t s, double t0, double ops) {
  double t1 = now_ns();
  sink += s;
  if (sm->first) { printf("result %u\n", s); sm->first = 0; }
  printf("%.3f\n", (t1 - t0) / ops);
  sm->samples++;
  return sm->samples >= sm->min_samples && t1 - sm->start >= sm->budget;
}

int main(int argc, char **argv) {
  if (argc >= 6 && strcmp(argv[1], "open") == 0) {
    long batch = atol(argv[3]);
    sampler sm = sampler_start(argv[4], argv[5]);
    for (;;) {
      double t0 = now_ns();
      uint32_t s = 0;
      for (long i = 0; i < batch; i++) {
        int fd = open(argv[2], O_RDONLY);
        if (fd < 0) die("open");
        struct stat st;
        if (fstat(fd, &st) != 0) die("fstat");
        const uint32_t *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) die("mmap");
        s += p[0];
        munmap((void *)p, (size_t)st.st_size);
        close(fd);
      }
      if (sampler_done(&sm, s, t0, (double)batch)) break;
    }
    return 0;
  }
  if (argc >= 8 && strcmp(argv[1], "write") == 0) {
    uint32_t epoch = (uint32_t)strtoul(argv[7], NULL, 10);
    long writes = atol(argv[4]), n, k = 0;
    int fd = open(argv[2], O_RDWR);
    if (fd < 0) die("open");
    struct stat st;
    if (fstat(fd, &st) != 0) die("fstat");
    uint32_t *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) die("mmap");
    uint32_t *offs = read_offsets(argv[3], &n);
    sampler sm = sampler_start(argv[5], argv[6]);
    for (;;) {
      double t0 = now_ns();
      uint32_t s = (uint32_t)writes;
      for (long i = 0; i < writes; i++) {
        uint32_t w = offs[k];
        if (++k == n) k = 0;
        p[w] = word(w) + epoch;
        p[w + 1] = word(w + 1) + epoch;
      }
      epoch++;
      if (msync(p, (size_t)st.st_size, MS_SYNC) != 0) die("msync");
      if (sampler_done(&sm, s, t0, 1)) break;
    }
    return 0;
  }
  if (argc >= 7 && strcmp(argv[1], "rand") == 0) {
    const char *path = argv[2];
    long batch = atol(argv[4]), n, k = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) die("open");
    struct stat st;
    if (fstat(fd, &st) != 0) die("fstat");
    const uint32_t *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) die("mmap");
    uint32_t *offs = read_offsets(argv[3], &n);
    /* Touch every offset once so page faults are not timed (the JS subjects touch them all in their
       untimed first batch and warm-up: 1 + 16 batches of 4096 reads cover the 65536 offsets). */
    for (long i = 0; i < n; i++) sink += p[offs[i]];
    sampler sm = sampler_start(argv[5], argv[6]);
    for (;;) {
      double t0 = now_ns();
      uint32_t s = 0;
      for (long i = 0; i < batch; i++) {
        const uint32_t *q = p + offs[k];
        if (++k == n) k = 0;
        s += q[0] + q[1] + q[2] + q[3] + q[4] + q[5] + q[6] + q[7] + q[8] + q[9] + q[10] + q[11] + q[12] + q[13] + q[14] + q[15];
      }
      if (sampler_done(&sm, s, t0, (double)batch)) break;
    }
    return 0;
  }
  if (argc >= 5 && strcmp(argv[1], "seq") == 0) {
    sampler sm = sampler_start(argv[3], argv[4]);
    for (;;) {
      double t0 = now_ns();
      uint32_t s = checksum_file(argv[2]);
      if (sampler_done(&sm, s, t0, 1)) break;
    }
    return 0;
  }
  fprintf(stderr, "usage: membench rand|seq|open|write ... (see native.ts)\n");
  return 1;
}
`;

export interface NativeTool {
  path: string;
  compiler: string;
}

/** Compiles membench into the cache (once per source version); returns a skip reason when impossible. */
export function buildNative(cacheDir: string, log: Log): NativeTool | { skipped: string } {
  if (process.platform === 'win32') return { skipped: 'the C loop uses POSIX mmap; not built on Windows' };
  const compiler = process.env.CC || 'cc';
  const probe = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return { skipped: `no C compiler (${compiler}: ${probe.error ? firstLine(probe.error) : `exit ${probe.status}`})` };
  const dir = join(cacheDir, 'membench');
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(MEMBENCH_C).digest('hex').slice(0, 12);
  const bin = join(dir, `membench-${hash}`);
  if (existsSync(bin)) return { path: bin, compiler };
  const src = join(dir, `membench-${hash}.c`);
  writeFileSync(src, MEMBENCH_C);
  log(`compiling the C reference loop with ${compiler} -O2`);
  const r = spawnSync(compiler, ['-O2', '-o', bin, src], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return { skipped: `C compile failed: ${r.error ? firstLine(r.error) : r.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  return { path: bin, compiler };
}

export interface NativeRun {
  result: number;
  /** Nanoseconds per op, one per sample. */
  samplesNs: number[];
}

export function runNative(tool: NativeTool, args: string[]): NativeRun {
  const r = spawnSync(tool.path, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 600_000 });
  if (r.error || r.status !== 0)
    throw new Error(`membench ${args[0]} failed: ${r.error ? firstLine(r.error) : r.stderr.trim() || `exit ${r.status}`}`);
  const lines = r.stdout.trim().split('\n');
  const head = /^result (\d+)$/.exec(lines[0] ?? '');
  if (!head) throw new Error(`membench ${args[0]}: unexpected output ${JSON.stringify(lines[0])}`);
  return { result: Number(head[1]), samplesNs: lines.slice(1).map(Number) };
}
