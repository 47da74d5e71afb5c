#include "native_map.h"

#include <cerrno>
#include <climits>

#include "args.h"
#include "errors.h"
#include "jobs.h"
#include "mapping.h"
#include "waiters.h"

namespace memmap {
namespace {

// Core validates every number, and so does every function here (args.h): each range is checked
// against the mapping's real length now, before any pointer arithmetic or syscall.
using args::Range;

// The int32 at info[i] as a wait/notify address: inside the map and 4-byte aligned in memory.
bool WaitAddress(const Napi::CallbackInfo& info, size_t i, Mapping* m, size_t* offset) {
  uint64_t o = 0;
  if (!args::Count(info, i, "offset", &o)) return false;
  if (o > m->Length() || m->Length() - o < 4) {
    std::string message = "offset " + std::to_string(o) + ".." + std::to_string(o + 4) +
                          " is past the end of the map (" + std::to_string(m->Length()) + " bytes)";
    TaggedError(info.Env(), "range", message.c_str()).ThrowAsJavaScriptException();
    return false;
  }
  if (reinterpret_cast<uintptr_t>(m->Data() + o) % 4 != 0) {
    return args::Invalid(info.Env(), "offset", "must be 4-byte aligned in memory; received " + std::to_string(o));
  }
  *offset = static_cast<size_t>(o);
  return true;
}

// The wait arguments after the offset: `expected` (int32) and `timeoutMs` (>= 0, Infinity allowed).
bool WaitValues(const Napi::CallbackInfo& info, int32_t* expected, double* timeoutMs) {
  if (!args::Int32(info, 2, "expected", expected) || !args::Number(info, 3, "timeoutMs", timeoutMs)) return false;
  if (!(*timeoutMs >= 0)) return args::Invalid(info.Env(), "timeoutMs", "must be >= 0");
  return true;
}

// Turns a failed napi call that left no JS exception into one. (A runtime that forbids external
// ArrayBuffers never gets here: addon.ts refuses to load there.)
Napi::Value Failed(Napi::Env env, const char* what) {
  if (!env.IsExceptionPending()) Napi::Error::New(env, std::string(what) + " failed").ThrowAsJavaScriptException();
  return env.Undefined();
}

// The common ending of a call that wraps one os:: function: 0, or the errno as a syscall error.
Napi::Value Check(Napi::Env env, int err, const char* syscall) {
  if (err != 0) ErrnoError(env, err, syscall).ThrowAsJavaScriptException();
  return env.Undefined();
}

// The mapping behind the handle in info[0]; nullptr (with a JS exception) when it is not a live
// handle (closed, released, or not a handle at all).
Mapping* Handle(const Napi::CallbackInfo& info) {
  int32_t handle = -1;
  Mapping* mapping = nullptr;
  if (info.Length() >= 1 && napi_get_value_int32(info.Env(), info[0], &handle) == napi_ok) {
    mapping = Mapping::FromHandle(info.Env(), handle);
  }
  if (mapping == nullptr) ClosedError(info.Env()).ThrowAsJavaScriptException();
  return mapping;
}

// The mapping behind info[0] when it may be used: live (close() invalidates the handle itself, so
// a closed mapping is never found) and not truncated; else throws.
Mapping* Usable(const Napi::CallbackInfo& info) {
  Mapping* mapping = Handle(info);
  if (mapping == nullptr) return nullptr;
  int fault = mapping->Fault();
  if (fault != 0) {
    FaultError(info.Env(), fault).ThrowAsJavaScriptException();
    return nullptr;
  }
  return mapping;
}

// A Buffer argument (the whole-map Buffer handed out by buffer()) or undefined.
napi_value Optional(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && info[i].IsBuffer() ? static_cast<napi_value>(info[i]) : nullptr;
}

// buffer(h) -> Buffer over the whole map. The caller keeps it (strongly) and passes it back to
// remap()/close() to be detached; it holds a reference on the mapping until it is collected.
Napi::Value Buffer(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  napi_value result;
  napi_status status = m->CreateBuffer(info.Env(), 0, m->Length(), false, &result);
  return status == napi_ok ? Napi::Value(info.Env(), result) : Failed(info.Env(), "buffer");
}

// window(h, offset, length) -> Buffer, tracked natively (weakly) for detaching.
Napi::Value Window(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  size_t offset, length;
  if (!Range(info, 1, 2, m->Length(), &offset, &length)) return info.Env().Undefined();
  napi_value result;
  napi_status status = m->CreateBuffer(info.Env(), offset, length, true, &result);
  return status == napi_ok ? Napi::Value(info.Env(), result) : Failed(info.Env(), "window");
}

Napi::Value Flush(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  size_t offset, length;
  if (!Range(info, 1, 2, m->Length(), &offset, &length) || length == 0) return info.Env().Undefined();
  return Check(info.Env(), os::Sync(m->Fd(), m->Data() + offset, length), "msync");
}

// flushAsync(h, offset, length) / prefetch(h, offset, length) -> Promise, on the thread pool.
template <JobKind kind>
Napi::Value Job(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  size_t offset, length;
  if (!Range(info, 1, 2, m->Length(), &offset, &length)) return info.Env().Undefined();
  return StartJob(info.Env(), m, kind, offset, length);
}

Napi::Value Advise(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Mapping* m = Usable(info);
  if (m == nullptr) return env.Undefined();
  int32_t advice = 0;
  if (!args::Int32(info, 1, "advice", &advice)) return env.Undefined();
  if (advice < os::Normal || advice > os::NoHugePage) {
    args::Invalid(env, "advice", "is not a known advice code");
    return env.Undefined();
  }
  size_t offset, length;
  if (!Range(info, 2, 3, m->Length(), &offset, &length)) return env.Undefined();
  if (length == 0) return Napi::Boolean::New(env, false);
  // MADV_DONTNEED zero-fills private anonymous/COW pages: a hint must never lose the user's bytes.
  os::Kind kind = m->Kind();
  if (advice == os::DontNeed && (kind == os::Kind::Copy || kind == os::Kind::Anon)) {
    return Napi::Boolean::New(env, false);
  }
  // Any madvise failure (EINVAL for 'dontneed' on a locked range, EAGAIN, ENOMEM, ...) means the
  // hint was not applied: advise() answers false and never throws for it (docs/decisions.md).
  bool applied = false;
  int err = os::Advise(m->Data() + offset, length, advice, &applied);
  return Napi::Boolean::New(env, err == 0 && applied);
}

Napi::Value Residency(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Mapping* m = Usable(info);
  if (m == nullptr) return env.Undefined();
  size_t offset, length;
  if (!Range(info, 1, 2, m->Length(), &offset, &length)) return env.Undefined();
  uint64_t resident = 0, total = 0;
  int err = length == 0 ? 0 : os::Residency(m->Data() + offset, length, &resident, &total);
  if (err != 0) return Check(env, err, "mincore");
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, static_cast<double>(resident)));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(total)));
  return result;
}

Napi::Value Lock(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  return Check(info.Env(), os::Lock(m->Kind(), m->Data(), m->Length()), "mlock");
}

Napi::Value Unlock(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  return Check(info.Env(), os::Unlock(m->Data(), m->Length()), "munlock");
}

// remap(h, newLength, whole?) -> detaches `whole` and every window, then resizes.
Napi::Value Remap(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  uint64_t newLength = 0;
  if (!args::Count(info, 1, "newLength", &newLength)) return info.Env().Undefined();
  if (newLength > static_cast<uint64_t>(PTRDIFF_MAX)) return Check(info.Env(), ENOMEM, "mremap");
  const char* syscall = "mremap";  // Remap names the call that failed
  int err = m->Remap(info.Env(), static_cast<size_t>(newLength), Optional(info, 2), &syscall);
  return Check(info.Env(), err, syscall);
}

// close(h, whole?) -> detaches `whole` and every window, unmaps (or lets the last job do it) and
// drops the handle's reference. The handle must not be used afterwards.
Napi::Value Close(const Napi::CallbackInfo& info) {
  Mapping* m = Handle(info);
  if (m != nullptr) m->Close(info.Env(), Optional(info, 1));
  return info.Env().Undefined();
}

// release(h) -> the map object was collected without close(): drop the handle's reference only;
// Buffers still alive keep the memory mapped until they are collected too.
Napi::Value Release(const Napi::CallbackInfo& info) {
  Mapping* m = Handle(info);
  if (m != nullptr) m->ReleaseHandle(info.Env());
  return info.Env().Undefined();
}

// wait(h, offset, expected, timeoutMs) -> WaitResult (blocks this thread).
Napi::Value Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Mapping* m = Usable(info);
  if (m == nullptr) return env.Undefined();
  size_t offset;
  int32_t expected;
  double timeoutMs;
  if (!WaitAddress(info, 1, m, &offset) || !WaitValues(info, &expected, &timeoutMs)) return env.Undefined();
  int result = WaitBlocking(m, offset, expected, timeoutMs);
  if (result < 0) return Check(env, -result, "futex");
  return Napi::Number::New(env, result);
}

// waitAsync(h, offset, expected, timeoutMs) -> Promise<WaitResult>, on a waiter thread of our own.
Napi::Value WaitAsync(const Napi::CallbackInfo& info) {
  Mapping* m = Usable(info);
  if (m == nullptr) return info.Env().Undefined();
  size_t offset;
  int32_t expected;
  double timeoutMs;
  if (!WaitAddress(info, 1, m, &offset) || !WaitValues(info, &expected, &timeoutMs)) return info.Env().Undefined();
  return StartAsyncWait(info.Env(), m, offset, expected, timeoutMs);
}

// notify(h, offset, count) -> waiters woken.
Napi::Value NotifyWaiters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Mapping* m = Usable(info);
  if (m == nullptr) return env.Undefined();
  size_t offset;
  double count = 0;
  if (!WaitAddress(info, 1, m, &offset) || !args::Number(info, 2, "count", &count)) return env.Undefined();
  if (!(count >= 0) || count != std::floor(count)) {  // Infinity passes: "wake them all"
    args::Invalid(env, "count", "must be a non-negative integer or Infinity");
    return env.Undefined();
  }
  if (count == 0) return Napi::Number::New(env, 0);  // the futex would still wake one
  int woken = Notify(m, offset, count >= INT32_MAX ? INT32_MAX : static_cast<int>(count));
  if (woken < 0) return Check(env, -woken, "futex");
  return Napi::Number::New(env, woken);
}

}  // namespace

Napi::Value WrapMapping(Napi::Env env, Mapping* mapping) {
  int32_t handle;
  if (!mapping->AssignHandle(env, &handle)) {
    mapping->ReleaseHandle(env);  // no handle adopted it: unmap now, leave nothing behind
    // Millions of live maps: answer as mmap does past vm.max_map_count (an MmapError, not a bare Error).
    return Check(env, ENOMEM, "mmap");
  }
  napi_value result;
  napi_create_int32(env, handle, &result);
  return Napi::Value(env, result);
}

void DefineMapFunctions(Napi::Env env, Napi::Object exports) {
  Mapping::SetUpEnv(env);
  exports.Set("buffer", Napi::Function::New<Buffer>(env, "buffer"));
  exports.Set("window", Napi::Function::New<Window>(env, "window"));
  exports.Set("flush", Napi::Function::New<Flush>(env, "flush"));
  exports.Set("flushAsync", Napi::Function::New<Job<JobKind::Flush>>(env, "flushAsync"));
  exports.Set("advise", Napi::Function::New<Advise>(env, "advise"));
  exports.Set("prefetch", Napi::Function::New<Job<JobKind::Prefetch>>(env, "prefetch"));
  exports.Set("residency", Napi::Function::New<Residency>(env, "residency"));
  exports.Set("lock", Napi::Function::New<Lock>(env, "lock"));
  exports.Set("unlock", Napi::Function::New<Unlock>(env, "unlock"));
  exports.Set("remap", Napi::Function::New<Remap>(env, "remap"));
  exports.Set("close", Napi::Function::New<Close>(env, "close"));
  exports.Set("release", Napi::Function::New<Release>(env, "release"));
  exports.Set("wait", Napi::Function::New<Wait>(env, "wait"));
  exports.Set("waitAsync", Napi::Function::New<WaitAsync>(env, "waitAsync"));
  exports.Set("notify", Napi::Function::New<NotifyWaiters>(env, "notify"));
}

}  // namespace memmap
