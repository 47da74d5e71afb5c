// @memmap/backend-fallback: the whole contract on node:fs alone (pread into a private copy,
// write back changed bytes). No native code, so it loads everywhere.
import { type Backend, defineBackend, defineCapabilities } from '@memmap/core';
import { CopiedRegion } from './copied-region.js';

export const capabilities = defineCapabilities({
  zeroCopy: false,
  coherent: false,
  detachOnClose: true,
  truncationSafe: true,
  lock: false,
  hugePages: false,
  // mapMut() of a caller's fd needs a descriptor of its own: core reopens it through /proc/self/fd
  // or /dev/fd; on Windows Node can neither dup nor reopen one, and core refuses the call.
  ownDescriptor: process.platform !== 'win32',
});

export const backend: Backend = defineBackend({
  name: 'fallback',
  capabilities,
  openFile: (request) => new CopiedRegion(request),
  openAnon: (request) => new CopiedRegion({ kind: 'anon', fd: -1, offset: 0, length: request.length }),
});

export default backend;
