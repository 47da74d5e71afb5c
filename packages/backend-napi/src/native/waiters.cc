// waitAsync without the libuv thread pool: each pending wait runs on a thread of our own (a small
// process-wide pool that grows with the number of pending waits and shrinks when they are idle),
// so pending waits never starve fs work. A finished wait is handed back to its env's JS thread
// through a threadsafe function. close() and env teardown wake the thread (Mapping::WakeWaiters).
#include "waiters.h"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "errors.h"

namespace memmap {
namespace {

// A waiter thread re-checks `cancelled` at least this often: it bounds how long a close() whose
// wake raced with the thread entering the futex keeps the thread (and the mapping) alive.
constexpr int64_t kSliceNs = 1000000000;
// An idle waiter thread exits after this long without work.
constexpr auto kIdleExit = std::chrono::seconds(10);

int64_t DeadlineOf(double timeoutMs) {
  // Beyond ~100 years is "never" (and keeps the nanosecond arithmetic in range).
  if (!(timeoutMs < 3.0e12)) return -1;
  return os::MonotonicNs() + static_cast<int64_t>(timeoutMs * 1e6);
}

// The wait loop shared by wait() and waitAsync(). EINTR (a signal) and slice ends retry with the
// same deadline; once we have waited (or the caller compared the value already, as waitAsync does
// on the JS thread at call time), a changed value means the writer moved on: 'ok'.
int WaitLoop(void* addr, int32_t expected, double timeoutMs, bool shared, const std::atomic<bool>* cancelled,
             bool compared) {
  int64_t deadline = DeadlineOf(timeoutMs);
  bool waited = compared;
  for (;;) {
    if (cancelled != nullptr && cancelled->load()) return kOk;
    int64_t until = deadline;
    if (cancelled != nullptr) {
      int64_t slice = os::MonotonicNs() + kSliceNs;
      if (until < 0 || slice < until) until = slice;
    }
    int err = os::Wait(addr, expected, until, shared);
    if (err == 0) return kOk;
    if (err == EAGAIN) return waited ? kOk : kNotEqual;
    if (err == ETIMEDOUT) {
      if (deadline >= 0 && os::MonotonicNs() >= deadline) return kTimedOut;
      waited = true;  // a slice ended: wait again
      continue;
    }
    if (err == EINTR) {
      waited = true;
      continue;
    }
    return -err;
  }
}

struct WaitJob;

// Per env: the threadsafe function that brings results back to its JS thread. Shared with the
// waiter threads, which only call it while `alive` (env teardown clears it under the lock, so no
// thread touches a threadsafe function Node has torn down).
struct EnvWaiters {
  std::mutex lock;
  bool alive = true;
  napi_threadsafe_function tsfn = nullptr;
  int pending = 0;  // JS thread only
  // The waits of this env not yet settled (JS thread only): env teardown cancels them and takes
  // them off their mappings' lists, so nothing a waiter thread frees later stays reachable there.
  std::unordered_set<WaitJob*> jobs;
};

struct WaitJob : Waiter {
  Mapping* mapping = nullptr;
  int32_t expected = 0;
  double timeoutMs = 0;
  napi_deferred deferred = nullptr;
  std::shared_ptr<EnvWaiters> env;
  int result = 0;
};

// The process-wide pool of waiter threads. Leaked on purpose: detached threads may still use it
// while the process exits.
class WaiterThreads {
 public:
  void Submit(WaitJob* job) {
    std::lock_guard<std::mutex> guard(lock_);
    queue_.push_back(job);
    if (idle_ >= queue_.size()) {
      ready_.notify_one();
      return;
    }
    std::thread([this] { Run(); }).detach();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> guard(lock_);
    for (;;) {
      while (queue_.empty()) {
        idle_++;
        bool woke = ready_.wait_for(guard, kIdleExit, [this] { return !queue_.empty(); });
        idle_--;
        if (!woke) return;  // idle long enough: this thread ends
      }
      WaitJob* job = queue_.front();
      queue_.pop_front();
      guard.unlock();
      job->result = WaitLoop(job->addr, job->expected, job->timeoutMs, job->shared, &job->cancelled, true);
      Deliver(job);
      guard.lock();
    }
  }

  static void Deliver(WaitJob* job) {
    std::shared_ptr<EnvWaiters> env = job->env;
    std::lock_guard<std::mutex> guard(env->lock);
    if (!env->alive) {
      // The env is gone (a worker that ended): nothing to settle. Its teardown took the job off
      // its mapping's list, so it can go; the mapping reference the job holds is left alone (no JS
      // thread remains to release it, and the memory stays mapped for anyone still waiting).
      delete job;
      return;
    }
    if (napi_call_threadsafe_function(env->tsfn, job, napi_tsfn_nonblocking) != napi_ok) {
      // The threadsafe function is closing though the env's teardown has not reached us yet (a
      // runtime that tears down in another order): the mapping may still list the job, which
      // OnEnvTeardown would then wake. Leaked on purpose (a few bytes, once per wait pending when
      // a worker ends) rather than freed under it.
      job->cancelled.store(true);
    }
  }

  std::mutex lock_;
  std::condition_variable ready_;
  std::deque<WaitJob*> queue_;
  size_t idle_ = 0;
};

WaiterThreads& Threads() {
  static WaiterThreads* threads = new WaiterThreads();
  return *threads;
}

// Runs on the JS thread (env null: the threadsafe function is being torn down).
void Settle(napi_env env, napi_value /*callback*/, void* /*context*/, void* data) {
  auto* job = static_cast<WaitJob*>(data);
  if (env == nullptr) {
    // Still on the JS thread: the mapping (held by the job) must not keep a freed waiter.
    if (job->env->jobs.erase(job) > 0) job->mapping->RemoveWaiter(job);
    delete job;
    return;
  }
  Napi::HandleScope scope(env);
  EnvWaiters& waiters = *job->env;
  waiters.jobs.erase(job);
  if (--waiters.pending == 0) napi_unref_threadsafe_function(env, waiters.tsfn);
  job->mapping->RemoveWaiter(job);
  if (job->cancelled.load()) {
    napi_reject_deferred(env, job->deferred, ClosedError(env).Value());
  } else if (job->result < 0) {
    napi_reject_deferred(env, job->deferred, ErrnoError(env, -job->result, "futex").Value());
  } else {
    napi_resolve_deferred(env, job->deferred, Napi::Number::New(env, job->result));
  }
  job->mapping->EndJob(env);  // may unmap a closed mapping now that nobody waits on it
  delete job;
}

thread_local std::shared_ptr<EnvWaiters>* current = nullptr;

std::shared_ptr<EnvWaiters> EnvState(napi_env env) {
  if (current != nullptr) return *current;
  auto state = std::make_shared<EnvWaiters>();
  napi_value name;
  napi_create_string_utf8(env, "memmap:waitAsync", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, nullptr, Settle,
                                      &state->tsfn) != napi_ok) {
    return nullptr;
  }
  // Only pending waits keep the event loop alive (ref'd while pending > 0).
  napi_unref_threadsafe_function(env, state->tsfn);
  current = new std::shared_ptr<EnvWaiters>(state);
  // Registered after the threadsafe function's own teardown hook, so it runs before it.
  napi_add_env_cleanup_hook(
      env,
      [](void* arg) {
        auto* holder = static_cast<std::shared_ptr<EnvWaiters>*>(arg);
        {
          EnvWaiters& waiters = **holder;
          std::lock_guard<std::mutex> guard(waiters.lock);
          waiters.alive = false;
          // Every wait still pending returns now (it settles nothing). Under the lock, so none of
          // them is freed by its thread (Deliver) until it is off its mapping's list.
          for (WaitJob* job : waiters.jobs) {
            job->mapping->RemoveWaiter(job);
            if (!job->cancelled.exchange(true)) {
              int woken = 0;
              os::Wake(job->addr, INT32_MAX, job->shared, &woken);
            }
          }
          waiters.jobs.clear();
        }
        if (current == holder) current = nullptr;
        delete holder;
      },
      current);
  return state;
}

}  // namespace

int WaitBlocking(Mapping* mapping, size_t offset, int32_t expected, double timeoutMs) {
  return WaitLoop(mapping->Data() + offset, expected, timeoutMs, mapping->SharedMemory(), nullptr, false);
}

Napi::Value StartAsyncWait(Napi::Env env, Mapping* mapping, size_t offset, int32_t expected, double timeoutMs) {
  std::shared_ptr<EnvWaiters> state = EnvState(env);
  if (state == nullptr) {
    Napi::Error::New(env, "waitAsync: cannot create a threadsafe function").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // Compared now, as Atomics.waitAsync does: the waiter thread starts later, and a value changed
  // meanwhile must read as a wake-up, not as 'not-equal'.
  char* addr = mapping->Data() + offset;
  if (__atomic_load_n(reinterpret_cast<int32_t*>(addr), __ATOMIC_SEQ_CST) != expected) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(Napi::Number::New(env, kNotEqual));
    return deferred.Promise();
  }
  auto* job = new WaitJob();
  job->addr = addr;
  job->shared = mapping->SharedMemory();
  job->mapping = mapping;
  job->expected = expected;
  job->timeoutMs = timeoutMs;
  job->env = state;
  napi_value promise;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok) {
    delete job;
    return env.Undefined();
  }
  mapping->BeginJob();
  mapping->AddWaiter(job);
  state->jobs.insert(job);
  if (state->pending++ == 0) napi_ref_threadsafe_function(env, state->tsfn);
  Threads().Submit(job);
  return Napi::Value(env, promise);
}

int Notify(Mapping* mapping, size_t offset, int count) {
  int woken = 0;
  int err = os::Wake(mapping->Data() + offset, count, mapping->SharedMemory(), &woken);
  return err == 0 ? woken : -err;
}

}  // namespace memmap
