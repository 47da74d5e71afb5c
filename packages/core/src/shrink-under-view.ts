// Shrinking a file under a mapping whose view blocks the cut (Region.blocksFileCut: Windows).
import * as fs from 'node:fs';
import { errnoOf, syscallError } from './errors.js';
import type { Region } from './region.js';

/**
 * Shrinks a shared file map that reaches the end of its file when the OS refuses to cut a file
 * while a view (or section) maps it (Windows: ERROR_USER_MAPPED_FILE): unmap, cut, map the new
 * length. If the cut fails (another map of the file is live, in this process or another), the map
 * gets its old length back, the file is unchanged, and the error is EBUSY.
 */
export function shrinkUnderView(region: Region, fd: number, currentLength: number, newLength: number, newEnd: number): void {
  region.remap(0, { allocate: false });
  try {
    fs.ftruncateSync(fd, newEnd);
  } catch (error) {
    region.remap(currentLength, { allocate: false });
    if ((error as NodeJS.ErrnoException).code !== 'UNKNOWN') throw error;
    const busy = syscallError(errnoOf('EBUSY'), 'ftruncate');
    busy.message += ': another map of this file is still live, and the system cannot cut a file that is mapped (Windows)';
    throw busy;
  }
  region.remap(newLength, { allocate: false });
}
