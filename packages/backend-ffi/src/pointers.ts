// Pointers as koffi 3 passes them (BigInts; `void *` results come back unsigned) and zero-copy
// views over them. Platform-neutral: koffi.view is the same call on every OS.
import koffi from 'koffi';

export type Pointer = bigint;

/** mmap's failure value, (void *)-1 read unsigned; the Windows calls return it too. */
export const MAP_FAILED: Pointer = (1n << 64n) - 1n;

/** An external ArrayBuffer over [ptr, ptr + length), no copy, no finalizer. */
export const viewOf = (ptr: Pointer, length: number): ArrayBuffer => koffi.view(ptr, length);
