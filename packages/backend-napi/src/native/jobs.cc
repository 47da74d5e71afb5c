#include "jobs.h"

#include <mutex>
#include <string>

#include "errors.h"

namespace memmap {
namespace {

// One flushAsync/prefetch on the libuv thread pool. Plain napi_async_work, not Napi::AsyncWorker:
// the completion may run while its env is being torn down (a worker_threads Worker terminated with
// the job pending), where every JS call fails; node-addon-api turns such a failure into a fatal
// abort (napi_throw), so here every status is checked and a failure just settles nothing. The job
// holds a reference on the mapping, so the memory stays mapped until it ends and is unmapped
// exactly once (EndJob), env or no env; a shared map's pages reach the file through the page cache.
class RangeJob {
 public:
  RangeJob(Mapping* mapping, JobKind kind, size_t offset, size_t length)
      : mapping_(mapping), kind_(kind), offset_(offset), length_(length) {}

  // Queues the job; on failure returns a non-ok status with nothing queued and nothing held.
  napi_status Start(napi_env env, napi_value* promise) {
    napi_value name;
    napi_status status = napi_create_string_utf8(env, kind_ == JobKind::Flush ? "memmap:flush" : "memmap:prefetch",
                                                 NAPI_AUTO_LENGTH, &name);
    if (status != napi_ok) return status;
    status = napi_create_async_work(env, nullptr, name, Execute, Complete, this, &work_);
    if (status != napi_ok) return status;
    status = napi_create_promise(env, &deferred_, promise);
    if (status != napi_ok) {
      napi_delete_async_work(env, work_);
      return status;
    }
    mapping_->BeginJob();
    status = napi_queue_async_work(env, work_);
    if (status != napi_ok) {
      // Settle the promise we made so nothing waits forever, then drop what we hold.
      Settle(env);
      Finish(env);
    }
    return napi_ok;
  }

 private:
  static void Execute(napi_env /*env*/, void* data) { static_cast<RangeJob*>(data)->Run(); }

  static void Complete(napi_env env, napi_status status, void* data) {
    auto* job = static_cast<RangeJob*>(data);
    if (status == napi_cancelled && job->err_ == 0) job->err_ = ECANCELED;
    job->Settle(env);
    job->Finish(env);
  }

  void Run() {
    // Offsets are map-relative and resolved now, under the shared lock, so a remap that ran since
    // the call (it waits for us) cannot leave us with a stale address. The clamp is not a repeat of
    // core's range check: core checked against the length at call time, and a resize() that shrank
    // the map since then must not make us touch memory past its new end.
    std::shared_lock<std::shared_mutex> lock(mapping_->SpanLock());
    size_t length = mapping_->Length();
    if (offset_ >= length || length_ == 0) return;
    size_t n = std::min(length_, length - offset_);
    if (kind_ == JobKind::Flush) err_ = os::Sync(mapping_->Fd(), mapping_->Data() + offset_, n);
    else os::Prefault(mapping_->Data() + offset_, n);  // a hint: failures just mean "not prefetched"
  }

  // Resolves or rejects the promise. Every call may fail while the env is going away (JS can no
  // longer run): then nothing is settled and nothing is thrown. A pending exception left by a
  // failed call is cleared, so it cannot surface as an unrelated error or an abort.
  void Settle(napi_env env) {
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_status status;
    if (err_ == 0) {
      napi_value undefined;
      status = napi_get_undefined(env, &undefined);
      if (status == napi_ok) status = napi_resolve_deferred(env, deferred_, undefined);
    } else {
      napi_value error;
      status = MakeErrnoError(env, &error);
      if (status == napi_ok) status = napi_reject_deferred(env, deferred_, error);
    }
    if (status != napi_ok) {
      bool pending = false;
      napi_value ignored;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
        napi_get_and_clear_last_exception(env, &ignored);
    }
    napi_close_handle_scope(env, scope);
  }

  // The same shape as ErrnoError (errno + syscall), built without node-addon-api's fatal paths.
  napi_status MakeErrnoError(napi_env env, napi_value* result) {
    const char* syscall = kind_ == JobKind::Flush ? "msync" : "madvise";
    std::string message = std::string(syscall) + ": " + strerror(err_);
    napi_value msg, errnoValue, syscallValue;
    napi_status status = napi_create_string_utf8(env, message.c_str(), message.size(), &msg);
    if (status == napi_ok) status = napi_create_error(env, nullptr, msg, result);
    if (status == napi_ok) status = napi_create_int32(env, err_, &errnoValue);
    if (status == napi_ok) status = napi_set_named_property(env, *result, "errno", errnoValue);
    if (status == napi_ok) status = napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscallValue);
    if (status == napi_ok) status = napi_set_named_property(env, *result, "syscall", syscallValue);
    return status;
  }

  // Drops the job's hold on the mapping (the last one out unmaps) and frees the job.
  void Finish(napi_env env) {
    mapping_->EndJob(env);
    napi_delete_async_work(env, work_);
    delete this;
  }

  Mapping* mapping_;
  JobKind kind_;
  size_t offset_;
  size_t length_;
  napi_async_work work_ = nullptr;
  napi_deferred deferred_ = nullptr;
  int err_ = 0;
};

}  // namespace

Napi::Value StartJob(Napi::Env env, Mapping* mapping, JobKind kind, size_t offset, size_t length) {
  auto* job = new RangeJob(mapping, kind, offset, length);
  napi_value promise = nullptr;
  napi_status status = job->Start(env, &promise);
  if (status != napi_ok) {
    delete job;
    if (!env.IsExceptionPending()) Napi::Error::New(env, "could not queue the job").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Value(env, promise);
}

}  // namespace memmap
