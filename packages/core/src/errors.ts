// MmapError: one error class for every failure, with a stable string `code`.
import { getSystemErrorMap } from 'node:util';

/** The codes that are not OS errno names. OS failures use the errno name ('ENOENT', 'EACCES', ...). */
export const ErrorCodes = Object.freeze({
  INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE',
  INVALID_ARG_VALUE: 'ERR_INVALID_ARG_VALUE',
  OUT_OF_RANGE: 'ERR_MMAP_OUT_OF_RANGE',
  CLOSED: 'ERR_MMAP_CLOSED',
  TOO_LARGE: 'ERR_MMAP_TOO_LARGE',
  UNSUPPORTED: 'ERR_MMAP_UNSUPPORTED',
  TRUNCATED: 'ERR_MMAP_TRUNCATED',
} as const);

export type MmapErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});

export interface SyscallErrorFields {
  /** Negative errno, as Node's fs errors carry it. */
  errno?: number;
  syscall?: string;
  path?: string;
}

export class MmapError extends Error {
  readonly code: MmapErrorCode;
  readonly errno?: number;
  readonly syscall?: string;
  readonly path?: string;

  constructor(code: MmapErrorCode, message: string, fields: SyscallErrorFields = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MmapError';
    this.code = code;
    if (fields.errno !== undefined) this.errno = fields.errno;
    if (fields.syscall !== undefined) this.syscall = fields.syscall;
    if (fields.path !== undefined) this.path = fields.path;
  }
}

let errorMap: Map<number, [string, string]> | undefined;

/**
 * An OS failure as an MmapError shaped like Node's fs errors:
 * `EACCES: permission denied, mmap '/path'` with code, errno (negative), syscall and path.
 * `errno` may be given positive (C's errno) or negative (libuv's).
 */
export function syscallError(errno: number, syscall: string, path?: string): MmapError {
  const negative = -Math.abs(errno);
  errorMap ??= getSystemErrorMap();
  const [code, description] = errorMap.get(negative) ?? [`E${Math.abs(errno)}`, 'unknown error'];
  const where = path === undefined ? syscall : `${syscall} '${path}'`;
  return new MmapError(code, `${code}: ${description}, ${where}`, { errno: negative, syscall, path });
}

/** Re-throws a Node fs error (code/errno/syscall/path) as an MmapError; other values pass through. */
export function fromNodeError(error: unknown): unknown {
  if (error instanceof MmapError) return error;
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.errno === 'number') {
    return new MmapError(e.code, e.message, { errno: e.errno, syscall: e.syscall, path: e.path }, { cause: error });
  }
  return error;
}

export const invalidType = (name: string, expected: string, actual: unknown): MmapError =>
  new MmapError(ErrorCodes.INVALID_ARG_TYPE, `The "${name}" argument must be ${expected}. Received ${describe(actual)}`);

export const invalidValue = (name: string, why: string, actual: unknown): MmapError =>
  new MmapError(ErrorCodes.INVALID_ARG_VALUE, `The "${name}" argument ${why}. Received ${describe(actual)}`);

export const outOfRange = (message: string): MmapError => new MmapError(ErrorCodes.OUT_OF_RANGE, message);

export const closedError = (method: string): MmapError =>
  new MmapError(ErrorCodes.CLOSED, `Cannot call ${method}: the map is closed`);

export const unsupported = (what: string, backend: string): MmapError =>
  new MmapError(ErrorCodes.UNSUPPORTED, `${what} is not supported by the ${backend} backend`);

export const tooLarge = (message: string): MmapError => new MmapError(ErrorCodes.TOO_LARGE, message);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `type bigint (${value}n)`;
  if (typeof value === 'number') return `type number (${value})`;
  if (typeof value === 'string') return `type string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  if (typeof value === 'function') return 'function';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `type ${typeof value}`;
}
