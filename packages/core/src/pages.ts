// Page size and the largest Buffer this runtime can hold without aborting.

import { constants as bufferConstants } from 'node:buffer';
import { readFileSync } from 'node:fs';

let cachedPageSize: number | undefined;

/**
 * The OS page size: AT_PAGESZ from the aux vector on Linux, else the platform's known value.
 * Cached after the first call. For backend authors.
 *
 * @example
 * ```ts
 * import { pageSize } from '@memmap/core';
 * console.log(pageSize()); // 4096 on most x64 machines
 * ```
 */
export function pageSize(): number {
  cachedPageSize ??= detectPageSize();
  return cachedPageSize;
}

function detectPageSize(): number {
  if (process.platform === 'linux') {
    try {
      const auxv = readFileSync('/proc/self/auxv');
      for (let i = 0; i + 16 <= auxv.length; i += 16) {
        const type = auxv.readBigUInt64LE(i);
        if (type === 0n) break;
        if (type === 6n /* AT_PAGESZ */) return Number(auxv.readBigUInt64LE(i + 8));
      }
    } catch {
      // no /proc: fall through to the default
    }
  }
  return process.platform === 'darwin' && process.arch === 'arm64' ? 16384 : 4096;
}

/**
 * `value` rounded down to a multiple of `page` (default: the page size).
 *
 * @example
 * ```ts
 * alignDown(5000, 4096); // 4096
 * ```
 */
export const alignDown = (value: number, page = pageSize()): number => value - (value % page);
/**
 * `value` rounded up to a multiple of `page` (default: the page size).
 *
 * @example
 * ```ts
 * alignUp(5000, 4096); // 8192
 * ```
 */
export const alignUp = (value: number, page = pageSize()): number => Math.ceil(value / page) * page;

/**
 * Largest map that may be exposed as one Buffer: buffer.constants.MAX_LENGTH (4 GiB on Node 20,
 * where an external ArrayBuffer above it aborts the process). For backend authors: never create a
 * Buffer above it.
 *
 * @example
 * ```ts
 * import { maxWholeBufferLength } from '@memmap/core';
 * if (length > maxWholeBufferLength()) console.log('use view() windows');
 * ```
 */
export function maxWholeBufferLength(): number {
  return bufferConstants.MAX_LENGTH;
}
