// Native failures cross into JS as plain Errors tagged with what the TS side needs to build the
// real MmapError (core's syscallError / ERR_MMAP_TRUNCATED / ERR_MMAP_CLOSED).
#pragma once
#include <napi.h>

#include <cstring>

#ifdef _WIN32
#include "host_win.h"
#endif

namespace memmap {

inline Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall) {
#ifdef _WIN32
  err = host::PortableError(err);  // a C errno from shared code becomes libuv's Windows number
#endif
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + ": error " + std::to_string(err));
  e.Set("errno", Napi::Number::New(env, err));  // positive: C errno (POSIX) or -libuv code (Windows)
  e.Set("syscall", Napi::String::New(env, syscall));
  return e;
}

inline Napi::Error TaggedError(Napi::Env env, const char* kind, const char* message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("kind", Napi::String::New(env, kind));
  return e;
}

inline Napi::Error TruncatedError(Napi::Env env) {
  return TaggedError(env, "truncated", "the file was truncated under the map");
}

inline Napi::Error ClosedError(Napi::Env env) { return TaggedError(env, "closed", "the map is closed"); }

}  // namespace memmap
