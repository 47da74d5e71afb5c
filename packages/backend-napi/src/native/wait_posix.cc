// POSIX side of os.h's wait/notify: the Linux futex. Other POSIX systems (macOS, FreeBSD) have no
// public cross-process address wait here, so HasWaitNotify() is false there and core refuses.
#include <cerrno>
#include <ctime>

#include "os.h"

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace memmap::os {

int64_t MonotonicNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

#ifdef __linux__

bool HasWaitNotify() { return true; }

namespace {
// A shared mapping must use a shared futex: FUTEX_PRIVATE_FLAG keys the wait on this process's
// address space, so a waiter in another process would never match.
int Op(int op, bool shared) { return shared ? op : op | FUTEX_PRIVATE_FLAG; }
}  // namespace

int Wait(void* addr, int32_t expected, int64_t deadlineNs, bool shared) {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so a retry keeps the deadline.
  timespec deadline;
  timespec* until = nullptr;
  if (deadlineNs >= 0) {
    deadline.tv_sec = static_cast<time_t>(deadlineNs / 1000000000);
    deadline.tv_nsec = static_cast<long>(deadlineNs % 1000000000);
    until = &deadline;
  }
  long r = syscall(SYS_futex, addr, Op(FUTEX_WAIT_BITSET, shared), expected, until, nullptr, FUTEX_BITSET_MATCH_ANY);
  return r == 0 ? 0 : errno;
}

int Wake(void* addr, int count, bool shared, int* woken) {
  long r = syscall(SYS_futex, addr, Op(FUTEX_WAKE, shared), count, nullptr, nullptr, 0);
  if (r < 0) return errno;
  *woken = static_cast<int>(r);
  return 0;
}

#else

bool HasWaitNotify() { return false; }
int Wait(void*, int32_t, int64_t, bool) { return ENOSYS; }
int Wake(void*, int, bool, int*) { return ENOSYS; }

#endif

}  // namespace memmap::os
