// POSIX side of random.h: getrandom(2) on Linux (glibc 2.25), arc4random_buf on the BSDs and macOS
// (their libc has it), else /dev/urandom.
#include "random.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#ifdef __linux__
#include <sys/random.h>
#endif

namespace memmap::os {

bool SecureRandom(void* out, size_t length) {
  auto* bytes = static_cast<uint8_t*>(out);
#if defined(__linux__)
  size_t done = 0;
  while (done < length) {
    ssize_t n = getrandom(bytes + done, length - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  arc4random_buf(bytes, length);
  return true;
#else
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < length) {
    ssize_t n = read(fd, bytes + done, length - done);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return true;
#endif
}

}  // namespace memmap::os
