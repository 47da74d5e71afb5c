// Windows x64. There is no C mmap here: os/win32/kernel32.ts implements the calls this backend makes
// (mmap, msync, madvise, mincore, mlock, ...) on kernel32 sections and views, and these are the
// flag values it understands. Pages are 4 KiB; kernel32.ts places each view at the 64 KiB
// allocation granularity itself and hands back the address of the offset asked for.
import type { PlatformConstants } from './types.js';

export const constants: PlatformConstants = {
  libc: ['kernel32.dll'],
  PROT_NONE: 0,
  PROT_READ: 1,
  PROT_WRITE: 2,
  MAP_SHARED: 0x01, // PAGE_READWRITE section, FILE_MAP_WRITE view
  MAP_PRIVATE: 0x02, // PAGE_WRITECOPY section, FILE_MAP_COPY view (sees others' writes until written)
  MAP_FIXED: 0x10, // only with MAP_ANONYMOUS: swap a view for zero memory at the same address
  MAP_ANONYMOUS: 0x20, // a paging-file section
  MAP_NORESERVE: 0,
  MAP_POPULATE: 0,
  MAP_HUGETLB: 0, // large-page sections need SeLockMemoryPrivilege: not offered through ffi
  MS_ASYNC: 1,
  MS_SYNC: 4, // FlushViewOfFile + FlushFileBuffers
  MS_INVALIDATE: 2,
  MADV: {
    normal: undefined,
    random: undefined,
    sequential: undefined,
    willneed: 3, // PrefetchVirtualMemory
    dontneed: undefined,
    hugepage: undefined,
    nohugepage: undefined,
  },
  MADV_POPULATE_READ: undefined,
  MREMAP_MAYMOVE: undefined,
  MLOCK_ONFAULT: undefined,
  _SC_PAGESIZE: 30,
  F_GETFL: 3, // the HANDLE's granted access
  F_DUPFD_CLOEXEC: 1030, // DuplicateHandle + uv_open_osfhandle
  // Named maps are sections and waits named semaphores on Windows (os/win32/named.ts, wait.ts).
  O_RDWR: 2,
  O_CREAT: 0x100,
  O_EXCL: 0x400,
  O_CLOEXEC: 0,
  SYS_futex: undefined,
};
