// Windows side of os.h's wait/notify, across processes. WaitOnAddress/WakeByAddress only match
// waiters of one process, so waits go through kernel objects shared by name instead:
//
// - Every object other processes can map (a file: volume serial + file index; a named section:
//   its name) has a waiter table: a small named paging-file section `Local\memmap-wait1-<id>` of
//   kSlots slots, and per slot a named semaphore `Local\memmap-wait1-<id>-<slot>`. Private memory
//   (copy and anonymous maps) uses this process's own table `p<pid>`, keyed by address.
// - A slot is {state, key lo, key hi}: key = the word's byte offset in the object (or its address);
//   state = generation << 2 | Free/Taking/Waiting/Woken. The generation makes a notifier's
//   compare-and-swap fail if the slot was freed and taken again since it read the key.
// - wait: take a free slot, open its semaphore, write the key, publish Waiting (a full barrier),
//   then compare *addr with expected (not equal: take the slot back) and sleep on the semaphore.
//   notify: a full barrier, then for each Waiting slot with the key, Waiting -> Woken by CAS and
//   release its semaphore once; the count of such slots is what woke. A waiter whose slot was
//   marked Woken always takes its token before freeing the slot, so a semaphore holds no token
//   while its slot is free. No wake-up is lost: the value store comes before the notifier's scan
//   and the Waiting store before the waiter's compare, so one of them sees the other. Wakes are
//   exact per word (the key is the whole offset), and notify(count) wakes exactly that many.
// - The layout and names are shared with @memmap/backend-ffi (src/wait-win32.ts): napi and ffi
//   processes wake each other. A table's handles are released with the last map using it.
#include "wait_win.h"

#include <windows.h>

#include <cerrno>
#include <climits>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "host_win.h"
#include "os.h"

namespace memmap::os {
namespace {

constexpr int kSlots = 1024;
constexpr LONG kMagic = 0x6d6d7731;  // "mmw1"
// LONG indices: [0] magic, [1] slots in use so far (a high-water mark), [2..3] reserved, then
// 4 LONGs per slot: state, key low, key high, reserved.
constexpr int kHeader = 4;
constexpr size_t kBytes = (kHeader + 4 * kSlots) * sizeof(LONG);
enum : LONG { kFree = 0, kTaking = 1, kWaiting = 2, kWoken = 3 };
// A waiter marked Woken waits at most this long for the notifier's token (a notifier that died
// between its CAS and ReleaseSemaphore must not hang it).
constexpr DWORD kTokenWaitMs = 5000;

struct Table {
  std::string id;
  int refs = 0;
  HANDLE section = nullptr;
  volatile LONG* words = nullptr;
  std::mutex lock;  // guards sems
  HANDLE sems[kSlots] = {};

  volatile LONG* State(int slot) const { return words + kHeader + 4 * slot; }
  volatile LONG* KeyLo(int slot) const { return words + kHeader + 4 * slot + 1; }
  volatile LONG* KeyHi(int slot) const { return words + kHeader + 4 * slot + 2; }
};

struct View {
  size_t length;
  uint64_t objectOffset;
  Table* table;
};

std::mutex registryLock;
std::map<uintptr_t, View> views;                 // by base
std::unordered_map<std::string, Table*> tables;  // by identity

// The Win32 name of `table`'s section (slot < 0) or of one slot's semaphore.
std::wstring ObjectName(const std::string& id, int slot) {
  std::string name = "Local\\memmap-wait1-" + id;
  if (slot >= 0) name += "-" + std::to_string(slot);
  return std::wstring(name.begin(), name.end());  // ASCII only: ids are built from [A-Za-z0-9._-]
}

// Under registryLock.
Table* TableRef(const std::string& id) {
  Table*& t = tables[id];
  if (t == nullptr) {
    t = new Table();
    t->id = id;
  }
  t->refs++;
  return t;
}

// Under registryLock.
void TableUnref(Table* t) {
  if (--t->refs > 0) return;
  tables.erase(t->id);
  if (t->words != nullptr) UnmapViewOfFile(const_cast<LONG*>(t->words));
  if (t->section != nullptr) CloseHandle(t->section);
  for (HANDLE h : t->sems) {
    if (h != nullptr) CloseHandle(h);
  }
  delete t;
}

// Under registryLock: maps the table's section on first use.
int TableOpen(Table* t) {
  if (t->words != nullptr) return 0;
  HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE | SEC_COMMIT, 0,
                                static_cast<DWORD>(kBytes), ObjectName(t->id, -1).c_str());
  if (h == nullptr) return host::LastError();
  void* p = MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, kBytes);
  if (p == nullptr) {
    int err = host::LastError();
    CloseHandle(h);
    return err;
  }
  t->section = h;
  t->words = static_cast<volatile LONG*>(p);
  InterlockedCompareExchange(t->words, kMagic, 0);  // a fresh section is zeros: every slot Free
  return 0;
}

// The slot's semaphore, opened (or created) on first use; nullptr with *err set on failure.
HANDLE Semaphore(Table* t, int slot, int* err) {
  std::lock_guard<std::mutex> guard(t->lock);
  if (t->sems[slot] == nullptr) {
    t->sems[slot] = CreateSemaphoreW(nullptr, 0, LONG_MAX, ObjectName(t->id, slot).c_str());
    if (t->sems[slot] == nullptr) *err = host::LastError();
  }
  return t->sems[slot];
}

// The table for the int32 at addr (with a reference the caller drops with Release) and its key.
int Acquire(void* addr, bool shared, Table** table, uint64_t* key) {
  uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  std::lock_guard<std::mutex> guard(registryLock);
  Table* t = nullptr;
  if (shared) {
    auto it = views.upper_bound(a);
    if (it != views.begin()) {
      --it;
      if (a < it->first + it->second.length) {
        t = it->second.table;
        t->refs++;
        *key = it->second.objectOffset + (a - it->first);
      }
    }
  }
  if (t == nullptr) {  // private memory (or a view we did not register): this process only
    t = TableRef("p" + std::to_string(GetCurrentProcessId()));
    *key = a;
  }
  int err = TableOpen(t);
  if (err != 0) {
    TableUnref(t);
    return err;
  }
  *table = t;
  return 0;
}

void Release(Table* t) {
  std::lock_guard<std::mutex> guard(registryLock);
  TableUnref(t);
}

LONG Gen(LONG state) { return state & ~3; }

// Frees a slot this waiter took.
void FreeSlot(Table* t, int slot, LONG gen) { InterlockedExchange(t->State(slot), gen | kFree); }

// Takes the slot back from Waiting; if a notifier marked it Woken meanwhile, takes its token
// first. Returns whether a notifier had woken it.
bool Withdraw(Table* t, int slot, LONG gen, HANDLE sem) {
  if (InterlockedCompareExchange(t->State(slot), gen | kFree, gen | kWaiting) == (gen | kWaiting)) return false;
  WaitForSingleObject(sem, kTokenWaitMs);
  FreeSlot(t, slot, gen);
  return true;
}

int WaitIn(Table* t, uint64_t key, void* addr, int32_t expected, int64_t deadlineNs) {
  // Take the lowest free slot (Free -> Taking, next generation).
  int slot = -1;
  LONG gen = 0;
  for (int i = 0; i < kSlots && slot < 0; i++) {
    LONG s = *t->State(i);
    if ((s & 3) != kFree) continue;
    LONG next = Gen(s + 4);
    if (InterlockedCompareExchange(t->State(i), next | kTaking, s) == s) {
      slot = i;
      gen = next;
    }
  }
  if (slot < 0) {
    // Every slot is taken (kSlots waiters on this object at once): sleep a little and report a
    // spurious wake-up; the caller re-checks its value and waits again.
    Sleep(1);
    return 0;
  }
  for (LONG used = *(t->words + 1); used < slot + 1;) {
    LONG seen = InterlockedCompareExchange(t->words + 1, slot + 1, used);
    if (seen == used) break;
    used = seen;
  }
  // The semaphore is open before the slot is published: a notifier's token can never go to a
  // semaphore object that closes before this waiter holds it.
  int err = 0;
  HANDLE sem = Semaphore(t, slot, &err);
  if (sem == nullptr) {
    FreeSlot(t, slot, gen);
    return err;
  }
  InterlockedExchange(t->KeyLo(slot), static_cast<LONG>(key & 0xffffffffu));
  InterlockedExchange(t->KeyHi(slot), static_cast<LONG>(key >> 32));
  InterlockedExchange(t->State(slot), gen | kWaiting);  // a full barrier before the compare
  if (InterlockedCompareExchange(static_cast<volatile LONG*>(addr), 0, 0) != expected) {
    return Withdraw(t, slot, gen, sem) ? 0 : EAGAIN;
  }
  for (;;) {
    DWORD ms = INFINITE;
    if (deadlineNs >= 0) {
      int64_t left = deadlineNs - MonotonicNs();
      ms = left <= 0 ? 0 : static_cast<DWORD>(std::min<int64_t>((left + 999999) / 1000000, INFINITE - 1));
    }
    DWORD r = WaitForSingleObject(sem, ms);
    if (r == WAIT_OBJECT_0) {  // only a notifier releases it, after marking the slot Woken
      FreeSlot(t, slot, gen);
      return 0;
    }
    if (r == WAIT_TIMEOUT && deadlineNs >= 0 && MonotonicNs() < deadlineNs) continue;  // rounding
    int failure = r == WAIT_TIMEOUT ? ETIMEDOUT : host::LastError();
    return Withdraw(t, slot, gen, sem) ? 0 : failure;
  }
}

int WakeIn(Table* t, uint64_t key, int count, int* woken) {
  *woken = 0;
  MemoryBarrier();  // the caller's store to the word comes before the scan
  LONG used = InterlockedCompareExchange(t->words + 1, 0, 0);
  LONG lo = static_cast<LONG>(key & 0xffffffffu);
  LONG hi = static_cast<LONG>(key >> 32);
  for (int i = 0; i < used && *woken < count; i++) {
    LONG s = InterlockedCompareExchange(t->State(i), 0, 0);
    if ((s & 3) != kWaiting || *t->KeyLo(i) != lo || *t->KeyHi(i) != hi) continue;
    int err = 0;
    HANDLE sem = Semaphore(t, i, &err);
    if (sem == nullptr) return err;
    if (InterlockedCompareExchange(t->State(i), Gen(s) | kWoken, s) != s) continue;  // it left
    ReleaseSemaphore(sem, 1, nullptr);
    (*woken)++;
  }
  return 0;
}

}  // namespace

bool FileIdentity(HANDLE file, std::string* identity) {
  BY_HANDLE_FILE_INFORMATION info;
  if (!GetFileInformationByHandle(file, &info)) return false;
  char text[48];
  snprintf(text, sizeof text, "f%08lx-%08lx%08lx", static_cast<unsigned long>(info.dwVolumeSerialNumber),
           static_cast<unsigned long>(info.nFileIndexHigh), static_cast<unsigned long>(info.nFileIndexLow));
  *identity = text;
  return true;
}

std::string SectionIdentity(const char* name) { return std::string("n-") + name; }

void RegisterView(void* base, size_t length, const std::string& identity, uint64_t objectOffset) {
  std::lock_guard<std::mutex> guard(registryLock);
  uintptr_t b = reinterpret_cast<uintptr_t>(base);
  auto old = views.find(b);
  if (old != views.end()) {  // a stale entry (a view swapped away without Unregister)
    TableUnref(old->second.table);
    views.erase(old);
  }
  views[b] = View{length, objectOffset, TableRef(identity)};
}

void UnregisterView(void* base) {
  std::lock_guard<std::mutex> guard(registryLock);
  auto it = views.find(reinterpret_cast<uintptr_t>(base));
  if (it == views.end()) return;
  TableUnref(it->second.table);
  views.erase(it);
}

int64_t MonotonicNs() {
  static LARGE_INTEGER frequency = [] {
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    return f;
  }();
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  return static_cast<int64_t>(now.QuadPart / frequency.QuadPart * 1000000000 +
                              now.QuadPart % frequency.QuadPart * 1000000000 / frequency.QuadPart);
}

bool HasWaitNotify() { return true; }

int Wait(void* addr, int32_t expected, int64_t deadlineNs, bool shared) {
  Table* t;
  uint64_t key;
  int err = Acquire(addr, shared, &t, &key);
  if (err != 0) return err;
  err = WaitIn(t, key, addr, expected, deadlineNs);
  Release(t);
  return err;
}

int Wake(void* addr, int count, bool shared, int* woken) {
  *woken = 0;
  Table* t;
  uint64_t key;
  int err = Acquire(addr, shared, &t, &key);
  if (err != 0) return err;
  err = WakeIn(t, key, count, woken);
  Release(t);
  return err;
}

}  // namespace memmap::os
