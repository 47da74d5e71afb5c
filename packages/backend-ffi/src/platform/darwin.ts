// macOS (x64 and arm64 share <sys/mman.h>). off_t is always 64-bit. No MAP_POPULATE, no
// MAP_HUGETLB, no mremap; MAP_NORESERVE is accepted but ignored by the kernel.
import type { PlatformConstants } from './types.js';

export const constants: PlatformConstants = {
  libc: ['/usr/lib/libSystem.B.dylib'],
  PROT_NONE: 0x0,
  PROT_READ: 0x1,
  PROT_WRITE: 0x2,
  MAP_SHARED: 0x0001,
  MAP_PRIVATE: 0x0002,
  MAP_FIXED: 0x0010,
  MAP_ANONYMOUS: 0x1000,
  MAP_NORESERVE: 0x0040,
  MAP_POPULATE: 0,
  MAP_HUGETLB: 0,
  MS_ASYNC: 0x0001,
  MS_INVALIDATE: 0x0002,
  MS_SYNC: 0x0010,
  MADV: { normal: 0, random: 1, sequential: 2, willneed: 3, dontneed: 4, hugepage: undefined, nohugepage: undefined },
  MADV_POPULATE_READ: undefined,
  MREMAP_MAYMOVE: undefined,
  MLOCK_ONFAULT: undefined,
  _SC_PAGESIZE: 29,
};
