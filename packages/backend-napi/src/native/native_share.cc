// share(h) / openShared(...): the JS side of share.h. A handle's numbers cross as strings of 16 hex
// digits (64-bit values do not fit a JS number), its kind as core's name for it.
#include <napi.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "descriptors.h"
#include "errors.h"
#include "mapping.h"
#include "native_map.h"
#include "share.h"

namespace memmap {
namespace {

const char* const kKindNames[] = {"read", "shared", "copy", "anon"};  // os::Kind order

std::string Hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Exactly 16 lower-case hex digits, as Hex() writes them; anything else is no handle of ours.
bool ParseHex(const Napi::Value& value, uint64_t* out) {
  if (!value.IsString()) return false;
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.size() != 16) return false;
  uint64_t v = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return false;
    v = v << 4 | static_cast<uint64_t>(digit);
  }
  *out = v;
  return true;
}

int KindCode(const Napi::Value& value) {
  if (!value.IsString()) return -1;
  std::string name = value.As<Napi::String>().Utf8Value();
  for (int i = 0; i < 4; i++) {
    if (name == kKindNames[i]) return i;
  }
  return -1;
}

// A whole number in [0, 2^53]: what core validated; anything else cannot match a tag.
bool ParseCount(const Napi::Value& value, uint64_t* out) {
  if (!value.IsNumber()) return false;
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 9007199254740992.0) || d != static_cast<double>(static_cast<uint64_t>(d))) return false;
  *out = static_cast<uint64_t>(d);
  return true;
}

// share(h) -> [id, tag, kind]: registers the map's memory (once) for other threads.
Napi::Value Share(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t handle = -1;
  Mapping* m = nullptr;
  if (info.Length() >= 1 && napi_get_value_int32(env, info[0], &handle) == napi_ok)
    m = Mapping::FromHandle(env, handle);
  if (m == nullptr) {
    ClosedError(env).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  SharedSpan* shared = nullptr;
  int err = m->Share(&shared);
  if (err != 0) {
    ErrnoError(env, err, "fcntl").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint64_t id, tag;
  {
    std::lock_guard<std::mutex> lock(share::Mutex());  // length is the sole holder's to change
    id = shared->id;
    tag = share::Tag(shared);
  }
  Napi::Array result = Napi::Array::New(env, 3);
  result.Set(0u, Napi::String::New(env, Hex(id)));
  result.Set(1u, Napi::String::New(env, Hex(tag)));
  result.Set(2u, Napi::String::New(env, kKindNames[static_cast<int>(m->Kind())]));
  return result;
}

// openShared(id, tag, kind, offset, length, pid, keepFd) -> [handle, kind, offset, length, fd], or
// 1 when the memory is released, 2 when the handle is not one this process made (forged or
// altered). keepFd: the new Mapping owns the descriptor (the caller only reopens it for its runtime).
Napi::Value OpenShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t id, tag, offset, length, pid;
  int kind = info.Length() >= 6 ? KindCode(info[2]) : -1;
  if (kind < 0 || !ParseHex(info[0], &id) || !ParseHex(info[1], &tag) || !ParseCount(info[3], &offset) ||
      !ParseCount(info[4], &length) || !ParseCount(info[5], &pid)) {
    return Napi::Number::New(env, 2);
  }
  SharedSpan* shared = nullptr;
  int fd = -1, err = 0;
  share::Lookup found = share::Open(id, tag, kind, offset, length, pid, &shared, &fd, &err);
  if (found == share::Lookup::Forged) return Napi::Number::New(env, 2);
  if (found == share::Lookup::Released) return Napi::Number::New(env, 1);
  if (err != 0) {
    ErrnoError(env, err, "fcntl").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // What the registry says, never what the handle says (the length may have changed since).
  bool keepFd = info.Length() >= 7 && info[6].ToBoolean();
  auto* mapping = new Mapping(env, shared, fd, keepFd);
  Napi::Value wrapped = WrapMapping(env, mapping);  // on failure it drops the holder again
  if (env.IsExceptionPending()) {
    if (fd >= 0 && !keepFd) os::Close(fd);  // else the Mapping closed it
    return env.Undefined();
  }
  Napi::Array result = Napi::Array::New(env, 5);
  result.Set(0u, wrapped);
  result.Set(1u, Napi::String::New(env, kKindNames[static_cast<int>(shared->kind)]));
  result.Set(2u, Napi::Number::New(env, static_cast<double>(shared->offset)));
  result.Set(3u, Napi::Number::New(env, static_cast<double>(mapping->Length())));
  result.Set(4u, Napi::Number::New(env, fd));
  return result;
}

}  // namespace

void DefineShareFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("share", Napi::Function::New<Share>(env, "share"));
  exports.Set("openShared", Napi::Function::New<OpenShared>(env, "openShared"));
}

}  // namespace memmap
