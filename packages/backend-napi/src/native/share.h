// One OS mapping shared by the threads of the process (share() / openShared()). JS heaps are per
// thread, so the memory behind a shared map is owned here, process-wide: a SharedSpan holds the
// span, what it maps, its SIGBUS guard slot and (shared file maps) a descriptor of its own, and is
// found by a random 64-bit id in one registry under one mutex. The id is no pointer: a forged id
// can only miss. A handle also carries a keyed hash (SipHash-2-4, a per-process random key) of
// what it says (id, kind, offset, length, pid), so a forged or altered handle is told apart from a
// genuine one whose memory is gone.
//
// Every per-env Mapping over the memory (the sharer's and one per openShared()) is a holder; the
// last holder to go unmaps it. A live map object (a held JS handle) keeps the id registered; once
// none is left, openShared() answers "released" even while views still hold the memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "os.h"

namespace memmap {

struct SharedSpan {
  os::Kind kind;
  uint64_t offset;
  size_t length;
  size_t delta;
  os::Span span;
  bool hugePages;
  int guardSlot;  // the SIGBUS guard's slot for span, -1 when none
  int fd;         // shared file maps: a descriptor of its own (the guard's), else -1
  uint64_t id;
  int holders;  // Mappings referencing it (under the registry mutex)
  int handles;  // live map objects over it; 0 = retired (no longer in the registry)
};

namespace share {

// The registry's mutex: held while a holder is added or dropped and while the sole holder remaps.
std::mutex& Mutex();

// Registers a new SharedSpan (one holder, one handle) for a Mapping's span; takes over its guard
// slot. For a shared file map `fd` is duplicated for the span to keep (the map's own fd is core's
// and closes with it). Returns 0 or an errno; *out is the new span.
int Register(os::Kind kind, uint64_t offset, size_t length, size_t delta, os::Span span, bool hugePages, int guardSlot,
             int fd, SharedSpan** out);

// What openShared() found.
enum class Lookup { Found, Released, Forged };

// Checks the handle's keyed hash, then finds its span and adds a holder and a handle; for a shared
// file map `*fd` receives a new descriptor (close-on-exec) for the opener, else -1. An errno of the
// duplicate comes back in *err (with Found and *out null).
Lookup Open(uint64_t id, uint64_t tag, int kind, uint64_t offset, uint64_t length, uint64_t pid, SharedSpan** out,
            int* fd, int* err);

// The keyed hash a handle of this span carries now (its current length, this process's pid).
uint64_t Tag(const SharedSpan* span);
// This process's id as handles carry it.
uint64_t ProcessId();

// Drops a handle (a map object closed, collected or its env ended); the last one retires the id.
void DropHandle(SharedSpan* span);
// Drops a holder; the last one unmaps the span (off this thread), frees its guard slot and fd.
void DropHolder(SharedSpan* span);

}  // namespace share
}  // namespace memmap
