// @memmap/backend-napi: the node-addon-api backend (zero-copy, coherent, truncation-safe on POSIX).
import { defineBackend, defineCapabilities, type AnonRegionRequest, type FileRegionRequest, type Region } from '@memmap/core';
import { addon } from './addon.js';
import { toMmapError } from './errors.js';
import { NapiRegion } from './region.js';

const kinds = { read: 0, shared: 1, copy: 2 } as const;

export const capabilities = defineCapabilities({
  zeroCopy: true,
  coherent: true,
  detachOnClose: true,
  truncationSafe: addon.truncationSafe,
  lock: true,
  hugePages: addon.hugeTlb,
});

function openFile(request: FileRegionRequest): Region {
  try {
    const native = addon.mapFile(kinds[request.kind], request.fd, request.offset, request.length, request.populate);
    return new NapiRegion(native, request.path);
  } catch (error) {
    throw toMmapError(error, request.path);
  }
}

function openAnon(request: AnonRegionRequest): Region {
  try {
    return new NapiRegion(addon.mapAnon(request.length, request.populate, request.hugePages), undefined);
  } catch (error) {
    const converted = toMmapError(error, undefined);
    if (request.hugePages && converted instanceof Error) {
      converted.message += ' (MAP_HUGETLB: no free huge pages? see /proc/sys/vm/nr_hugepages)';
    }
    throw converted;
  }
}

export const backend = defineBackend({ name: 'napi', capabilities, openFile, openAnon });
export default backend;
