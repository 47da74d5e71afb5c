// Windows implementation of os.h: a section (CreateFileMappingW) per map, one view of it
// (MapViewOfFile) placed at the allocation granularity (64 KiB) with the delta added back, and the
// section handle closed at once (the view keeps it alive, so a map holds no handle of its own).
// Read and copy maps are copy-on-write views (FILE_MAP_COPY): a stray write makes a private page,
// untouched pages keep showing the file (and other processes' writes). Anonymous maps are
// paging-file sections. Errors are positive libuv codes (host_win.h).
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2  // QueryWorkingSetEx from kernel32 (K32QueryWorkingSetEx), no psapi.dll import
#endif
#include <windows.h>
// after windows.h
#include <psapi.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "host_win.h"
#include "os.h"
#include "sections_win.h"
#include "wait_win.h"

#include <cerrno>

namespace memmap::os {
namespace {

const SYSTEM_INFO& System() {
  static SYSTEM_INFO info = [] {
    SYSTEM_INFO i;
    GetSystemInfo(&i);
    return i;
  }();
  return info;
}

size_t Granularity() { return System().dwAllocationGranularity; }

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

// Page-aligned [begin, begin + len) covering [addr, addr + length).
void AlignRange(void* addr, size_t length, char** begin, size_t* len) {
  uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  uintptr_t start = a - a % PageSize();
  *begin = reinterpret_cast<char*>(start);
  *len = RoundUp(a + length - start, PageSize());
}

// Large pages need SeLockMemoryPrivilege held and enabled in the token; asked once per process.
size_t LargePageSize() {
  static size_t size = []() -> size_t {
    size_t minimum = GetLargePageMinimum();
    if (minimum == 0) return 0;
    HANDLE token;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token)) return 0;
    TOKEN_PRIVILEGES tp = {};
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    bool ok = LookupPrivilegeValueW(nullptr, L"SeLockMemoryPrivilege", &tp.Privileges[0].Luid) &&
              AdjustTokenPrivileges(token, FALSE, &tp, 0, nullptr, nullptr) && GetLastError() == ERROR_SUCCESS;
    CloseHandle(token);
    return ok ? minimum : 0;
  }();
  return size;
}

using PrefetchFn = BOOL(WINAPI*)(HANDLE, ULONG_PTR, PWIN32_MEMORY_RANGE_ENTRY, ULONG);

// Windows 8+; looked up so the addon still loads where kernel32 lacks it.
PrefetchFn Prefetcher() {
  static auto fn = reinterpret_cast<PrefetchFn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "PrefetchVirtualMemory")));
  return fn;
}

bool PrefetchRange(void* addr, size_t length) {
  PrefetchFn prefetch = Prefetcher();
  if (prefetch == nullptr) return false;
  WIN32_MEMORY_RANGE_ENTRY range = {addr, length};
  return prefetch(GetCurrentProcess(), 1, &range, 0) != FALSE;
}

int MapSection(HANDLE file, DWORD protect, uint64_t size, DWORD access, uint64_t viewOffset, size_t viewLength,
               void** out) {
  HANDLE section = CreateFileMappingW(file, nullptr, protect, static_cast<DWORD>(size >> 32),
                                      static_cast<DWORD>(size & 0xffffffffu), nullptr);
  if (section == nullptr) return host::LastError();
  void* p = MapViewOfFile(section, access, static_cast<DWORD>(viewOffset >> 32),
                          static_cast<DWORD>(viewOffset & 0xffffffffu), viewLength);
  int err = p == nullptr ? host::LastError() : 0;
  CloseHandle(section);  // the view holds the section (and the file) from here on
  *out = p;
  return err;
}

}  // namespace

size_t PageSize() { return System().dwPageSize; }

bool HasHugeTlb() { return LargePageSize() != 0; }

int MapFile(Kind kind, int fd, uint64_t offset, size_t length, bool populate, Span* out, size_t* delta) {
  *out = Span{};
  *delta = static_cast<size_t>(offset % Granularity());
  if (length == 0) return 0;  // CreateFileMapping refuses size 0 on an empty file: map nothing
  if (length > SIZE_MAX - Granularity()) return host::PortableError(ENOMEM);
  HANDLE file = host::OsHandle(fd);
  if (file == INVALID_HANDLE_VALUE) return host::FromWin32(ERROR_INVALID_HANDLE);
  DWORD protect, access;
  switch (kind) {
    case Kind::Shared:
      protect = PAGE_READWRITE;
      access = FILE_MAP_READ | FILE_MAP_WRITE;
      break;
    case Kind::Read:
    case Kind::Copy:
      protect = PAGE_WRITECOPY;
      access = FILE_MAP_COPY;
      break;
    default: return host::PortableError(EINVAL);
  }
  void* p;
  size_t view = *delta + length;
  int err = MapSection(file, protect, offset + length, access, offset - *delta, view, &p);
  if (err != 0) return err;
  *out = Span{p, RoundUp(view, PageSize())};
  // Shared and read views show what other processes map: their waits meet in the file's table.
  std::string identity;
  if (kind != Kind::Copy && FileIdentity(file, &identity)) RegisterView(p, out->length, identity, offset - *delta);
  if (populate) Prefault(static_cast<char*>(p) + *delta, length);
  return 0;
}

int MapAnon(size_t length, bool populate, bool hugePages, Span* out) {
  *out = Span{};
  if (length == 0) return 0;
  size_t large = hugePages ? LargePageSize() : 0;
  if (hugePages && large == 0) return host::FromWin32(ERROR_PRIVILEGE_NOT_HELD);
  size_t unit = hugePages ? large : PageSize();
  if (length > SIZE_MAX - unit) return host::PortableError(ENOMEM);
  size_t span = RoundUp(length, unit);
  DWORD protect = PAGE_READWRITE | SEC_COMMIT | (hugePages ? SEC_LARGE_PAGES : 0);
  DWORD access = FILE_MAP_WRITE | (hugePages ? FILE_MAP_LARGE_PAGES : 0);
  void* p;
  // A paging-file section whose only reference is this view: private to the map.
  int err = MapSection(INVALID_HANDLE_VALUE, protect, span, access, 0, span, &p);
  if (err != 0) return err;
  *out = Span{p, span};
  if (populate) Prefault(p, length);
  return 0;
}

// allocate: true is not implemented on Windows yet (SetFileInformationByHandle with
// FileAllocationInfo would be the call); refused instead of silently sparse.
int Allocate(int /*fd*/, uint64_t /*offset*/, uint64_t /*length*/) { return ENOTSUP; }

int Unmap(const Span& span) {
  if (span.length == 0) return 0;
  ReleaseSection(span.base);
  UnregisterView(span.base);
  MEMORY_BASIC_INFORMATION info;
  // A view, or zero memory put there by Neutralise() or the guard.
  if (VirtualQuery(span.base, &info, sizeof info) != 0 && info.Type == MEM_PRIVATE) {
    return VirtualFree(span.base, 0, MEM_RELEASE) ? 0 : host::LastError();
  }
  return UnmapViewOfFile(span.base) ? 0 : host::LastError();
}

int Neutralise(const Span& span) {
  if (span.length == 0) return 0;
  // No MAP_FIXED on Windows: unmap the view and take the same addresses back as zero memory at
  // once (another thread could in theory reserve them in between; then VirtualAlloc fails).
  if (!UnmapViewOfFile(span.base)) return host::LastError();
  ReleaseSection(span.base);
  UnregisterView(span.base);
  void* p = VirtualAlloc(span.base, span.length, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  return p == span.base ? 0 : host::LastError();
}

int Remap(Kind kind, int fd, uint64_t offset, size_t delta, size_t newLength, bool hugePages, Span* span,
          const char** syscall) {
  if (newLength == 0) {
    *syscall = "UnmapViewOfFile";
    int err = Unmap(*span);
    if (err == 0) *span = Span{};
    return err;
  }
  *syscall = "MapViewOfFile";
  // A view cannot grow in place: map the new size (a new section of the new size for files), carry
  // anonymous bytes over (file bytes live in the file), then drop the old view.
  if (kind == Kind::Anon && span->length != 0 &&
      RoundUp(newLength, hugePages ? LargePageSize() : PageSize()) == span->length) {
    return 0;
  }
  Span fresh;
  size_t ignored;
  int err = kind == Kind::Anon ? MapAnon(newLength, false, hugePages, &fresh)
                               : MapFile(kind, fd, offset, newLength, false, &fresh, &ignored);
  if (err != 0) return err;
  if (kind == Kind::Anon && span->length != 0) memcpy(fresh.base, span->base, std::min(span->length, newLength));
  (void)delta;  // the same offset gives the same delta
  Unmap(*span);
  *span = fresh;
  return 0;
}

int Sync(int fd, void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  // FlushViewOfFile starts the writes of dirty pages; FlushFileBuffers waits until they (and the
  // file's metadata) are on disk.
  if (!FlushViewOfFile(begin, len)) return host::LastError();
  if (fd < 0) return 0;  // a named map: a paging-file section has no file to make durable
  HANDLE file = host::OsHandle(fd);
  if (file == INVALID_HANDLE_VALUE) return host::FromWin32(ERROR_INVALID_HANDLE);
  return FlushFileBuffers(file) ? 0 : host::LastError();
}

int Advise(void* addr, size_t length, int advice, bool* applied) {
  *applied = false;
  if (advice != WillNeed) return 0;  // Windows has no equivalent of the other madvise hints
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  *applied = PrefetchRange(begin, len);
  return 0;
}

int Prefault(void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  PrefetchRange(begin, len);  // asynchronous reads of the whole range
  // Then read one byte per page: reading keeps copy-on-write views shared (coherent) and puts the
  // pages in the working set, which is what residency() reports.
  volatile char sink = 0;
  for (size_t i = 0; i < len; i += PageSize()) sink = sink + begin[i];
  (void)sink;
  return 0;
}

int Residency(void* addr, size_t length, uint64_t* resident, uint64_t* total) {
  *resident = 0;
  *total = 0;
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  const size_t page = PageSize();
  const size_t chunkPages = 1 << 16;  // bounded scratch even for terabyte maps
  std::vector<PSAPI_WORKING_SET_EX_INFORMATION> info(std::min(chunkPages, len / page));
  for (size_t done = 0; done < len;) {
    size_t pages = std::min(len - done, chunkPages * page) / page;
    for (size_t i = 0; i < pages; i++) info[i].VirtualAddress = begin + done + i * page;
    if (!QueryWorkingSetEx(GetCurrentProcess(), info.data(), static_cast<DWORD>(pages * sizeof info[0]))) {
      return host::LastError();
    }
    for (size_t i = 0; i < pages; i++) *resident += info[i].VirtualAttributes.Valid;
    done += pages * page;
  }
  *total = len / page;
  return 0;
}

int Lock(Kind /*kind*/, void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  if (VirtualLock(begin, len)) return 0;
  if (GetLastError() != ERROR_WORKING_SET_QUOTA) return host::LastError();
  // A process may lock only a few pages below its minimum working set: raise it by the range.
  SIZE_T minimum, maximum;
  if (!GetProcessWorkingSetSize(GetCurrentProcess(), &minimum, &maximum)) return host::LastError();
  if (!SetProcessWorkingSetSize(GetCurrentProcess(), minimum + len, std::max(maximum, minimum + len) + len)) {
    return host::LastError();
  }
  return VirtualLock(begin, len) ? 0 : host::LastError();
}

int Unlock(void* addr, size_t length) {
  char* begin;
  size_t len;
  AlignRange(addr, length, &begin, &len);
  // munlock of pages that are not locked succeeds; VirtualUnlock answers ERROR_NOT_LOCKED.
  if (VirtualUnlock(begin, len) || GetLastError() == ERROR_NOT_LOCKED) return 0;
  return host::LastError();
}

}  // namespace memmap::os
