// POSIX implementation of descriptors.h: fcntl(F_GETFL) and fcntl(F_DUPFD_CLOEXEC).
#include "descriptors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

int Stat(int fd, double* size, int* type) {
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  *size = static_cast<double>(st.st_size);
  *type = S_ISREG(st.st_mode) ? 0 : S_ISDIR(st.st_mode) ? 1 : S_ISFIFO(st.st_mode) ? 2 : S_ISSOCK(st.st_mode) ? 3 : 4;
  return 0;
}

int OpenRead(const char* path, int* fd) {
  int opened = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (opened < 0) return errno;
  *fd = opened;
  return 0;
}

int Close(int fd) { return close(fd) == 0 ? 0 : errno; }

}  // namespace memmap::os
