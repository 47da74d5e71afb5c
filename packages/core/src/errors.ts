// MmapError: one error class for every failure, with a stable string `code`.
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';

/**
 * The codes that are not OS errno names (OS failures use the errno name: 'ENOENT', 'EACCES', ...).
 * See docs/errors.md for which input gets which code.
 *
 * @example
 * ```ts
 * import { ErrorCodes, MmapError, map } from '@memmap/core';
 * try {
 *   map('data.bin', { offset: 1 << 30 });
 * } catch (error) {
 *   if (error instanceof MmapError && error.code === ErrorCodes.OUT_OF_RANGE) console.log('past the end');
 * }
 * ```
 */
export const ErrorCodes = Object.freeze({
  /** An argument has the wrong JavaScript type. */
  INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE',
  /** The right type, but a value that is not allowed (negative, fractional, NaN, unknown name, ...). */
  INVALID_ARG_VALUE: 'ERR_INVALID_ARG_VALUE',
  /** A number beyond 2^53 - 1, or a range that ends past the file or the map. */
  OUT_OF_RANGE: 'ERR_MMAP_OUT_OF_RANGE',
  /** The map was closed. */
  CLOSED: 'ERR_MMAP_CLOSED',
  /** More than one Buffer can hold in this runtime (or than a copying backend can hold). */
  TOO_LARGE: 'ERR_MMAP_TOO_LARGE',
  /** The backend lacks the capability the call needs, or a backend asked for by name cannot load. */
  UNSUPPORTED: 'ERR_MMAP_UNSUPPORTED',
  /** A truncation-safe backend found the file cut short under a live map. */
  TRUNCATED: 'ERR_MMAP_TRUNCATED',
} as const);

/** One of {@link ErrorCodes}, or an OS error name such as 'ENOENT'. */
export type MmapErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});

/** The fields an OS failure carries besides its code, as on Node's fs errors. */
export interface SyscallErrorFields {
  /** Negative errno, as Node's fs errors carry it. */
  errno?: number;
  /** The system call that failed ('open', 'mmap', 'msync', ...). */
  syscall?: string;
  /** The path, when the source was one. */
  path?: string;
}

/**
 * The one error class of memmap: every failure of every call is an MmapError with a stable string
 * `code`, either an OS error name ('ENOENT', 'EACCES', 'ENOSPC', ...) or one of {@link ErrorCodes}.
 *
 * @example
 * ```ts
 * import { MmapError, map } from '@memmap/core';
 * try {
 *   map('missing.dat');
 * } catch (error) {
 *   if (error instanceof MmapError && error.code === 'ENOENT') console.log(error.syscall, error.path);
 * }
 * ```
 */
export class MmapError extends Error {
  /** Stable: switch on it. An OS error name or one of {@link ErrorCodes}. */
  readonly code: MmapErrorCode;
  /** For OS failures: the negative errno, as on Node's fs errors. */
  readonly errno?: number;
  /** For OS failures: the system call that failed. */
  readonly syscall?: string;
  /** For OS failures on a path source: the path. */
  readonly path?: string;

  /**
   * @param code - the stable code
   * @param message - what happened, for people
   * @param fields - errno, syscall and path of an OS failure
   * @param options - `cause`, as for Error
   */
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
 * The errno Node uses for an error name on this platform ('EISDIR' is 21 on Linux, -4068 on
 * Windows, where libuv numbers its own codes), as a positive number for syscallError().
 */
export function errnoOf(code: string): number {
  errorMap ??= getSystemErrorMap();
  for (const [errno, [name]] of errorMap) if (name === code) return Math.abs(errno);
  throw new Error(`unknown error name ${code}`);
}

/**
 * An OS failure as an MmapError shaped like Node's fs errors:
 * `EACCES: permission denied, mmap '/path'` with code, errno (negative), syscall and path.
 * `errno` may be given positive (C's errno) or negative (libuv's). For backend authors.
 *
 * @example
 * ```ts
 * import { syscallError } from '@memmap/core';
 * const error = syscallError(12, 'mmap'); // code 'ENOMEM', errno -12, syscall 'mmap'
 * ```
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
  // Bun's fs refuses lengths above 2^52 - 1 (ftruncate) before asking the OS: out of range here.
  if (error instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE') {
    return new MmapError(ErrorCodes.OUT_OF_RANGE, error.message, {}, { cause: error });
  }
  // Deno's node:fs throws some OS failures as a TypeError carrying only `code` (ftruncate of a
  // device), or as a plain Error whose message ends in "(os error 27)" (EFBIG from ftruncate):
  // still OS failures, so the same MmapError, with the errno or code looked up from the other.
  if (e && typeof e === 'object') {
    if (typeof e.code === 'string') {
      const errno = osErrno(e.code);
      if (errno !== undefined)
        return new MmapError(e.code, e.message, { errno: -errno, syscall: e.syscall, path: e.path }, { cause: error });
    } else if (e.code === undefined && typeof e.message === 'string') {
      const m = /\(os error (\d+)\)$/.exec(e.message);
      if (m) {
        errorMap ??= getSystemErrorMap();
        const errno = -Number(m[1]);
        const code = errorMap.get(errno)?.[0] ?? `E${m[1]}`;
        return new MmapError(code, `${code}: ${e.message}`, { errno, syscall: e.syscall, path: e.path }, { cause: error });
      }
    }
  }
  return error;
}

/** C's errno for an OS error code ('EINVAL' -> 22), or undefined for anything else. */
function osErrno(code: string): number | undefined {
  if (!/^E[A-Z0-9]+$/.test(code)) return undefined;
  const errno = (osConstants.errno as Record<string, number | undefined>)[code];
  return typeof errno === 'number' ? errno : undefined;
}

export const invalidType = (name: string, expected: string, actual: unknown): MmapError =>
  new MmapError(ErrorCodes.INVALID_ARG_TYPE, `The "${name}" argument must be ${expected}. Received ${describe(actual)}`);

export const invalidValue = (name: string, why: string, actual: unknown): MmapError =>
  new MmapError(ErrorCodes.INVALID_ARG_VALUE, `The "${name}" argument ${why}. Received ${describe(actual)}`);

export const outOfRange = (message: string): MmapError => new MmapError(ErrorCodes.OUT_OF_RANGE, message);

export const closedError = (method: string): MmapError =>
  new MmapError(ErrorCodes.CLOSED, `Cannot call ${method}: the map is closed (map the file again to keep using it)`);

/** ERR_MMAP_UNSUPPORTED for a call the backend lacks, saying what to use instead where there is something. */
export const unsupported = (what: string, backend: string): MmapError => {
  const instead = remedyFor(what, backend);
  return new MmapError(ErrorCodes.UNSUPPORTED, `${what} is not supported by the ${backend} backend${instead ? `: ${instead}` : ''}`);
};

/** Appends what to do about an error to its message (the code and fields stay as they are). */
export function withRemedy(error: MmapError, remedy: string): MmapError {
  error.message = `${error.message}: ${remedy}`;
  return error;
}

const SHARING_CALL = /^(wait|waitAsync|notify|mapNamed|unlinkNamed)\(/;

function remedyFor(what: string, backend: string): string {
  if (/^(share|openShared)\(/.test(what)) {
    return "post the file's path to the other thread and map it again there (two maps of one file share its pages), or use a backend with shareable (loadBackend({ require: ['shareable'] }))";
  }
  const sharing = SHARING_CALL.test(what);
  if (backend === 'fallback') {
    if (sharing) {
      return "this backend cannot share memory between processes: napi or ffi can (loadBackend({ require: ['waitNotify', 'named'] }) picks one)";
    }
    if (/^(un)?lock\(/.test(what)) return 'this backend maps a private copy, which has no file pages to lock: napi or ffi can';
  }
  if (what.includes('hugePages')) return "map without hugePages (advise('hugepage') asks for transparent huge pages where the OS has them)";
  if (/^(wait|waitAsync|notify)\(/.test(what)) {
    return `capabilities.waitNotify is false on ${process.platform}: wait with Atomics.wait inside one process, or signal between processes through a pipe or socket`;
  }
  if (sharing) return 'capabilities.named is false here: share a file instead (mapMut() of the same path in every process)';
  if (what.startsWith('resize() of a copy-on-write map')) return 'map the file again with mapCopy() and the length you need';
  return '';
}

export const tooLarge = (message: string): MmapError => new MmapError(ErrorCodes.TOO_LARGE, message);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `type bigint (${value}n)`;
  if (typeof value === 'number') return `type number (${value})`;
  if (typeof value === 'string') return `type string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'function') return 'function';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `type ${typeof value}`;
}
