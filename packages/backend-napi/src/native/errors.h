// Native failures cross into JS as plain Errors tagged with what the TS side needs to build the
// real MmapError (core's syscallError / ERR_MMAP_TRUNCATED / ERR_MMAP_CLOSED).
#pragma once
#include <napi.h>

#include <cerrno>
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

// A page of the map failed under the guard (guard::Fault): truncation, or the errno of a page the
// disk could not take (ENOSPC) or the device could not read or write (EIO), with what happened.
inline Napi::Error FaultError(Napi::Env env, int fault) {
  if (fault < 0) return TruncatedError(env);
  const char* what = fault == ENOSPC
                         ? "a page of the map could not be written because the disk is full; its bytes are lost "
                           "(map with allocate: true to reserve the blocks up front)"
                         : "a page of the map could not be read or written by the device; its bytes are lost";
#ifdef _WIN32
  Napi::Error e = ErrnoError(env, fault, "MapViewOfFile");
#else
  Napi::Error e = ErrnoError(env, fault, "mmap");
#endif
  e.Set("detail", Napi::String::New(env, what));
  return e;
}

inline Napi::Error ClosedError(Napi::Env env) { return TaggedError(env, "closed", "the map is closed"); }

}  // namespace memmap
