// @memmap/core: the calls and types users need, MmapError, backend selection, and what a backend
// author needs to build one with defineBackend(). Everything else in src/ is internal.
import { invalidValue } from './errors.js';
import { builtinBackends, defaultBackend, loadBackend } from './select.js';
import { handleBackend } from './share.js';
import type { AnonOptions, FileSource, MapHandle, MapMutOptions, MapOptions, Mmap, MmapMut, NamedOptions } from './types.js';

export { capabilityFlags, defineCapabilities } from './capabilities.js';
export { defineBackend } from './define-backend.js';
export { detach } from './detach.js';
export { ErrorCodes, MmapError, type MmapErrorCode, type SyscallErrorFields, syscallError } from './errors.js';
export { MAX_IO_CHUNK, readFullyAt, writeFullyAt } from './file-io.js';
export { type MapKind, ownerOf } from './map-objects.js';
export { resolveModuleUrl } from './module-url.js';
export { alignDown, alignUp, maxWholeBufferLength, pageSize } from './pages.js';
// For backend authors (docs/writing-a-backend.md): the seam of defineBackend() and the small
// helpers every backend needs. Validation, file opening and the map objects stay internal.
export type {
  AnonRegionRequest,
  BackendImplementation,
  DescriptorOps,
  FdAccess,
  FileInfo,
  FileMapKind,
  FileRegionRequest,
  NamedRegionRequest,
  NamedSectionRequest,
  OpenedNamed,
  OpenedSection,
  OpenedShared,
  MappedPath,
  PathPastEnd,
  PathRegion,
  PathRegionRequest,
  Region,
  RemapOptions,
} from './region.js';
export { type RuntimeInfo, runtime, runtimeLabel } from './runtime.js';
export { reopenFd, runtimeOwnedFd } from './runtime-fd.js';
export type { SharedId, ShareToken } from './share.js';
export {
  type BackendStatus,
  builtinBackends,
  type CapabilityName,
  defaultBackend,
  type LoadBackendOptions,
  listBackends,
  loadBackend,
  selectionReason,
} from './select.js';
export type * from './types.js';
export { adviceNames } from './validate.js';

/**
 * Maps a file read-only, with shared semantics, on the default backend: it sees other processes'
 * writes where the backend is coherent, and a stray write through its views never reaches the file.
 *
 * @param source - a path (string, file: URL, Buffer), an fd or a FileHandle (never closed here)
 * @param options - offset (number or bigint), length (default: to the end of the file), populate
 * @throws {@link MmapError} ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE for bad arguments;
 *   ERR_MMAP_OUT_OF_RANGE for a range past the end of the file; the OS code (ENOENT, EACCES,
 *   EISDIR, ENODEV, EBADF, ...) when the file cannot be opened or mapped; ERR_MMAP_UNSUPPORTED
 *   when no backend loads.
 * @example
 * ```ts
 * import { map } from '@memmap/core';
 * { using m = map('example.dat'); console.log(m.bytes.subarray(0, 10)); }
 * ```
 */
export const map = (source: FileSource, options?: MapOptions): Mmap => defaultBackend().map(source, options);

/**
 * Maps a file read-write and shared on the default backend: writes reach the file (by close(),
 * exit or collection at the latest; flush() makes them durable on return).
 *
 * @param options - as map(), plus create (make the file and extend it to offset + length, never
 *   shrink), mode (default 0o600) and allocate (reserve the disk blocks now)
 * @throws {@link MmapError} as map(); EACCES for a descriptor opened read-only; ENOSPC when
 *   `allocate` finds the disk full.
 * @example
 * ```ts
 * import { mapMut } from '@memmap/core';
 * const msg = Buffer.from('IPC using mmap!');
 * { using w = mapMut('shared.dat', { create: true, length: msg.length }); msg.copy(w.bytes); w.flush(); }
 * ```
 */
export const mapMut = (source: FileSource, options?: MapMutOptions): MmapMut => defaultBackend().mapMut(source, options);

/**
 * Maps a file copy-on-write on the default backend: writes change only this map, never the file.
 *
 * @throws {@link MmapError} as map().
 * @example
 * ```ts
 * import { mapCopy } from '@memmap/core';
 * { using c = mapCopy('template.bin'); c.bytes[0] = 1; } // template.bin is unchanged
 * ```
 */
export const mapCopy = (source: FileSource, options?: MapOptions): MmapMut => defaultBackend().mapCopy(source, options);

/**
 * Maps private anonymous memory, zero-filled, on the default backend.
 *
 * @param length - bytes (0 gives a valid empty map)
 * @param options - populate, hugePages
 * @throws {@link MmapError} ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE for a bad length or
 *   option; ERR_MMAP_UNSUPPORTED for hugePages where the backend lacks them; ENOMEM from the OS.
 * @example
 * ```ts
 * import { mapAnon } from '@memmap/core';
 * { using scratch = mapAnon(1 << 20); scratch.bytes.fill(7); }
 * ```
 */
export const mapAnon = (length: number, options?: AnonOptions): MmapMut => defaultBackend().mapAnon(length, options);

/**
 * Maps named shared memory (no file on disk) on the default backend; another process maps the
 * same name to share it (POSIX shm_open, a `Local\` section on Windows).
 *
 * @param name - 1 to 31 characters of [A-Za-z0-9._-], not '.' or '..'
 * @param options - create (true, or 'exclusive'), length (required with create), mode
 * @throws {@link MmapError} ERR_INVALID_ARG_VALUE for a bad name; ENOENT for a missing name
 *   without create; EEXIST for create: 'exclusive' on an existing one; ERR_MMAP_UNSUPPORTED where
 *   capabilities.named is false.
 * @example
 * ```ts
 * import { mapNamed } from '@memmap/core';
 * { using ring = mapNamed('my-app.ring', { create: true, length: 65536 }); Atomics.add(new Int32Array(ring.bytes.buffer, ring.bytes.byteOffset, 1), 0, 1); }
 * ```
 */
export const mapNamed = (name: string, options?: NamedOptions): MmapMut => defaultBackend().mapNamed(name, options);

/**
 * Removes a shared-memory name on the default backend; maps already open stay valid.
 *
 * @returns true when the name was removed; false where names cannot be removed (Windows, where a
 *   name lives while a process holds it).
 * @throws {@link MmapError} ERR_INVALID_ARG_VALUE for a bad name; ENOENT for a missing one;
 *   ERR_MMAP_UNSUPPORTED where capabilities.named is false.
 * @example
 * ```ts
 * import { unlinkNamed } from '@memmap/core';
 * unlinkNamed('my-app.ring');
 * ```
 */
export const unlinkNamed = (name: string): boolean => defaultBackend().unlinkNamed(name);

/**
 * Opens the memory behind a handle from `share()` in this thread (main or Worker): a new map
 * object of the same kind and writability over the same pages, no syscall, no copy. It closes on
 * its own (close() detaches its views only); the memory goes when the last map object over it is
 * closed or collected or its thread ends. The handle names its backend (a built-in one, loaded
 * here if this thread has not yet); a third party's handle opens with `backend.openShared()`.
 *
 * @param handle - what share() returned, e.g. received from postMessage
 * @throws {@link MmapError} ERR_INVALID_ARG_TYPE for a non-object; ERR_INVALID_ARG_VALUE for a
 *   handle from another process, forged, altered or of another backend; ERR_MMAP_CLOSED when
 *   every map object over the memory is closed already.
 * @example
 * ```ts
 * import { openShared } from '@memmap/core';
 * import { parentPort } from 'node:worker_threads';
 * parentPort!.once('message', (handle) => { using m = openShared(handle); console.log(m.bytes[0]); });
 * ```
 */
export function openShared(handle: MapHandle): Mmap | MmapMut {
  const name = handleBackend(handle);
  if (!Object.hasOwn(builtinBackends, name) && defaultBackend().name !== name) {
    throw invalidValue('handle', `names the backend "${name}", which is not built in: open it with that backend's openShared()`, name);
  }
  return (defaultBackend().name === name ? defaultBackend() : loadBackend(name)).openShared(handle);
}
