// POSIX fault guard. The handler touches only atomics and calls mmap, fstat, fstatfs and fallocate
// (raw syscalls), so it is async-signal-safe; the registry grows in fixed chunks that are never freed, so the handler
// can walk it without locks while other threads register maps.
#include "guard.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/vfs.h>
#else
#include <sys/statvfs.h>
#endif

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <vector>

namespace memmap::guard {
namespace {

struct Slot {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<int> fd{-1};
  std::atomic<uint64_t> fileOffset{0};
  std::atomic<int> fault{0};
};

constexpr int kChunkSlots = 1024;
constexpr int kMaxChunks = 1024;  // up to ~1M live file maps
struct Chunk {
  Slot slots[kChunkSlots];
};

std::atomic<Chunk*> chunks[kMaxChunks];
std::atomic<int> chunkCount{0};
std::mutex allocMutex;  // guards freeSlots and chunk creation (never taken in the handler)
std::vector<int> freeSlots;

struct sigaction previous;
std::atomic<bool> installed{false};
uintptr_t pageSize = 4096;

Slot& At(int slot) { return chunks[slot / kChunkSlots].load(std::memory_order_acquire)->slots[slot % kChunkSlots]; }

// Hands the signal to whoever was installed before us, or dies the default way.
void Chain(int sig, siginfo_t* info, void* context) {
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction != nullptr) return previous.sa_sigaction(sig, info, context);
  } else if (previous.sa_handler == SIG_IGN) {
    return;
  } else if (previous.sa_handler != SIG_DFL) {
    return previous.sa_handler(sig);
  }
  // Default action: restore it and re-raise; a hardware fault also re-faults on return.
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  raise(sig);
}

// Whether the file system holding fd has no room left (for an unprivileged writer).
bool DiskFull(int fd, uint64_t pageOffset) {
#ifdef __linux__
  struct statfs fs;
  if (fstatfs(fd, &fs) == 0 && fs.f_bavail == 0) return true;
  // Free blocks can be reported while the page still cannot be had (quota, reserve, tmpfs rounding):
  // ask for exactly this page. KEEP_SIZE: never changes the file's size or bytes.
  if (fallocate(fd, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(pageOffset), static_cast<off_t>(pageSize)) != 0) {
    return errno == ENOSPC || errno == EDQUOT;
  }
  return false;
#else
  (void)pageOffset;
  struct statvfs fs;
  return fstatvfs(fd, &fs) == 0 && fs.f_bavail == 0;
#endif
}

// Why the page at file offset pageOffset failed: the file ends before it (truncation), else the
// disk could not hold it (ENOSPC) or the device could not do the I/O (EIO).
int Cause(int fd, uint64_t pageOffset) {
  if (fd < 0) return kTruncated;  // no descriptor to ask (read/copy maps): the usual cause
  struct stat st;
  if (fstat(fd, &st) != 0) return kTruncated;
  if (static_cast<uint64_t>(st.st_size) <= pageOffset) return kTruncated;
  return DiskFull(fd, pageOffset) ? ENOSPC : EIO;
}

void OnSigbus(int sig, siginfo_t* info, void* context) {
  int savedErrno = errno;
#ifdef __linux__
  bool candidate = info != nullptr && info->si_code == BUS_ADRERR;  // access past the end of a file
#else
  bool candidate = info != nullptr;
#endif
  if (candidate) {
    uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
    int count = chunkCount.load(std::memory_order_acquire);
    for (int c = 0; c < count; c++) {
      Chunk* chunk = chunks[c].load(std::memory_order_acquire);
      for (Slot& s : chunk->slots) {
        uintptr_t b = s.begin.load(std::memory_order_acquire);
        if (addr < b || addr >= s.end.load(std::memory_order_acquire)) continue;
        uintptr_t pageAddr = addr - addr % pageSize;
        int cause =
            Cause(s.fd.load(std::memory_order_acquire), s.fileOffset.load(std::memory_order_acquire) + (pageAddr - b));
        void* page = reinterpret_cast<void*>(pageAddr);
        void* p = mmap(page, pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != MAP_FAILED) {
          int none = 0;
          s.fault.compare_exchange_strong(none, cause, std::memory_order_acq_rel);
          errno = savedErrno;
          return;  // the faulting access retries on the zero page
        }
      }
    }
  }
  errno = savedErrno;
  Chain(sig, info, context);
}

}  // namespace

bool Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    pageSize = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    struct sigaction action = {};
    action.sa_sigaction = OnSigbus;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGBUS, &action, &previous) == 0) installed.store(true);
  });
  return installed.load();
}

int Register(void* base, size_t length, int fd, uint64_t fileOffset) {
  if (!installed.load() || length == 0) return -1;
  std::lock_guard<std::mutex> lock(allocMutex);
  if (freeSlots.empty()) {
    int count = chunkCount.load();
    if (count == kMaxChunks) return -1;
    chunks[count].store(new Chunk(), std::memory_order_release);
    chunkCount.store(count + 1, std::memory_order_release);
    for (int i = kChunkSlots - 1; i >= 0; i--) freeSlots.push_back(count * kChunkSlots + i);
  }
  int slot = freeSlots.back();
  freeSlots.pop_back();
  Slot& s = At(slot);
  s.fault.store(0);
  s.fd.store(fd, std::memory_order_release);
  s.fileOffset.store(fileOffset, std::memory_order_release);
  Update(slot, base, length);
  return slot;
}

void Update(int slot, void* base, size_t length) {
  if (slot < 0) return;
  Slot& s = At(slot);
  // Close the range first so the handler never sees a half-updated [begin, end).
  s.end.store(0, std::memory_order_release);
  uintptr_t b = reinterpret_cast<uintptr_t>(base);
  s.begin.store(b, std::memory_order_release);
  s.end.store(length == 0 ? 0 : b + length, std::memory_order_release);
}

void Unregister(int slot) {
  if (slot < 0) return;
  Update(slot, nullptr, 0);
  std::lock_guard<std::mutex> lock(allocMutex);
  freeSlots.push_back(slot);
}

int Fault(int slot) { return slot < 0 ? 0 : At(slot).fault.load(std::memory_order_acquire); }

}  // namespace memmap::guard
