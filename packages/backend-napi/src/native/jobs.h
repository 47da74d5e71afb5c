// flushAsync/prefetch on the libuv thread pool, resolving a Promise.
#pragma once
#include <napi.h>

#include "mapping.h"

namespace memmap {

enum class JobKind { Flush, Prefetch };

// Queues the job and returns its Promise. The job holds the mapping (mapped) until it settles.
Napi::Promise StartJob(Napi::Env env, Mapping* mapping, JobKind kind, size_t offset, size_t length);

}  // namespace memmap
