// macOS (x64 and arm64 share <sys/mman.h>). off_t is always 64-bit. No MAP_POPULATE, no
// MAP_HUGETLB, no mremap; MAP_NORESERVE is accepted but ignored by the kernel.
import { bsdCommon } from './bsd.js';
import type { PlatformConstants } from './types.js';

export const constants: PlatformConstants = {
  ...bsdCommon,
  libc: ['/usr/lib/libSystem.B.dylib'],
  MAP_NORESERVE: 0x0040,
  MS_SYNC: 0x0010,
  _SC_PAGESIZE: 29,
  F_GETFL: 3,
  F_DUPFD_CLOEXEC: 67,
  O_CLOEXEC: 0x1000000,
};
