// defineBackend(): turns a backend's region maker into a full Backend. Every argument is
// validated and every file opened here, before the backend is asked to map anything.
import * as fs from 'node:fs';
import { ErrorCodes, fromNodeError, invalidType, invalidValue, MmapError, outOfRange, unsupported } from './errors.js';
import { checkMapRoom } from './map-limit.js';
import { createMap, createMutableMap, type MapKind } from './map-objects.js';
import type { BackendImplementation, FileMapKind, OpenedNamed, OpenedSection } from './region.js';
import { checkSource, closeWithFs, openFailure, openSource, releaseFile } from './source.js';
import { openSharedFailed, validateHandle } from './share.js';
import type { AnonOptions, Backend, FileSource, MapHandle, MapMutOptions, MapOptions, Mmap, MmapMut, NamedOptions } from './types.js';
import {
  validateBoolean,
  validateCount,
  validateMode,
  validateName,
  validateOffset,
  validateOptionalCount,
  validateOptions,
} from './validate.js';

/**
 * Turns a backend's region maker into a complete {@link Backend}. Core validates every argument,
 * opens the file, checks ranges against it, keeps the closed state and orchestrates resize and
 * close; the implementation only maps memory (see docs/writing-a-backend.md).
 *
 * @param impl - name, capabilities (from {@link defineCapabilities}) and the region makers
 * @returns a frozen Backend whose calls validate as every in-repo backend does
 * @throws {@link MmapError} ERR_INVALID_ARG_TYPE when `impl` is not an object, has no name, or
 *   its capabilities were not made by {@link defineCapabilities}.
 * @example
 * ```ts
 * import { defineBackend, defineCapabilities } from '@memmap/core';
 * export const backend = defineBackend({
 *   name: 'mine',
 *   capabilities: defineCapabilities({ zeroCopy: true }),
 *   openFile: (request) => mapFileSomehow(request),
 *   openAnon: (request) => mapZerosSomehow(request),
 * });
 * ```
 */
export function defineBackend(impl: BackendImplementation): Backend {
  if (typeof impl !== 'object' || impl === null) throw invalidType('implementation', 'an object', impl);
  if (typeof impl.name !== 'string' || impl.name === '') throw invalidType('implementation.name', 'a non-empty string', impl.name);
  if (!Object.isFrozen(impl.capabilities)) throw invalidType('implementation.capabilities', 'from defineCapabilities()', impl.capabilities);
  const backend: Backend = {
    name: impl.name,
    capabilities: impl.capabilities,
    map: (source: FileSource, options?: MapOptions): Mmap => mapFile(impl, 'read', source, options),
    mapMut: (source: FileSource, options?: MapMutOptions): MmapMut => mapFile(impl, 'shared', source, options) as MmapMut,
    mapCopy: (source: FileSource, options?: MapOptions): MmapMut => mapFile(impl, 'copy', source, options) as MmapMut,
    mapAnon: (length: number, options?: AnonOptions): MmapMut => mapAnon(impl, length, options),
    mapNamed: (name: string, options?: NamedOptions): MmapMut => mapNamed(impl, name, options),
    unlinkNamed: (name: string): boolean => unlinkNamed(impl, name),
    openShared: (handle: MapHandle): Mmap | MmapMut => openShared(impl, handle),
  };
  return Object.freeze(backend);
}

function mapFile(impl: BackendImplementation, kind: FileMapKind, source: unknown, options: unknown): Mmap {
  // 1. Every argument, before anything is opened or created.
  const opts = validateOptions(options);
  const offset = validateOffset(opts.offset, 'options.offset');
  const requested = validateOptionalCount(opts.length, 'options.length');
  const populate = validateBoolean(opts.populate, 'options.populate');
  const create = kind === 'shared' && validateBoolean(opts.create, 'options.create');
  const mode = kind === 'shared' ? validateMode(opts.mode) : 0o600;
  const allocate = kind === 'shared' && validateBoolean(opts.allocate, 'options.allocate');
  const checked = checkSource(source);

  // 2. Open, then check the range against the file (create extends it first, never shrinks).
  checkMapRoom();
  if (impl.openPath && kind !== 'shared' && checked.type === 'path' && typeof checked.path === 'string') {
    return mapPathInOneCall(impl, impl.openPath, kind, checked.path, offset, requested, populate);
  }
  const file = openSource(checked, kind === 'shared', create, mode, impl.descriptors, impl.capabilities.ownDescriptor);
  let extended = false;
  try {
    const length = requested ?? Math.max(file.size - offset, 0);
    const end = offset + length;
    if (end > Number.MAX_SAFE_INTEGER) throw outOfRange(`range ${offset}..${end} ends beyond 2^53 - 1`);
    if (end > file.size) {
      if (!create) throw pastEndOfFile(kind, offset, end, file.path, file.size);
      fs.ftruncateSync(file.fd, end);
      extended = true;
    }
    const region = impl.openFile({
      kind,
      fd: file.fd,
      path: file.path,
      offset,
      length,
      fileSize: Math.max(file.size, end),
      populate,
      allocate: allocate && length > 0,
    });
    if (kind === 'shared') {
      return createMutableMap({
        backend: impl.name,
        capabilities: impl.capabilities,
        kind,
        region,
        offset,
        length,
        fd: file.fd,
        closeFd: file.closeFd,
      });
    }
    // Read and copy maps keep no descriptor: the mapping (or the fallback's copy) holds the file.
    file.closeFd?.(file.fd);
    const init = {
      backend: impl.name,
      capabilities: impl.capabilities,
      kind: kind as MapKind,
      region,
      offset,
      length,
      fd: -1,
      closeFd: undefined,
    };
    return createMap(init);
  } catch (error) {
    // 3. A failed call leaves no fd, no mapping, no new file and no changed size behind.
    if (extended && !file.created) {
      try {
        fs.ftruncateSync(file.fd, file.size);
      } catch {
        // best effort: the original error matters more
      }
    }
    releaseFile(file);
    throw fromNodeError(error);
  }
}

/** ERR_MMAP_OUT_OF_RANGE for a range that ends past the file, with what to do about it. */
function pastEndOfFile(kind: FileMapKind, offset: number, end: number, path: string | undefined, size: number): MmapError {
  const what = `options.offset + options.length (${offset}..${end}) is past the end of the file${path === undefined ? '' : ` '${path}'`} (${size} bytes)`;
  return outOfRange(`${what}: map a smaller length${kind === 'shared' ? ', or pass create: true to extend the file' : ''}`);
}

/**
 * A read or copy map of a path where the backend opens, sizes, maps and closes in one call (no
 * descriptor outlives the call, so nothing is left to release on failure). Same checks, errors and
 * messages as the general path: the backend only reports the file's size when the range is past it.
 */
function mapPathInOneCall(
  impl: BackendImplementation,
  openPath: NonNullable<BackendImplementation['openPath']>,
  kind: 'read' | 'copy',
  path: string,
  offset: number,
  requested: number | undefined,
  populate: boolean,
): Mmap {
  let opened: ReturnType<typeof openPath>;
  try {
    opened = openPath({ kind, path, offset, length: requested, populate });
  } catch (error) {
    throw openFailure(fromNodeError(error), false, false);
  }
  // In the general path's order: the file opened and is mappable, then the range is checked.
  if ('pastEnd' in opened) {
    const end = offset + opened.pastEnd.length;
    if (end > Number.MAX_SAFE_INTEGER) throw outOfRange(`range ${offset}..${end} ends beyond 2^53 - 1`);
    throw pastEndOfFile(kind, offset, end, path, opened.pastEnd.fileSize);
  }
  return createMap({
    backend: impl.name,
    capabilities: impl.capabilities,
    kind,
    region: opened.region,
    offset,
    length: opened.length,
    fd: -1,
    closeFd: undefined,
  });
}

function mapAnon(impl: BackendImplementation, length: unknown, options: unknown): MmapMut {
  const size = validateCount(length, 'length');
  const opts = validateOptions(options);
  const populate = validateBoolean(opts.populate, 'options.populate');
  const hugePages = validateBoolean(opts.hugePages, 'options.hugePages');
  if (hugePages && !impl.capabilities.hugePages) throw unsupported('mapAnon({ hugePages: true })', impl.name);
  checkMapRoom();
  try {
    const region = impl.openAnon({ length: size, populate, hugePages });
    return createMutableMap({
      backend: impl.name,
      capabilities: impl.capabilities,
      kind: 'anon',
      region,
      offset: 0,
      length: size,
      fd: -1,
      closeFd: undefined,
    });
  } catch (error) {
    throw fromNodeError(error);
  }
}

function mapNamed(impl: BackendImplementation, name: unknown, options: unknown): MmapMut {
  // 1. Every argument, before anything is opened or created.
  const checkedName = validateName(name);
  const opts = validateOptions(options);
  const create = opts.create;
  if (create !== undefined && typeof create !== 'boolean') {
    if (typeof create !== 'string') throw invalidType('options.create', "of type boolean or 'exclusive'", create);
    if (create !== 'exclusive') throw invalidValue('options.create', "must be true, false or 'exclusive'", create);
  }
  const requested = validateOptionalCount(opts.length, 'options.length');
  if (create && requested === undefined) throw invalidType('options.length', 'of type number (required with create)', undefined);
  const mode = validateMode(opts.mode);
  if (!impl.capabilities.named || (!impl.openNamed && !impl.openNamedSection)) throw unsupported('mapNamed()', impl.name);
  checkMapRoom();
  if (impl.openNamedSection) return mapNamedSection(impl, checkedName, create, requested, mode);
  if (!impl.openNamed) throw unsupported('mapNamed()', impl.name);

  // 2. Open (or create), size, map; a failure removes what this call created.
  let opened: OpenedNamed;
  try {
    opened = impl.openNamed({ name: checkedName, create: !!create, exclusive: create === 'exclusive', mode });
  } catch (error) {
    throw fromNodeError(error);
  }
  const { fd, created } = opened;
  const closeFd = opened.closeFd ?? closeWithFs;
  try {
    const size = fs.fstatSync(fd).size;
    const length = requested ?? size;
    if (length > size) {
      if (!create) throw outOfRange(`length ${length} is past the end of the named region "${checkedName}" (${size} bytes)`);
      fs.ftruncateSync(fd, length);
    }
    const region = impl.openFile({
      kind: 'shared',
      fd,
      path: undefined,
      offset: 0,
      length,
      fileSize: Math.max(size, length),
      populate: false,
      allocate: false,
    });
    return createMutableMap({
      backend: impl.name,
      capabilities: impl.capabilities,
      kind: 'shared',
      region,
      offset: 0,
      length,
      fd,
      closeFd,
    });
  } catch (error) {
    if (created) {
      try {
        impl.unlinkNamed?.(checkedName);
      } catch {
        // best effort: the original error matters more
      }
    }
    try {
      closeFd(fd);
    } catch {
      // the fd is gone either way
    }
    throw fromNodeError(error);
  }
}

/**
 * Named memory as a fixed-size section (Windows). It cannot grow: a length past its size is
 * ERR_MMAP_OUT_OF_RANGE without create (as on POSIX) and ERR_MMAP_UNSUPPORTED with create (POSIX
 * would grow it). Nothing to remove on failure: the section dies with its last handle or view.
 */
function mapNamedSection(
  impl: BackendImplementation,
  name: string,
  create: boolean | 'exclusive' | undefined,
  requested: number | undefined,
  mode: number,
): MmapMut {
  let section: OpenedSection;
  try {
    section = impl.openNamedSection!({ name, create: !!create, exclusive: create === 'exclusive', mode, length: requested ?? 0 });
  } catch (error) {
    throw fromNodeError(error);
  }
  try {
    const { size } = section;
    const length = requested ?? size;
    if (length > size) {
      const has = `the named region "${name}" exists with ${size} bytes`;
      if (!create) throw outOfRange(`length ${length} is past the end of the named region "${name}" (${size} bytes)`);
      throw new MmapError(
        ErrorCodes.UNSUPPORTED,
        `mapNamed() cannot grow it to ${length} bytes: ${has}, and a Windows named section keeps the size it was created with (create it with the largest size it will need)`,
      );
    }
    const region = section.map(length);
    return createMutableMap({
      backend: impl.name,
      capabilities: impl.capabilities,
      kind: 'shared',
      region,
      offset: 0,
      length,
      fd: -1,
      closeFd: undefined,
      fixedSize: `a Windows named section keeps the size it was created with (${size} bytes)`,
    });
  } catch (error) {
    throw fromNodeError(error);
  } finally {
    section.close();
  }
}

function unlinkNamed(impl: BackendImplementation, name: unknown): boolean {
  const checkedName = validateName(name);
  if (!impl.capabilities.named || !impl.unlinkNamed) throw unsupported('unlinkNamed()', impl.name);
  try {
    return impl.unlinkNamed(checkedName);
  } catch (error) {
    throw fromNodeError(error);
  }
}

/**
 * A new map object over the memory a handle names (no syscall, no copy). The handle is checked
 * here (shape, backend, process); the backend checks its secret and finds the memory in its own
 * registry, and says what the memory is: kind, offset and length never come from the handle.
 */
function openShared(impl: BackendImplementation, handle: unknown): Mmap | MmapMut {
  const token = validateHandle(handle, impl.name);
  if (!impl.capabilities.shareable || !impl.openShared) throw unsupported('openShared()', impl.name);
  let opened: ReturnType<NonNullable<BackendImplementation['openShared']>>;
  try {
    opened = impl.openShared(token);
  } catch (error) {
    throw fromNodeError(error);
  }
  if (opened === 'released' || opened === 'forged') throw openSharedFailed(opened);
  const { region, kind, offset, length, fd } = opened;
  return createMap({
    backend: impl.name,
    capabilities: impl.capabilities,
    kind,
    region,
    offset,
    length,
    fd,
    closeFd: fd >= 0 ? (opened.closeFd ?? closeWithFs) : undefined,
    // Without a descriptor of its own a shared map cannot grow or cut its file.
    fixedSize: kind === 'shared' && fd < 0 ? 'this map was opened by openShared() without a descriptor of its own' : undefined,
  });
}
