// @memmap/backend-napi: the node-addon-api backend (zero-copy, coherent, truncation-safe on POSIX).
import {
  runtime,
  defineBackend,
  defineCapabilities,
  type AnonRegionRequest,
  type DescriptorOps,
  type FdAccess,
  type FileInfo,
  type FileRegionRequest,
  type NamedRegionRequest,
  type OpenedNamed,
  type OpenedShared,
  type PathRegion,
  type PathRegionRequest,
  type Region,
  reopenFd,
  runtimeOwnedFd,
  type ShareToken,
} from '@memmap/core';
import { addon, codeName, type MapHandle } from './addon.js';
import { toMmapError } from './errors.js';
import { namedSections } from './named-win32.js';
import { NapiRegion } from './region.js';

const kinds = addon.constants.mapKinds;

export const capabilities = defineCapabilities({
  zeroCopy: true,
  coherent: true,
  detachOnClose: true,
  truncationSafe: addon.truncationSafe,
  lock: true,
  hugePages: addon.hugeTlb,
  waitNotify: addon.waitNotify,
  // Under Deno the shm_open descriptor is reopened through node:fs (core's runtime-fd.ts).
  named: addon.named && (runtime().name !== 'deno' || addon.closeFd !== undefined),
  // The memory lives in a process-wide native registry (src/native/share.h), open to every thread.
  shareable: true,
  // A caller's fd for mapMut(): core reopens it (POSIX), or the addon duplicates the HANDLE (Windows).
  ownDescriptor: true,
});

function openFile(request: FileRegionRequest): Region {
  try {
    // Blocks first, so a full disk is ENOSPC before anything is mapped (core restores the size).
    if (request.allocate) addon.allocate(request.fd, request.offset, request.length);
    const native = addon.mapFile(kinds[request.kind], request.fd, request.offset, request.length, request.populate);
    // Only a shared map keeps its descriptor: core closes a read or copy map's right after this.
    return new NapiRegion(native, request.path, request.kind === 'shared' ? request.fd : -1, request.offset);
  } catch (error) {
    throw toMmapError(error, request.path);
  }
}

/** map()/mapCopy() of a path in one native call: open, fstat, mmap, close (POSIX; see addon.cc). */
const sizes = new Float64Array(2);
const { mapPath } = addon;
function openPath(request: PathRegionRequest): PathRegion {
  let handle: MapHandle | -1;
  try {
    handle = mapPath!(request.path, kinds[request.kind], request.offset, request.length ?? -1, request.populate, sizes);
  } catch (error) {
    throw toMmapError(error, request.path);
  }
  if (handle === -1) return { pastEnd: { fileSize: sizes[0]!, length: sizes[1]! } };
  return { region: new NapiRegion(handle, request.path, -1, request.offset), length: sizes[1]! };
}

function openAnon(request: AnonRegionRequest): Region {
  try {
    return new NapiRegion(addon.mapAnon(request.length, request.populate, request.hugePages), undefined, -1, 0);
  } catch (error) {
    const converted = toMmapError(error, undefined);
    if (request.hugePages && converted instanceof Error) {
      converted.message += ' (MAP_HUGETLB: no free huge pages? see /proc/sys/vm/nr_hugepages)';
    }
    throw converted;
  }
}

const accessModes: readonly FdAccess[] = ['read', 'write', 'read-write'];
const fileTypes: readonly FileInfo['type'][] = ['file', 'directory', 'fifo', 'socket', 'other'];

/** fcntl for a caller's fd (core checks its access mode, and dups it for shared maps). */
function nativeDescriptors(): DescriptorOps | undefined {
  const { fdAccessMode, fdDuplicate, fdStat, closeFd } = addon;
  if (!fdAccessMode || !fdDuplicate || !fdStat) return undefined;
  const call = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw toMmapError(error, undefined);
    }
  };
  return {
    accessMode: (fd) => call(() => codeName(accessModes, fdAccessMode(fd), 'access mode')),
    duplicate: (fd) => call(() => fdDuplicate(fd)),
    // The duplicate is native, so it is closed natively (where the addon offers close(2)).
    ...(closeFd ? { close: (fd: number) => call(() => closeFd(fd)) } : {}),
    stat: (fd) => {
      const packed = call(() => fdStat(fd));
      return { size: Math.floor(packed / 8), type: codeName(fileTypes, packed % 8, 'file type') };
    },
  };
}

/** closeFd for a descriptor the addon made, where the addon can close one (POSIX builds). */
const nativeClose: { closeFd?: (fd: number) => void } = addon.closeFd ? { closeFd: addon.closeFd } : {};

function openNamed(request: NamedRegionRequest): OpenedNamed {
  try {
    const [fd, created] = addon.shmOpen(request.name, request.create, request.exclusive, request.mode);
    try {
      const owned = runtimeOwnedFd(fd, (raw) => addon.closeFd?.(raw));
      // Closed the way it was opened: natively, unless it was reopened through node:fs (Deno).
      return { fd: owned, created, ...(owned === fd ? nativeClose : {}) };
    } catch (error) {
      if (created) addon.shmUnlink(request.name);
      throw error;
    }
  } catch (error) {
    throw toMmapError(error, request.name);
  }
}

function unlinkNamed(name: string): boolean {
  try {
    addon.shmUnlink(name);
    return true;
  } catch (error) {
    throw toMmapError(error, name);
  }
}

/** The memory behind a handle, from the native registry (kind, offset, length never from the handle). */
function openShared(token: ShareToken): OpenedShared | 'released' | 'forged' {
  // Deno's node:fs refuses descriptors it did not open (see core's runtime-fd.ts): there the native
  // Mapping keeps its duplicate, and core gets a reopen of it that Deno's fs owns.
  const deno = runtime().name === 'deno';
  let answer: ReturnType<typeof addon.openShared>;
  try {
    answer = addon.openShared(token.id, token.secret, token.kind, token.offset, token.length, token.pid, deno);
  } catch (error) {
    throw toMmapError(error, undefined);
  }
  if (answer === 1) return 'released';
  if (answer === 2) return 'forged';
  const [handle, kind, offset, length, native] = answer;
  let fd = native;
  try {
    if (deno && native >= 0) fd = reopenFd(native);
  } catch (error) {
    addon.close(handle, undefined);
    throw toMmapError(error, undefined);
  }
  const region = new NapiRegion(handle, undefined, fd, offset);
  return { region, kind: kind as OpenedShared['kind'], offset, length, fd, ...(deno ? {} : nativeClose) };
}

/** Windows: named memory is a paging-file section, not a descriptor (see named-win32.ts). */
const named = namedSections() ?? { openNamed, unlinkNamed };

export const backend = defineBackend({
  name: 'napi',
  capabilities,
  openFile,
  // Windows paths are UTF-16 and Node's own open() handles them: core opens the file there.
  ...(process.platform === 'win32' || !mapPath ? {} : { openPath }),
  openAnon,
  descriptors: nativeDescriptors(),
  openShared,
  ...named,
});
export default backend;
