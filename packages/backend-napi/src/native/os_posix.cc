// POSIX implementation of os.h (Linux, macOS, FreeBSD): mmap/munmap/mremap/msync/madvise/mincore/mlock.
#include "os.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif
#ifdef __linux__
#include <sys/syscall.h>
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01  // Linux 4.4 (mlock2); older glibc headers lack it
#endif
#endif
#if defined(__linux__) && !defined(MADV_POPULATE_READ)
#define MADV_POPULATE_READ 22  // Linux 5.14; older kernels answer EINVAL, which Prefault ignores
#endif

namespace memmap::os {
namespace {

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

// hugetlb mappings must be unmapped in whole huge pages, so their span is rounded to one.
size_t HugePageSize() {
  static size_t size = [] {
    size_t kb = 2048;
#ifdef __linux__
    if (FILE* f = fopen("/proc/meminfo", "r")) {
      char line[128];
      while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "Hugepagesize: %zu kB", &kb) == 1) break;
      }
      fclose(f);
    }
#endif
    return kb * 1024;
  }();
  return size;
}

int NativeAdvice(int advice) {
  switch (advice) {
    case Normal: return MADV_NORMAL;
    case Random: return MADV_RANDOM;
    case Sequential: return MADV_SEQUENTIAL;
    case WillNeed: return MADV_WILLNEED;
    case DontNeed: return MADV_DONTNEED;
#ifdef MADV_HUGEPAGE
    case HugePage: return MADV_HUGEPAGE;
#endif
#ifdef MADV_NOHUGEPAGE
    case NoHugePage: return MADV_NOHUGEPAGE;
#endif
    default: return -1;
  }
}

// Page-aligned [begin, end) covering [addr, addr + length).
void AlignRange(void* addr, size_t length, char** begin, size_t* len) {
  uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  uintptr_t start = a - a % PageSize();
  *begin = reinterpret_cast<char*>(start);
  *len = RoundUp(a + length - start, PageSize());
}

}  // namespace

size_t PageSize() {
  static size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

bool HasHugeTlb() {
#ifdef MAP_HUGETLB
  return true;
#else
  return false;
#endif
}

int MapFile(Kind kind, int fd, uint64_t offset, size_t length, bool populate, Span* out, size_t* delta) {
  *out = Span{};
  *delta = static_cast<size_t>(offset % PageSize());
  if (length == 0) return 0;  // an empty map makes no OS mapping at all
  if (length > SIZE_MAX - PageSize()) return ENOMEM;
  size_t span = RoundUp(*delta + length, PageSize());
  int flags = 0;
  bool prefault = populate;
  switch (kind) {
    // Private + writable + no-reserve: a stray JS write makes a private copy and never reaches the
    // file, while untouched pages keep showing the page cache (coherent with other writers).
    case Kind::Read: flags = MAP_PRIVATE | MAP_NORESERVE; break;
    case Kind::Copy: flags = MAP_PRIVATE; break;
    case Kind::Shared: flags = MAP_SHARED;
#ifdef MAP_POPULATE
      if (populate) {
        flags |= MAP_POPULATE;
        prefault = false;
      }
#endif
      break;
    default: return EINVAL;
  }
  void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, flags, fd, static_cast<off_t>(offset - *delta));
  if (p == MAP_FAILED) return errno;
  *out = Span{p, span};
  // Read/copy maps prefault with madvise, never MAP_POPULATE (which would copy every page).
  if (prefault) Prefault(static_cast<char*>(p) + *delta, length);
  return 0;
}

int MapAnon(size_t length, bool populate, bool hugePages, Span* out) {
  *out = Span{};
  if (length == 0) return 0;
  if (length > SIZE_MAX - HugePageSize()) return ENOMEM;
  int flags = MAP_PRIVATE | MAP_ANONYMOUS;
  size_t span = RoundUp(length, PageSize());
  if (hugePages) {
#ifdef MAP_HUGETLB
    flags |= MAP_HUGETLB;
    span = RoundUp(length, HugePageSize());
#else
    return ENOTSUP;
#endif
  }
#ifdef MAP_POPULATE
  if (populate) flags |= MAP_POPULATE;
#endif
  void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) return errno;
  *out = Span{p, span};
#ifndef MAP_POPULATE
  if (populate) Prefault(p, length);
#endif
  return 0;
}

int Allocate(int fd, uint64_t offset, uint64_t length) {
#if defined(__APPLE__)
  (void)fd, (void)offset, (void)length;
  return ENOTSUP;  // no posix_fallocate (F_PREALLOCATE is a different contract); untested here
#else
  int err;
  do err = posix_fallocate(fd, static_cast<off_t>(offset), static_cast<off_t>(length));  // returns the error
  while (err == EINTR);
  return err;
#endif
}

int Unmap(const Span& span) {
  if (span.length == 0) return 0;
  return munmap(span.base, span.length) == 0 ? 0 : errno;
}

int Neutralise(const Span& span) {
  if (span.length == 0) return 0;
  void* p = mmap(span.base, span.length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  return p == MAP_FAILED ? errno : 0;
}

int Remap(Kind kind, int fd, uint64_t offset, size_t delta, size_t newLength, bool hugePages, Span* span,
          const char** syscall) {
  if (newLength == 0) {  // n -> 0: no mapping at all
    *syscall = "munmap";
    int err = Unmap(*span);
    if (err == 0) *span = Span{};
    return err;
  }
  *syscall = "mmap";
  if (span->length == 0) {  // 0 -> n: a fresh mapping
    size_t ignored;
    return kind == Kind::Anon ? MapAnon(newLength, false, hugePages, span)
                              : MapFile(kind, fd, offset, newLength, false, span, &ignored);
  }
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
  if (!hugePages) *syscall = "mremap";
#endif
  if (newLength > SIZE_MAX - HugePageSize() - delta) return ENOMEM;
  size_t want = RoundUp(delta + newLength, hugePages ? HugePageSize() : PageSize());
  if (want == span->length) return 0;
#if defined(__linux__) && defined(MREMAP_MAYMOVE)
  if (!hugePages) {
    void* p = mremap(span->base, span->length, want, MREMAP_MAYMOVE);
    if (p != MAP_FAILED) {
      *span = Span{p, want};
      return 0;
    }
    // EFAULT: madvise/mlock split the range into several VMAs, which mremap cannot grow or move.
    if (errno != EFAULT) return errno;
  }
#endif
  // No mremap (or hugetlb, or a split range): map the new size elsewhere, carry anonymous bytes
  // over (file bytes live in the file), drop the old. A failure here is the fresh mmap's.
  *syscall = "mmap";
  Span fresh;
  size_t ignored;
  int err = kind == Kind::Anon ? MapAnon(newLength, false, hugePages, &fresh)
                               : MapFile(kind, fd, offset, newLength, false, &fresh, &ignored);
  if (err != 0) return err;
  if (kind == Kind::Anon) memcpy(fresh.base, span->base, std::min(span->length, newLength));
  Unmap(*span);
  *span = fresh;
  return 0;
}

int Sync(int /*fd*/, void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  return msync(begin, len, MS_SYNC) == 0 ? 0 : errno;
}

int Advise(void* addr, size_t length, int advice, bool* applied) {
  *applied = false;
  int native = NativeAdvice(advice);
  if (native < 0) return 0;  // not available on this OS
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  if (madvise(begin, len, native) == 0) {
    *applied = true;
    return 0;
  }
  // THP hints on a kernel without transparent huge pages answer EINVAL: "not applied", not an error.
  if (errno == EINVAL && (advice == HugePage || advice == NoHugePage)) return 0;
  return errno;
}

int Prefault(void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  if (madvise(begin, len, MADV_WILLNEED) != 0) return errno;
#ifdef MADV_POPULATE_READ
  // Maps pages readable without copying (keeps private maps coherent); errors (EINVAL on old
  // kernels, EFAULT past a truncated end) only mean "not prefaulted".
  madvise(begin, len, MADV_POPULATE_READ);
#endif
  return 0;
}

int Residency(void* addr, size_t length, uint64_t* resident, uint64_t* total) {
  *resident = 0;
  *total = 0;
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  const size_t page = PageSize();
  const size_t chunkPages = 1 << 16;  // bounded scratch even for terabyte maps
#if defined(__APPLE__)
  std::vector<char> vec(std::min(chunkPages, len / page));
#else
  std::vector<unsigned char> vec(std::min(chunkPages, len / page));
#endif
  for (size_t done = 0; done < len;) {
    size_t bytes = std::min(len - done, chunkPages * page);
    if (mincore(begin + done, bytes, vec.data()) != 0) return errno;
    for (size_t i = 0; i < bytes / page; i++) *resident += vec[i] & 1;
    done += bytes;
  }
  *total = len / page;
  return 0;
}

int Lock(Kind kind, void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);  // POSIX may refuse unaligned addresses
#if defined(__linux__) && defined(SYS_mlock2)
  // A Read map is private + writable: mlock() write-faults every page to break copy-on-write, so
  // the map would hold private copies and stop seeing later writes to the file. Lock on fault
  // instead, then fault the pages in read-only (WILLNEED + POPULATE_READ), as the ffi backend does.
  // Called through syscall(): glibc < 2.27 has no mlock2() wrapper. ENOSYS (kernel < 4.4, no
  // mlock2 at all) falls through to plain mlock below, as do non-Linux systems, which have no
  // MLOCK_ONFAULT: there lock() on a map() read map copies its pages (not coherent afterwards).
  if (kind == Kind::Read) {
    if (syscall(SYS_mlock2, begin, len, MLOCK_ONFAULT) == 0) {
      Prefault(begin, len);
      return 0;
    }
    if (errno != ENOSYS) return errno;
  }
#else
  (void)kind;
#endif
  return mlock(begin, len) == 0 ? 0 : errno;
}

int Unlock(void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  return munlock(begin, len) == 0 ? 0 : errno;
}

}  // namespace memmap::os
