// The C constants one platform needs. 0 for a MAP_* flag means "not available here".
import type { Advice } from '@memmap/core';

export interface PlatformConstants {
  /** Shared library names to try, in order, for the C library. */
  readonly libc: readonly string[];
  readonly PROT_NONE: number;
  readonly PROT_READ: number;
  readonly PROT_WRITE: number;
  readonly MAP_SHARED: number;
  readonly MAP_PRIVATE: number;
  readonly MAP_FIXED: number;
  readonly MAP_ANONYMOUS: number;
  readonly MAP_NORESERVE: number;
  /** Prefault at map time; 0 where the OS has no such flag (then madvise WILLNEED is used). */
  readonly MAP_POPULATE: number;
  /** 0 where anonymous huge pages cannot be requested at mmap time. */
  readonly MAP_HUGETLB: number;
  readonly MS_ASYNC: number;
  readonly MS_SYNC: number;
  readonly MS_INVALIDATE: number;
  /** madvise() values; undefined = the advice does not exist here (advise() returns false). */
  readonly MADV: Readonly<Record<Advice, number | undefined>>;
  /** Faults pages in without writing them (Linux >= 5.14); undefined elsewhere. */
  readonly MADV_POPULATE_READ: number | undefined;
  /** mremap()'s MREMAP_MAYMOVE; undefined where there is no mremap (unmap + map instead). */
  readonly MREMAP_MAYMOVE: number | undefined;
  /** mlock2()'s MLOCK_ONFAULT (Linux >= 4.4): lock pages as they fault, without writing them. */
  readonly MLOCK_ONFAULT: number | undefined;
  readonly _SC_PAGESIZE: number;
  /** fcntl()'s F_GETFL (the access mode is flags & 3 on every POSIX system here). */
  readonly F_GETFL?: number;
  /** fcntl()'s F_DUPFD_CLOEXEC; undefined where fcntl is not used (then core reads /proc). */
  readonly F_DUPFD_CLOEXEC?: number;
  /** open()/shm_open() flags. */
  readonly O_RDWR: number;
  readonly O_CREAT: number;
  readonly O_EXCL: number;
  readonly O_CLOEXEC: number;
  /** The futex syscall number (Linux); undefined where there is none (waitNotify is false there). */
  readonly SYS_futex: number | undefined;
}
