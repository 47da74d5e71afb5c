#include "native_map.h"

#include "errors.h"
#include "jobs.h"

namespace memmap {
namespace {

// Core has validated every number (non-negative integers inside the map), so plain reads suffice.
size_t Arg(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<size_t>(info[i].As<Napi::Number>().Int64Value());
}

// Turns a failed napi call that left no JS exception into one.
Napi::Value Failed(Napi::Env env, napi_status status, const char* what) {
  if (!env.IsExceptionPending()) {
    if (status == napi_no_external_buffers_allowed) {
      TaggedError(env, "unsupported", "this runtime forbids external ArrayBuffers").ThrowAsJavaScriptException();
    } else {
      Napi::Error::New(env, std::string(what) + " failed").ThrowAsJavaScriptException();
    }
  }
  return env.Undefined();
}

struct AddonData {
  Napi::FunctionReference constructor;
};

}  // namespace

Napi::Function NativeMap::Define(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "NativeMap",
                                    {
                                        InstanceMethod<&NativeMap::Buffer>("buffer"),
                                        InstanceMethod<&NativeMap::Window>("window"),
                                        InstanceMethod<&NativeMap::Flush>("flush"),
                                        InstanceMethod<&NativeMap::FlushAsync>("flushAsync"),
                                        InstanceMethod<&NativeMap::Advise>("advise"),
                                        InstanceMethod<&NativeMap::Prefetch>("prefetch"),
                                        InstanceMethod<&NativeMap::Residency>("residency"),
                                        InstanceMethod<&NativeMap::Lock>("lock"),
                                        InstanceMethod<&NativeMap::Unlock>("unlock"),
                                        InstanceMethod<&NativeMap::Remap>("remap"),
                                        InstanceMethod<&NativeMap::Close>("close"),
                                        InstanceMethod<&NativeMap::IsTruncated>("isTruncated"),
                                    });
  auto* data = new AddonData{Napi::Persistent(ctor)};
  env.SetInstanceData<AddonData>(data);  // per env, so worker threads get their own class
  return ctor;
}

Napi::Value NativeMap::Wrap(Napi::Env env, Mapping* mapping) {
  Napi::Object obj = env.GetInstanceData<AddonData>()->constructor.New({Napi::External<Mapping>::New(env, mapping)});
  if (env.IsExceptionPending()) {
    mapping->Unref(env);  // no wrapper adopted it: unmap now, leave nothing behind
    return env.Undefined();
  }
  return obj;
}

NativeMap::NativeMap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeMap>(info), env_(info.Env()) {
  if (info.Length() == 1 && info[0].IsExternal()) mapping_ = info[0].As<Napi::External<Mapping>>().Data();
}

// The map object was collected: drop its reference only. Views still alive keep the memory mapped
// until their own finalizers run.
NativeMap::~NativeMap() {
  if (mapping_ != nullptr) mapping_->Unref(env_);
}

bool NativeMap::Usable(Napi::Env env) {
  if (mapping_ == nullptr || mapping_->Closed()) {
    ClosedError(env).ThrowAsJavaScriptException();
    return false;
  }
  if (mapping_->Truncated()) {
    TruncatedError(env).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

Napi::Value NativeMap::Buffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  napi_value result;
  napi_status status = mapping_->WholeArrayBuffer(env, &result);
  return status == napi_ok ? Napi::Value(env, result) : Failed(env, status, "buffer");
}

Napi::Value NativeMap::Window(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  napi_value result;
  napi_status status = mapping_->CreateArrayBuffer(env, Arg(info, 0), Arg(info, 1), &result);
  return status == napi_ok ? Napi::Value(env, result) : Failed(env, status, "window");
}

Napi::Value NativeMap::Flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  int err = os::Sync(mapping_->Data() + Arg(info, 0), Arg(info, 1));
  if (err != 0) ErrnoError(env, err, "msync").ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value NativeMap::FlushAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  return StartJob(env, mapping_, JobKind::Flush, Arg(info, 0), Arg(info, 1));
}

Napi::Value NativeMap::Advise(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  int advice = info[0].As<Napi::Number>().Int32Value();
  // MADV_DONTNEED zero-fills private anonymous/COW pages: a hint must never lose the user's bytes.
  os::Kind kind = mapping_->Kind();
  if (advice == os::DontNeed && (kind == os::Kind::Copy || kind == os::Kind::Anon)) {
    return Napi::Boolean::New(env, false);
  }
  bool applied = false;
  int err = os::Advise(mapping_->Data() + Arg(info, 1), Arg(info, 2), advice, &applied);
  if (err != 0) {
    ErrnoError(env, err, "madvise").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Boolean::New(env, applied);
}

Napi::Value NativeMap::Prefetch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  return StartJob(env, mapping_, JobKind::Prefetch, Arg(info, 0), Arg(info, 1));
}

Napi::Value NativeMap::Residency(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  uint64_t resident, total;
  int err = os::Residency(mapping_->Data() + Arg(info, 0), Arg(info, 1), &resident, &total);
  if (err != 0) {
    ErrnoError(env, err, "mincore").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, static_cast<double>(resident)));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(total)));
  return result;
}

Napi::Value NativeMap::Lock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  int err = os::Lock(mapping_->Data(), mapping_->Length());
  if (err != 0) ErrnoError(env, err, "mlock").ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value NativeMap::Unlock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  int err = os::Unlock(mapping_->Data(), mapping_->Length());
  if (err != 0) ErrnoError(env, err, "munlock").ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value NativeMap::Remap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!Usable(env)) return env.Undefined();
  int err = mapping_->Remap(env, Arg(info, 0));
  if (err != 0) ErrnoError(env, err, "mremap").ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value NativeMap::Close(const Napi::CallbackInfo& info) {
  if (mapping_ != nullptr) mapping_->Close(info.Env());
  return info.Env().Undefined();
}

Napi::Value NativeMap::IsTruncated(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), mapping_ != nullptr && mapping_->Truncated());
}

}  // namespace memmap
