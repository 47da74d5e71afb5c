// Windows side of os.h's wait/notify: not offered. WaitOnAddress/WakeByAddress only match waiters
// of the same process, so they cannot give the cross-process wait the waitNotify capability
// promises on shared and named maps; HasWaitNotify() is false and core refuses the calls
// (ERR_MMAP_UNSUPPORTED), as on macOS and FreeBSD.
#include <windows.h>

#include <cerrno>

#include "os.h"

namespace memmap::os {

int64_t MonotonicNs() {
  static LARGE_INTEGER frequency = [] {
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    return f;
  }();
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  return static_cast<int64_t>(now.QuadPart / frequency.QuadPart * 1000000000 +
                              now.QuadPart % frequency.QuadPart * 1000000000 / frequency.QuadPart);
}

bool HasWaitNotify() { return false; }
int Wait(void*, int32_t, int64_t, bool) { return ENOSYS; }
int Wake(void*, int, bool, int*) { return ENOSYS; }

}  // namespace memmap::os
