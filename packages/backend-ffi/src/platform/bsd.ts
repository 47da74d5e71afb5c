// The BSD-family values macOS and FreeBSD share (<sys/mman.h>): no MAP_POPULATE, no MAP_HUGETLB,
// no mremap, no MADV_HUGEPAGE. Each platform file adds what differs.
import type { PlatformConstants } from './types.js';

export const bsdCommon: Omit<PlatformConstants, 'libc' | 'MAP_NORESERVE' | 'MS_SYNC' | '_SC_PAGESIZE' | 'O_CLOEXEC'> = {
  PROT_NONE: 0x0,
  PROT_READ: 0x1,
  PROT_WRITE: 0x2,
  MAP_SHARED: 0x0001,
  MAP_PRIVATE: 0x0002,
  MAP_FIXED: 0x0010,
  MAP_ANONYMOUS: 0x1000,
  MAP_POPULATE: 0,
  MAP_HUGETLB: 0,
  MS_ASYNC: 0x0001,
  MS_INVALIDATE: 0x0002,
  MADV: { normal: 0, random: 1, sequential: 2, willneed: 3, dontneed: 4, hugepage: undefined, nohugepage: undefined },
  MADV_POPULATE_READ: undefined,
  MREMAP_MAYMOVE: undefined,
  MLOCK_ONFAULT: undefined,
  O_RDWR: 0x0002,
  O_CREAT: 0x0200,
  O_EXCL: 0x0800,
  // No public cross-process address wait (macOS's __ulock_wait is private): waitNotify is false.
  SYS_futex: undefined,
};
