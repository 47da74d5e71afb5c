// Named memory on Windows: the paging-file section `Local\<name>` (kernel32.ts). It is no
// descriptor, so core maps it through the backend's openNamedSection() (index.ts); it lives while a
// process holds it and cannot be removed by name (unlink answers false when the name is held,
// ENOENT when not).
import { syscallError } from '@memmap/core';
import type { NamedMemory } from '../types.js';
import { lastError, sectionClose, sectionExists, sectionMap, sectionOpen } from './kernel32.js';

export const sectionNamed: NamedMemory = {
  kind: 'section',
  available: true,
  open(request) {
    const opened = sectionOpen(request.name, request.create, request.exclusive, request.length);
    if (opened === null) throw syscallError(lastError(), request.create ? 'CreateFileMappingW' : 'OpenFileMappingW', request.name);
    return opened;
  },
  map: sectionMap,
  close: sectionClose,
  unlink(name) {
    if (!sectionExists(name)) throw syscallError(lastError(), 'OpenFileMappingW', name);
    return false;
  },
};
