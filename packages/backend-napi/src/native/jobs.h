// flushAsync/prefetch on the libuv thread pool, resolving a Promise.
#pragma once
#include <napi.h>

#include "mapping.h"

namespace memmap {

enum class JobKind { Flush, Prefetch };

// Queues the job and returns its Promise. The job holds the mapping (mapped) until it ends; a job
// that completes after its env is gone (worker terminated) settles nothing and throws nothing.
Napi::Value StartJob(Napi::Env env, Mapping* mapping, JobKind kind, size_t offset, size_t length);

}  // namespace memmap
