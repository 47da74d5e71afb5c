// Linux: the kernel's asm-generic values, shared by x86_64 and aarch64 for everything used here.
// off_t is 64-bit on LP64, so plain mmap() takes 64-bit offsets; no mmap64 needed.
import type { PlatformConstants } from './types.js';

export const linuxGeneric: Omit<PlatformConstants, 'libc' | 'SYS_futex'> = {
  PROT_NONE: 0x0,
  PROT_READ: 0x1,
  PROT_WRITE: 0x2,
  MAP_SHARED: 0x01,
  MAP_PRIVATE: 0x02,
  MAP_FIXED: 0x10,
  MAP_ANONYMOUS: 0x20,
  MAP_NORESERVE: 0x4000,
  MAP_POPULATE: 0x8000,
  MAP_HUGETLB: 0x40000,
  MS_ASYNC: 1,
  MS_INVALIDATE: 2,
  MS_SYNC: 4,
  MADV: { normal: 0, random: 1, sequential: 2, willneed: 3, dontneed: 4, hugepage: 14, nohugepage: 15 },
  MADV_POPULATE_READ: 22,
  MREMAP_MAYMOVE: 1,
  MLOCK_ONFAULT: 1,
  _SC_PAGESIZE: 30,
  F_GETFL: 3,
  F_DUPFD_CLOEXEC: 1030,
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_CLOEXEC: 0o2000000,
};
