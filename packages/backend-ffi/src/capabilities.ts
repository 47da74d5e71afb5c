// The ffi row of the capability table, computed for this runtime and platform.
import { defineCapabilities } from '@memmap/core';
// The platform table first: it throws on an unsupported platform before koffi is loaded.
import { platform } from './platform/index.js';
import { os } from './os/index.js';
import { canDetach } from './runtime.js';
import { canShare } from './share.js';

export const capabilities = defineCapabilities({
  zeroCopy: true,
  coherent: true,
  // Only where ArrayBuffer.prototype.transfer can detach a koffi view (Node >= 22); on Node 20
  // old views are neutralised (they read zeros) instead, which is not "length 0".
  detachOnClose: canDetach,
  // A file cut short under a live map raises SIGBUS on access; nothing in JS can catch it.
  truncationSafe: false,
  lock: true,
  hugePages: platform.MAP_HUGETLB !== 0,
  // The futex syscall on Linux; named semaphores on Windows (os/win32/wait.ts). Not macOS/FreeBSD.
  waitNotify: os.wait.available,
  // shm_open where the C library has it (under Deno its descriptor is reopened through node:fs,
  // core's runtime-fd.ts); paging-file sections on Windows.
  named: os.named.available,
  // A process-wide registry in this process's own memory, found through the C environment
  // (share.ts). Linux only: it needs /proc/self/task (a holder's thread ended?), gettid and the
  // futex; Windows, macOS and FreeBSD keep share() unsupported.
  shareable: canShare,
  // A caller's fd for mapMut(): core reopens it (POSIX), or descriptors.duplicate() (Windows).
  ownDescriptor: true,
});
