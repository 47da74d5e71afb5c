// What this JS runtime allows: can a koffi external ArrayBuffer be detached (Node >= 22 has
// ArrayBuffer.prototype.transfer)? Probed once on a scratch page rather than assumed.
import { lastErrno, libc, MAP_FAILED, viewOf } from './libc.js';
import { platform } from './platform/index.js';
import { pageSize } from './syscalls.js';

type Transferable = ArrayBuffer & { transfer?: (newLength?: number) => ArrayBuffer; readonly detached?: boolean };

/**
 * Detaches `ab`: transfer(0) moves nothing (length 0, no copy, no read of the memory), so the
 * result keeps no reference to the mapping; the old ArrayBuffer and its views read length 0.
 */
export function detach(ab: ArrayBuffer): void {
  const t = ab as Transferable;
  if (!t.detached) t.transfer!(0);
}

function probe(): boolean {
  if (typeof (ArrayBuffer.prototype as Transferable).transfer !== 'function') return false;
  const { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS } = platform;
  const ptr = libc.mmap(null, pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ptr === MAP_FAILED || ptr === null) throw new Error(`@memmap/backend-ffi: probe mmap failed (errno ${lastErrno()})`);
  try {
    const ab = viewOf(ptr, pageSize);
    new Uint8Array(ab)[0] = 1;
    detach(ab);
    return ab.byteLength === 0;
  } catch {
    return false;
  } finally {
    libc.munmap(ptr, pageSize);
  }
}

/** true where handed-out views can be detached before unmapping (capabilities.detachOnClose). */
export const canDetach: boolean = probe();
