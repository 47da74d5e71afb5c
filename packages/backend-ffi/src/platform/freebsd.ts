// FreeBSD (amd64/arm64). off_t is 64-bit. MAP_NORESERVE was removed (0 = omitted); no
// MAP_HUGETLB (superpages are automatic); no mremap. MS_SYNC is 0 there: it is the default.
import type { PlatformConstants } from './types.js';

export const constants: PlatformConstants = {
  libc: ['libc.so.7'],
  PROT_NONE: 0x0,
  PROT_READ: 0x1,
  PROT_WRITE: 0x2,
  MAP_SHARED: 0x0001,
  MAP_PRIVATE: 0x0002,
  MAP_FIXED: 0x0010,
  MAP_ANONYMOUS: 0x1000,
  MAP_NORESERVE: 0,
  MAP_POPULATE: 0,
  MAP_HUGETLB: 0,
  MS_ASYNC: 0x0001,
  MS_INVALIDATE: 0x0002,
  MS_SYNC: 0x0000,
  MADV: { normal: 0, random: 1, sequential: 2, willneed: 3, dontneed: 4, hugepage: undefined, nohugepage: undefined },
  MADV_POPULATE_READ: undefined,
  MREMAP_MAYMOVE: undefined,
  MLOCK_ONFAULT: undefined,
  _SC_PAGESIZE: 47,
};
