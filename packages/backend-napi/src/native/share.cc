// The process-wide registry behind share()/openShared() (see share.h).
#include "share.h"

#include <chrono>
#include <random>
#include <unordered_map>

#include "descriptors.h"
#include "guard.h"
#include "random.h"
#include "unmapper.h"

#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

namespace memmap::share {
namespace {

struct Registry {
  std::mutex mutex;
  std::unordered_map<uint64_t, SharedSpan*> spans;
  uint64_t key[2];
  std::mt19937_64 ids;
};

uint64_t Pid() {
#ifdef _WIN32
  return static_cast<uint64_t>(_getpid());
#else
  return static_cast<uint64_t>(getpid());
#endif
}

// Seeds from the OS's random source (random.h), mixed with the clock and an address: the key must
// not be guessable from outside the process.
Registry& Get() {
  static Registry* registry = [] {
    auto* r = new Registry();  // never freed: spans may outlive every env
    uint64_t mix = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                   static_cast<uint64_t>(reinterpret_cast<uintptr_t>(r)) ^ (Pid() << 32);
    uint64_t words[4] = {};
    os::SecureRandom(words, sizeof words);  // on failure the mix alone: weaker, never predictable zeros
    for (uint64_t& w : words) w ^= mix;
    r->key[0] = words[0];
    r->key[1] = words[1];
    r->ids.seed(words[2] ^ (words[3] << 1));
    return r;
  }();
  return *registry;
}

uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

// SipHash-2-4 of whole 64-bit words (the handle's fields), keyed with the registry's key.
uint64_t SipHash(const uint64_t key[2], const uint64_t* words, size_t n) {
  uint64_t v0 = 0x736f6d6570736575ULL ^ key[0], v1 = 0x646f72616e646f6dULL ^ key[1];
  uint64_t v2 = 0x6c7967656e657261ULL ^ key[0], v3 = 0x7465646279746573ULL ^ key[1];
  auto round = [&] {
    v0 += v1;
    v1 = Rotl(v1, 13);
    v1 ^= v0;
    v0 = Rotl(v0, 32);
    v2 += v3;
    v3 = Rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = Rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = Rotl(v1, 17);
    v1 ^= v2;
    v2 = Rotl(v2, 32);
  };
  for (size_t i = 0; i < n; i++) {
    v3 ^= words[i];
    round();
    round();
    v0 ^= words[i];
  }
  uint64_t last = static_cast<uint64_t>(n * 8) << 56;
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xff;
  for (int i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t TagOf(uint64_t id, uint64_t kind, uint64_t offset, uint64_t length, uint64_t pid) {
  const uint64_t words[5] = {id, kind, offset, length, pid};
  return SipHash(Get().key, words, 5);
}

void CloseFd(int fd) {
  if (fd >= 0) os::Close(fd);
}

}  // namespace

std::mutex& Mutex() { return Get().mutex; }

uint64_t ProcessId() { return Pid(); }

uint64_t Tag(const SharedSpan* span) {
  return TagOf(span->id, static_cast<uint64_t>(span->kind), span->offset, span->length, Pid());
}

int Register(os::Kind kind, uint64_t offset, size_t length, size_t delta, os::Span span, bool hugePages, int guardSlot,
             int fd, SharedSpan** out) {
  int own = -1;
  // Windows too: a DuplicateHandle()d HANDLE in a CRT slot of its own (descriptors_win.cc), so an
  // opener's map flushes its file and can resize it, as on POSIX.
  if (kind == os::Kind::Shared && fd >= 0) {
    int err = os::Duplicate(fd, &own);
    if (err != 0) return err;
  }
  auto* s = new SharedSpan{kind, offset, length, delta, span, hugePages, guardSlot, own, 0, 1, 1};
  if (own >= 0 && guardSlot >= 0) {
    // The guard asks the file why a page failed: from now on through our descriptor, which lives
    // as long as the span (the sharer's own closes with its map object). New slot first, so no
    // fault ever finds the range unguarded.
    int slot = guard::Register(span.base, span.length, own, offset - delta);
    if (slot >= 0) {
      guard::Unregister(guardSlot);
      s->guardSlot = slot;
    }
  }
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mutex);
  do { s->id = r.ids(); } while (s->id == 0 || r.spans.count(s->id) != 0);
  r.spans.emplace(s->id, s);
  *out = s;
  return 0;
}

Lookup Open(uint64_t id, uint64_t tag, int kind, uint64_t offset, uint64_t length, uint64_t pid, SharedSpan** out,
            int* fd, int* err) {
  *out = nullptr;
  *fd = -1;
  *err = 0;
  if (pid != Pid() || TagOf(id, static_cast<uint64_t>(kind), offset, length, pid) != tag) return Lookup::Forged;
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.spans.find(id);
  if (it == r.spans.end()) return Lookup::Released;
  SharedSpan* s = it->second;
  if (s->fd >= 0) {
    *err = os::Duplicate(s->fd, fd);
    if (*err != 0) return Lookup::Found;
  }
  s->holders++;
  s->handles++;
  *out = s;
  return Lookup::Found;
}

void DropHandle(SharedSpan* span) {
  Registry& r = Get();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (--span->handles == 0) r.spans.erase(span->id);
}

void DropHolder(SharedSpan* span) {
  {
    std::lock_guard<std::mutex> lock(Get().mutex);
    if (--span->holders > 0) return;
    if (span->handles > 0) Get().spans.erase(span->id);  // never left registered without a holder
  }
  guard::Unregister(span->guardSlot);
  unmapper::Defer(span->span);
  CloseFd(span->fd);
  delete span;
}

}  // namespace memmap::share
