// Named memory on Windows: the paging-file section `Local\<name>` (libc-win32.ts). It is no
// descriptor, so core maps it through openNamedSection(); it lives while a process holds it and
// cannot be removed by name (unlinkNamed answers false when the name is held, ENOENT when not).
import { syscallError, type NamedSectionRequest, type OpenedSection, type Region } from '@memmap/core';
import { lastErrno } from './libc.js';
import { sectionClose, sectionExists, sectionOpen } from './libc-win32.js';
import { FfiRegion } from './region.js';

export function openNamedSection(request: NamedSectionRequest): OpenedSection {
  const opened = sectionOpen(request.name, request.create, request.exclusive, request.length);
  if (opened === null) throw syscallError(lastErrno(), request.create ? 'CreateFileMappingW' : 'OpenFileMappingW', request.name);
  const { section, created, size } = opened;
  return {
    size,
    created,
    map: (length: number): Region =>
      new FfiRegion(
        { kind: 'shared', fd: -1, path: undefined, alignedOffset: 0, delta: 0, populate: false, hugePages: false, section },
        length,
      ),
    close: () => sectionClose(section),
  };
}

export function unlinkNamed(name: string): boolean {
  if (!sectionExists(name)) throw syscallError(lastErrno(), 'OpenFileMappingW', name);
  return false;
}
