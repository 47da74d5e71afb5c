// Native errors carry { errno, syscall } or { kind: 'truncated' | 'closed' | 'range' | 'invalid' }: make them core's MmapError.
import { ErrorCodes, MmapError, syscallError } from '@memmap/core';

interface NativeError {
  errno?: unknown;
  syscall?: unknown;
  kind?: unknown;
  /** What happened, for a page that failed under the map (ENOSPC, EIO). */
  detail?: unknown;
}

export function toMmapError(error: unknown, path: string | undefined): unknown {
  if (error === null || typeof error !== 'object' || error instanceof MmapError) return error;
  const e = error as NativeError;
  if (typeof e.errno === 'number' && typeof e.syscall === 'string') {
    const converted = syscallError(e.errno, e.syscall, path);
    if (typeof e.detail === 'string') converted.message += `: ${e.detail}`;
    return converted;
  }
  const where = path === undefined ? '' : ` of '${path}'`;
  switch (e.kind) {
    case 'truncated':
      return new MmapError(ErrorCodes.TRUNCATED, `The file${where} was truncated under this map; close it and map again`);
    case 'closed':
      return new MmapError(ErrorCodes.CLOSED, 'The map is closed');
    // The addon's own argument checks (src/native/args.h): core checks first, so only a caller
    // that bypasses core (or a bug) meets these.
    case 'range':
      return new MmapError(ErrorCodes.OUT_OF_RANGE, `${String((error as Error).message)}${where}`);
    case 'invalid':
      return new MmapError(ErrorCodes.INVALID_ARG_VALUE, String((error as Error).message));
    default:
      return error;
  }
}
