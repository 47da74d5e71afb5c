// Linux aarch64: asm-generic values, as on x86_64 for everything used here.
import { linuxGeneric } from './linux.js';
import type { PlatformConstants } from './types.js';

export const constants: PlatformConstants = {
  libc: ['libc.so.6', 'libc.musl-aarch64.so.1', 'libc.so'],
  ...linuxGeneric,
  SYS_futex: 98,
};
