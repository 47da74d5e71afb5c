// One OS mapping shared by its JS wrapper, every external ArrayBuffer handed out and every
// thread-pool job. Each holds a reference; the memory is unmapped exactly once: at close() (once
// no job is running) or when the last reference goes. All methods run on the JS thread, except
// that jobs read the span under a shared lock while remap holds it exclusively.
#pragma once
#include <node_api.h>

#include <cstdint>
#include <shared_mutex>
#include <unordered_map>

#include "os.h"

namespace memmap {

class Mapping {
 public:
  Mapping(napi_env env, os::Kind kind, int fd, uint64_t offset, size_t length, size_t delta, os::Span span,
          bool hugePages);

  // Live Mapping objects in the process (a leak check for tests).
  static int64_t Live();

  void Ref() { refs_++; }
  void Unref(napi_env env);

  // External ArrayBuffer over [offset, offset + length) of the map, tracked for detaching.
  // Returns a JS exception status (napi_pending_exception etc.) on failure.
  napi_status CreateArrayBuffer(napi_env env, size_t offset, size_t length, napi_value* result);
  // The whole map's ArrayBuffer, reused while it is alive and attached.
  napi_status WholeArrayBuffer(napi_env env, napi_value* result);

  // Detaches every ArrayBuffer handed out; returns false if one could not be detached.
  bool DetachAll(napi_env env);
  // Detach, then unmap now or when the last job finishes.
  void Close(napi_env env);
  // Detach, then resize; returns 0 or errno (the map is unchanged on error, but views are detached).
  int Remap(napi_env env, size_t newLength);

  // Job bookkeeping: a running job keeps the mapping alive and mapped.
  void BeginJob() { Ref(); jobs_++; }
  void EndJob(napi_env env);
  std::shared_mutex& SpanLock() { return spanLock_; }

  char* Data() const { return span_.base == nullptr ? nullptr : static_cast<char*>(span_.base) + delta_; }
  size_t Length() const { return length_; }
  os::Kind Kind() const { return kind_; }
  bool Closed() const { return closed_; }
  bool Truncated() const;

 private:
  struct Tracked {
    napi_ref ref;
    bool detached;
  };
  struct Hint {
    Mapping* mapping;
    uint64_t id;
  };
  static void OnBufferFinalized(napi_env env, void* data, void* hint);
  void Unmap(napi_env env);
  ~Mapping() = default;

  os::Kind kind_;
  int fd_;
  uint64_t offset_;
  size_t length_;
  size_t delta_;
  os::Span span_;
  bool hugePages_;
  int slot_ = -1;
  int refs_ = 1;  // the creator's (the wrapper's) reference
  int jobs_ = 0;
  bool closed_ = false;
  bool unmapped_ = false;
  bool neutralised_ = false;
  uint64_t nextId_ = 1;
  uint64_t wholeId_ = 0;
  std::unordered_map<uint64_t, Tracked> buffers_;
  std::shared_mutex spanLock_;
};

}  // namespace memmap
