// The JS object core's Region talks to: thin argument unpacking around Mapping.
#pragma once
#include <napi.h>

#include "mapping.h"

namespace memmap {

class NativeMap : public Napi::ObjectWrap<NativeMap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps an already created mapping (adopting its initial reference).
  static Napi::Value Wrap(Napi::Env env, Mapping* mapping);

  explicit NativeMap(const Napi::CallbackInfo& info);
  ~NativeMap() override;

 private:
  // Throws and returns false when the map is closed or was truncated.
  bool Usable(Napi::Env env);
  Napi::Value Buffer(const Napi::CallbackInfo& info);
  Napi::Value Window(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value FlushAsync(const Napi::CallbackInfo& info);
  Napi::Value Advise(const Napi::CallbackInfo& info);
  Napi::Value Prefetch(const Napi::CallbackInfo& info);
  Napi::Value Residency(const Napi::CallbackInfo& info);
  Napi::Value Lock(const Napi::CallbackInfo& info);
  Napi::Value Unlock(const Napi::CallbackInfo& info);
  Napi::Value Remap(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsTruncated(const Napi::CallbackInfo& info);

  napi_env env_;
  Mapping* mapping_ = nullptr;
};

}  // namespace memmap
