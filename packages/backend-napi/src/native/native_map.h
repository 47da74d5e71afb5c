// The functions core's Region (src/region.ts) calls. A map is handed to JS as a small integer
// handle (see mapping.h: no per-map JS object, napi reference or GC callback); the handle's
// reference on the Mapping is dropped explicitly by close() or release() (core's
// FinalizationRegistry calls it when a never-closed map is collected), or at env teardown.
#pragma once
#include <napi.h>

namespace memmap {

// Adds buffer/window/flush/... to exports and sets up per-env data.
void DefineMapFunctions(Napi::Env env, Napi::Object exports);
// Gives a freshly created mapping its JS handle (adopting its reference); unmaps it on failure.
Napi::Value WrapMapping(Napi::Env env, class Mapping* mapping);
// Adds share/openShared (native_share.cc: one map's memory opened by other threads).
void DefineShareFunctions(Napi::Env env, Napi::Object exports);

}  // namespace memmap
