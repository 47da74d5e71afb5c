// Lifetime of one mapping: references, tracked ArrayBuffers, detach-then-unmap.
#include "mapping.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include "guard.h"
#include "unmapper.h"

#ifndef _WIN32
#include <unistd.h>
#endif

namespace memmap {
namespace {

std::atomic<int64_t> live{0};

// Lets the GC see anonymous memory, which only a collection can give back. File-backed pages
// are page cache the kernel reclaims on its own: counting them made V8 collect on nearly every
// map of a large file.
void Account(napi_env env, os::Kind kind, int64_t delta) {
  if (delta == 0 || env == nullptr || kind != os::Kind::Anon) return;
  int64_t total;
  napi_adjust_external_memory(env, delta, &total);
}

}  // namespace

// The live handles of one env: slot -> mapping, plus a generation per slot so a stale handle never
// names the slot's next occupant. Released at env teardown (a worker that exits with maps it never
// closed), since no FinalizationRegistry callback runs then.
struct Mapping::EnvData {
  std::vector<Mapping*> slots;
  std::vector<uint8_t> generations;
  std::vector<uint32_t> free;
};

namespace {
constexpr uint32_t kMaxSlots = 1u << 22;  // handles stay small integers (Smis); far above vm.max_map_count
}  // namespace

void Mapping::SetUpEnv(napi_env env) { napi_set_instance_data(env, new EnvData(), OnEnvTeardown, nullptr); }

void Mapping::OnEnvTeardown(napi_env env, void* data, void* /*hint*/) {
  auto* envData = static_cast<EnvData*>(data);
  for (Mapping* m : envData->slots) {
    if (m == nullptr) continue;
    // A worker ending with a pending waitAsync: let its waiting thread return (it settles nothing;
    // the mapping it holds stays mapped, as no JS thread is left to unmap it).
    m->WakeWaiters();
    m->ReleaseHandle(env);
  }
  delete envData;
}

bool Mapping::AssignHandle(napi_env env, int32_t* handle) {
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) != napi_ok || data == nullptr) return false;
  auto* d = static_cast<EnvData*>(data);
  uint32_t slot;
  if (!d->free.empty()) {
    slot = d->free.back();
    d->free.pop_back();
  } else {
    if (d->slots.size() >= kMaxSlots) return false;
    slot = static_cast<uint32_t>(d->slots.size());
    d->slots.push_back(nullptr);
    d->generations.push_back(0);
  }
  d->slots[slot] = this;
  envData_ = d;
  handleSlot_ = slot;
  *handle = static_cast<int32_t>(slot << 8 | d->generations[slot]);
  return true;
}

Mapping* Mapping::FromHandle(napi_env env, int32_t handle) {
  void* data = nullptr;
  if (handle < 0 || napi_get_instance_data(env, &data) != napi_ok || data == nullptr) return nullptr;
  auto* d = static_cast<EnvData*>(data);
  uint32_t slot = static_cast<uint32_t>(handle) >> 8;
  if (slot >= d->slots.size() || d->generations[slot] != (handle & 0xff)) return nullptr;
  return d->slots[slot];
}

Mapping::Mapping(napi_env env, os::Kind kind, int fd, uint64_t offset, size_t length, size_t delta, os::Span span,
                 bool hugePages)
    : kind_(kind), fd_(fd), offset_(offset), length_(length), delta_(delta), span_(span), hugePages_(hugePages) {
  // Only file maps can SIGBUS on truncation, so only they are registered with the guard.
  if (kind_ != os::Kind::Anon) guardSlot_ = guard::Register(span_.base, span_.length, GuardFd(), offset_ - delta_);
  Account(env, kind_, static_cast<int64_t>(span_.length));
  live++;
}

Mapping::Mapping(napi_env env, SharedSpan* shared, int fd, bool ownsFd)
    : kind_(shared->kind),
      fd_(fd),
      offset_(shared->offset),
      length_(shared->length),
      delta_(shared->delta),
      span_(shared->span),
      hugePages_(shared->hugePages),
      shared_(shared),
      sharedHandle_(true),
      ownsFd_(ownsFd && fd >= 0) {
  Account(env, kind_, static_cast<int64_t>(span_.length));
  live++;
}

Mapping::~Mapping() {
#ifndef _WIN32
  if (ownsFd_) close(fd_);
#endif
}

int64_t Mapping::Live() { return live.load(); }

int Mapping::Fault() const { return guard::Fault(shared_ != nullptr ? shared_->guardSlot : guardSlot_); }

int Mapping::Share(SharedSpan** out) {
  if (shared_ == nullptr) {
    int err = share::Register(kind_, offset_, length_, delta_, span_, hugePages_, guardSlot_, fd_, &shared_);
    if (err != 0) return err;
    guardSlot_ = -1;  // the shared span's now
    sharedHandle_ = true;
  }
  *out = shared_;
  return 0;
}

// Only a shared map holds a descriptor (read and copy maps are made with -1: core closes theirs
// right after mapping), so the guard is never given one it could find reused.
int Mapping::GuardFd() const {
  if (shared_ != nullptr) return shared_->fd;  // this map's own fd closes before the shared span goes
  return fd_;
}

void Mapping::Unref(napi_env env) {
  if (--refs_ > 0) return;
  Unmap(env);
  live--;
  delete this;
}

void Mapping::Unmap(napi_env env) {
  if (unmapped_) return;
  unmapped_ = true;
  if (shared_ != nullptr) {
    // Other threads' Mappings may still use the memory: the last holder unmaps it.
    if (sharedHandle_) share::DropHandle(shared_);
    sharedHandle_ = false;
    share::DropHolder(shared_);
    shared_ = nullptr;
    Account(env, kind_, -static_cast<int64_t>(span_.length));
    span_ = os::Span{};
    return;
  }
  guard::Unregister(guardSlot_);
  guardSlot_ = -1;
  // No view reaches the span any more (detached, neutralised or collected): the JS thread need
  // not wait for munmap.
  unmapper::Defer(span_);
  Account(env, kind_, -static_cast<int64_t>(span_.length));
  span_ = os::Span{};
}

void Mapping::ReleaseHandle(napi_env env) {
  if (!handleHeld_) return;
  handleHeld_ = false;
  if (shared_ != nullptr && sharedHandle_) {
    share::DropHandle(shared_);  // the last map object over it retires its id
    sharedHandle_ = false;
  }
  if (envData_ != nullptr) {
    envData_->slots[handleSlot_] = nullptr;
    envData_->generations[handleSlot_]++;  // wraps: 256 reuses before a stale handle could match
    envData_->free.push_back(handleSlot_);
    envData_ = nullptr;
  }
  Unref(env);
}

napi_status Mapping::CreateBuffer(napi_env env, size_t offset, size_t length, bool track, napi_value* result) {
  // Nothing mapped to protect: a plain empty Buffer.
  if (length == 0) return napi_create_buffer(env, 0, nullptr, result);
  // napi_create_external_arraybuffer is implemented as this Buffer plus a lookup of its
  // ArrayBuffer, so handing out the Buffer itself saves JS a Buffer.from().
  if (!track) {
    napi_status status = napi_create_external_buffer(env, length, Data() + offset, OnWholeFinalized, this, result);
    if (status == napi_ok) Ref();
    return status;
  }
  auto* hint = new Hint{this, nextId_++};
  napi_status status = napi_create_external_buffer(env, length, Data() + offset, OnBufferFinalized, hint, result);
  if (status != napi_ok) {
    delete hint;
    return status;
  }
  Ref();  // dropped by OnBufferFinalized, whatever happens below
  // The weak reference names the ArrayBuffer, not this Buffer: core wraps the window in a Buffer of
  // its own over the same ArrayBuffer and drops ours, so this Buffer object can be collected (any
  // scavenge) while the memory stays reachable; a reference to it would then read null at close
  // and leave the user's view attached. The ArrayBuffer lives exactly as long as some view of it.
  napi_value ab = nullptr;
  status = napi_get_typedarray_info(env, *result, nullptr, nullptr, nullptr, &ab, nullptr);
  napi_ref ref = nullptr;
  if (status == napi_ok) status = napi_create_reference(env, ab, 0, &ref);  // weak: only to detach it
  if (status != napi_ok) {
    if (ab != nullptr) napi_detach_arraybuffer(env, ab);
    return status;
  }
  buffers_.emplace(hint->id, Tracked{ref, false});
  return napi_ok;
}

void Mapping::OnWholeFinalized(napi_env env, void* /*data*/, void* hint) { static_cast<Mapping*>(hint)->Unref(env); }

void Mapping::OnBufferFinalized(napi_env env, void* /*data*/, void* hint) {
  auto* h = static_cast<Hint*>(hint);
  Mapping* self = h->mapping;
  auto it = self->buffers_.find(h->id);
  if (it != self->buffers_.end()) {
    napi_delete_reference(env, it->second.ref);
    self->buffers_.erase(it);
  }
  delete h;
  self->Unref(env);
}

namespace {

// Detaches the ArrayBuffer under a Buffer (a typed array); false if that failed.
bool DetachBuffer(napi_env env, napi_value buffer) {
  napi_value ab = nullptr;
  if (napi_get_typedarray_info(env, buffer, nullptr, nullptr, nullptr, &ab, nullptr) != napi_ok) return false;
  return napi_detach_arraybuffer(env, ab) == napi_ok;
}

}  // namespace

bool Mapping::DetachAll(napi_env env, napi_value whole) {
  // Detaching may run a Buffer's finalizer synchronously (JavaScriptCore frees an ArrayBuffer's
  // contents at detach, so Bun calls OnBufferFinalized/OnWholeFinalized inside
  // napi_detach_arraybuffer), which erases from buffers_ and drops a reference. So no iterator is
  // held across a detach: walk a copy of the ids and look each one up again. The caller's handle
  // reference keeps this Mapping alive throughout.
  bool ok = true;
  if (whole != nullptr) {
    size_t length = 0;
    // An empty Buffer maps nothing and need not (or cannot) be detached.
    if (napi_get_buffer_info(env, whole, nullptr, &length) == napi_ok && length > 0 && !DetachBuffer(env, whole)) {
      ok = false;
    }
  }
  std::vector<uint64_t> ids;
  ids.reserve(buffers_.size());
  for (const auto& entry : buffers_) {
    if (!entry.second.detached) ids.push_back(entry.first);
  }
  for (uint64_t id : ids) {
    auto it = buffers_.find(id);
    if (it == buffers_.end()) continue;  // finalized meanwhile
    napi_value arrayBuffer = nullptr;
    napi_get_reference_value(env, it->second.ref, &arrayBuffer);
    // Marked first: once detached, the entry may already be gone when the call returns.
    it->second.detached = true;
    // null: the ArrayBuffer was collected, so no view can reach the memory; its finalizer drops
    // the reference later.
    if (arrayBuffer != nullptr && napi_detach_arraybuffer(env, arrayBuffer) != napi_ok) {
      ok = false;
      it = buffers_.find(id);
      if (it != buffers_.end()) it->second.detached = false;
    }
  }
  return ok;
}

void Mapping::RemoveWaiter(Waiter* waiter) {
  auto it = std::find(waiters_.begin(), waiters_.end(), waiter);
  if (it != waiters_.end()) waiters_.erase(it);
}

void Mapping::WakeWaiters() {
  for (Waiter* w : waiters_) {
    if (w->cancelled.exchange(true)) continue;
    int woken = 0;
    // Wakes every waiter on that word, also other processes' (they see a spurious 'ok', as futex
    // users expect); the cancelled flag tells ours apart.
    os::Wake(w->addr, INT32_MAX, w->shared, &woken);
  }
}

void Mapping::Close(napi_env env, napi_value whole) {
  if (closed_) return;
  closed_ = true;
  WakeWaiters();  // their jobs keep the memory mapped until the waiting threads have returned
  if (!DetachAll(env, whole)) {
    // A view we could not detach must not point at unmapped memory: swap in zero pages and let
    // the last reference unmap them. Memory another thread still holds cannot be swapped: the view
    // keeps this holder, so the memory stays mapped until its Buffer is collected.
    if (shared_ != nullptr) {
      neutralised_ = true;
      ReleaseHandle(env);
      return;
    }
    std::unique_lock<std::shared_mutex> lock(spanLock_);
    guard::Unregister(guardSlot_);
    guardSlot_ = -1;
    os::Neutralise(span_);
    neutralised_ = true;
  } else if (jobs_ == 0) {
    Unmap(env);  // else the last job unmaps (EndJob)
  }
  ReleaseHandle(env);  // may delete this
}

void Mapping::EndJob(napi_env env) {
  if (--jobs_ == 0 && closed_ && !neutralised_) Unmap(env);
  Unref(env);
}

int Mapping::Remap(napi_env env, size_t newLength, napi_value whole, const char** syscall) {
  *syscall = "mremap";
  // Memory other threads hold never moves: EBUSY while another holder lives, and no one can open it
  // while it moves (the registry's mutex is held throughout).
  std::unique_lock<std::mutex> registry;
  if (shared_ != nullptr) {
    registry = std::unique_lock<std::mutex>(share::Mutex());
    if (shared_->holders > 1) return EBUSY;
  }
  if (!DetachAll(env, whole)) return EBUSY;  // never move memory under a live view
  size_t before = span_.length;
  if (kind_ == os::Kind::Anon && newLength > length_ && span_.length > delta_ + length_) {
    // An earlier shrink kept old bytes past the end in the mapped tail: growth must read zeros (as a
    // fresh map would). Zeroed at grow time, not at shrink time, as the ffi backend does, so both
    // fault in the same pages (residency() is compared between them).
    memset(Data() + length_, 0, std::min(span_.length - delta_, newLength) - length_);
  }
  int err;
  {
    std::unique_lock<std::shared_mutex> lock(spanLock_);  // waits for running jobs
    err = os::Remap(kind_, fd_, offset_, delta_, newLength, hugePages_, &span_, syscall);
    if (err == 0) length_ = newLength;
  }
  if (err != 0) return err;
  if (kind_ != os::Kind::Anon) {
    int& slot = GuardSlot();
    if (slot < 0) slot = guard::Register(span_.base, span_.length, GuardFd(), offset_ - delta_);
    else if (span_.length == 0) {
      guard::Unregister(slot);
      slot = -1;
    } else guard::Update(slot, span_.base, span_.length);
  }
  if (shared_ != nullptr) {
    shared_->span = span_;
    shared_->length = length_;
  }
  Account(env, kind_, static_cast<int64_t>(span_.length) - static_cast<int64_t>(before));
  return 0;
}

}  // namespace memmap
