// @memmap/core: the interface, errors, validation, capabilities and backend selection.
import { defaultBackend } from './select.js';
import type { AnonOptions, FileSource, MapMutOptions, MapOptions, Mmap, MmapMut, NamedOptions } from './types.js';

export type * from './types.js';
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
  Region,
  RemapOptions,
} from './region.js';
export { MmapError, ErrorCodes, syscallError, fromNodeError, type MmapErrorCode } from './errors.js';
export { defineCapabilities, capabilityFlags } from './capabilities.js';
export { defineBackend } from './define-backend.js';
export { ownerOf } from './mapping.js';
export { pageSize, alignDown, alignUp, maxWholeBufferLength } from './pages.js';
export { detach } from './detach.js';
export { readFullyAt, writeFullyAt, MAX_IO_CHUNK } from './file-io.js';
export { adviceNames, validateAdvice, validateCount, validateOffset, validateOptions, validateRange } from './validate.js';
export { checkSource, openSource, releaseFile, type CheckedSource, type OpenedFile } from './source.js';
export { loadBackend, defaultBackend, listBackends, selectionReason, builtinBackends, type BackendStatus } from './select.js';
export { runtime, runtimeLabel, type RuntimeInfo } from './runtime.js';

/** Maps a file read-only on the default backend. */
export const map = (source: FileSource, options?: MapOptions): Mmap => defaultBackend().map(source, options);
/** Maps a file read-write (shared: writes reach the file) on the default backend. */
export const mapMut = (source: FileSource, options?: MapMutOptions): MmapMut => defaultBackend().mapMut(source, options);
/** Maps a file copy-on-write (writes never reach the file) on the default backend. */
export const mapCopy = (source: FileSource, options?: MapOptions): MmapMut => defaultBackend().mapCopy(source, options);
/** Maps anonymous zero-filled memory on the default backend. */
export const mapAnon = (length: number, options?: AnonOptions): MmapMut => defaultBackend().mapAnon(length, options);
/** Maps named shared memory (no file on disk) on the default backend. */
export const mapNamed = (name: string, options?: NamedOptions): MmapMut => defaultBackend().mapNamed(name, options);
/** Removes a named shared memory name on the default backend; live maps stay valid. */
export const unlinkNamed = (name: string): boolean => defaultBackend().unlinkNamed(name);
