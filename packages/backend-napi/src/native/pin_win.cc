// Windows: GetModuleHandleExW(FROM_ADDRESS | PIN) on an address of our own marks this DLL to stay
// loaded until the process ends, whatever FreeLibrary calls follow.
#include <windows.h>

#include <atomic>

#include "pin.h"

namespace memmap::pin {

bool PinModule() {
  static std::atomic<bool> pinned{false};
  if (pinned.load()) return true;
  HMODULE module = nullptr;
  if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                          reinterpret_cast<LPCWSTR>(reinterpret_cast<void*>(&PinModule)), &module)) {
    return false;
  }
  pinned.store(true);
  return true;
}

}  // namespace memmap::pin
