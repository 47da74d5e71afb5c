// What this JS runtime allows: can a koffi external ArrayBuffer be detached (Node >= 22 has
// ArrayBuffer.prototype.transfer)? Probed once on a scratch page rather than assumed.
import { detach } from '@memmap/core';
import { os } from './os/index.js';
import { platform } from './platform/index.js';
import { MAP_FAILED, viewOf } from './pointers.js';
import { pageSize } from './syscalls.js';

type Transferable = ArrayBuffer & { transfer?: (newLength?: number) => ArrayBuffer; readonly detached?: boolean };

function probe(): boolean {
  if (typeof (ArrayBuffer.prototype as Transferable).transfer !== 'function') return false;
  const { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS } = platform;
  const ptr = os.calls.mmap(null, pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ptr === MAP_FAILED || ptr === null) throw new Error(`@memmap/backend-ffi: probe mmap failed (errno ${os.lastErrno()})`);
  try {
    const ab = viewOf(ptr, pageSize);
    new Uint8Array(ab)[0] = 1;
    detach(ab);
    return ab.byteLength === 0;
  } catch {
    return false;
  } finally {
    os.calls.munmap(ptr, pageSize);
  }
}

/** true where handed-out views can be detached before unmapping (capabilities.detachOnClose). */
export const canDetach: boolean = probe();
