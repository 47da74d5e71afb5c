// The seam between core and a backend built with defineBackend(): core validates every argument,
// opens the file, checks ranges and orchestrates resize/close; a backend only maps memory.
import type { SharedId, ShareToken } from './share.js';
import type { Advice, Capabilities, Residency, WaitResult } from './types.js';

/** Which call made a file map: map() = 'read', mapMut() = 'shared', mapCopy() = 'copy'. */
export type FileMapKind = 'read' | 'shared' | 'copy';

/** A file mapping request, already validated: the range lies inside the file. */
export interface FileRegionRequest {
  /** Which call this is. */
  readonly kind: FileMapKind;
  /**
   * Open fd on the file (readable for read/copy, readable and writable for shared). For 'read' and
   * 'copy' it is valid only during openFile(): the mapping must not need it afterwards (core closes
   * it, or it is the caller's, right after). For 'shared' it is core's own and stays open for the
   * map's life (flush, resize).
   */
  readonly fd: number;
  /** The path when the source was one (for error messages), else undefined. */
  readonly path: string | undefined;
  /** File offset of byte 0 of the map: any value, not aligned; exact up to 2^53. */
  readonly offset: number;
  /** Bytes to map; may be 0 (then no OS mapping must be made, and no syscall error may leak). */
  readonly length: number;
  /** File size at map time (offset + length <= fileSize). */
  readonly fileSize: number;
  /** Fault the pages in at map time (read and copy maps: without copying them). */
  readonly populate: boolean;
  /**
   * 'shared' only: reserve disk blocks for the whole range before mapping (never set for length
   * 0). A full disk must throw ENOSPC and leave the file's bytes as they were; core restores the
   * file's size (or removes a file it created) when openFile throws.
   */
  readonly allocate: boolean;
}

/** What core asks of a resize beyond the new length. */
export interface RemapOptions {
  /**
   * Shared file maps only: reserve disk blocks for the map's whole new range before remapping
   * (before any view is detached); ENOSPC leaves the map and the file's bytes as they were.
   */
  readonly allocate: boolean;
}

/** An anonymous mapping request, already validated. */
export interface AnonRegionRequest {
  /** Bytes to map; may be 0. */
  readonly length: number;
  /** Fault the pages in at map time. */
  readonly populate: boolean;
  /** Only true when the backend's capabilities.hugePages is true (core checks). */
  readonly hugePages: boolean;
}

/**
 * One live mapping as a backend sees it. All offsets/lengths are map-relative, validated by core
 * (0 <= offset, offset + length <= map length). Core calls nothing after close().
 */
export interface Region {
  /** The whole map as one Buffer. Core only calls it when length <= maxWholeBufferLength(). */
  buffer(): Buffer;
  /**
   * A window of [offset, offset + length) over an ArrayBuffer of its own that starts at `offset`:
   * core calls it for maps too large for one Buffer, and for array() where buffer()'s ArrayBuffer
   * does not start on an element boundary (a map at an odd file offset). Detached as buffer() is.
   */
  window(offset: number, length: number): Buffer;
  /** Durable on return. Only called for 'shared' file maps (core makes it a no-op for copy/anon). */
  flush(offset: number, length: number): void;
  /** As flush, off the main thread. */
  flushAsync(offset: number, length: number): Promise<void>;
  /** Returns whether the hint was applied. */
  advise(advice: Advice, offset: number, length: number): boolean;
  /** Fault the range in off the main thread. */
  prefetch(offset: number, length: number): Promise<void>;
  /** Pages of the range in memory, of those it spans. */
  residency(offset: number, length: number): Residency;
  /** Only called when capabilities.lock is true. */
  lock(): void;
  /** Only called when capabilities.lock is true. */
  unlock(): void;
  /**
   * Change the map's length to newLength (may be 0). For 'shared' maps core has already grown the
   * file when needed and cuts it afterwards on shrink. Every Buffer handed out before is detached
   * or neutralised on return. Never called for 'copy' maps.
   */
  remap(newLength: number, options: RemapOptions): void;
  /**
   * Optional: true where the OS refuses to shorten a file while this mapping maps it (Windows:
   * ERROR_USER_MAPPED_FILE). To shrink a shared map that reaches the end of its file, core then
   * remaps to 0, cuts the file and remaps to the new length (restoring the old length when the cut
   * fails); false or absent: core calls remap() and cuts the file after it.
   */
  readonly blocksFileCut?: boolean;
  /** Detach or neutralise every Buffer handed out, then unmap. Called at most once. */
  close(): void;
  /**
   * The map object was garbage-collected without close(). Buffers the user extracted (e.g. the
   * ArrayBuffer) may still be alive, so a zero-copy backend must not unmap here (unmap when the
   * ArrayBuffer itself is collected); a copying backend writes changes back. Core closes the fd after.
   */
  collected(): void;
  /**
   * wait/notify on the int32 at map offset `offset` (validated: aligned, inside the map). Only
   * called when capabilities.waitNotify is true. `timeoutMs` is >= 0 or Infinity; `count` is
   * >= 0 and at most 2^31 - 1.
   */
  wait?(offset: number, expected: number, timeoutMs: number): WaitResult;
  /**
   * As wait(), resolving later, without blocking the event loop or holding a libuv thread-pool
   * thread. close() must wake it (core has already rejected the caller's promise with
   * ERR_MMAP_CLOSED; the backend's promise may settle any way) and must keep the memory mapped
   * until the waiting thread has returned. Core refuses remap() while one is pending.
   */
  waitAsync?(offset: number, expected: number, timeoutMs: number): Promise<WaitResult>;
  /** Wakes up to `count` waiters on the int32 at `offset`; returns how many woke. Only called when capabilities.waitNotify is true. */
  notify?(offset: number, count: number): number;
  /**
   * Optional: a promise that settles when no asynchronous work (flushAsync, prefetch) still uses the
   * fd. Core closes its fd only after it settles, so a pending write can never hit a reused fd.
   */
  whenIdle?(): Promise<void> | undefined;
  /**
   * Optional (capabilities.shareable): makes this map's memory openable by other threads of the
   * process and names it. The memory then lives until the last map object over it (this one or
   * any openShared() one) is closed or collected or its thread ends; remap() must fail with EBUSY
   * while another lives. Called again, it names the same memory. The id is looked up in a
   * process-wide registry by openShared(): it must never be an address, so that no handle,
   * forged or altered, can make the backend touch memory that is not mapped.
   */
  share?(): SharedId;
}

/**
 * The memory behind a handle, as the backend's registry has it (never as the handle says): a new
 * Region over the same pages, of the kind, file offset and length it has now.
 */
export interface OpenedShared {
  /** A new region over the same memory, for one new map object. */
  readonly region: Region;
  /** What kind of map it is ('shared' for named maps too). */
  readonly kind: 'read' | 'shared' | 'copy' | 'anon';
  /** File offset of byte 0 (0 for anonymous and named maps). */
  readonly offset: number;
  /** Bytes in it now (a resize since share() changed it). */
  readonly length: number;
  /**
   * A 'shared' file map: a new close-on-exec descriptor on the file for this map object (flush,
   * resize), owned by core from now on; -1 for every other kind, or where the backend has none to
   * give (then core refuses resize() of the opened map).
   */
  readonly fd: number;
  /** Optional: how to close `fd` when the backend made it natively (as OpenedNamed.closeFd). */
  readonly closeFd?: (fd: number) => void;
}

/** How a descriptor was opened (its O_ACCMODE). */
export type FdAccess = 'read' | 'write' | 'read-write';

/**
 * Optional native help with a caller's descriptor (Node has no fcntl). With it core checks a
 * caller's fd and gives a shared map its own descriptor without touching /proc; without it core
 * probes reading with a one-byte pread (EBADF: not open for reading), asks /proc/self/fdinfo
 * (Linux) about writing and when the probe cannot tell, and reopens the fd for shared maps.
 */
export interface DescriptorOps {
  /** The fd's access mode (fcntl F_GETFL); throws (an fs-style error, e.g. EBADF) for a bad fd. */
  accessMode(fd: number): FdAccess;
  /**
   * A new close-on-exec descriptor on the same open file description (F_DUPFD_CLOEXEC), for a
   * shared map to keep while it lives. Only offered by backends that never write through the fd
   * (an O_APPEND description would misplace positioned writes).
   */
  duplicate(fd: number): number;
  /**
   * Optional: closes a descriptor duplicate() made, natively (Node's fs in a Worker warns about
   * closing a descriptor it did not open). Without it core closes duplicates with node:fs.
   */
  close?(fd: number): void;
  /**
   * Optional: fstat in one native call, cheaper than fs.fstatSync (no Stats object): the size in
   * bytes and what the fd names. Throws (fs-style) on failure.
   */
  stat?(fd: number): FileInfo;
}

/** What core needs from fstat. */
export interface FileInfo {
  /** Size in bytes. */
  readonly size: number;
  /** What the descriptor names (only regular files can be mapped). */
  readonly type: 'file' | 'directory' | 'fifo' | 'socket' | 'other';
}

/** A named shared memory request, already validated (name rules, options). */
export interface NamedRegionRequest {
  /** 1-31 characters of [A-Za-z0-9._-], not '.' or '..' (no leading '/'). */
  readonly name: string;
  /** Make it if missing. */
  readonly create: boolean;
  /** With create: fail with EEXIST if it exists. */
  readonly exclusive: boolean;
  /** Permission bits for a created region. */
  readonly mode: number;
}

/**
 * An opened named region as a descriptor (POSIX shm_open): core sizes it and maps it through
 * openFile() as a 'shared' map, so flush/resize/close work as for files. `created`: this call made
 * it (core removes the name again if mapping then fails). Named memory that is no descriptor (a
 * Windows section) comes through openNamedSection() instead.
 */
export interface OpenedNamed {
  /** The region's descriptor, owned by core from now on. */
  readonly fd: number;
  /**
   * Optional: how to close `fd` when the backend made it natively (shm_open) rather than through
   * the runtime's node:fs, which in a Worker warns about closing a descriptor it did not open.
   * Without it core closes the descriptor with node:fs.
   */
  readonly closeFd?: (fd: number) => void;
  /** This call created the name. */
  readonly created: boolean;
}

/** As NamedRegionRequest, plus the size a created region gets. */
export interface NamedSectionRequest extends NamedRegionRequest {
  /** With create: the size of a region this call makes (an existing one keeps its own). */
  readonly length: number;
}

/**
 * A named region opened as a fixed-size section (Windows: a paging-file section `Local\<name>`,
 * alive while some process holds it). It cannot grow, so core refuses a larger length for an
 * existing one and refuses resize() of its maps (ERR_MMAP_UNSUPPORTED). Core calls map() at most
 * once, then always close().
 */
export interface OpenedSection {
  /** Bytes the region holds (what the OS reports: a Windows section's size rounded up to a page). */
  readonly size: number;
  /** This call created the name. */
  readonly created: boolean;
  /** Maps [0, length) of it (length <= size, may be 0) as a 'shared' region with no descriptor. */
  map(length: number): Region;
  /** Drops this call's own reference to the region (a map made by map() keeps it alive). */
  close(): void;
}

/** A read or copy map of a path, for a backend that opens, sizes, maps and closes in one call. */
export interface PathRegionRequest {
  /** Which call this is: map() = 'read', mapCopy() = 'copy'. */
  readonly kind: 'read' | 'copy';
  /** The path as the caller gave it (core checked it: non-empty, no NUL byte). */
  readonly path: string;
  /** File offset of byte 0 of the map (validated, exact up to 2^53). */
  readonly offset: number;
  /** Bytes to map; undefined: from offset to the end of the file (0 when offset is past it). */
  readonly length: number | undefined;
  /** Fault the pages in at map time (without copying them). */
  readonly populate: boolean;
}

/**
 * What openPath() made: the region and its length, or, when offset + length is past the end of
 * the file (then nothing is mapped and nothing is left open), the file's size and the length asked.
 */
export type PathRegion = MappedPath | PathPastEnd;

/** openPath() mapped the range. */
export interface MappedPath {
  /** The new mapping. */
  readonly region: Region;
  /** Bytes mapped (the request's length, or what lay past the offset). */
  readonly length: number;
}

/** openPath() found offset + length past the end of the file: nothing mapped, nothing left open. */
export interface PathPastEnd {
  /** What the file holds, against what was asked for. */
  readonly pastEnd: {
    /** The file's size in bytes. */
    readonly fileSize: number;
    /** The length asked for (or computed from the file's size). */
    readonly length: number;
  };
}

/** What a backend supplies to defineBackend(). */
export interface BackendImplementation {
  /** The backend's name ('napi', 'ffi', or a third party's). */
  readonly name: string;
  /** Its frozen manifest, from defineCapabilities(). */
  readonly capabilities: Capabilities;
  /** Maps a validated file range; throw MmapError (or an fs-style error) on failure. */
  openFile(request: FileRegionRequest): Region;
  /**
   * Optional fast path for map() and mapCopy() of a path: open read-only, fstat, check it is a
   * regular file (a directory is EISDIR, a FIFO or socket ENODEV, as syscall 'mmap'), map the range
   * when it lies inside the file, close the descriptor, all in one call. Errors are thrown as OS
   * errors (syscall 'open', 'fstat' or 'mmap', with the path); core adds the remedies. Without it
   * core opens the file itself and calls openFile().
   */
  openPath?(request: PathRegionRequest): PathRegion;
  /** Maps validated anonymous memory. */
  openAnon(request: AnonRegionRequest): Region;
  /** Optional native help with a caller's descriptor. */
  readonly descriptors?: DescriptorOps;
  /** Only called when capabilities.named is true; errors are thrown as OS errors (ENOENT, EEXIST, ...). */
  openNamed?(request: NamedRegionRequest): OpenedNamed;
  /** Instead of openNamed where named memory is a fixed-size section, not a descriptor (Windows). */
  openNamedSection?(request: NamedSectionRequest): OpenedSection;
  /** Removes a validated name; true when removed, false where names cannot be removed. */
  unlinkNamed?(name: string): boolean;
  /**
   * Only called when capabilities.shareable is true, with a handle core has checked (an object of
   * this backend, from this process, every field of the right shape). Answers 'forged' when this
   * process never issued it (the backend's secret does not match its fields), 'released' when the
   * memory is gone, else the memory, with a new holder taken on it. Must never touch memory the
   * handle names without finding it live in the backend's own registry.
   */
  openShared?(token: ShareToken): OpenedShared | 'released' | 'forged';
}
