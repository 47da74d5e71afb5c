// Windows-only steps of core's orchestration (the rest of core is platform-neutral).
import * as fs from 'node:fs';
import { errnoOf, syscallError } from './errors.js';
import type { Region } from './region.js';

export const isWindows = process.platform === 'win32';

/**
 * Shrinks a shared file map that reaches the end of its file. Windows refuses to cut a file while
 * a view (or section) maps it (ERROR_USER_MAPPED_FILE), so: unmap, cut, map the new length. If the
 * cut fails (another process maps the file too), the map gets its old length back and the file is
 * unchanged.
 */
export function shrinkMappedFile(region: Region, fd: number, currentLength: number, newLength: number, newEnd: number): void {
  region.remap(0, { allocate: false });
  try {
    fs.ftruncateSync(fd, newEnd);
  } catch (error) {
    region.remap(currentLength, { allocate: false });
    if ((error as NodeJS.ErrnoException).code !== 'UNKNOWN') throw error;
    const busy = syscallError(errnoOf('EBUSY'), 'ftruncate');
    busy.message += ': another map of this file is still live, and Windows cannot cut a mapped file';
    throw busy;
  }
  region.remap(newLength, { allocate: false });
}
