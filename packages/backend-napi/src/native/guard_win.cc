// Windows page-loss guard. A mapped file cannot be cut while a view exists (SetEndOfFile answers
// ERROR_USER_MAPPED_FILE), but a page can still fail to come in (a network file that went away, a
// disk error): the access raises EXCEPTION_IN_PAGE_ERROR, which would kill the process. A vectored
// handler catches it inside this addon's registered views, swaps the whole view for zero memory
// (Windows cannot map one page over part of a view) and flags the slot; the map's next call throws.
#include <windows.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "guard.h"

#include <cerrno>

namespace memmap::guard {
namespace {

struct Slot {
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<bool> truncated{false};
};

constexpr int kChunkSlots = 1024;
constexpr int kMaxChunks = 1024;
struct Chunk {
  Slot slots[kChunkSlots];
};

std::atomic<Chunk*> chunks[kMaxChunks];
std::atomic<int> chunkCount{0};
std::mutex allocMutex;
std::vector<int> freeSlots;
// Serialises the swap so two threads faulting in one view replace it once.
SRWLOCK swapLock = SRWLOCK_INIT;
std::atomic<bool> installed{false};

Slot& At(int slot) { return chunks[slot / kChunkSlots].load(std::memory_order_acquire)->slots[slot % kChunkSlots]; }

// True when [begin, end) now holds zero memory (swapped by this or an earlier fault).
bool SwapForZeros(uintptr_t begin, uintptr_t end) {
  void* base = reinterpret_cast<void*>(begin);
  MEMORY_BASIC_INFORMATION info;
  if (VirtualQuery(base, &info, sizeof info) != 0 && info.Type == MEM_PRIVATE) return true;
  if (!UnmapViewOfFile(base)) return false;
  return VirtualAlloc(base, end - begin, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) == base;
}

LONG CALLBACK OnException(EXCEPTION_POINTERS* pointers) {
  EXCEPTION_RECORD* record = pointers->ExceptionRecord;
  if (record->ExceptionCode != EXCEPTION_IN_PAGE_ERROR || record->NumberParameters < 2) {
    return EXCEPTION_CONTINUE_SEARCH;
  }
  uintptr_t addr = static_cast<uintptr_t>(record->ExceptionInformation[1]);
  int count = chunkCount.load(std::memory_order_acquire);
  for (int c = 0; c < count; c++) {
    Chunk* chunk = chunks[c].load(std::memory_order_acquire);
    for (Slot& s : chunk->slots) {
      uintptr_t b = s.begin.load(std::memory_order_acquire);
      uintptr_t e = s.end.load(std::memory_order_acquire);
      if (addr < b || addr >= e) continue;
      AcquireSRWLockExclusive(&swapLock);
      bool swapped = SwapForZeros(b, e);
      ReleaseSRWLockExclusive(&swapLock);
      if (!swapped) return EXCEPTION_CONTINUE_SEARCH;
      s.truncated.store(true, std::memory_order_release);
      return EXCEPTION_CONTINUE_EXECUTION;  // the access retries on zero memory
    }
  }
  return EXCEPTION_CONTINUE_SEARCH;
}

}  // namespace

bool Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (AddVectoredExceptionHandler(1, OnException) != nullptr) installed.store(true);
  });
  return installed.load();
}

int Register(void* base, size_t length, int /*fd*/, uint64_t /*fileOffset*/) {
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
  At(slot).truncated.store(false);
  Update(slot, base, length);
  return slot;
}

void Update(int slot, void* base, size_t length) {
  if (slot < 0) return;
  Slot& s = At(slot);
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

// Windows cannot cut a mapped file: a lost page is a read error (EXCEPTION_IN_PAGE_ERROR) = EIO.
int Fault(int slot) { return slot >= 0 && At(slot).truncated.load(std::memory_order_acquire) ? EIO : 0; }

}  // namespace memmap::guard
