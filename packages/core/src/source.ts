// File-source resolution: paths, URLs, Buffers, fds and FileHandles become one open fd plus the
// file's size. Types are checked before anything is opened; what we open we also close on failure.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, errnoOf, fromNodeError, invalidType, invalidValue, MmapError, syscallError, withRemedy } from './errors.js';
import type { DescriptorOps, FileInfo } from './region.js';
import { runtime } from './runtime.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NONBLOCK } = fs.constants;
const ACCESS_MODE = 3; // O_ACCMODE
const EISDIR = errnoOf('EISDIR');
const ENODEV = errnoOf('ENODEV');
const EACCES = errnoOf('EACCES');
const EEXIST_CODE = 'EEXIST';

/** A source whose type has been checked; nothing is opened yet. */
export type CheckedSource =
  | { readonly type: 'path'; readonly path: string | Buffer; readonly display: string }
  | { readonly type: 'fd'; readonly fd: number };

export interface OpenedFile {
  readonly fd: number;
  /**
   * How to close the fd when it is ours (we opened the path, or duplicated/reopened a caller's fd):
   * with the runtime's node:fs, or with the backend's DescriptorOps.close for a descriptor the
   * backend made natively. undefined when the fd is the caller's.
   */
  readonly closeFd: CloseFd | undefined;
  /** For error messages; undefined for fds. */
  readonly path: string | undefined;
  /** true when this call created the file (so a failure removes it again). */
  readonly created: boolean;
  /** The path as given to open(), for removing a file this call created. */
  readonly openedPath?: string | Buffer;
  readonly size: number;
}

/** Closes a descriptor that a map owns. */
export type CloseFd = (fd: number) => void;

/** Closes a descriptor that the runtime's node:fs opened. */
export const closeWithFs: CloseFd = (fd) => fs.closeSync(fd);

export function checkSource(source: unknown): CheckedSource {
  if (typeof source === 'string') return checkPath(source, source);
  if (source instanceof URL) {
    if (source.protocol !== 'file:') throw invalidValue('source', 'must be a file: URL', source.href);
    let path: string;
    try {
      path = fileURLToPath(source);
    } catch {
      // e.g. file:///dev/null on Windows, where a file URL needs a drive letter or a UNC host
      throw invalidValue('source', 'must be a file: URL that names a path on this platform', source.href);
    }
    return checkPath(path, path);
  }
  if (Buffer.isBuffer(source)) return checkPath(source, source.toString());
  if (typeof source === 'number') return { type: 'fd', fd: checkFd(source) };
  if (isFileHandle(source)) {
    // A closed FileHandle reports fd -1: a bad descriptor, as the OS would say.
    if (source.fd === -1) throw syscallError(errnoOf('EBADF'), 'fstat');
    return { type: 'fd', fd: checkFd(source.fd) };
  }
  throw invalidType('source', 'a path (string, URL or Buffer), an fd or a FileHandle', source);
}

function checkPath(path: string | Buffer, display: string): CheckedSource {
  if (path.length === 0) throw invalidValue('source', 'must be a non-empty path', display);
  if (typeof path === 'string' ? path.includes('\0') : path.includes(0))
    throw invalidValue('source', 'must not contain null bytes', display);
  return { type: 'path', path, display };
}

function checkFd(fd: number): number {
  if (!Number.isInteger(fd)) throw invalidValue('fd', 'must be an integer', fd);
  if (fd < 0 || fd > 0x7fffffff) throw invalidValue('fd', 'must be between 0 and 2^31 - 1', fd);
  return fd;
}

function isFileHandle(value: unknown): value is { fd: number } {
  return (
    typeof value === 'object' &&
    value !== null &&
    value.constructor?.name === 'FileHandle' &&
    typeof (value as { fd: unknown }).fd === 'number'
  );
}

/**
 * Opens (or adopts) the file and checks that it can be mapped: directories -> EISDIR, FIFOs and
 * sockets -> ENODEV, a caller's fd without the access the map needs -> EACCES (mmap's own answer).
 * O_NONBLOCK keeps a FIFO from blocking the open. A caller's fd is used as it is for read and copy
 * maps (they need it only while mapping); a shared map (`write`) gets a descriptor of its own.
 */
/**
 * Opens (or takes) the file behind a checked source. `ownDescriptor` is the backend's capability: where
 * false, mapMut() of a caller's descriptor is refused (ERR_MMAP_UNSUPPORTED) on every platform, so
 * the flag and the behaviour agree; where true and no descriptor of our own can be had (Windows
 * without the backend's duplicate()), the call is refused as well, and the suite reports the lie.
 */
export function openSource(
  src: CheckedSource,
  write: boolean,
  create: boolean,
  mode: number,
  ops?: DescriptorOps,
  ownDescriptor = true,
): OpenedFile {
  let fd: number;
  let closeFd: CloseFd | undefined;
  let created = false;
  const path = src.type === 'path' ? src.display : undefined;
  const openedPath = src.type === 'path' ? src.path : undefined;
  try {
    if (src.type === 'fd') {
      fd = src.fd;
    } else {
      ({ fd, created } = openPath(src.path, write, create, mode));
      closeFd = closeWithFs;
    }
  } catch (error) {
    throw openFailure(fromNodeError(error), write, create);
  }
  try {
    const stat = ops?.stat ? ops.stat(fd) : fileInfo(fd);
    if (stat.type === 'directory') throw syscallError(EISDIR, 'mmap', path);
    if (stat.type === 'fifo' || stat.type === 'socket') throw syscallError(ENODEV, 'mmap', path);
    if (!closeFd && !fdAllows(fd, write, ops)) {
      const remedy = write
        ? `the "source" descriptor (fd ${fd}) is not open for reading and writing; mapMut() needs both: open the descriptor read-write (fs.openSync(path, 'r+')), or map it read-only with map()`
        : `the "source" descriptor (fd ${fd}) is not open for reading: open it with 'r' or 'r+'`;
      throw withRemedy(syscallError(EACCES, 'mmap', path), remedy);
    }
    if (!closeFd && write) {
      if (!ownDescriptor) throw noOwnDescriptor();
      // A shared map keeps a descriptor while it lives: the caller may close (and the OS reuse)
      // theirs. A backend that never writes through it takes a dup; otherwise our own open file
      // description, since an O_APPEND fd would misplace positioned writes.
      // Deno's node:fs refuses descriptors it did not open itself (EBADF), so there core reopens.
      // A descriptor the backend duplicated natively is closed natively too (Node's fs in a Worker
      // warns about closing one it did not open).
      if (ops && runtime().name !== 'deno') {
        return { fd: ops.duplicate(fd), closeFd: ops.close ?? closeWithFs, path, created, openedPath, size: stat.size };
      }
      const own = reopen(fd, write);
      if (own !== undefined) return { fd: own, closeFd: closeWithFs, path, created, openedPath, size: stat.size };
      if (process.platform === 'win32') throw noOwnDescriptor();
    }
    return { fd, closeFd, path, created, openedPath, size: stat.size };
  } catch (error) {
    if (closeFd) releaseFile({ fd, closeFd, path, created, openedPath, size: 0 });
    throw fromNodeError(error);
  }
}

function fileInfo(fd: number): FileInfo {
  const stat = fs.fstatSync(fd);
  const type = stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : stat.isFIFO() ? 'fifo' : stat.isSocket() ? 'socket' : 'other';
  return { size: stat.size, type };
}

function openPath(path: string | Buffer, write: boolean, create: boolean, mode: number) {
  const base = (write ? O_RDWR : O_RDONLY) | O_NONBLOCK;
  if (!create) return { fd: fs.openSync(path, base), created: false };
  try {
    return { fd: fs.openSync(path, base | O_CREAT | O_EXCL, mode), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== EEXIST_CODE) throw error;
    return { fd: fs.openSync(path, base), created: false };
  }
}

/** A path that could not be opened: the OS error (it names the path), and what to do where that is clear. */
export function openFailure(error: unknown, write: boolean, create: boolean): unknown {
  if (!(error instanceof MmapError)) return error;
  if (error.code === 'ENOENT' && write && !create) return withRemedy(error, 'pass { create: true, length } to mapMut() to make the file');
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return withRemedy(
      error,
      write
        ? 'mapMut() opens the file read-write: check its permissions, or map it read-only with map()'
        : 'the file is not readable by this process: check its permissions',
    );
  }
  return error;
}

/**
 * A backend without ownDescriptor, or Windows without the backend's duplicate() (the fallback, whose
 * manifest says so there: Node can neither dup a descriptor nor reopen it on Windows, no /dev/fd and
 * no path of an fd): the map would keep writing through the caller's fd, which the caller may close
 * (and the OS reuse for another file), and an append-mode fd would misplace every write. Refused up
 * front instead of failing later.
 */
function noOwnDescriptor(): MmapError {
  return new MmapError(
    ErrorCodes.UNSUPPORTED,
    "mapMut() of a caller's fd or FileHandle is not supported by this backend here (capabilities.ownDescriptor is false): a shared map needs a descriptor of its own (the caller's may be closed, or be in append mode), and on Windows Node can neither duplicate nor reopen one; map the path instead, or use a backend with ownDescriptor (loadBackend({ require: ['ownDescriptor'] }) picks napi or ffi)",
  );
}

/** A fresh fd on the same file through /proc/self/fd (Linux) or /dev/fd; undefined where impossible. */
function reopen(fd: number, write: boolean): number | undefined {
  if (process.platform === 'win32') return undefined; // no /dev/fd, and no path of an fd
  const dir = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';
  try {
    return fs.openSync(`${dir}/${fd}`, (write ? O_RDWR : O_RDONLY) | O_NONBLOCK);
  } catch {
    return undefined;
  }
}

/**
 * Whether a caller's fd was opened for what mmap needs: reading for any map, reading and writing
 * for a shared writable one (mmap itself answers EACCES otherwise). The backend's fcntl answers
 * when it offers one. Else reading is probed: a one-byte pread(2) fails with EBADF on a descriptor
 * not open for reading (Windows: ACCESS_DENIED, which libuv reports as EPERM) before it touches the
 * file, and it never moves the offset; that costs about 0.3 µs, where Linux's /proc/self/fdinfo
 * costs about 10. Writing has no such probe: a zero-byte write proves nothing everywhere (Deno's
 * node:fs returns 0 without asking the OS), so /proc/self/fdinfo answers on Linux (and for a read
 * probe that failed for another reason, e.g. O_DIRECT's alignment), and elsewhere a zero-byte
 * write(2) is all there is.
 */
function fdAllows(fd: number, write: boolean, ops: DescriptorOps | undefined): boolean {
  if (ops) {
    const access = ops.accessMode(fd);
    return write ? access === 'read-write' : access !== 'write';
  }
  const readable = accessAllowed(() => fs.readSync(fd, probeByte, 0, 1, 0));
  if (readable === false) return false;
  if (readable === true && !write) return true;
  const mode = accessMode(fd);
  if (mode !== undefined) return write ? mode === O_RDWR : mode !== O_WRONLY;
  if (!write) return true;
  try {
    fs.writeSync(fd, probeByte, 0, 0, 0);
    return true;
  } catch (error) {
    if (accessRefused.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

const probeByte = Buffer.alloc(1);

const accessRefused = new Set(['EBADF', 'EPERM', 'EACCES']);

/** true when `probe` succeeds, false when the OS refuses the access, undefined on another error. */
function accessAllowed(probe: () => unknown): boolean | undefined {
  try {
    probe();
    return true;
  } catch (error) {
    return accessRefused.has((error as NodeJS.ErrnoException).code ?? '') ? false : undefined;
  }
}

/** O_RDONLY, O_WRONLY or O_RDWR from /proc/self/fdinfo (Linux), else undefined. */
function accessMode(fd: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const flags = /^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))?.[1];
    return flags === undefined ? undefined : parseInt(flags, 8) & ACCESS_MODE;
  } catch {
    return undefined;
  }
}

/** Undo openSource: close what we opened, remove what we created. Never throws. */
export function releaseFile(file: OpenedFile): void {
  if (file.closeFd) {
    try {
      file.closeFd(file.fd);
    } catch {
      // already closed: nothing to release
    }
  }
  if (file.created && file.openedPath !== undefined) {
    try {
      fs.unlinkSync(file.openedPath);
    } catch {
      // gone already
    }
  }
}
