// waitAsync without the libuv thread pool: each pending wait runs on a thread of our own (a small
// process-wide pool that grows with the number of pending waits and shrinks when they are idle),
// so pending waits never starve fs work. A finished wait is handed back to its env's JS thread
// through a threadsafe function. close() and env teardown wake the thread (Mapping::WakeWaiters).
#include "waiters.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
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

// How long a waiter spins on the value before it sleeps in the kernel: a reply that comes within
// microseconds (a ping-pong over shared memory) then costs no sleep and no wake-up. Bounded CPU per
// wait; MEMMAP_WAIT_SPIN_US (0 to 1000, read once per process) sets it, 0 turns it off. The default
// is 20 µs where a spinning thread leaves a core for its peer (2 or more logical CPUs), else 0. On an
// idle virtual machine a sleeping waiter costs far more than its futex: its halted vCPU must be woken
// (measured on a quiet 2-core VM: 75 µs per round trip without the spin, 0.5 µs with it), and the
// adaptive budget below stops a spin that keeps missing (a loaded machine) from taking the peer's CPU.
int64_t SpinNs() {
  static const int64_t spin = [] {
    int64_t fallback = std::thread::hardware_concurrency() >= 2 ? 20000 : 0;
    const char* text = std::getenv("MEMMAP_WAIT_SPIN_US");
    if (text == nullptr || *text == '\0') return fallback;
    char* end = nullptr;
    long us = std::strtol(text, &end, 10);
    if (*end != '\0' || us < 0) return fallback;
    return static_cast<int64_t>(us > 1000 ? 1000 : us) * 1000;
  }();
  return spin;
}

// Tells the core a spin loop is running (frees the sibling hyperthread, saves power).
inline void CpuRelax() {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __builtin_ia32_pause();
#elif defined(__GNUC__) && defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// This thread's spin length, adapted to how soon changes come: a spin that saw the change doubles
// the next one (up to SpinNs()), one that did not quarters it (down to a 1 µs probe), and a sleep
// that a wake-up ended sooner than the longest spin raises it to twice that sleep (the spin would
// have caught it). So a thread whose peer replies within microseconds spins, and one whose peer
// is not running at the same time (a loaded machine) stops burning the CPU that peer needs.
struct Spin {
  static constexpr int64_t kProbeNs = 1000;
  int64_t budget = -1;  // ns; -1: not set yet (SpinNs())

  int64_t Next(int64_t max) {
    if (budget < 0 || budget > max) budget = max;
    return budget < kProbeNs ? kProbeNs : budget;
  }
  void Caught(int64_t max) { budget = std::min(max, budget * 2 + kProbeNs); }
  void Missed() { budget /= 4; }
  void Slept(int64_t sleptNs, int64_t max) {
    if (sleptNs < max) budget = std::max(budget, std::min(max, 2 * sleptNs));
  }
};
thread_local Spin spin;

// Spins until the int32 at `addr` differs from `expected`, the spin time is over, the deadline
// passes or the wait is cancelled. True when the value changed.
bool SpinUntilChanged(void* addr, int32_t expected, int64_t deadline, const std::atomic<bool>* cancelled) {
  int64_t max = SpinNs();
  if (max == 0) return false;
  auto* word = static_cast<std::atomic<int32_t>*>(addr);
  int64_t end = os::MonotonicNs() + spin.Next(max);
  if (deadline >= 0 && deadline < end) end = deadline;
  for (int i = 0;; i++) {
    if (word->load(std::memory_order_acquire) != expected) {
      spin.Caught(max);
      return true;
    }
    for (int k = 0; k < 16; k++) CpuRelax();
    // The clock costs ~20 ns: read it every 32 rounds.
    if ((i & 31) == 31) {
      if (os::MonotonicNs() >= end) break;
      if (cancelled != nullptr && cancelled->load()) return false;
    }
  }
  spin.Missed();
  return false;
}

// The wait loop shared by wait() and waitAsync(). EINTR (a signal) and slice ends retry with the
// same deadline; once we have waited (or the caller compared the value already, as waitAsync does
// on the JS thread at call time), a changed value means the writer moved on: 'ok'.
int WaitLoop(void* addr, int32_t expected, double timeoutMs, bool shared, const std::atomic<bool>* cancelled,
             bool compared) {
  int64_t deadline = DeadlineOf(timeoutMs);
  // Compared first (as the futex would): an unequal value at call time is 'not-equal' (unless the
  // caller compared at call time already, as waitAsync does); a change from here on is a wake-up
  // ('ok'), whether the spin or the kernel saw it.
  auto* word = static_cast<std::atomic<int32_t>*>(addr);
  if (word->load(std::memory_order_acquire) != expected) return compared ? kOk : kNotEqual;
  bool spun = timeoutMs > 0 && SpinNs() > 0;
  if (spun && SpinUntilChanged(addr, expected, deadline, cancelled)) return kOk;
  int64_t sleptFrom = spun ? os::MonotonicNs() : 0;
  for (;;) {
    if (cancelled != nullptr && cancelled->load()) return kOk;
    int64_t until = deadline;
    if (cancelled != nullptr) {
      int64_t slice = os::MonotonicNs() + kSliceNs;
      if (until < 0 || slice < until) until = slice;
    }
    int err = os::Wait(addr, expected, until, shared);
    if (err == 0 || err == EAGAIN) {
      if (spun) spin.Slept(os::MonotonicNs() - sleptFrom, SpinNs());
      return kOk;
    }
    if (err == ETIMEDOUT) {
      if (deadline >= 0 && os::MonotonicNs() >= deadline) return kTimedOut;
      continue;  // a slice ended: wait again
    }
    if (err == EINTR) continue;
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
