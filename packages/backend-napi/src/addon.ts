// Loads the compiled addon: build/Release when built from source, else the prebuild in prebuilds/.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Advice, ErrorCodes, type FileMapKind, MmapError } from '@memmap/core';

/**
 * One native mapping (src/native/native_map.cc): an opaque handle (a small integer naming a slot
 * of a per-thread table, with a generation), valid until close() or release(). A stale handle
 * (or -1) throws a "closed"-tagged error instead of touching freed memory.
 */
declare const handleBrand: unique symbol;
export type MapHandle = number & { readonly [handleBrand]: true };

/** `kind` is one of constants.mapKinds. Offsets are map-relative, validated by core. */
export interface Addon {
  mapFile(kind: number, fd: number, offset: number, length: number, populate: boolean): MapHandle;
  /**
   * Opens, sizes, maps and closes a path (read/copy kinds; length -1 = to the end). `out` receives
   * [file size, map length]; -1 (no handle) when the range is past the end of the file.
   */
  mapPath?(path: string, kind: number, offset: number, length: number, populate: boolean, out: Float64Array): MapHandle | -1;
  mapAnon(length: number, populate: boolean, hugePages: boolean): MapHandle;
  /** posix_fallocate(fd, offset, length): disk blocks for the range, or ENOSPC. */
  allocate(fd: number, offset: number, length: number): void;
  /** A Buffer over the whole map; keep it and pass it to remap()/close(), which detach it. */
  buffer(h: MapHandle): Buffer;
  /** A window (for maps too large for one Buffer), tracked natively for detaching. */
  window(h: MapHandle, offset: number, length: number): Buffer;
  flush(h: MapHandle, offset: number, length: number): void;
  flushAsync(h: MapHandle, offset: number, length: number): Promise<void>;
  advise(h: MapHandle, advice: number, offset: number, length: number): boolean;
  prefetch(h: MapHandle, offset: number, length: number): Promise<void>;
  residency(h: MapHandle, offset: number, length: number): [resident: number, total: number];
  lock(h: MapHandle): void;
  unlock(h: MapHandle): void;
  remap(h: MapHandle, newLength: number, whole: Buffer | undefined): void;
  /** Detaches `whole` and every window, unmaps (after running jobs) and invalidates the handle. */
  close(h: MapHandle, whole: Buffer | undefined): void;
  /** The map object was collected unclosed: invalidates the handle; live Buffers keep the memory. */
  release(h: MapHandle): void;
  /** Blocks while the int32 at offset holds expected; 0 ok, 1 not-equal, 2 timed-out. */
  wait(h: MapHandle, offset: number, expected: number, timeoutMs: number): number;
  /** As wait(), on a waiter thread of the addon's own (never libuv's pool). */
  waitAsync(h: MapHandle, offset: number, expected: number, timeoutMs: number): Promise<number>;
  notify(h: MapHandle, offset: number, count: number): number;
  /** shm_open: [fd, whether this call created it]. */
  shmOpen(name: string, create: boolean, exclusive: boolean, mode: number): [fd: number, created: boolean];
  shmUnlink(name: string): void;
  /** Windows: the section `Local\\<name>` opened or created: [section, created, size in bytes]. */
  sectionOpen?(name: string, create: boolean, exclusive: boolean, size: number): [section: number, created: boolean, size: number];
  /** Windows: a 'shared' map of the section's first `length` bytes. */
  sectionMap?(section: number, length: number): MapHandle;
  sectionClose?(section: number): void;
  /** Windows: true when some process holds the name; throws ENOENT when none does. */
  sectionExists?(name: string): boolean;
  readonly waitNotify: boolean;
  readonly named: boolean;
  /** The native enums by name (src/native/os.h), so TS never keeps a copy of their numbers. */
  readonly constants: { readonly mapKinds: Readonly<Record<FileMapKind, number>>; readonly advice: Readonly<Record<Advice, number>> };
  readonly pageSize: number;
  readonly hugeTlb: boolean;
  readonly truncationSafe: boolean;
  readonly externalBuffers: boolean;
  /** The module is pinned: never unloaded while the process lives (src/native/pin.h). */
  readonly pinned: boolean;
  /** fcntl(F_GETFL) & O_ACCMODE: 0 read-only, 1 write-only, 2 read-write (POSIX builds only). */
  fdAccessMode?(fd: number): number;
  /** fcntl(F_DUPFD_CLOEXEC) (POSIX builds only). */
  fdDuplicate?(fd: number): number;
  /** fstat: size * 8 + type (0 file, 1 directory, 2 FIFO, 3 socket, 4 other) (POSIX builds only). */
  fdStat?(fd: number): number;
  /** Closes a descriptor the addon made (a duplicate, shm_open, openShared) that the runtime's fs does not own. */
  closeFd?(fd: number): void;
  /**
   * Registers the map's memory for other threads (once): [id, secret, kind] (id and secret as 16
   * hex digits; kind as core names it).
   */
  share(h: MapHandle): [id: string, secret: string, kind: string];
  /**
   * A new map over the memory a handle names: [handle, kind, offset, length, fd] from the registry
   * (fd: a new descriptor for a shared file map, else -1; with keepFd the new mapping owns and
   * closes it), or 1 when released, 2 when forged.
   */
  openShared(
    id: string,
    secret: string,
    kind: string,
    offset: number,
    length: number,
    pid: number,
    keepFd: boolean,
  ): [handle: MapHandle, kind: string, offset: number, length: number, fd: number] | 1 | 2;
  /** Native mapping objects alive in this process (for leak tests). */
  liveMappings(): number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown;

/** build/Release (a build from source) first, else the prebuild for this platform; why not, if neither. */
function loadAddon(): Addon {
  try {
    return nodeGypBuild(root) as Addon;
  } catch (error) {
    // "No native build was found for platform=... libc=..." or the loader's own reason (an older
    // glibc, a musl system, a foreign architecture): core's loadBackend() records it and moves on.
    const reason = String((error as Error)?.message ?? error).split('\n')[0];
    throw new MmapError(ErrorCodes.UNSUPPORTED, `The napi addon cannot load here: ${reason}`);
  }
}

export const addon = loadAddon();

/** The name the addon's numeric `code` stands for; a code without one is a bug on either side. */
export function codeName<T>(names: readonly T[], code: number, what: string): T {
  const name = names[code];
  if (name === undefined) throw new Error(`The napi addon returned ${what} ${code}, which has no name here`);
  return name;
}

// Fail at load time (so core's loadBackend() falls back) rather than on the first buffer().
if (!addon.externalBuffers) {
  throw new MmapError(
    ErrorCodes.UNSUPPORTED,
    'This runtime forbids external ArrayBuffers (V8 memory cage), so the napi backend cannot map memory',
  );
}
