// Named memory on Windows: the paging-file section `Local\<name>` (src/native/shm_win.cc). It is
// no descriptor, so core maps it through openNamedSection(); it lives while a process holds it and
// cannot be removed by name (unlinkNamed answers false when the name is held, ENOENT when not).
import type { NamedSectionRequest, OpenedSection } from '@memmap/core';
import { addon } from './addon.js';
import { toMmapError } from './errors.js';
import { NapiRegion } from './region.js';

/** The section hooks where the addon has them (Windows builds), else undefined. */
export function namedSections() {
  const { sectionOpen, sectionMap, sectionClose, sectionExists } = addon;
  if (!sectionOpen || !sectionMap || !sectionClose || !sectionExists) return undefined;
  return {
    openNamedSection(request: NamedSectionRequest): OpenedSection {
      let opened: [number, boolean, number];
      try {
        opened = sectionOpen(request.name, request.create, request.exclusive, request.length);
      } catch (error) {
        throw toMmapError(error, request.name);
      }
      const [section, created, size] = opened;
      return {
        size,
        created,
        map(length: number) {
          try {
            return new NapiRegion(sectionMap(section, length), undefined, -1, 0);
          } catch (error) {
            throw toMmapError(error, request.name);
          }
        },
        close: () => sectionClose(section),
      };
    },
    unlinkNamed(name: string): boolean {
      try {
        sectionExists(name);
        return false;
      } catch (error) {
        throw toMmapError(error, name);
      }
    },
  };
}
