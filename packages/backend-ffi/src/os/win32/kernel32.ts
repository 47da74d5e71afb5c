// The memory calls of os/types.ts (mmap, munmap, msync, madvise, mincore, mlock, ...) made of
// kernel32 for Windows x64, with the flag values of platform/win32.ts. A file map is a section
// (CreateFileMappingW) with one view (MapViewOfFile) at a 64 KiB-aligned offset, the section handle
// closed at once (the view keeps it), and the address of the requested offset returned, so the
// backend works in 4 KiB pages as elsewhere. MAP_PRIVATE views are copy-on-write (FILE_MAP_COPY);
// anonymous memory is a paging-file section. A descriptor becomes a HANDLE through libuv's
// uv_get_osfhandle, which node.exe exports. Failures set an error number that lastError() returns
// as libuv's positive code, so core names it as Node's fs does (ERROR_ACCESS_DENIED -> EACCES, ...).
import koffi from 'koffi';
import { constants as win } from '../../platform/win32.js';
import type { MemoryCalls } from '../types.js';

type Pointer = bigint;
type Callback<T> = (error: unknown, result: T) => void;

// Loaded by kernel32Calls(), never at import: this module is imported on every platform.
function loadKernel32() {
  const kernel32 = koffi.load('kernel32.dll');
  const optional = (definition: string): ReturnType<typeof kernel32.func> | undefined => {
    try {
      return kernel32.func(definition);
    } catch {
      return undefined; // kernel32 before Windows 8
    }
  };
  return {
    GetLastError: kernel32.func('uint32_t __stdcall GetLastError()'),
    GetCurrentProcess: kernel32.func('void * __stdcall GetCurrentProcess()'),
    CloseHandle: kernel32.func('int __stdcall CloseHandle(void *handle)'),
    DuplicateHandle: kernel32.func(
      'int __stdcall DuplicateHandle(void *srcProcess, void *src, void *dstProcess, _Out_ void **dst, uint32_t access, int inherit, uint32_t options)',
    ),
    GetFileSizeEx: kernel32.func('int __stdcall GetFileSizeEx(void *file, _Out_ int64_t *size)'),
    CreateFileMappingW: kernel32.func(
      'void * __stdcall CreateFileMappingW(void *file, void *attributes, uint32_t protect, uint32_t sizeHigh, uint32_t sizeLow, void *name)',
    ),
    // Named memory: the paging-file section `Local\<name>` (named.ts).
    CreateFileMappingNamed: kernel32.func(
      'void * __stdcall CreateFileMappingW(void *file, void *attributes, uint32_t protect, uint32_t sizeHigh, uint32_t sizeLow, const char16_t *name)',
    ),
    OpenFileMappingW: kernel32.func('void * __stdcall OpenFileMappingW(uint32_t access, int inherit, const char16_t *name)'),
    MapViewOfFile: kernel32.func(
      'void * __stdcall MapViewOfFile(void *section, uint32_t access, uint32_t offsetHigh, uint32_t offsetLow, size_t length)',
    ),
    UnmapViewOfFile: kernel32.func('int __stdcall UnmapViewOfFile(void *base)'),
    VirtualAlloc: kernel32.func('void * __stdcall VirtualAlloc(void *addr, size_t size, uint32_t type, uint32_t protect)'),
    VirtualFree: kernel32.func('int __stdcall VirtualFree(void *addr, size_t size, uint32_t type)'),
    // MEMORY_BASIC_INFORMATION (48 bytes on x64) into a Buffer.
    VirtualQuery: kernel32.func('size_t __stdcall VirtualQuery(void *addr, _Out_ uint8_t *info, size_t length)'),
    FlushViewOfFile: kernel32.func('int __stdcall FlushViewOfFile(void *addr, size_t length)'),
    FlushFileBuffers: kernel32.func('int __stdcall FlushFileBuffers(void *file)'),
    VirtualLock: kernel32.func('int __stdcall VirtualLock(void *addr, size_t length)'),
    VirtualUnlock: kernel32.func('int __stdcall VirtualUnlock(void *addr, size_t length)'),
    GetProcessWorkingSetSize: kernel32.func(
      'int __stdcall GetProcessWorkingSetSize(void *process, _Out_ size_t *minimum, _Out_ size_t *maximum)',
    ),
    SetProcessWorkingSetSize: kernel32.func('int __stdcall SetProcessWorkingSetSize(void *process, size_t minimum, size_t maximum)'),
    // WIN32_MEMORY_RANGE_ENTRY[] and PSAPI_WORKING_SET_EX_INFORMATION[] are passed as raw Buffers.
    PrefetchVirtualMemory: optional('int __stdcall PrefetchVirtualMemory(void *process, size_t count, uint8_t *ranges, uint32_t flags)'),
    // PUBLIC_OBJECT_BASIC_INFORMATION (56 bytes): GrantedAccess at 4.
    NtQueryObject: koffi
      .load('ntdll.dll')
      .func('int32_t __stdcall NtQueryObject(void *handle, int kind, _Out_ uint8_t *info, uint32_t length, void *returned)'),
    K32QueryWorkingSetEx: kernel32.func('int __stdcall K32QueryWorkingSetEx(void *process, _Inout_ uint8_t *info, uint32_t length)'),
    RtlMoveMemory: kernel32.func('void __stdcall RtlMoveMemory(void *dst, void *src, size_t length)'),
    RtlFillMemory: kernel32.func('void __stdcall RtlFillMemory(void *dst, size_t length, uint8_t fill)'),
    // Cross-process wait/notify (wait.ts): files by identity, named semaphores per slot.
    // BY_HANDLE_FILE_INFORMATION (52 bytes): volume serial at 28, file index high/low at 44/48.
    GetFileInformationByHandle: kernel32.func('int __stdcall GetFileInformationByHandle(void *file, _Out_ uint8_t *info)'),
    GetCurrentProcessId: kernel32.func('uint32_t __stdcall GetCurrentProcessId()'),
    CreateSemaphoreW: kernel32.func(
      'void * __stdcall CreateSemaphoreW(void *attributes, int32_t initial, int32_t maximum, const char16_t *name)',
    ),
    ReleaseSemaphore: kernel32.func('int __stdcall ReleaseSemaphore(void *semaphore, int32_t count, void *previous)'),
    WaitForSingleObject: kernel32.func('uint32_t __stdcall WaitForSingleObject(void *handle, uint32_t ms)'),
  };
}

// libuv, from the running node.exe: the HANDLE behind a descriptor and its own Win32 error table.
function loadUv() {
  const host = koffi.load(process.execPath);
  return {
    get_osfhandle: host.func('void * uv_get_osfhandle(int fd)'),
    translate_sys_error: host.func('int uv_translate_sys_error(int error)'),
    open_osfhandle: host.func('int uv_open_osfhandle(void *handle)'),
    default_loop: host.func('void * uv_default_loop()'),
    // uv_fs_t is opaque here: the request is a buffer far larger than libuv's (about 450 bytes).
    fs_close: host.func('int uv_fs_close(void *loop, _Inout_ uint8_t *req, int fd, void *cb)'),
    fs_req_cleanup: host.func('void uv_fs_req_cleanup(_Inout_ uint8_t *req)'),
  };
}

let k!: ReturnType<typeof loadKernel32>;
let uv!: ReturnType<typeof loadUv>;

const FAILED: Pointer = (1n << 64n) - 1n; // MAP_FAILED, and INVALID_HANDLE_VALUE
const CURRENT_PROCESS: Pointer = FAILED; // GetCurrentProcess()'s pseudo handle
const GRANULARITY = 65536; // where views start (dwAllocationGranularity)
const PAGE = 4096; // dwPageSize on x64

const PAGE_READWRITE = 0x04;
const PAGE_WRITECOPY = 0x08;
const SEC_COMMIT = 0x8000000;
const FILE_MAP_COPY = 0x01;
const FILE_MAP_WRITE = 0x02;
const FILE_MAP_READ = 0x04;
const MEM_COMMIT = 0x1000;
const MEM_RESERVE = 0x2000;
const MEM_RELEASE = 0x8000;
const MEM_PRIVATE = 0x20000;
const DUPLICATE_SAME_ACCESS = 0x2;
const ERROR_INVALID_HANDLE = 6;
const ERROR_NOT_LOCKED = 158;
const ERROR_WORKING_SET_QUOTA = 1453;

// libuv's Windows numbers for what its table does not say the way mmap would.
const overrides = new Map<number, number>([
  [5 /* ERROR_ACCESS_DENIED */, 4092 /* EACCES; libuv says EPERM */],
  [ERROR_WORKING_SET_QUOTA, 4057 /* ENOMEM, mlock's answer */],
  [1455 /* ERROR_COMMITMENT_LIMIT */, 4057],
  [1224 /* ERROR_USER_MAPPED_FILE */, 4082 /* EBUSY */],
  [1314 /* ERROR_PRIVILEGE_NOT_HELD */, 4048 /* EPERM */],
]);
const EINVAL = 4071;
const EIO = 4070;

let errorCode = 0;

/** Records a Win32 error as libuv's positive code; returns the POSIX-style failure value given. */
function fail<T>(value: T, win32 = Number(k.GetLastError())): T {
  const uvCode = overrides.get(win32) ?? -Number(uv.translate_sys_error(win32));
  errorCode = uvCode > 0 && uvCode !== 4094 /* UNKNOWN */ ? uvCode : EIO;
  return value;
}

const isNull = (p: Pointer | null): boolean => p === null || p === 0n;

/**
 * The views this backend made, by base address: length, a file HANDLE of its own (shared maps),
 * and for a named map its section's HANDLE (Windows drops a name with the last HANDLE, not view).
 */
const views = new Map<Pointer, { length: number; file: Pointer | null; section?: Pointer; identity?: string; objectOffset?: number }>();

/** The name of each section sectionOpen() returned, until sectionClose(): its views' wait identity. */
const sectionNames = new Map<Pointer, string>();

/** How many views show each identity; wait.ts is told when the last one goes. */
const identityViews = new Map<string, number>();
let identityReleased: ((identity: string) => void) | undefined;

/** Called with an identity when the last view showing it is unmapped (wait.ts's tables). */
export function onIdentityReleased(listener: (identity: string) => void): void {
  identityReleased = listener;
}

function addView(
  base: Pointer,
  view: { length: number; file: Pointer | null; section?: Pointer; identity?: string; objectOffset?: number },
): void {
  views.set(base, view);
  if (view.identity !== undefined) identityViews.set(view.identity, (identityViews.get(view.identity) ?? 0) + 1);
}

/** "f<volume serial>-<file index>", as the napi addon spells it (src/native/wait_win.cc). */
function fileIdentity(file: Pointer): string | undefined {
  const info = Buffer.alloc(52);
  if (!k.GetFileInformationByHandle(file, info)) return undefined;
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  return `f${hex(info.readUInt32LE(28))}-${hex(info.readUInt32LE(44))}${hex(info.readUInt32LE(48))}`;
}

/**
 * The identity of what the memory at addr shows, shared by every process mapping it, and the
 * address's byte offset in it; undefined for memory that is not a shared or read view of ours.
 */
export function waitKeyAt(addr: Pointer): { identity: string; offset: number } | undefined {
  for (const [base, view] of views) {
    if (view.identity === undefined || addr < base || addr >= base + BigInt(view.length)) continue;
    return { identity: view.identity, offset: view.objectOffset! + Number(addr - base) };
  }
  return undefined;
}

/** The kernel32 calls wait.ts makes (loaded with the rest by kernel32Calls()). */
export const kernel32 = () => k;

function hi(n: number): number {
  return Math.floor(n / 2 ** 32);
}
function lo(n: number): number {
  return n % 2 ** 32;
}

/** The allocation holding addr (a view, or zero memory put in its place) and whether it is the latter. */
function allocationAt(addr: Pointer): { base: Pointer; private: boolean } {
  const info = Buffer.alloc(48); // MEMORY_BASIC_INFORMATION
  if (Number(k.VirtualQuery(addr, info, 48)) === 0) return { base: addr, private: false };
  return { base: info.readBigUInt64LE(8), private: info.readUInt32LE(40) === MEM_PRIVATE };
}

function release(addr: Pointer): boolean {
  const at = allocationAt(addr);
  forget(at.base);
  return Boolean(at.private ? k.VirtualFree(at.base, 0, MEM_RELEASE) : k.UnmapViewOfFile(at.base));
}

function fileHandle(fd: number): Pointer | null {
  const h = uv.get_osfhandle(fd) as Pointer | null;
  return isNull(h) || h === FAILED ? null : h;
}

function mapSection(file: Pointer | null, protect: number, size: number, access: number, offset: number, length: number): Pointer | null {
  const section = k.CreateFileMappingW(file ?? FAILED, null, protect, hi(size), lo(size), null) as Pointer | null;
  if (isNull(section)) return fail(null);
  const view = k.MapViewOfFile(section, access, hi(offset), lo(offset), length) as Pointer | null;
  const error = Number(k.GetLastError());
  k.CloseHandle(section); // the view keeps the section (and the file) alive
  return isNull(view) ? fail(null, error) : view;
}

function mmap(addr: Pointer | null, length: number, _prot: number, flags: number, fd: number, offset: number): Pointer {
  if (flags & win.MAP_ANONYMOUS) {
    if (flags & win.MAP_FIXED && addr !== null) {
      // Neutralise: no MAP_FIXED on Windows; drop the view and take its addresses back as zeros
      // (from the view's 64 KiB-aligned base, where a reservation must start).
      const { base } = allocationAt(addr);
      if (!release(addr)) return fail(FAILED);
      const p = k.VirtualAlloc(base, Number(addr - base) + length, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) as Pointer | null;
      return isNull(p) ? fail(FAILED) : addr;
    }
    const p = mapSection(null, PAGE_READWRITE | SEC_COMMIT, length, FILE_MAP_WRITE, 0, length);
    if (p === null) return FAILED;
    addView(p, { length, file: null });
    return p;
  }
  const file = fileHandle(fd);
  if (file === null) return fail(FAILED, ERROR_INVALID_HANDLE);
  // Lengths arrive rounded up to a page; a section larger than the file would extend it (or fail
  // on a read-only handle), so the view stops at the end of the file.
  const size = [0n];
  if (!k.GetFileSizeEx(file, size)) return fail(FAILED);
  const end = Math.min(offset + length, Number(size[0]));
  if (end <= offset) {
    errorCode = EINVAL;
    return FAILED;
  }
  const delta = offset % GRANULARITY; // views start at the allocation granularity
  const start = offset - delta;
  const shared = (flags & win.MAP_SHARED) !== 0;
  const p = shared
    ? mapSection(file, PAGE_READWRITE, end, FILE_MAP_READ | FILE_MAP_WRITE, start, end - start)
    : mapSection(file, PAGE_WRITECOPY, end, FILE_MAP_COPY, start, end - start);
  if (p === null) return FAILED;
  let own: Pointer | null = null;
  if (shared) {
    // msync's FlushFileBuffers needs the file: keep a HANDLE of our own, independent of the fd.
    const out: [Pointer | null] = [null];
    if (k.DuplicateHandle(CURRENT_PROCESS, file, CURRENT_PROCESS, out, 0, 0, DUPLICATE_SAME_ACCESS)) own = out[0];
  }
  // Shared and read views show what other processes map: their waits meet in the file's table.
  addView(p, { length: end - start, file: own, identity: fileIdentity(file), objectOffset: start });
  return p + BigInt(delta);
}

function forget(addr: Pointer): void {
  const view = views.get(addr);
  if (view?.file) k.CloseHandle(view.file);
  if (view?.section) k.CloseHandle(view.section);
  views.delete(addr);
  if (view?.identity === undefined) return;
  const left = (identityViews.get(view.identity) ?? 1) - 1;
  if (left > 0) identityViews.set(view.identity, left);
  else {
    identityViews.delete(view.identity);
    identityReleased?.(view.identity);
  }
}

function munmap(addr: Pointer, _length: number): number {
  return release(addr) ? 0 : fail(-1);
}

/** The view holding addr, and how many of `length` bytes from addr lie inside it. */
function viewAt(addr: Pointer, length: number): { file: Pointer | null; length: number } | undefined {
  for (const [base, view] of views) {
    const end = base + BigInt(view.length);
    if (addr >= base && addr < end) return { file: view.file, length: Math.min(length, Number(end - addr)) };
  }
  return undefined;
}

/**
 * The range was swapped for zero memory (close() or resize() while a flush was pending, where
 * views cannot be detached): there is no file behind it any more, and the backend synced the view
 * before the swap, so as msync() on anonymous memory this is a success.
 */
const neutralised = (addr: Pointer): boolean => allocationAt(addr).private;

function msync(addr: Pointer, length: number, _flags: number): number {
  const view = viewAt(addr, length);
  if (!k.FlushViewOfFile(addr, view?.length ?? length)) return neutralised(addr) ? 0 : fail(-1);
  if (view?.file && !k.FlushFileBuffers(view.file)) return fail(-1);
  return 0;
}

msync.async = (addr: Pointer, length: number, _flags: number, callback: Callback<number>): void => {
  const view = viewAt(addr, length);
  // A HANDLE of this call's own: close() may drop the view's (and its HANDLE) before we finish.
  const out: [Pointer | null] = [null];
  const file =
    view?.file && k.DuplicateHandle(CURRENT_PROCESS, view.file, CURRENT_PROCESS, out, 0, 0, DUPLICATE_SAME_ACCESS) ? out[0] : null;
  const done = (error: unknown, result: number): void => {
    if (file) k.CloseHandle(file);
    callback(error, result);
  };
  k.FlushViewOfFile.async(addr, view?.length ?? length, (error: unknown, ok: number) => {
    if (!error && !ok && neutralised(addr)) return done(null, 0);
    if (error || !ok) return done(error, ok ? 0 : fail(-1));
    if (!file) return done(null, 0);
    k.FlushFileBuffers.async(file, (error2: unknown, ok2: number) => done(error2, ok2 ? 0 : fail(-1)));
  });
};

function prefetch(addr: Pointer, length: number): boolean {
  if (k.PrefetchVirtualMemory === undefined) return false;
  const range = Buffer.alloc(16);
  range.writeBigUInt64LE(addr, 0);
  range.writeBigUInt64LE(BigInt(viewAt(addr, length)?.length ?? length), 8);
  return Boolean(k.PrefetchVirtualMemory(CURRENT_PROCESS, 1, range, 0));
}

function madvise(addr: Pointer, length: number, advice: number): number {
  if (advice !== win.MADV.willneed) return fail(-1, 50 /* ERROR_NOT_SUPPORTED */);
  return prefetch(addr, length) ? 0 : fail(-1);
}

madvise.async = (addr: Pointer, length: number, advice: number, callback: Callback<number>): void => {
  // PrefetchVirtualMemory only queues the reads: cheap enough to issue from this thread.
  const result = madvise(addr, length, advice);
  setImmediate(() => callback(null, result));
};

/** vec[i] = 1 when the i-th page is in the working set (QueryWorkingSetEx's Valid bit). */
function mincore(addr: Pointer, length: number, vec: Uint8Array): number {
  const pages = Math.ceil(length / PAGE);
  const info = Buffer.alloc(pages * 16); // PSAPI_WORKING_SET_EX_INFORMATION: address, attributes
  for (let i = 0; i < pages; i++) info.writeBigUInt64LE(addr + BigInt(i * PAGE), i * 16);
  if (!k.K32QueryWorkingSetEx(CURRENT_PROCESS, info, info.length)) return fail(-1);
  for (let i = 0; i < pages; i++) vec[i] = info.readUInt32LE(i * 16 + 8) & 1;
  return 0;
}

function mlock(addr: Pointer, range: number): number {
  const length = viewAt(addr, range)?.length ?? range; // the 64 KiB-rounded range may pass the view's end
  if (k.VirtualLock(addr, length)) return 0;
  const error = Number(k.GetLastError());
  if (error !== ERROR_WORKING_SET_QUOTA) return fail(-1, error);
  // Locking is bounded by the minimum working set: raise it by the range and try again.
  const min = [0n];
  const max = [0n];
  if (!k.GetProcessWorkingSetSize(CURRENT_PROCESS, min, max)) return fail(-1);
  const wantMin = Number(min[0]) + length;
  if (!k.SetProcessWorkingSetSize(CURRENT_PROCESS, wantMin, Math.max(Number(max[0]), wantMin) + length)) return fail(-1);
  return k.VirtualLock(addr, length) ? 0 : fail(-1);
}

function munlock(addr: Pointer, range: number): number {
  const length = viewAt(addr, range)?.length ?? range;
  if (k.VirtualUnlock(addr, length)) return 0;
  const error = Number(k.GetLastError());
  return error === ERROR_NOT_LOCKED ? 0 : fail(-1, error); // munlock of unlocked pages succeeds
}

const FILE_READ_DATA = 0x1;
const FILE_WRITE_DATA = 0x2;
const GENERIC_WRITE = 0x40000000;
const GENERIC_READ = 0x80000000;

/**
 * close() of a descriptor F_DUPFD_CLOEXEC made (uv_open_osfhandle): through libuv's own close, run
 * synchronously (no callback), so node:fs never closes a descriptor it did not open (a Worker's
 * runtime warns about that). 0, or -1 with the error set.
 */
function closeDescriptor(fd: number): number {
  const req = new Uint8Array(2048);
  const result = Number(uv.fs_close(uv.default_loop(), req, fd, null));
  uv.fs_req_cleanup(req);
  if (result < 0) {
    errorCode = -result;
    return -1;
  }
  return 0;
}

/**
 * fcntl(F_GETFL) and fcntl(F_DUPFD_CLOEXEC) for a descriptor of libuv's C runtime: the access its
 * HANDLE was granted (an append-only descriptor lacks FILE_WRITE_DATA, so it counts as read-only
 * and a shared map of it is refused), and a DuplicateHandle()d HANDLE in a descriptor of its own.
 */
function fcntl(fd: number, cmd: number): number {
  const file = fileHandle(fd);
  if (file === null) return fail(-1, ERROR_INVALID_HANDLE);
  if (cmd === win.F_GETFL) {
    const info = Buffer.alloc(56);
    if (Number(k.NtQueryObject(file, 0, info, info.length, null)) < 0) return fail(-1, ERROR_INVALID_HANDLE);
    const access = info.readUInt32LE(4);
    const read = (access & (FILE_READ_DATA | GENERIC_READ)) !== 0;
    const write = (access & (FILE_WRITE_DATA | GENERIC_WRITE)) !== 0;
    return read && write ? 2 : read ? 0 : 1; // O_RDWR, O_RDONLY, O_WRONLY
  }
  if (cmd === win.F_DUPFD_CLOEXEC) {
    const out: [Pointer | null] = [null];
    if (!k.DuplicateHandle(CURRENT_PROCESS, file, CURRENT_PROCESS, out, 0, 0, DUPLICATE_SAME_ACCESS)) return fail(-1);
    const copy = Number(uv.open_osfhandle(out[0]));
    if (copy < 0) {
      k.CloseHandle(out[0]);
      return fail(-1, 4 /* ERROR_TOO_MANY_OPEN_FILES */);
    }
    return copy;
  }
  return fail(-1, 87 /* ERROR_INVALID_PARAMETER */);
}

const ERROR_ALREADY_EXISTS = 183;
const EEXIST = 4075; // libuv's code

/**
 * The named paging-file section `Local\<name>`, opened or created (with `size` bytes; an existing
 * one keeps its own size). Returns null on failure (lastError() says why: ENOENT when missing
 * without create, EEXIST when exclusive and it exists). Its size is a whole view's region size:
 * Win32 keeps no byte size for such a section, so it is the created size rounded up to a page.
 */
export function sectionOpen(
  name: string,
  create: boolean,
  exclusive: boolean,
  size: number,
): { section: Pointer; created: boolean; size: number } | null {
  const wide = `Local\\${name}`;
  let section: Pointer | null;
  let created = false;
  if (create) {
    const bytes = Math.max(size, 1); // a section cannot have size 0: an empty region holds one page
    section = k.CreateFileMappingNamed(FAILED, null, PAGE_READWRITE | SEC_COMMIT, hi(bytes), lo(bytes), wide) as Pointer | null;
    if (isNull(section)) return fail(null);
    created = Number(k.GetLastError()) !== ERROR_ALREADY_EXISTS;
    if (!created && exclusive) {
      k.CloseHandle(section);
      errorCode = EEXIST;
      return null;
    }
  } else {
    section = k.OpenFileMappingW(FILE_MAP_READ | FILE_MAP_WRITE, 0, wide) as Pointer | null;
    if (isNull(section)) return fail(null); // ERROR_FILE_NOT_FOUND -> ENOENT
  }
  const view = k.MapViewOfFile(section, FILE_MAP_READ, 0, 0, 0) as Pointer | null;
  if (isNull(view)) {
    fail(null);
    k.CloseHandle(section);
    return null;
  }
  const info = Buffer.alloc(48); // MEMORY_BASIC_INFORMATION: RegionSize at 24
  const got = Number(k.VirtualQuery(view, info, 48));
  const error = Number(k.GetLastError());
  k.UnmapViewOfFile(view);
  if (got === 0) {
    k.CloseHandle(section);
    return fail(null, error);
  }
  sectionNames.set(section as Pointer, name);
  return { section: section as Pointer, created, size: Number(info.readBigUInt64LE(24)) };
}

/** A read-write view of the section's first `length` bytes (page-rounded), or MAP_FAILED. */
export function sectionMap(section: Pointer, length: number): Pointer {
  // The map holds a HANDLE of its own until it is unmapped, so the name lives while it does.
  const own: [Pointer | null] = [null];
  if (!k.DuplicateHandle(CURRENT_PROCESS, section, CURRENT_PROCESS, own, 0, 0, DUPLICATE_SAME_ACCESS)) return fail(FAILED);
  const view = k.MapViewOfFile(own[0], FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, length) as Pointer | null;
  if (isNull(view)) {
    const error = Number(k.GetLastError());
    k.CloseHandle(own[0]);
    return fail(FAILED, error);
  }
  const name = sectionNames.get(section);
  addView(view as Pointer, {
    length,
    file: null,
    section: own[0] as Pointer,
    identity: name === undefined ? undefined : `n-${name}`,
    objectOffset: 0,
  });
  return view as Pointer;
}

export function sectionClose(section: Pointer): void {
  sectionNames.delete(section);
  k.CloseHandle(section);
}

/** Whether some process holds the name (then true), else false with lastError() set (ENOENT). */
export function sectionExists(name: string): boolean {
  const section = k.OpenFileMappingW(FILE_MAP_READ, 0, `Local\\${name}`) as Pointer | null;
  if (isNull(section)) return fail(false);
  k.CloseHandle(section);
  return true;
}

const unsupportedAsync = (): never => {
  throw new Error('not offered on Windows');
};
const withAsync = <F extends (...args: never[]) => unknown>(f: F): F & { async: () => never } =>
  Object.assign(f, { async: unsupportedAsync });

/** Loads kernel32 and node.exe's libuv and returns the calls above under their POSIX names. */
export function kernel32Calls(): MemoryCalls {
  k = loadKernel32();
  uv = loadUv();
  return {
    mmap: withAsync(mmap),
    munmap: withAsync(munmap),
    msync,
    madvise,
    mincore: withAsync(mincore),
    mlock: withAsync(mlock),
    munlock: withAsync(munlock),
    memcpy: withAsync((dst: Pointer, src: Pointer, length: number): Pointer => {
      k.RtlMoveMemory(dst, src, length);
      return dst;
    }),
    memset: withAsync((dst: Pointer, value: number, length: number): Pointer => {
      k.RtlFillMemory(dst, length, value);
      return dst;
    }),
    fcntl: withAsync(fcntl),
    close: closeDescriptor,
    sysconf: withAsync((name: number): number => (name === win._SC_PAGESIZE ? PAGE : -1)),
    mlock2: undefined,
    mremap: undefined,
    // wait/notify is wait.ts (named semaphores: WaitOnAddress does not cross processes), not a
    // futex syscall.
    syscall: undefined,
  } as unknown as MemoryCalls;
}

/** The error of the last failing call above, as libuv's positive code. */
export const lastError = (): number => errorCode;
