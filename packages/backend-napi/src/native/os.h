// The platform seam: everything that touches the OS mapping API. os_posix.cc implements it for
// Linux/macOS/FreeBSD, os_win.cc (sections and views) for Windows.
// Every function returns 0 or a positive error number (POSIX: errno; Windows: the libuv code,
// negated, so JS names it as Node does); none of them throws.
#pragma once
#include <cstddef>
#include <cstdint>

namespace memmap::os {

enum class Kind : int { Read = 0, Shared = 1, Copy = 2, Anon = 3 };

// A page-aligned OS mapping; `length` 0 means "nothing mapped".
struct Span {
  void* base = nullptr;
  size_t length = 0;
};

size_t PageSize();
bool HasHugeTlb();

// Maps [offset, offset + length) of fd. `delta` receives offset % page (data starts at base + delta).
int MapFile(Kind kind, int fd, uint64_t offset, size_t length, bool populate, Span* out, size_t* delta);
int MapAnon(size_t length, bool populate, bool hugePages, Span* out);
// Reserves disk blocks for file bytes [offset, offset + length) (allocate: true); never changes a
// byte, may extend the file to the range. ENOSPC when the disk cannot hold it; ENOTSUP where the
// OS has no such call.
int Allocate(int fd, uint64_t offset, uint64_t length);
int Unmap(const Span& span);
// Replaces the span with anonymous zero pages (keeps the addresses valid, drops the file).
int Neutralise(const Span& span);
// Resizes a mapping to hold `newLength` bytes after `delta`; may move it. fd/offset are for file kinds.
// On failure `*syscall` names the call that failed ("mremap", "mmap" for a fresh mapping: growth
// from length 0, huge pages, or the fallback after mremap's EFAULT; "munmap" when shrinking to 0).
int Remap(Kind kind, int fd, uint64_t offset, size_t delta, size_t newLength, bool hugePages, Span* span,
          const char** syscall);

// The range calls below take a non-empty range inside a live mapping: core answers empty ranges
// itself and checks bounds, and native_map.cc checks both again against the mapping's real length
// (args.h; jobs.cc clamps to a length that shrank since), so none re-checks.
// Durable on return. `fd` is the map's file (Windows flushes its HANDLE after the view; POSIX ignores it).
int Sync(int fd, void* addr, size_t length);
int Advise(void* addr, size_t length, int advice, bool* applied);  // errno = madvise refused: not applied
int Prefault(void* addr, size_t length);                           // best effort: WILLNEED (+ POPULATE_READ)
int Residency(void* addr, size_t length, uint64_t* resident, uint64_t* total);
// A Read map is locked without breaking its copy-on-write pages (see os_posix.cc), so it stays
// coherent with the file; other kinds are plainly mlock()ed.
int Lock(Kind kind, void* addr, size_t length);
int Unlock(void* addr, size_t length);

// Cross-process wait/notify on a 4-byte aligned int32 (wait_posix.cc: Linux futex; elsewhere
// HasWaitNotify() is false and the calls return ENOSYS). `shared`: the memory is a shared mapping
// (no FUTEX_PRIVATE_FLAG, so other processes' waiters match); false for private maps.
bool HasWaitNotify();
// A monotonic clock in nanoseconds (the clock Wait's deadline is measured on).
int64_t MonotonicNs();
// One wait while *addr == expected, until woken or `deadlineNs` (MonotonicNs() time; < 0 = none).
// Returns 0 (woken, possibly spuriously), EAGAIN (*addr != expected), ETIMEDOUT, EINTR or an errno.
int Wait(void* addr, int32_t expected, int64_t deadlineNs, bool shared);
// Wakes up to `count` waiters; `*woken` receives how many woke.
int Wake(void* addr, int count, bool shared, int* woken);

// Named shared memory (shm_posix.cc: shm_open; `name` has no leading '/', core validated it).
bool HasNamed();
// Opens (create: O_CREAT, exclusive: O_EXCL) the named region read-write; `*created` says this call made it.
int ShmOpen(const char* name, bool create, bool exclusive, int mode, int* fd, bool* created);
int ShmUnlink(const char* name);

#ifdef _WIN32
// Windows named memory (shm_win.cc): the paging-file section `Local\<name>`, opened (or created
// with `size` bytes; an existing one keeps its own) as `*section`, with the size it really has.
int SectionOpen(const char* name, bool create, bool exclusive, uint64_t size, void** section, bool* created,
                uint64_t* actualSize);
// A read-write view of its first `length` bytes (length 0 maps nothing).
int SectionMap(void* section, size_t length, Span* out);
void SectionClose(void* section);
// Whether the name is held by some process now (0), or the error opening it gives (ENOENT, ...).
int SectionExists(const char* name, bool* exists);
#endif

// Advice codes; the addon exports them by name (addon.cc, constants.advice) for the JS side.
enum Advice : int { Normal = 0, Random, Sequential, WillNeed, DontNeed, HugePage, NoHugePage };

}  // namespace memmap::os
