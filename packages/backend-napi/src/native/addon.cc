// Addon entry: the map factories plus what the TS side needs to fill in the capability manifest.
#include <napi.h>

#include <cerrno>
#include <string>

#include "descriptors.h"
#include "errors.h"
#include "guard.h"
#include "mapping.h"
#include "native_map.h"
#include "pin.h"

namespace memmap {
namespace {

// mapFile(kind, fd, offset, length, populate) -> handle (a small integer; see mapping.h)
Napi::Value MapFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto kind = static_cast<os::Kind>(info[0].As<Napi::Number>().Int32Value());
  int fd = info[1].As<Napi::Number>().Int32Value();
  auto offset = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  auto length = static_cast<size_t>(info[3].As<Napi::Number>().Int64Value());
  bool populate = info[4].ToBoolean();
  os::Span span;
  size_t delta;
  int err = os::MapFile(kind, fd, offset, length, populate, &span, &delta);
  if (err != 0) {
    ErrnoError(env, err, "mmap").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // Only a shared map keeps its descriptor (core holds it for the map's life); core closes a read or
  // copy map's right after this call, so that Mapping is never handed one it could find reused.
  int kept = kind == os::Kind::Shared ? fd : -1;
  return WrapMapping(env, new Mapping(env, kind, kept, offset, length, delta, span, false));
}

// Throws the errno as a syscall error and returns undefined.
Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall) {
  ErrnoError(env, err, syscall).ThrowAsJavaScriptException();
  return env.Undefined();
}

// mapPath(path, kind, offset, length, populate, out) -> handle, or -1 when the range is past the end:
// open, fstat, map and close in one call, for read and copy maps of a path (they keep no
// descriptor). `length` < 0 means "to the end of the file". out (a Float64Array of 2) receives the
// file's size and the map's length. Core validated the arguments and decides what an out-of-range
// request means; this only refuses to map past the end of the file it opened.
Napi::Value MapPath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  auto kind = static_cast<os::Kind>(info[1].As<Napi::Number>().Int32Value());
  double offsetArg = info[2].As<Napi::Number>().DoubleValue();
  double lengthArg = info[3].As<Napi::Number>().DoubleValue();
  bool populate = info[4].ToBoolean();
  Napi::Float64Array out = info[5].As<Napi::Float64Array>();
  if ((kind != os::Kind::Read && kind != os::Kind::Copy) || out.ElementLength() < 2 || !(offsetArg >= 0) ||
      offsetArg > 9007199254740991.0 || lengthArg > 9007199254740991.0) {
    Napi::RangeError::New(env, "mapPath: invalid arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd = -1;
  int err = os::OpenRead(path.c_str(), &fd);
  if (err != 0) return ThrowErrno(env, err, "open");
  double size = 0;
  int type = 0;
  err = os::Stat(fd, &size, &type);
  if (err == 0 && type == 1) err = EISDIR;
  if (err == 0 && (type == 2 || type == 3)) err = ENODEV;
  if (err != 0) {
    os::Close(fd);
    return ThrowErrno(env, err, type == 0 ? "fstat" : "mmap");
  }
  double length = lengthArg >= 0 ? lengthArg : (size > offsetArg ? size - offsetArg : 0);
  out[0] = size;
  out[1] = length;
  if (offsetArg + length > size) {
    os::Close(fd);
    return Napi::Number::New(env, -1);
  }
  auto offset = static_cast<uint64_t>(offsetArg);
  os::Span span;
  size_t delta;
  err = os::MapFile(kind, fd, offset, static_cast<size_t>(length), populate, &span, &delta);
  os::Close(fd);  // the mapping holds the file from here on
  if (err != 0) return ThrowErrno(env, err, "mmap");
  return WrapMapping(env, new Mapping(env, kind, -1, offset, static_cast<size_t>(length), delta, span, false));
}

// allocate(fd, offset, length): reserves disk blocks before a map is made or grown.
Napi::Value Allocate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  auto offset = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
  auto length = static_cast<uint64_t>(info[2].As<Napi::Number>().Int64Value());
  int err = os::Allocate(fd, offset, length);
  if (err != 0) ErrnoError(env, err, "posix_fallocate").ThrowAsJavaScriptException();
  return env.Undefined();
}

// mapAnon(length, populate, hugePages) -> handle
Napi::Value MapAnon(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto length = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  bool populate = info[1].ToBoolean();
  bool huge = info[2].ToBoolean();
  os::Span span;
  int err = os::MapAnon(length, populate, huge, &span);
  if (err != 0) {
    ErrnoError(env, err, "mmap").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return WrapMapping(env, new Mapping(env, os::Kind::Anon, -1, 0, length, 0, span, huge));
}

// fdAccessMode(fd) -> 0 read-only, 1 write-only, 2 read-write
Napi::Value FdAccessMode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int mode = 0;
  int err = os::AccessMode(info[0].As<Napi::Number>().Int32Value(), &mode);
  if (err != 0) {
    ErrnoError(env, err, "fcntl").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, mode);
}

// fdDuplicate(fd) -> a new close-on-exec fd on the same open file description
Napi::Value FdDuplicate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int copy = -1;
  int err = os::Duplicate(info[0].As<Napi::Number>().Int32Value(), &copy);
  if (err != 0) {
    ErrnoError(env, err, "fcntl").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, copy);
}

// closeFd(fd): closes a descriptor this addon made (fdDuplicate, shmOpen, openShared): Node's fs
// did not open it, so closing it there warns in a Worker (and Deno's fs refuses it).
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int err = os::Close(info[0].As<Napi::Number>().Int32Value());
  if (err != 0) ErrnoError(env, err, "close").ThrowAsJavaScriptException();
  return env.Undefined();
}

// fdStat(fd) -> size * 8 + type (type: 0 file, 1 directory, 2 FIFO, 3 socket, 4 other); one
// number, exact below 2^50 bytes, so no object is made per call.
Napi::Value FdStat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double size = 0;
  int type = 0;
  int err = os::Stat(info[0].As<Napi::Number>().Int32Value(), &size, &type);
  if (err != 0) {
    ErrnoError(env, err, "fstat").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, size * 8 + type);
}
// shmOpen(name, create, exclusive, mode) -> [fd, created]
Napi::Value ShmOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int fd = -1;
  bool created = false;
  int err = os::ShmOpen(name.c_str(), info[1].ToBoolean(), info[2].ToBoolean(), info[3].As<Napi::Number>().Int32Value(),
                        &fd, &created);
  if (err != 0) {
    ErrnoError(env, err, "shm_open").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, fd));
  result.Set(1u, Napi::Boolean::New(env, created));
  return result;
}

// shmUnlink(name)
Napi::Value ShmUnlink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int err = os::ShmUnlink(name.c_str());
  if (err != 0) ErrnoError(env, err, "shm_unlink").ThrowAsJavaScriptException();
  return env.Undefined();
}

#ifdef _WIN32
// sectionOpen(name, create, exclusive, size) -> [section, created, size]; the section handle is a
// number (handle values stay far below 2^53) that sectionMap() and sectionClose() take back.
Napi::Value SectionOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  auto size = static_cast<uint64_t>(info[3].As<Napi::Number>().Int64Value());
  void* section = nullptr;
  bool created = false;
  uint64_t actual = 0;
  int err = os::SectionOpen(name.c_str(), info[1].ToBoolean(), info[2].ToBoolean(), size, &section, &created, &actual);
  if (err != 0) {
    ErrnoError(env, err, info[1].ToBoolean() ? "CreateFileMappingW" : "OpenFileMappingW").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array result = Napi::Array::New(env, 3);
  result.Set(0u, Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(section))));
  result.Set(1u, Napi::Boolean::New(env, created));
  result.Set(2u, Napi::Number::New(env, static_cast<double>(actual)));
  return result;
}

void* SectionArg(const Napi::CallbackInfo& info) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(info[0].As<Napi::Number>().Int64Value()));
}

// sectionMap(section, length) -> handle of a 'shared' map with no descriptor
Napi::Value SectionMap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto length = static_cast<size_t>(info[1].As<Napi::Number>().Int64Value());
  os::Span span;
  int err = os::SectionMap(SectionArg(info), length, &span);
  if (err != 0) {
    ErrnoError(env, err, "MapViewOfFile").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return WrapMapping(env, new Mapping(env, os::Kind::Shared, -1, 0, length, 0, span, false));
}

Napi::Value SectionClose(const Napi::CallbackInfo& info) {
  os::SectionClose(SectionArg(info));
  return info.Env().Undefined();
}

// sectionExists(name) -> true, or throws (ENOENT when no process holds the name)
Napi::Value SectionExists(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  bool exists = false;
  int err = os::SectionExists(name.c_str(), &exists);
  if (err != 0) {
    ErrnoError(env, err, "OpenFileMappingW").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Boolean::New(env, exists);
}
#endif

// Runtimes with a V8 memory cage (Electron) refuse external ArrayBuffers: find out at load time so
// the backend fails to load cleanly and core falls back, instead of failing on first use.
bool ExternalBuffersAllowed(Napi::Env env) {
  static char probe[1];
  napi_value result;
  napi_status status = napi_create_external_buffer(
      env, sizeof probe, probe, [](napi_env, void*, void*) {}, nullptr, &result);
  if (status != napi_ok && env.IsExceptionPending()) env.GetAndClearPendingException();
  return status == napi_ok;
}

}  // namespace
}  // namespace memmap

// The enums the JS side passes as numbers, exported by name so the two sides cannot drift apart.
static Napi::Object Constants(Napi::Env env) {
  using namespace memmap;
  Napi::Object kinds = Napi::Object::New(env);
  kinds.Set("read", static_cast<int>(os::Kind::Read));
  kinds.Set("shared", static_cast<int>(os::Kind::Shared));
  kinds.Set("copy", static_cast<int>(os::Kind::Copy));
  Napi::Object advice = Napi::Object::New(env);
  advice.Set("normal", static_cast<int>(os::Normal));
  advice.Set("random", static_cast<int>(os::Random));
  advice.Set("sequential", static_cast<int>(os::Sequential));
  advice.Set("willneed", static_cast<int>(os::WillNeed));
  advice.Set("dontneed", static_cast<int>(os::DontNeed));
  advice.Set("hugepage", static_cast<int>(os::HugePage));
  advice.Set("nohugepage", static_cast<int>(os::NoHugePage));
  Napi::Object constants = Napi::Object::New(env);
  constants.Set("mapKinds", kinds);
  constants.Set("advice", advice);
  return constants;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace memmap;
  // First: from here on this module's code outlives every env (see pin.h).
  exports.Set("pinned", Napi::Boolean::New(env, pin::PinModule()));
  exports.Set("constants", Constants(env));
  DefineMapFunctions(env, exports);
  DefineShareFunctions(env, exports);
  exports.Set("mapFile", Napi::Function::New<MapFile>(env, "mapFile"));
  exports.Set("mapPath", Napi::Function::New<MapPath>(env, "mapPath"));
  exports.Set("mapAnon", Napi::Function::New<MapAnon>(env, "mapAnon"));
  exports.Set("fdAccessMode", Napi::Function::New<FdAccessMode>(env, "fdAccessMode"));
  exports.Set("fdDuplicate", Napi::Function::New<FdDuplicate>(env, "fdDuplicate"));
  exports.Set("fdStat", Napi::Function::New<FdStat>(env, "fdStat"));
  exports.Set("closeFd", Napi::Function::New<CloseFd>(env, "closeFd"));
  exports.Set("allocate", Napi::Function::New<Allocate>(env, "allocate"));
  exports.Set("liveMappings", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Number::New(info.Env(), static_cast<double>(Mapping::Live()));
              }));
  exports.Set("shmOpen", Napi::Function::New<ShmOpen>(env, "shmOpen"));
  exports.Set("shmUnlink", Napi::Function::New<ShmUnlink>(env, "shmUnlink"));
#ifdef _WIN32
  exports.Set("sectionOpen", Napi::Function::New<SectionOpen>(env, "sectionOpen"));
  exports.Set("sectionMap", Napi::Function::New<SectionMap>(env, "sectionMap"));
  exports.Set("sectionClose", Napi::Function::New<SectionClose>(env, "sectionClose"));
  exports.Set("sectionExists", Napi::Function::New<SectionExists>(env, "sectionExists"));
#endif
  exports.Set("waitNotify", Napi::Boolean::New(env, os::HasWaitNotify()));
  exports.Set("named", Napi::Boolean::New(env, os::HasNamed()));
  exports.Set("pageSize", Napi::Number::New(env, static_cast<double>(os::PageSize())));
  exports.Set("hugeTlb", Napi::Boolean::New(env, os::HasHugeTlb()));
  exports.Set("truncationSafe", Napi::Boolean::New(env, guard::Install()));
  exports.Set("externalBuffers", Napi::Boolean::New(env, ExternalBuffersAllowed(env)));
  return exports;
}

NODE_API_MODULE(memmap, Init)
