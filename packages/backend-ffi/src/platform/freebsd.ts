// FreeBSD (amd64/arm64). off_t is 64-bit. MAP_NORESERVE was removed (0 = omitted); no
// MAP_HUGETLB (superpages are automatic); no mremap. MS_SYNC is 0 there: it is the default.
import { bsdCommon } from './bsd.js';
import type { PlatformConstants } from './types.js';

export const constants: PlatformConstants = {
  ...bsdCommon,
  libc: ['libc.so.7'],
  MAP_NORESERVE: 0,
  MS_SYNC: 0x0000,
  _SC_PAGESIZE: 47,
  F_GETFL: 3,
  F_DUPFD_CLOEXEC: 17,
  O_CLOEXEC: 0x100000,
};
