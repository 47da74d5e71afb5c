// @memmap/backend-ffi: memory maps through koffi calling the C library directly; no compiler
// needed at install. Loading throws on an unsupported platform so loadBackend() moves on.
import {
  defineBackend,
  MmapError,
  type AnonRegionRequest,
  type Backend,
  type DescriptorOps,
  type FileRegionRequest,
  type NamedSectionRequest,
  type OpenedSection,
  type OpenedShared,
  type Region,
  runtimeOwnedFd,
  type ShareToken,
} from '@memmap/core';
import { capabilities } from './capabilities.js';
import { FfiRegion } from './region.js';
import { platform } from './platform/index.js';
import { alignDown, closeNative, fallocate, fdAccessMode, fdDuplicate } from './syscalls.js';
import { os } from './os/index.js';
import { Mapping } from './mapping.js';
import * as share from './share.js';

function openFile(request: FileRegionRequest): Region {
  const alignedOffset = alignDown(request.offset);
  const spec = {
    kind: request.kind,
    fd: request.fd,
    path: request.path,
    alignedOffset,
    delta: request.offset - alignedOffset,
    populate: request.populate,
    hugePages: false,
  };
  // Blocks first, so a full disk is ENOSPC before anything is mapped (core restores the size).
  if (request.allocate) fallocate(request.fd, request.offset, request.length, request.path);
  return new FfiRegion(spec, request.length);
}

function openAnon(request: AnonRegionRequest): Region {
  const spec = {
    kind: 'anon' as const,
    fd: -1,
    path: undefined,
    alignedOffset: 0,
    delta: 0,
    populate: request.populate,
    hugePages: request.hugePages,
  };
  try {
    return new FfiRegion(spec, request.length);
  } catch (error) {
    // mmap(MAP_HUGETLB) fails (ENOMEM) when no huge pages are reserved; there is no fallback to
    // normal pages, so say where to look (the same words as the napi backend).
    if (request.hugePages && error instanceof MmapError && error.syscall !== undefined) {
      error.message += ' (MAP_HUGETLB: no free huge pages? see /proc/sys/vm/nr_hugepages)';
    }
    throw error;
  }
}

/**
 * The memory behind a handle, from the process-wide registry (share.ts): kind, offset and length
 * come from the registry, never from the handle, which only has to carry a matching tag.
 */
function openShared(token: ShareToken): OpenedShared | 'released' | 'forged' {
  const found = share.open(token, fdDuplicate);
  if (found === 'released' || found === 'forged') return found;
  const { ref, handle, holder, kind, offset, length, addr, size, delta, huge } = found;
  const mapping = size > 0 ? new Mapping(addr, size, huge) : null;
  if (mapping !== null) mapping.attachShare(ref, holder);
  let fd = found.fd;
  try {
    // Deno's node:fs refuses descriptors it did not open (core's runtime-fd.ts).
    if (fd >= 0) fd = runtimeOwnedFd(fd, (raw) => closeNative?.(raw));
  } catch (error) {
    mapping?.release(false);
    share.dropHandle(ref, handle);
    throw error;
  }
  const spec = { kind, fd, path: undefined, alignedOffset: offset - delta, delta, populate: false, hugePages: huge };
  const region = new FfiRegion(spec, length, { mapping, ref, handle });
  // A native duplicate is closed natively; one reopened through node:fs (Deno) by node:fs.
  const closer = fd >= 0 && fd === found.fd && closeNative ? { closeFd: closeNative } : {};
  return { region, kind, offset, length, fd, ...closer };
}

/** fcntl for a caller's fd (core checks its access mode, and dups it for shared maps). */
const descriptors: DescriptorOps | undefined =
  platform.F_GETFL === undefined || platform.F_DUPFD_CLOEXEC === undefined
    ? undefined
    : { accessMode: fdAccessMode, duplicate: fdDuplicate, ...(closeNative ? { close: closeNative } : {}) };

/**
 * Named memory where it is a section, not a descriptor (Windows: os/win32/named.ts): a fixed-size
 * section that each map views from its start.
 */
function openNamedSection(request: NamedSectionRequest): OpenedSection {
  const sections = os.named;
  if (sections.kind !== 'section') throw new Error('@memmap/backend-ffi: named sections exist only on Windows');
  const { section, created, size } = sections.open(request);
  return {
    size,
    created,
    map: (length: number): Region =>
      new FfiRegion(
        { kind: 'shared', fd: -1, path: undefined, alignedOffset: 0, delta: 0, populate: false, hugePages: false, section },
        length,
      ),
    close: () => sections.close(section),
  };
}

const named =
  os.named.kind === 'section'
    ? { openNamedSection, unlinkNamed: os.named.unlink }
    : { openNamed: os.named.open, unlinkNamed: os.named.unlink };

export const backend: Backend = defineBackend({
  name: 'ffi',
  capabilities,
  openFile,
  openAnon,
  descriptors,
  ...named,
  ...(capabilities.shareable ? { openShared } : {}),
});
export { capabilities };
export default backend;
