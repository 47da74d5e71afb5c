// Picks this OS's implementation of the seam (os/types.ts) once, when the backend loads. Both
// families are imported, but only the chosen one's factory runs: that is where koffi looks up
// symbols, so Linux never loads kernel32 and Windows never loads the C library. (Imported
// statically, not through a top-level await, so require() of the backend keeps working.)
// The platform table first: it throws on an unsupported platform before anything loads koffi.
import '../platform/index.js';
import { posixOs } from './posix/index.js';
import type { Os } from './types.js';
import { win32Os } from './win32/index.js';

export type { MemoryCalls, Os } from './types.js';

export const os: Os = process.platform === 'win32' ? win32Os() : posixOs();
