// Named shared memory through shm_open/shm_unlink ("/" + name); core sizes and maps the fd.
import { type NamedRegionRequest, type OpenedNamed, runtimeOwnedFd, syscallError } from '@memmap/core';
import { platform } from '../../platform/index.js';
import type { NamedMemory } from '../types.js';
import { type Libc, lastErrno } from './libc.js';

const EEXIST = 17; // EEXIST and ENOENT have the same numbers on Linux, macOS and FreeBSD
const ENOENT = 2;

export function shmNamed(libc: Libc): NamedMemory {
  function shmOpen(name: string, flags: number, mode: number): number {
    return libc.shm_open!(`/${name}`, flags | platform.O_RDWR | platform.O_CLOEXEC, 'uint32_t', mode);
  }

  /**
   * With create, tries to make it first (so we know whether this call created it: core unlinks it
   * again if mapping then fails), then opens the existing one unless exclusive. Retried: another
   * process may create or unlink the name between the two calls.
   */
  function open(request: NamedRegionRequest): OpenedNamed {
    const { O_CREAT, O_EXCL } = platform;
    for (let attempt = 0; attempt < 8; attempt++) {
      if (request.create) {
        const fd = shmOpen(request.name, O_CREAT | O_EXCL, request.mode);
        if (fd >= 0) return adopt(fd, true, request.name);
        const err = lastErrno();
        if (err !== EEXIST || request.exclusive) throw syscallError(err, 'shm_open', request.name);
      }
      const fd = shmOpen(request.name, 0, 0);
      if (fd >= 0) return adopt(fd, false, request.name);
      const err = lastErrno();
      if (err !== ENOENT || !request.create) throw syscallError(err, 'shm_open', request.name);
    }
    throw syscallError(11 /* EAGAIN */, 'shm_open', request.name);
  }

  /** The descriptor as core's node:fs calls accept it (reopened under Deno: core's runtime-fd.ts). */
  function adopt(fd: number, created: boolean, name: string): OpenedNamed {
    try {
      const owned = runtimeOwnedFd(fd, (raw) => libc.close?.(raw));
      // Closed the way it was opened: natively, unless it was reopened through node:fs (Deno).
      const close = libc.close;
      if (owned !== fd || !close) return { fd: owned, created };
      return {
        fd,
        created,
        closeFd: (raw) => {
          if (close(raw) !== 0) throw syscallError(lastErrno(), 'close', name);
        },
      };
    } catch (error) {
      if (created) libc.shm_unlink!(`/${name}`);
      throw error;
    }
  }

  function unlink(name: string): boolean {
    if (libc.shm_unlink!(`/${name}`) !== 0) throw syscallError(lastErrno(), 'shm_unlink', name);
    return true;
  }

  return {
    kind: 'descriptor',
    // shm_open may be missing from an old C library (then capabilities.named is false).
    available: libc.shm_open !== undefined && libc.shm_unlink !== undefined,
    open,
    unlink,
  };
}
