// POSIX side of os.h's named shared memory: shm_open/shm_unlink ("/" + name).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "os.h"

namespace memmap::os {

bool HasNamed() { return true; }

int ShmOpen(const char* name, bool create, bool exclusive, int mode, int* fd, bool* created) {
  std::string path = std::string("/") + name;
  *created = false;
  // With create, try to make it first, so we know whether this call created it (core unlinks it
  // again if mapping then fails), then open the existing one unless exclusive. Retried a few
  // times: another process may unlink or create the name between the two calls.
  for (int attempt = 0; attempt < 8; attempt++) {
    if (create) {
      *fd = shm_open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
      if (*fd >= 0) {
        *created = true;
        return 0;
      }
      if (errno != EEXIST || exclusive) return errno;
    }
    *fd = shm_open(path.c_str(), O_RDWR | O_CLOEXEC, 0);
    if (*fd >= 0) return 0;
    if (errno != ENOENT || !create) return errno;
  }
  return EAGAIN;
}

int ShmUnlink(const char* name) {
  std::string path = std::string("/") + name;
  return shm_unlink(path.c_str()) == 0 ? 0 : errno;
}

}  // namespace memmap::os
