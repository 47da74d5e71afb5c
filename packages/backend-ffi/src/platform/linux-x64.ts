// Linux x86_64 (glibc and musl share the kernel's values).
import { linuxGeneric } from './linux.js';
import type { PlatformConstants } from './types.js';

export const constants: PlatformConstants = {
  libc: ['libc.so.6', 'libc.musl-x86_64.so.1', 'libc.so'],
  ...linuxGeneric,
  SYS_futex: 202,
};
