// Lifetime of one mapping: references, tracked ArrayBuffers, detach-then-unmap.
#include "mapping.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "guard.h"

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

Mapping::Mapping(napi_env env, os::Kind kind, int fd, uint64_t offset, size_t length, size_t delta, os::Span span,
                 bool hugePages)
    : kind_(kind), fd_(fd), offset_(offset), length_(length), delta_(delta), span_(span), hugePages_(hugePages) {
  // Only file maps can SIGBUS on truncation, so only they are registered with the guard.
  if (kind_ != os::Kind::Anon) slot_ = guard::Register(span_.base, span_.length);
  Account(env, kind_, static_cast<int64_t>(span_.length));
  live++;
}

int64_t Mapping::Live() { return live.load(); }

bool Mapping::Truncated() const { return guard::Truncated(slot_); }

void Mapping::Unref(napi_env env) {
  if (--refs_ > 0) return;
  Unmap(env);
  live--;
  delete this;
}

void Mapping::Unmap(napi_env env) {
  if (unmapped_) return;
  unmapped_ = true;
  guard::Unregister(slot_);
  slot_ = -1;
  os::Unmap(span_);
  Account(env, kind_, -static_cast<int64_t>(span_.length));
  span_ = os::Span{};
}

napi_status Mapping::CreateArrayBuffer(napi_env env, size_t offset, size_t length, napi_value* result) {
  // Nothing mapped to protect: a plain empty ArrayBuffer.
  if (length == 0) return napi_create_arraybuffer(env, 0, nullptr, result);
  auto* hint = new Hint{this, nextId_++};
  napi_status status = napi_create_external_arraybuffer(env, Data() + offset, length, OnBufferFinalized, hint, result);
  if (status != napi_ok) {
    delete hint;
    return status;
  }
  napi_ref ref;
  status = napi_create_reference(env, *result, 0, &ref);  // weak: only to find it again for detaching
  if (status != napi_ok) {
    napi_detach_arraybuffer(env, *result);  // its finalizer will still drop the reference below
    Ref();
    return status;
  }
  buffers_.emplace(hint->id, Tracked{ref, false});
  Ref();
  return napi_ok;
}

napi_status Mapping::WholeArrayBuffer(napi_env env, napi_value* result) {
  auto it = buffers_.find(wholeId_);
  if (it != buffers_.end() && !it->second.detached) {
    napi_value value = nullptr;
    if (napi_get_reference_value(env, it->second.ref, &value) == napi_ok && value != nullptr) {
      *result = value;
      return napi_ok;
    }
  }
  uint64_t id = nextId_;
  napi_status status = CreateArrayBuffer(env, 0, length_, result);
  if (status == napi_ok && length_ > 0) wholeId_ = id;
  return status;
}

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

bool Mapping::DetachAll(napi_env env) {
  bool ok = true;
  for (auto& [id, tracked] : buffers_) {
    if (tracked.detached) continue;
    napi_value value = nullptr;
    napi_get_reference_value(env, tracked.ref, &value);
    // null: already collected, no JS can reach it; its finalizer drops the reference later.
    if (value != nullptr && napi_detach_arraybuffer(env, value) != napi_ok) {
      ok = false;
      continue;
    }
    tracked.detached = true;
  }
  wholeId_ = 0;
  return ok;
}

void Mapping::Close(napi_env env) {
  if (closed_) return;
  closed_ = true;
  if (!DetachAll(env)) {
    // A view we could not detach must not point at unmapped memory: swap in zero pages and let
    // the last reference unmap them.
    std::unique_lock<std::shared_mutex> lock(spanLock_);
    guard::Unregister(slot_);
    slot_ = -1;
    os::Neutralise(span_);
    neutralised_ = true;
    return;
  }
  if (jobs_ == 0) Unmap(env);  // else the last job unmaps (EndJob)
}

void Mapping::EndJob(napi_env env) {
  if (--jobs_ == 0 && closed_ && !neutralised_) Unmap(env);
  Unref(env);
}

int Mapping::Remap(napi_env env, size_t newLength) {
  if (!DetachAll(env)) return EBUSY;  // never move memory under a live view
  size_t before = span_.length;
  if (kind_ == os::Kind::Anon && newLength < length_) {
    // The kept part of the last page must read zero if the map grows again (as a fresh map would).
    size_t pageEnd = (newLength + os::PageSize() - 1) / os::PageSize() * os::PageSize();
    memset(Data() + newLength, 0, std::min(length_, pageEnd) - newLength);
  }
  int err;
  {
    std::unique_lock<std::shared_mutex> lock(spanLock_);  // waits for running jobs
    err = os::Remap(kind_, fd_, offset_, delta_, newLength, hugePages_, &span_);
    if (err == 0) length_ = newLength;
  }
  if (err != 0) return err;
  if (kind_ != os::Kind::Anon) {
    if (slot_ < 0) slot_ = guard::Register(span_.base, span_.length);
    else if (span_.length == 0) { guard::Unregister(slot_); slot_ = -1; }
    else guard::Update(slot_, span_.base, span_.length);
  }
  Account(env, kind_, static_cast<int64_t>(span_.length) - static_cast<int64_t>(before));
  return 0;
}

}  // namespace memmap
