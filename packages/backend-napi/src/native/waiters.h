// wait/waitAsync/notify on a mapping's int32 (see os.h's Wait/Wake for the platform side).
#pragma once
#include <napi.h>

#include "mapping.h"

namespace memmap {

// What wait()/waitAsync() report; the same numbers as the TS side's table (src/region.ts).
enum WaitResult : int { kOk = 0, kNotEqual = 1, kTimedOut = 2 };

// Blocks this thread (like Atomics.wait). Returns a WaitResult, or a positive errno as -errno.
int WaitBlocking(Mapping* mapping, size_t offset, int32_t expected, double timeoutMs);
// Starts a wait on a dedicated waiter thread (never a libuv thread-pool thread) and returns its
// Promise (resolving to a WaitResult). The job keeps the mapping mapped until the thread returns.
Napi::Value StartAsyncWait(Napi::Env env, Mapping* mapping, size_t offset, int32_t expected, double timeoutMs);
// Wakes up to `count` waiters; returns how many woke or -errno.
int Notify(Mapping* mapping, size_t offset, int count);

}  // namespace memmap
