#include "jobs.h"

#include <mutex>

#include "errors.h"

namespace memmap {
namespace {

class RangeJob : public Napi::AsyncWorker {
 public:
  RangeJob(Napi::Env env, Mapping* mapping, JobKind kind, size_t offset, size_t length)
      : Napi::AsyncWorker(env, kind == JobKind::Flush ? "memmap:flush" : "memmap:prefetch"),
        deferred_(Napi::Promise::Deferred::New(env)),
        mapping_(mapping),
        kind_(kind),
        offset_(offset),
        length_(length) {
    mapping_->BeginJob();
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    // Offsets are map-relative and resolved now, under the shared lock, so a remap that ran since
    // the call (it waits for us) cannot leave us with a stale address. The clamp is not a repeat of
    // core's range check: core checked against the length at call time, and a resize() that shrank
    // the map since then must not make us touch memory past its new end.
    std::shared_lock<std::shared_mutex> lock(mapping_->SpanLock());
    size_t length = mapping_->Length();
    if (offset_ >= length) return;
    size_t n = std::min(length_, length - offset_);
    if (kind_ == JobKind::Flush) err_ = os::Sync(mapping_->Fd(), mapping_->Data() + offset_, n);
    else os::Prefault(mapping_->Data() + offset_, n);  // a hint: failures just mean "not prefetched"
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (err_ != 0) deferred_.Reject(ErrnoError(env, err_, "msync").Value());
    else deferred_.Resolve(env.Undefined());
    mapping_->EndJob(env);
  }

 private:
  Napi::Promise::Deferred deferred_;
  Mapping* mapping_;
  JobKind kind_;
  size_t offset_;
  size_t length_;
  int err_ = 0;
};

}  // namespace

Napi::Promise StartJob(Napi::Env env, Mapping* mapping, JobKind kind, size_t offset, size_t length) {
  auto* job = new RangeJob(env, mapping, kind, offset, length);
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

}  // namespace memmap
