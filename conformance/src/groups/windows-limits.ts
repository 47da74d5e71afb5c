// What Windows makes different, and the suite expects exactly (docs/platforms.md):
// - Named memory is a paging-file section (`Local\<name>`), not a POSIX shm object: it keeps the
//   size it was created with (no growth, no resize: ERR_MMAP_UNSUPPORTED), Windows reports that
//   size in whole pages, and the name lives while a process holds it (unlinkNamed returns false).
// - Node can neither duplicate nor reopen a descriptor there, so a backend without native
//   descriptor help (the fallback) cannot give a shared map a descriptor of its own
//   (capabilities.ownDescriptor is false): core refuses mapMut() of a caller's fd or FileHandle
//   with ERR_MMAP_UNSUPPORTED instead of writing through the caller's fd (which may be closed and
//   reused, or in append mode).
import { alignUp, type Backend } from '@memmap/core';

export const namedIsSection = process.platform === 'win32';

/** The size another opener sees for a region created with `created` bytes. */
export const sectionSize = (created: number): number => (namedIsSection ? alignUp(Math.max(created, 1)) : created);

/** Whether mapMut() of a caller's fd or FileHandle is refused (ERR_MMAP_UNSUPPORTED) here. */
export const refusesCallerFd = (backend: Backend): boolean => !backend.capabilities.ownDescriptor;

export const callerFdReason =
  " [ownDescriptor is false: mapMut() of a caller's fd is refused, ERR_MMAP_UNSUPPORTED: Node cannot dup or reopen an fd there]";
