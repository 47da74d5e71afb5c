// One OS mapping shared by its JS handle, every external Buffer handed out and every thread-pool
// job. Each holds a reference; the memory is unmapped exactly once: at close() (once no job is
// running) or when the last reference goes. All methods run on the JS thread, except that jobs
// read the span under a shared lock while remap holds it exclusively.
//
// Cheap per map by design: the JS handle is a small integer (slot << 8 | generation) into a
// per-env table, so no JS object, napi reference or GC callback is made for it, and a stale handle
// is detected (it throws "closed") instead of reaching freed memory. Its reference is released by
// close(), by release() (core's FinalizationRegistry, for never-closed maps) or at env teardown.
// The whole-map Buffer is not tracked natively either: JS keeps it and passes it back to
// close()/remap() to be detached. Only window() Buffers (maps too large for one Buffer) are
// tracked with weak napi references.
#pragma once
#include <node_api.h>

#include <atomic>
#include <cstdint>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "os.h"
#include "share.h"

namespace memmap {

// One pending waitAsync, as the mapping sees it: close() (and env teardown) set `cancelled` and
// wake the futex, so the waiting thread returns; the job holds the mapping mapped until then.
struct Waiter {
  void* addr = nullptr;
  bool shared = false;
  std::atomic<bool> cancelled{false};
};

class Mapping {
 public:
  Mapping(napi_env env, os::Kind kind, int fd, uint64_t offset, size_t length, size_t delta, os::Span span,
          bool hugePages);
  // A Mapping over memory another thread shared (share::Open added this holder); `fd` is the
  // opener's own descriptor, or -1: core's, or with `ownsFd` this Mapping's (closed when it goes;
  // a runtime whose fs refuses foreign descriptors gets core a reopened one of its own instead).
  Mapping(napi_env env, SharedSpan* shared, int fd, bool ownsFd);

  // Live Mapping objects in the process (a leak check for tests).
  static int64_t Live();

  // Per-env handle table (released at env teardown); call once per env.
  static void SetUpEnv(napi_env env);
  // Gives this new mapping a JS handle (adopting the creator's reference); false if none is left
  // (then the caller must ReleaseHandle() it).
  bool AssignHandle(napi_env env, int32_t* handle);
  // The mapping a JS handle names in this env, or nullptr if it is stale or not a handle.
  static Mapping* FromHandle(napi_env env, int32_t handle);

  void Ref() { refs_++; }
  void Unref(napi_env env);

  // External Buffer over [offset, offset + length) of the map. `track`: keep a weak reference to
  // detach it at close/remap (window()); untracked Buffers (the whole map) are detached through
  // the `whole` argument of Close/Remap. Returns a JS exception status on failure.
  napi_status CreateBuffer(napi_env env, size_t offset, size_t length, bool track, napi_value* result);

  // Detaches `whole` (a Buffer, or null) and every tracked Buffer; false if one could not be detached.
  bool DetachAll(napi_env env, napi_value whole);
  // Detach, then unmap now or when the last job finishes; then drops the handle's reference.
  void Close(napi_env env, napi_value whole);
  // Drops the handle's reference (at most once).
  void ReleaseHandle(napi_env env);
  // Detach, then resize; returns 0 or errno (the map is unchanged on error, but views are detached)
  // and sets `*syscall` to the call that failed (see os::Remap).
  int Remap(napi_env env, size_t newLength, napi_value whole, const char** syscall);

  // Makes this mapping's memory shareable with other threads (once; later calls reuse it) and
  // returns its span; 0 or an errno (the descriptor could not be duplicated).
  int Share(SharedSpan** out);

  // Job bookkeeping: a running job keeps the mapping alive and mapped.
  void BeginJob() {
    Ref();
    jobs_++;
  }
  void EndJob(napi_env env);
  std::shared_mutex& SpanLock() { return spanLock_; }

  // Pending waitAsync calls (each also a job, see BeginJob), woken by Close() and env teardown.
  void AddWaiter(Waiter* waiter) { waiters_.push_back(waiter); }
  void RemoveWaiter(Waiter* waiter);
  void WakeWaiters();
  // Waits on a shared mapping must match other processes' (no FUTEX_PRIVATE_FLAG).
  bool SharedMemory() const { return kind_ == os::Kind::Shared || kind_ == os::Kind::Read; }

  char* Data() const { return span_.base == nullptr ? nullptr : static_cast<char*>(span_.base) + delta_; }
  size_t Length() const { return length_; }
  int Fd() const { return fd_; }
  os::Kind Kind() const { return kind_; }
  // Why a page of this map failed (guard::Fault): 0, guard::kTruncated, ENOSPC or EIO.
  int Fault() const;

 private:
  struct Tracked {
    napi_ref ref;  // weak, to the window's ArrayBuffer (see CreateBuffer)
    bool detached;
  };
  struct Hint {
    Mapping* mapping;
    uint64_t id;
  };
  struct EnvData;
  static void OnBufferFinalized(napi_env env, void* data, void* hint);
  static void OnWholeFinalized(napi_env env, void* data, void* hint);
  static void OnEnvTeardown(napi_env env, void* data, void* hint);
  void Unmap(napi_env env);
  int GuardFd() const;
  int& GuardSlot() { return shared_ != nullptr ? shared_->guardSlot : guardSlot_; }
  ~Mapping();

  os::Kind kind_;
  int fd_;
  uint64_t offset_;
  size_t length_;
  size_t delta_;
  os::Span span_;
  bool hugePages_;
  int guardSlot_ = -1;  // this span's entry in the SIGBUS guard's table (guard.h), -1 when none
  // Set once the memory is shared (share.h): it owns the span and the guard slot from then on.
  SharedSpan* shared_ = nullptr;
  bool sharedHandle_ = false;  // this mapping still counts as one of shared_'s handles
  bool ownsFd_ = false;        // fd_ is this Mapping's to close (see the opener's constructor)
  int refs_ = 1;               // the JS handle's reference
  bool handleHeld_ = true;
  EnvData* envData_ = nullptr;  // the env table holding this handle (while handleHeld_)
  uint32_t handleSlot_ = 0;     // this mapping's slot in envData_'s handle table
  int jobs_ = 0;
  bool closed_ = false;
  bool unmapped_ = false;
  bool neutralised_ = false;
  uint64_t nextId_ = 1;
  std::unordered_map<uint64_t, Tracked> buffers_;
  std::vector<Waiter*> waiters_;
  std::shared_mutex spanLock_;
};

}  // namespace memmap
