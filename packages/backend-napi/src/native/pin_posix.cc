// POSIX: dladdr() finds the file this code was loaded from, and one dlopen(RTLD_NOLOAD |
// RTLD_NODELETE) of it marks the already loaded object never to be unloaded (the handle it returns
// is never closed either, so the reference count cannot drop to zero).
#include <dlfcn.h>

#include <atomic>

#include "pin.h"

namespace memmap::pin {

bool PinModule() {
  static std::atomic<bool> pinned{false};
  if (pinned.load()) return true;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&PinModule), &info) == 0 || info.dli_fname == nullptr) return false;
  // RTLD_NOLOAD: only the copy already loaded, never a second one from a path that changed since.
  void* handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  if (handle == nullptr) handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE);
  if (handle == nullptr) return false;
  pinned.store(true);
  return true;
}

}  // namespace memmap::pin
