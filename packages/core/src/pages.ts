// Page size and the largest Buffer this runtime can hold without aborting.
import { readFileSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';

let cachedPageSize: number | undefined;

/** The OS page size: AT_PAGESZ from the aux vector on Linux, else the platform's known value. */
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

export const alignDown = (value: number, page = pageSize()): number => value - (value % page);
export const alignUp = (value: number, page = pageSize()): number => Math.ceil(value / page) * page;

/**
 * Largest map that may be exposed as one Buffer: buffer.constants.MAX_LENGTH (4 GiB on Node 20,
 * where an external ArrayBuffer above it aborts the process).
 */
export function maxWholeBufferLength(): number {
  return bufferConstants.MAX_LENGTH;
}
