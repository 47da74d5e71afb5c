// Windows implementation of descriptors.h. A descriptor is a slot of libuv's C runtime holding a
// HANDLE: its access mode is the HANDLE's granted access (NtQueryObject), and a duplicate is a
// DuplicateHandle()d HANDLE given a slot of its own (uv_open_osfhandle), so a shared map keeps
// working after the caller closes theirs.
#include <windows.h>

#include <cerrno>
#include <cstdint>

#include "descriptors.h"
#include "host_win.h"

namespace memmap::os {
namespace {

struct BasicInformation {  // PUBLIC_OBJECT_BASIC_INFORMATION
  ULONG attributes;
  ACCESS_MASK grantedAccess;
  ULONG handleCount;
  ULONG pointerCount;
  ULONG reserved[10];
};
using QueryObject = LONG(NTAPI*)(HANDLE, int, void*, ULONG, ULONG*);

}  // namespace

int AccessMode(int fd, int* mode) {
  HANDLE file = host::OsHandle(fd);
  if (file == INVALID_HANDLE_VALUE) return host::FromWin32(ERROR_INVALID_HANDLE);
  static auto query = reinterpret_cast<QueryObject>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryObject")));
  BasicInformation info = {};
  if (query == nullptr || query(file, 0 /* ObjectBasicInformation */, &info, sizeof info, nullptr) < 0) {
    return host::FromWin32(ERROR_INVALID_HANDLE);
  }
  // FILE_WRITE_DATA, not FILE_APPEND_DATA: an append-only descriptor (libuv's O_APPEND) cannot
  // write in place, so it counts as read-only here and a shared map of it is refused.
  bool read = (info.grantedAccess & (FILE_READ_DATA | GENERIC_READ)) != 0;
  bool write = (info.grantedAccess & (FILE_WRITE_DATA | GENERIC_WRITE)) != 0;
  *mode = read && write ? 2 : write ? 1 : 0;
  if (!read && !write) *mode = 1;  // neither: refused for every map, as a write-only fd is
  return 0;
}

int Duplicate(int fd, int* out) {
  HANDLE file = host::OsHandle(fd);
  if (file == INVALID_HANDLE_VALUE) return host::FromWin32(ERROR_INVALID_HANDLE);
  HANDLE copy;
  if (!DuplicateHandle(GetCurrentProcess(), file, GetCurrentProcess(), &copy, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
    return host::LastError();
  }
  int copyFd = host::OpenOsHandle(copy);
  if (copyFd < 0) {
    CloseHandle(copy);
    return host::FromWin32(ERROR_TOO_MANY_OPEN_FILES);
  }
  *out = copyFd;
  return 0;
}

int Stat(int fd, double* size, int* type) {
  HANDLE file = host::OsHandle(fd);
  if (file == INVALID_HANDLE_VALUE) return host::FromWin32(ERROR_INVALID_HANDLE);
  *size = 0;
  switch (GetFileType(file)) {
    case FILE_TYPE_DISK: {
      BY_HANDLE_FILE_INFORMATION info;
      if (!GetFileInformationByHandle(file, &info)) return host::LastError();
      *type = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? 1 : 0;
      *size = static_cast<double>((static_cast<uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow);
      return 0;
    }
    case FILE_TYPE_PIPE: *type = 2; return 0;  // named pipes and sockets: not mappable (ENODEV)
    case FILE_TYPE_UNKNOWN:
      if (GetLastError() != NO_ERROR) return host::LastError();
      *type = 4;
      return 0;
    default: *type = 4; return 0;  // character devices (a console)
  }
}

// Not offered on Windows (paths there are UTF-16 and Node's own open() handles them): the JS side
// never calls mapPath() on Windows.
int OpenRead(const char* /*path*/, int* /*fd*/) { return host::FromWin32(ERROR_NOT_SUPPORTED); }

// A descriptor of libuv's CRT (a Duplicate() above): its slot and its HANDLE.
int Close(int fd) { return host::CloseOsFd(fd); }

}  // namespace memmap::os
