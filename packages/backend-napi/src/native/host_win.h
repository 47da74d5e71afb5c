// What the Windows platform files need from the host process (node.exe exports libuv): the HANDLE
// behind a CRT descriptor, and Win32 error numbers in libuv's terms, so JS names them as Node does.
#pragma once
#include <windows.h>

namespace memmap::host {

// The HANDLE of a descriptor from libuv's CRT (uv_get_osfhandle); INVALID_HANDLE_VALUE if unknown.
HANDLE OsHandle(int fd);
// A new descriptor in libuv's CRT owning `handle` (uv_open_osfhandle); -1 if that failed.
int OpenOsHandle(HANDLE handle);
// Closes a descriptor of libuv's CRT and its HANDLE (uv_fs_close, synchronous): 0 or a libuv code.
int CloseOsFd(int fd);
// A Win32 error as a positive libuv code (ERROR_FILE_NOT_FOUND -> 4058 = -UV_ENOENT, ...).
int FromWin32(DWORD error);
// GetLastError() as FromWin32 does.
int LastError();
// A C errno constant used by shared code (EBUSY, ENOMEM, ...) as a positive libuv code; libuv
// codes (>= 4000) pass through.
int PortableError(int err);

}  // namespace memmap::host
