// POSIX implementation of descriptors.h: fcntl(F_GETFL) and fcntl(F_DUPFD_CLOEXEC).
#include "descriptors.h"

#include <fcntl.h>

#include <cerrno>

namespace memmap::os {

int AccessMode(int fd, int* mode) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return errno;
  switch (flags & O_ACCMODE) {
    case O_RDONLY: *mode = 0; break;
    case O_WRONLY: *mode = 1; break;
    default: *mode = 2; break;
  }
  return 0;
}

int Duplicate(int fd, int* out) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return errno;
  *out = copy;
  return 0;
}

}  // namespace memmap::os
