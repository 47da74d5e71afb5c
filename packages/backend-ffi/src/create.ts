// Making a new OS mapping for a file range or anonymous memory, with the flags each kind needs.
import { readFileSync } from 'node:fs';
import { syscallError } from '@memmap/core';
import { Mapping } from './mapping.js';
import { os } from './os/index.js';
import { platform } from './platform/index.js';
import { MAP_FAILED } from './pointers.js';
import { alignUp, madvise, mmap, pageSize } from './syscalls.js';

/** Everything needed to (re)create a region's mapping at any length. */
export interface MapSpec {
  readonly kind: 'read' | 'shared' | 'copy' | 'anon';
  readonly fd: number;
  readonly path: string | undefined;
  /** File offset of the mapping's first page, and of byte 0 of the map within that page. */
  readonly alignedOffset: number;
  readonly delta: number;
  readonly populate: boolean;
  readonly hugePages: boolean;
  /** A Windows named section to map ('shared', no fd; os/win32/named.ts). */
  readonly section?: bigint;
}

const RW = platform.PROT_READ | platform.PROT_WRITE;

function fileFlags(spec: MapSpec): number {
  const { MAP_SHARED, MAP_PRIVATE, MAP_NORESERVE, MAP_POPULATE } = platform;
  // Only a shared mapping may be MAP_POPULATEd. On a private writable file mapping ('read' and
  // 'copy') MAP_POPULATE write-faults, so copies, every page: memory doubles and untouched pages
  // stop seeing the file. Those are prefaulted read-only instead (prefault()).
  // 'read': private + writable + no-reserve, so a stray JS write makes a private copy instead of
  // faulting or reaching the file.
  if (spec.kind === 'read') return MAP_PRIVATE | MAP_NORESERVE;
  if (spec.kind === 'shared') return MAP_SHARED | (spec.populate ? MAP_POPULATE : 0);
  return MAP_PRIVATE;
}

/**
 * Faults a range in without writing it: MADV_WILLNEED reads the range into the page cache (exactly
 * that range, so nothing beyond it is read around), then MADV_POPULATE_READ (Linux >= 5.14) maps
 * the pages readable. A hint: failures only mean "not prefaulted". Same order as the napi backend,
 * so both leave the same pages resident.
 */
export function prefault(addr: bigint, size: number): void {
  if (!madvise(addr, size, platform.MADV.willneed!)) return;
  if (platform.MADV_POPULATE_READ !== undefined) madvise(addr, size, platform.MADV_POPULATE_READ);
}

export function createMapping(spec: MapSpec, length: number): Mapping {
  if (spec.section !== undefined) return createSectionView(spec.section, length);
  return spec.kind === 'anon' ? createAnon(spec, length) : createFile(spec, length);
}

function createSectionView(section: bigint, length: number): Mapping {
  const named = os.named;
  // Only openNamedSection() (index.ts) puts a section in a spec, and only where named memory is sections.
  if (named.kind !== 'section') throw new Error('@memmap/backend-ffi: named sections exist only on Windows');
  const size = alignUp(length);
  const addr = named.map(section, size);
  if (addr === MAP_FAILED) throw syscallError(os.lastErrno(), 'MapViewOfFile');
  return new Mapping(addr, size);
}

function createFile(spec: MapSpec, length: number): Mapping {
  const size = alignUp(spec.delta + length);
  const addr = mmap(null, size, RW, fileFlags(spec), spec.fd, spec.alignedOffset, spec.path);
  if (spec.populate && (spec.kind !== 'shared' || platform.MAP_POPULATE === 0)) prefault(addr, size);
  return new Mapping(addr, size);
}

function createAnon(spec: MapSpec, length: number): Mapping {
  const { MAP_PRIVATE, MAP_ANONYMOUS, MAP_POPULATE, MAP_HUGETLB } = platform;
  // Anonymous memory has no file to stay coherent with: MAP_POPULATE just allocates zero pages.
  const flags = MAP_PRIVATE | MAP_ANONYMOUS | (spec.populate ? MAP_POPULATE : 0);
  if (spec.hugePages) {
    // Only reached where MAP_HUGETLB exists (core refuses hugePages when capabilities.hugePages is
    // false). Never fall back to normal pages or THP: with no reserved huge pages
    // (vm.nr_hugepages = 0) mmap's own error (ENOMEM) is thrown.
    const size = alignUp(length, hugePageSize());
    return new Mapping(mmap(null, size, RW, flags | MAP_HUGETLB, -1, 0), size, true);
  }
  const size = alignUp(length);
  const addr = mmap(null, size, RW, flags, -1, 0);
  if (spec.populate && MAP_POPULATE === 0) prefault(addr, size);
  return new Mapping(addr, size);
}

let hugeSize: number | undefined;

/** The default huge page size (Linux /proc/meminfo), 2 MiB if unknown. */
function hugePageSize(): number {
  if (hugeSize === undefined) {
    hugeSize = 2 * 1024 * 1024;
    try {
      const match = /Hugepagesize:\s+(\d+)\s*kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
      if (match) hugeSize = Number(match[1]) * 1024;
    } catch {
      // keep the default
    }
  }
  return Math.max(hugeSize, pageSize);
}
