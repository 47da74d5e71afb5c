// The C floor of each step of scripts/open-map-close-steps.mjs: the same system calls on the same
// file, single-threaded, no runtime. Prints one "| C: step | mean |" row per step.
// Usage (the .mjs script compiles and runs it): open-map-close-steps <file> <ops>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned sink;

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

// One whole operation: open, fstat, mmap, close, optionally read byte 3, munmap.
static void whole(const char* path, int touch) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  fstat(fd, &st);
  unsigned char* p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) exit(2);
  if (touch) sink += p[3];
  munmap(p, (size_t)st.st_size);
}

static void row(const char* name, long ops, void (*step)(const char*, int), const char* path, int arg) {
  for (long i = 0; i < ops / 10; i++) step(path, arg);
  double t = now_ns();
  for (long i = 0; i < ops; i++) step(path, arg);
  printf("| C: %s | %.2f µs |\n", name, (now_ns() - t) / ops / 1000);
}

static void open_fstat_close(const char* path, int unused) {
  (void)unused;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  fstat(fd, &st);
  close(fd);
}

static int shared_fd;

static void map_unmap(const char* unused, int touch) {
  (void)unused;
  unsigned char* p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, shared_fd, 0);
  if (p == MAP_FAILED) exit(2);
  if (touch) sink += p[3];
  munmap(p, 4096);
}

int main(int argc, char** argv) {
  if (argc < 3) return 1;
  const char* path = argv[1];
  long ops = atol(argv[2]);
  shared_fd = open(path, O_RDONLY | O_CLOEXEC);
  row("open + fstat + close", ops, open_fstat_close, path, 0);
  row("mmap + munmap, nothing touched", ops, map_unmap, path, 0);
  row("mmap + read a byte + munmap", ops, map_unmap, path, 1);
  row("open + fstat + mmap + close + munmap, nothing touched", ops, whole, path, 0);
  row("open + fstat + mmap + close + read a byte + munmap (the whole operation)", ops, whole, path, 1);
  return 0;
}
