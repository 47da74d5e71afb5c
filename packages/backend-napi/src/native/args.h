// Argument checks for every addon function: defence in depth. Core validates each argument before
// it calls the addon, but a caller that reaches the addon directly (or a bug above it) must never
// turn into a syscall or pointer arithmetic outside a live mapping. Each check throws a tagged JS
// error (src/errors.ts makes it an MmapError: 'invalid' = ERR_INVALID_ARG_VALUE, 'range' =
// ERR_MMAP_OUT_OF_RANGE) and returns false; the caller then returns at once.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "errors.h"

namespace memmap::args {

// Above this no byte count or offset is exact as a JS number, nor a size any OS can map.
constexpr double kMaxSafe = 9007199254740991.0;  // 2^53 - 1

inline bool Invalid(Napi::Env env, const char* name, const std::string& why) {
  TaggedError(env, "invalid", (std::string("The \"") + name + "\" argument " + why).c_str())
      .ThrowAsJavaScriptException();
  return false;
}

// info[i] as a JS number (any value, Infinity and NaN included); false with an exception if it is
// not a number.
inline bool Number(const Napi::CallbackInfo& info, size_t i, const char* name, double* out) {
  if (i >= info.Length() || napi_get_value_double(info.Env(), info[i], out) != napi_ok) {
    return Invalid(info.Env(), name, "must be a number");
  }
  return true;
}

// info[i] as a non-negative integer no larger than 2^53 - 1.
inline bool Count(const Napi::CallbackInfo& info, size_t i, const char* name, uint64_t* out) {
  double v = 0;
  if (!Number(info, i, name, &v)) return false;
  if (!(v >= 0) || v > kMaxSafe || v != std::floor(v)) {
    return Invalid(info.Env(), name,
                   "must be a non-negative integer (at most 2^53 - 1); received " + std::to_string(v));
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// info[i] as an int32 integer.
inline bool Int32(const Napi::CallbackInfo& info, size_t i, const char* name, int32_t* out) {
  double v = 0;
  if (!Number(info, i, name, &v)) return false;
  if (!(v >= -2147483648.0 && v <= 2147483647.0) || v != std::floor(v)) {
    return Invalid(info.Env(), name, "must be an int32 integer; received " + std::to_string(v));
  }
  *out = static_cast<int32_t>(v);
  return true;
}

// [info[oi], info[oi] + info[li]) as a range inside a mapping of `total` bytes (its real length now).
inline bool Range(const Napi::CallbackInfo& info, size_t oi, size_t li, size_t total, size_t* offset, size_t* length) {
  uint64_t o = 0, n = 0;
  if (!Count(info, oi, "offset", &o) || !Count(info, li, "length", &n)) return false;
  if (o > total || n > total - o) {
    std::string message = "offset " + std::to_string(o) + " + length " + std::to_string(n) +
                          " is past the end of the map (" + std::to_string(total) + " bytes)";
    TaggedError(info.Env(), "range", message.c_str()).ThrowAsJavaScriptException();
    return false;
  }
  *offset = static_cast<size_t>(o);
  *length = static_cast<size_t>(n);
  return true;
}

}  // namespace memmap::args
