// Looks up libuv in the running process (node.exe, or node.dll/libnode.dll for embedders) at
// first use; the addon links against no libuv import library.
#include "host_win.h"

#include <cerrno>
#include <initializer_list>

namespace memmap::host {
namespace {

using GetOsHandle = HANDLE (*)(int);
using OpenHandle = int (*)(HANDLE);
using TranslateError = int (*)(int);
using DefaultLoop = void* (*)();
using FsClose = int (*)(void* loop, void* req, int fd, void* cb);
using FsCleanup = void (*)(void* req);

// void*, so callers cast to their own function type without -Wcast-function-type noise.
void* HostSymbol(const char* name) {
  for (const wchar_t* module : {static_cast<const wchar_t*>(nullptr), L"node.dll", L"libnode.dll"}) {
    HMODULE h = GetModuleHandleW(module);
    if (h == nullptr) continue;
    if (FARPROC p = GetProcAddress(h, name)) return reinterpret_cast<void*>(p);
  }
  return nullptr;
}

// libuv's Windows numbers (uv/errno.h), for when the host does not export uv_translate_sys_error.
constexpr int kEACCES = 4092, kEBADF = 4083, kEBUSY = 4082, kEEXIST = 4075, kEFAULT = 4074, kEINVAL = 4071, kEIO = 4070,
              kENOENT = 4058, kENOMEM = 4057, kENOSPC = 4055, kENOSYS = 4054, kENOTSUP = 4049, kEPERM = 4048,
              kEAGAIN = 4088;

int Fallback(DWORD error) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return kENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION: return kEACCES;
    case ERROR_INVALID_HANDLE: return kEBADF;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL: return kENOSPC;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT: return kENOMEM;
    case ERROR_NOT_SUPPORTED: return kENOTSUP;
    case ERROR_PRIVILEGE_NOT_HELD: return kEPERM;
    case ERROR_BUSY:
    case ERROR_USER_MAPPED_FILE: return kEBUSY;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS: return kEEXIST;
    default: return kEIO;
  }
}

}  // namespace

HANDLE OsHandle(int fd) {
  static auto get = reinterpret_cast<GetOsHandle>(HostSymbol("uv_get_osfhandle"));
  return get == nullptr ? INVALID_HANDLE_VALUE : get(fd);
}

int OpenOsHandle(HANDLE handle) {
  static auto open = reinterpret_cast<OpenHandle>(HostSymbol("uv_open_osfhandle"));
  return open == nullptr ? -1 : open(handle);
}

int CloseOsFd(int fd) {
  static auto loop = reinterpret_cast<DefaultLoop>(HostSymbol("uv_default_loop"));
  static auto close = reinterpret_cast<FsClose>(HostSymbol("uv_fs_close"));
  static auto cleanup = reinterpret_cast<FsCleanup>(HostSymbol("uv_fs_req_cleanup"));
  if (loop == nullptr || close == nullptr || cleanup == nullptr) return kENOSYS;
  // A uv_fs_t, opaque here (the addon has no uv.h): far larger than libuv's (about 450 bytes).
  // Without a callback the call runs synchronously and never touches the loop.
  alignas(16) unsigned char req[2048] = {};
  int result = close(loop(), req, fd, nullptr);
  cleanup(req);
  return result < 0 ? -result : 0;
}

int FromWin32(DWORD error) {
  // Where libuv's table has no entry (it answers UV_UNKNOWN) or says what mmap would not, use ours.
  switch (error) {
    case ERROR_ACCESS_DENIED: return kEACCES;      // libuv says EPERM; mmap's answer is EACCES
    case ERROR_WORKING_SET_QUOTA: return kENOMEM;  // VirtualLock over the working set: mlock's ENOMEM
    case ERROR_COMMITMENT_LIMIT: return kENOMEM;
    case ERROR_USER_MAPPED_FILE: return kEBUSY;    // cutting a file another view still maps
    case ERROR_PRIVILEGE_NOT_HELD: return kEPERM;  // large pages without SeLockMemoryPrivilege
    default: break;
  }
  static auto translate = reinterpret_cast<TranslateError>(HostSymbol("uv_translate_sys_error"));
  if (translate != nullptr) {
    int uv = translate(static_cast<int>(error));
    if (uv < 0 && uv != -4094 /* UV_UNKNOWN */) return -uv;
  }
  return Fallback(error);
}

int LastError() { return FromWin32(GetLastError()); }

int PortableError(int err) {
  switch (err) {
    case EACCES: return kEACCES;
    case EBADF: return kEBADF;
    case EBUSY: return kEBUSY;
    case EEXIST: return kEEXIST;
    case EFAULT: return kEFAULT;
    case EINVAL: return kEINVAL;
    case EIO: return kEIO;
    case ENOENT: return kENOENT;
    case ENOMEM: return kENOMEM;
    case ENOSPC: return kENOSPC;
    case ENOSYS: return kENOSYS;
    case ENOTSUP: return kENOTSUP;
    case EPERM: return kEPERM;
    case EAGAIN: return kEAGAIN;
    default: return err;
  }
}

}  // namespace memmap::host
