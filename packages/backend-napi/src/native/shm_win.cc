// Windows side of os.h's named shared memory: a paging-file section named `Local\<name>`
// (CreateFileMappingW / OpenFileMappingW). It lives while some process holds a handle or a view of
// it, cannot be removed by name, and keeps the size it was created with: core maps it through the
// section hooks below (openNamedSection), never through a descriptor.
#include <windows.h>

#include <cerrno>
#include <mutex>
#include <string>
#include <unordered_map>

#include "host_win.h"
#include "os.h"
#include "sections_win.h"
#include "wait_win.h"

namespace memmap::os {
namespace {

// The section HANDLE each named view holds, by view base.
std::mutex heldMutex;
std::unordered_map<void*, HANDLE> held;
// The name of each section SectionOpen returned, until SectionClose: its views' wait identity.
std::unordered_map<void*, std::string> names;

// Core validated the name: 1-31 characters of [A-Za-z0-9._-], so widening byte by byte is exact.
std::wstring SectionName(const char* name) {
  std::wstring wide = L"Local\\";
  for (const char* c = name; *c != '\0'; c++) wide += static_cast<wchar_t>(*c);
  return wide;
}

}  // namespace

bool HasNamed() { return true; }
int ShmOpen(const char*, bool, bool, int, int*, bool*) { return host::PortableError(ENOSYS); }
int ShmUnlink(const char*) { return host::PortableError(ENOSYS); }

int SectionOpen(const char* name, bool create, bool exclusive, uint64_t size, void** section, bool* created,
                uint64_t* actualSize) {
  *section = nullptr;
  *created = false;
  *actualSize = 0;
  std::wstring wide = SectionName(name);
  HANDLE h;
  if (create) {
    // A section cannot have size 0: a region created empty holds one page.
    uint64_t bytes = size == 0 ? 1 : size;
    h = CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE | SEC_COMMIT, static_cast<DWORD>(bytes >> 32),
                           static_cast<DWORD>(bytes & 0xffffffffu), wide.c_str());
    if (h == nullptr) return host::LastError();
    *created = GetLastError() != ERROR_ALREADY_EXISTS;  // then `size` was ignored: it keeps its own
    if (!*created && exclusive) {
      CloseHandle(h);
      return host::PortableError(EEXIST);
    }
  } else {
    h = OpenFileMappingW(FILE_MAP_READ | FILE_MAP_WRITE, FALSE, wide.c_str());
    if (h == nullptr) return host::LastError();  // ERROR_FILE_NOT_FOUND -> ENOENT
  }
  // Its size: a whole view's region size (Win32 keeps no byte size for a paging-file section, so
  // this is the created size rounded up to the page size).
  void* view = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
  if (view == nullptr) {
    int err = host::LastError();
    CloseHandle(h);
    return err;
  }
  MEMORY_BASIC_INFORMATION info;
  SIZE_T got = VirtualQuery(view, &info, sizeof info);
  int err = got == 0 ? host::LastError() : 0;
  UnmapViewOfFile(view);
  if (err != 0) {
    CloseHandle(h);
    return err;
  }
  *actualSize = info.RegionSize;
  *section = h;
  std::lock_guard<std::mutex> lock(heldMutex);
  names[h] = name;
  return 0;
}

int SectionMap(void* section, size_t length, Span* out) {
  *out = Span{};
  if (length == 0) return 0;
  // Windows drops a name with the last HANDLE (a view does not keep it): the map holds one of
  // its own until it is unmapped (ReleaseSection), so the name lives while a map of it does.
  HANDLE own;
  if (!DuplicateHandle(GetCurrentProcess(), static_cast<HANDLE>(section), GetCurrentProcess(), &own, 0, FALSE,
                       DUPLICATE_SAME_ACCESS)) {
    return host::LastError();
  }
  void* p = MapViewOfFile(own, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, length);
  if (p == nullptr) {
    int err = host::LastError();
    CloseHandle(own);
    return err;
  }
  std::string name;
  {
    std::lock_guard<std::mutex> lock(heldMutex);
    held[p] = own;
    auto it = names.find(section);
    if (it != names.end()) name = it->second;
  }
  size_t page = PageSize();
  *out = Span{p, (length + page - 1) / page * page};
  if (!name.empty()) RegisterView(p, out->length, SectionIdentity(name.c_str()), 0);
  return 0;
}

void ReleaseSection(void* base) {
  HANDLE h = nullptr;
  {
    std::lock_guard<std::mutex> lock(heldMutex);
    auto it = held.find(base);
    if (it == held.end()) return;
    h = it->second;
    held.erase(it);
  }
  CloseHandle(h);
}

void SectionClose(void* section) {
  {
    std::lock_guard<std::mutex> lock(heldMutex);
    names.erase(section);
  }
  CloseHandle(static_cast<HANDLE>(section));
}

int SectionExists(const char* name, bool* exists) {
  *exists = false;
  HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, SectionName(name).c_str());
  if (h == nullptr) return host::LastError();
  CloseHandle(h);
  *exists = true;
  return 0;
}

}  // namespace memmap::os
