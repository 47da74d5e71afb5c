// Windows named memory is a paging-file section (`Local\<name>`), not a POSIX shm object: it keeps
// the size it was created with (no growth, no resize: ERR_MMAP_UNSUPPORTED), Windows reports that
// size in whole pages, and the name lives while a process holds it (unlinkNamed returns false).
// The named-memory tests expect exactly that on Windows (docs/platforms.md).
import { alignUp } from '@memmap/core';

export const namedIsSection = process.platform === 'win32';

/** The size another opener sees for a region created with `created` bytes. */
export const sectionSize = (created: number): number => (namedIsSection ? alignUp(Math.max(created, 1)) : created);
