// The process-wide registry behind share()/openShared() (Linux). JS heaps are per thread and koffi
// keeps no state of its own, so the registry is plain memory of this process: an anonymous private
// mapping made once, whose address every thread finds in the C environment under a name carrying
// this process's pid and start time (setenv(name, value, 0) under the C library's lock: the first
// thread's value wins, a loser unmaps its own; a child that inherited the variable has another
// name). Nothing outside the process can reach it (unlike a /dev/shm file), and it dies with it.
//
// Slots name the memory behind shared maps by a random 64-bit id (never an address; its low bits
// index the slot, and a slot's id changes with every use, so a stale id only misses). Each map
// object over a slot is a "handle" record, each OS mapping (kept alive by the map object or by its
// views) a "holder" record, both tagged with the thread (tid and start time) that owns them. The
// last holder gone unmaps; no handle left retires the slot (openShared answers 'released'). A thread
// that ends without closing (Worker.terminate) leaves records no code will drop: the next thread to
// touch the slot drops those of threads that no longer exist (/proc/self/task/<tid>); a thread that
// is gone runs no code, so its memory can be released. A handle carries an HMAC-SHA-256 (key: 32
// random bytes in the registry) of (id, kind, offset, length, pid): forged or altered -> 'forged'.
// Every update is made under one lock word (owner's tid, futex sleep; a lock whose owner thread is
// gone, a Worker terminated mid-call, is taken over).
import { createHmac, getRandomValues, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MmapError } from '@memmap/core';
import { os } from './os/index.js';
import { platform } from './platform/index.js';
import { MAP_FAILED, viewOf } from './pointers.js';

const { calls } = os;

const SLOTS = 16384;
const SLOT_BYTES = 64;
const RECORDS = 65536;
const RECORD_BYTES = 32;
const SLOT_BASE = 4096;
const RECORD_BASE = SLOT_BASE + SLOTS * SLOT_BYTES;
const SIZE = RECORD_BASE + RECORDS * RECORD_BYTES;
const MAGIC = 0x6d656d6d61702d72n; // "memmap-r"

// Header: u64 magic @0, u64 nonce @8, i32 lock @16 (owner tid), i32 waiters @20, i32 slot hint @24,
// i32 record hint @28, key @32..64.
const LOCK = 4;
const WAITERS = 5;
const SLOT_HINT = 6;
const RECORD_HINT = 7;
const KEY_AT = 32;
// Slot (byte offsets): u64 id @0, i32 state @8, i32 kind @12, f64 offset @16, f64 length @24,
// u64 addr @32, f64 size @40, i32 delta @48, i32 fd @52, i32 huge @56, i32 head @60 (record + 1).
// Record: i32 next @0 (record + 1), i32 slot @4 (slot + 1, 0 = free), i32 tid @8, i32 type @12, f64 start @16.
const FREE = 0;
const LIVE = 1;
const RETIRED = 2;
const HOLDER = 1;
const HANDLE = 2;

export type SharedKind = 'read' | 'shared' | 'copy' | 'anon';
const kindNames: readonly SharedKind[] = ['read', 'shared', 'copy', 'anon'];

/** A slot as one thread refers to it (the id guards against a reused slot). */
export interface ShareRef {
  readonly slot: number;
  readonly id: bigint;
}

/** What the registry holds for one shared span. */
export interface SpanInfo {
  readonly kind: SharedKind;
  /** File offset of byte 0 (0 for anonymous memory). */
  readonly offset: number;
  readonly length: number;
  /** The OS mapping now (0n / 0 when the map is empty). */
  readonly addr: bigint;
  readonly size: number;
  readonly delta: number;
  readonly huge: boolean;
}

interface Registry {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly u64: BigUint64Array;
  readonly key: Buffer;
  readonly lockAddr: bigint;
}

/** Field 22 (start time, clock ticks since boot) of a /proc stat file; undefined if unreadable. */
function startTime(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'latin1');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isSafeInteger(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// The main thread's own entry (/proc/<pid>/task/<pid>/stat), not /proc/self/stat: qemu-user answers
// /proc/self/stat and /proc/<pid>/stat itself, with a start time per guest thread, which gave each
// Worker a registry of its own; the task entry is the kernel's, the same for every thread.
const processStart =
  process.platform === 'linux' ? (startTime(`/proc/${process.pid}/task/${process.pid}/stat`) ?? startTime('/proc/self/stat')) : undefined;

/** capabilities.shareable: Linux with /proc, the futex, gettid and the C environment. */
export const canShare: boolean =
  processStart !== undefined &&
  platform.SYS_futex !== undefined &&
  calls.syscall !== undefined &&
  calls.gettid !== undefined &&
  calls.getenv !== undefined &&
  calls.setenv !== undefined;

const FUTEX_WAIT_PRIVATE = 128;
const FUTEX_WAKE_PRIVATE = 129;

let registry: Registry | undefined;
let myTid = 0;
let myStart = 0;

function unavailable(why: string): MmapError {
  return new MmapError('ENOMEM', `share(): the ffi backend's registry is unavailable (${why})`);
}

function get(): Registry {
  if (registry !== undefined) return registry;
  if (!canShare) throw unavailable('not supported here');
  myTid = calls.gettid!();
  myStart = startTime(`/proc/self/task/${myTid}/stat`) ?? -1;
  const name = `MEMMAP_FFI_REGISTRY_${process.pid}_${processStart}`;
  let value = calls.getenv!(name);
  if (value === null) {
    const made = create();
    if (calls.setenv!(name, made.value, 0) !== 0) {
      calls.munmap(made.addr, SIZE);
      throw unavailable('setenv failed');
    }
    value = calls.getenv!(name);
    if (value !== made.value) calls.munmap(made.addr, SIZE); // another thread was first
  }
  registry = attach(value);
  return registry;
}

function create(): { addr: bigint; value: string } {
  const { PROT_READ, PROT_WRITE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_NORESERVE } = platform;
  const addr = calls.mmap(null, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (addr === MAP_FAILED || addr === null) throw unavailable('mmap failed');
  const ab = viewOf(addr, SIZE);
  const u64 = new BigUint64Array(ab, 0, 2);
  const nonce = new BigUint64Array(1);
  getRandomValues(nonce);
  getRandomValues(new Uint8Array(ab, KEY_AT, 32));
  u64[1] = nonce[0]!;
  // Published last: a thread that finds the address sees a complete header.
  Atomics.store(u64, 0, MAGIC);
  return { addr, value: `${addr.toString(16)}:${nonce[0]!.toString(16)}` };
}

function attach(value: string | null): Registry {
  const match = value === null ? null : /^([0-9a-f]{1,16}):([0-9a-f]{1,16})$/.exec(value);
  if (match === null) throw unavailable('the environment entry is not ours');
  const addr = BigInt(`0x${match[1]}`);
  // A mapped range (msync answers ENOMEM for one that is not) with our magic and nonce.
  if (calls.msync(addr, SIZE, platform.MS_ASYNC) !== 0) throw unavailable('the environment entry is not ours');
  const ab = viewOf(addr, SIZE);
  const u64 = new BigUint64Array(ab);
  if (Atomics.load(u64, 0) !== MAGIC || u64[1] !== BigInt(`0x${match[2]}`)) throw unavailable('the environment entry is not ours');
  return {
    i32: new Int32Array(ab),
    f64: new Float64Array(ab),
    u64,
    key: Buffer.from(new Uint8Array(ab, KEY_AT, 32)),
    lockAddr: addr + BigInt(LOCK * 4),
  };
}

function futex(r: Registry, op: number, value: number, ms: number): void {
  const ts = ms > 0 ? new BigInt64Array([0n, BigInt(ms * 1e6)]) : null;
  calls.syscall!(platform.SYS_futex!, r.lockAddr, op, value, ts, null, 0);
}

/** Alive: /proc/self/task/<tid> exists with the start time the record has. */
function threadAlive(tid: number, start: number, cache: Map<number, boolean>): boolean {
  if (tid === myTid) return true;
  let alive = cache.get(tid);
  if (alive === undefined) {
    const now = startTime(`/proc/self/task/${tid}/stat`);
    alive = now !== undefined && (start < 0 || now === start);
    cache.set(tid, alive);
  }
  return alive;
}

function lock(r: Registry): void {
  for (let round = 0; ; round++) {
    const owner = Atomics.compareExchange(r.i32, LOCK, 0, myTid);
    if (owner === 0) return;
    if (owner === myTid) throw new Error('@memmap/backend-ffi: the share registry lock was taken again by its holder');
    if (round < 64) continue;
    Atomics.add(r.i32, WAITERS, 1);
    futex(r, FUTEX_WAIT_PRIVATE, owner, 20);
    Atomics.sub(r.i32, WAITERS, 1);
    // The owner's thread ended inside the lock (a Worker terminated mid-call): take it over.
    if (round % 8 === 7 && !threadAlive(owner, -1, new Map())) Atomics.compareExchange(r.i32, LOCK, owner, 0);
  }
}

function unlock(r: Registry): void {
  Atomics.store(r.i32, LOCK, 0);
  if (Atomics.load(r.i32, WAITERS) > 0) futex(r, FUTEX_WAKE_PRIVATE, 1, 0);
}

function locked<T>(work: (r: Registry) => T): T {
  const r = get();
  lock(r);
  try {
    return work(r);
  } finally {
    unlock(r);
  }
}

const slotI32 = (slot: number, byte: number): number => (SLOT_BASE + slot * SLOT_BYTES + byte) / 4;
const slot64 = (slot: number, byte: number): number => (SLOT_BASE + slot * SLOT_BYTES + byte) / 8;
const recI32 = (rec: number, byte: number): number => (RECORD_BASE + rec * RECORD_BYTES + byte) / 4;
const rec64 = (rec: number, byte: number): number => (RECORD_BASE + rec * RECORD_BYTES + byte) / 8;

function isCurrent(r: Registry, ref: ShareRef): boolean {
  return r.u64[slot64(ref.slot, 0)] === ref.id && r.i32[slotI32(ref.slot, 8)] !== FREE;
}

function newRecord(r: Registry, slot: number, type: number): number {
  const hint = r.i32[RECORD_HINT]!;
  for (let n = 0; n < RECORDS; n++) {
    const rec = (hint + n) % RECORDS;
    if (r.i32[recI32(rec, 4)] !== 0) continue;
    r.i32[recI32(rec, 8)] = myTid;
    r.i32[recI32(rec, 12)] = type;
    r.f64[rec64(rec, 16)] = myStart;
    r.i32[recI32(rec, 0)] = r.i32[slotI32(slot, 60)]!;
    r.i32[recI32(rec, 4)] = slot + 1;
    r.i32[slotI32(slot, 60)] = rec + 1;
    r.i32[RECORD_HINT] = (rec + 1) % RECORDS;
    return rec;
  }
  throw new MmapError('ENOMEM', `share(): more than ${RECORDS} map objects and mappings share memory in this process`);
}

/** Unlinks a record of `slot` (no-op when it is not there). */
function dropRecord(r: Registry, slot: number, rec: number): void {
  let at = slotI32(slot, 60);
  while (r.i32[at] !== 0) {
    const cur = r.i32[at]! - 1;
    if (cur === rec) {
      r.i32[at] = r.i32[recI32(cur, 0)]!;
      r.i32[recI32(cur, 4)] = 0;
      return;
    }
    at = recI32(cur, 0);
  }
}

/** Drops the records of threads that have ended; returns how many holders and handles remain. */
function sweep(r: Registry, slot: number): { holders: number; handles: number } {
  const cache = new Map<number, boolean>();
  let holders = 0;
  let handles = 0;
  let at = slotI32(slot, 60);
  while (r.i32[at] !== 0) {
    const rec = r.i32[at]! - 1;
    if (!threadAlive(r.i32[recI32(rec, 8)]!, r.f64[rec64(rec, 16)]!, cache)) {
      r.i32[at] = r.i32[recI32(rec, 0)]!;
      r.i32[recI32(rec, 4)] = 0;
      continue;
    }
    if (r.i32[recI32(rec, 12)] === HOLDER) holders++;
    else handles++;
    at = recI32(rec, 0);
  }
  return { holders, handles };
}

/**
 * After a record went: no handle left retires the slot (its descriptor closed), no holder left
 * unmaps the memory, neither frees the slot. State is cleared before anything is released, so a
 * thread ended half-way leaks at worst and never releases twice. Returns whether it is retired.
 */
function settle(r: Registry, slot: number): boolean {
  const { holders, handles } = sweep(r, slot);
  const state = slotI32(slot, 8);
  if (handles === 0 && r.i32[state] === LIVE) {
    r.i32[state] = RETIRED;
    const fd = r.i32[slotI32(slot, 52)]!;
    r.i32[slotI32(slot, 52)] = -1;
    if (fd >= 0) calls.close?.(fd);
  }
  if (holders === 0 && r.f64[slot64(slot, 40)]! > 0) {
    const addr = r.u64[slot64(slot, 32)]!;
    const size = r.f64[slot64(slot, 40)]!;
    r.f64[slot64(slot, 40)] = 0;
    r.u64[slot64(slot, 32)] = 0n;
    calls.munmap(addr, size);
  }
  if (holders === 0 && handles === 0) {
    r.u64[slot64(slot, 0)] = 0n;
    r.i32[state] = FREE;
  }
  return r.i32[state] !== LIVE;
}

function writeSpan(r: Registry, slot: number, span: SpanInfo): void {
  r.i32[slotI32(slot, 12)] = kindNames.indexOf(span.kind);
  r.f64[slot64(slot, 16)] = span.offset;
  r.f64[slot64(slot, 24)] = span.length;
  r.u64[slot64(slot, 32)] = span.addr;
  r.f64[slot64(slot, 40)] = span.size;
  r.i32[slotI32(slot, 48)] = span.delta;
  r.i32[slotI32(slot, 56)] = span.huge ? 1 : 0;
}

/** The handle's tag: HMAC-SHA-256 with the registry's key over what the handle says. */
export function tagOf(id: string, kind: string, offset: number, length: number, pid: number): string {
  return createHmac('sha256', get().key).update(`${id}|${kind}|${offset}|${length}|${pid}`).digest('hex').slice(0, 32);
}

export const idText = (id: bigint): string => id.toString(16).padStart(16, '0');

/**
 * Registers a map's span: a new slot with a handle record for the map object and, when it has
 * memory, a holder record for its mapping. `fd` (a shared file map's) is duplicated for openers.
 */
export function register(span: SpanInfo, fd: number, dup: (fd: number) => number): { ref: ShareRef; handle: number; holder: number } {
  const own = fd >= 0 ? dup(fd) : -1;
  try {
    return locked((r) => {
      const hint = r.i32[SLOT_HINT]!;
      for (let n = 0; n < SLOTS; n++) {
        const slot = (hint + n) % SLOTS;
        if (r.i32[slotI32(slot, 8)] !== FREE) continue;
        const random = new BigUint64Array(1);
        getRandomValues(random);
        const id = ((random[0]! << 16n) & 0xffffffffffffffffn) | BigInt(slot);
        r.u64[slot64(slot, 0)] = id;
        r.i32[slotI32(slot, 60)] = 0;
        r.i32[slotI32(slot, 52)] = own;
        writeSpan(r, slot, span);
        r.i32[slotI32(slot, 8)] = LIVE;
        r.i32[SLOT_HINT] = (slot + 1) % SLOTS;
        try {
          const handle = newRecord(r, slot, HANDLE);
          const holder = span.size > 0 ? newRecord(r, slot, HOLDER) : -1;
          return { ref: { slot, id }, handle, holder };
        } catch (error) {
          r.i32[slotI32(slot, 60)] = 0;
          r.i32[slotI32(slot, 52)] = -1;
          r.u64[slot64(slot, 0)] = 0n;
          r.i32[slotI32(slot, 8)] = FREE;
          throw error;
        }
      }
      throw new MmapError('ENOMEM', `share(): more than ${SLOTS} shared maps in this process`);
    });
  } catch (error) {
    if (own >= 0) calls.close?.(own);
    throw error;
  }
}

/** What openShared() found: the span as the registry has it, with new records for this thread. */
export interface Opened extends SpanInfo {
  readonly ref: ShareRef;
  readonly handle: number;
  readonly holder: number;
  /** A new close-on-exec duplicate of the slot's descriptor (shared file maps), else -1. */
  readonly fd: number;
}

/**
 * The span behind a handle: 'forged' when its tag does not match what it says, 'released' when
 * its slot no longer holds that id or no map object is left over it. The handle's kind, offset and
 * length are only ever compared (through the tag), never used.
 */
export function open(
  token: { id: string; secret: string; kind: string; offset: number; length: number; pid: number },
  dup: (fd: number) => number,
): Opened | 'released' | 'forged' {
  if (!/^[0-9a-f]{16}$/.test(token.id) || !/^[0-9a-f]{32}$/.test(token.secret)) return 'forged';
  const expected = Buffer.from(tagOf(token.id, token.kind, token.offset, token.length, token.pid), 'hex');
  if (token.pid !== process.pid || !timingSafeEqual(expected, Buffer.from(token.secret, 'hex'))) return 'forged';
  const id = BigInt(`0x${token.id}`);
  const slot = Number(id & 0xffffn);
  if (slot >= SLOTS) return 'released';
  return locked((r) => {
    if (r.u64[slot64(slot, 0)] !== id || r.i32[slotI32(slot, 8)] !== LIVE) return 'released';
    const size = r.f64[slot64(slot, 40)]!;
    const slotFd = r.i32[slotI32(slot, 52)]!;
    const kind = kindNames[r.i32[slotI32(slot, 12)]!];
    if (kind === undefined) throw new Error(`The share registry's slot ${slot} holds no known map kind`);
    const fd = slotFd >= 0 ? dup(slotFd) : -1;
    let handle = -1;
    try {
      handle = newRecord(r, slot, HANDLE);
      const holder = size > 0 ? newRecord(r, slot, HOLDER) : -1;
      return {
        ref: { slot, id },
        handle,
        holder,
        fd,
        kind,
        offset: r.f64[slot64(slot, 16)]!,
        length: r.f64[slot64(slot, 24)]!,
        addr: r.u64[slot64(slot, 32)]!,
        size,
        delta: r.i32[slotI32(slot, 48)]!,
        huge: r.i32[slotI32(slot, 56)] === 1,
      };
    } catch (error) {
      if (handle >= 0) dropRecord(r, slot, handle);
      if (fd >= 0) calls.close?.(fd);
      throw error;
    }
  });
}

/** A map object over the span is gone. Returns true when none is left (views may be neutralised). */
export function dropHandle(ref: ShareRef, handle: number): boolean {
  return locked((r) => {
    if (!isCurrent(r, ref)) return true;
    dropRecord(r, ref.slot, handle);
    const retired = settle(r, ref.slot);
    if (slotInUse(r, ref.slot)) settleLater(ref);
    return retired;
  });
}

/** A mapping over the span is done with it; the last one unmaps it. */
export function dropHolder(ref: ShareRef, holder: number): void {
  locked((r) => {
    if (!isCurrent(r, ref)) return;
    dropRecord(r, ref.slot, holder);
    settle(r, ref.slot);
    if (slotInUse(r, ref.slot)) settleLater(ref);
  });
}

/** Whether the slot still holds memory or records after a settle. */
function slotInUse(r: Registry, slot: number): boolean {
  return r.i32[slotI32(slot, 8)] !== FREE;
}

/**
 * A Worker ended by terminate() may still be listed in /proc/self/task for a moment after its
 * 'exit' event (Deno ends the OS thread later), so its records survive the settle of the last
 * close in the threads that remain: settle again a little later, and again, so its memory goes
 * without anyone touching the slot. Timers are unref'd: they never keep a process alive.
 */
function settleLater(ref: ShareRef, delays: readonly number[] = [20, 200, 2000]): void {
  const [delay, ...rest] = delays;
  if (delay === undefined) return;
  const timer = setTimeout(() => {
    try {
      locked((r) => {
        if (!isCurrent(r, ref)) return;
        settle(r, ref.slot);
        if (slotInUse(r, ref.slot)) settleLater(ref, rest);
      });
    } catch {
      // a timer has no caller to report to; the next open or close of the slot settles it too
    }
  }, delay);
  timer.unref?.();
}

/**
 * Runs `work` (a resize) while nothing else can open or drop the span, after checking that no
 * other map object or mapping over it lives (`mine`: the caller's own records; EBUSY otherwise,
 * before `work` runs). `work` returns
 * the span as it is afterwards and the holder record now carrying it.
 */
export function exclusive(ref: ShareRef, mine: number, work: () => { span: SpanInfo; holder: number | 'new' | 'none' }): number {
  return locked((r) => {
    const { holders, handles } = sweep(r, ref.slot);
    const others = holders + handles - mine;
    if (!isCurrent(r, ref) || others > 0) {
      throw new MmapError(
        'EBUSY',
        `EBUSY: resource busy, resize() of a shared map while ${others} other map object(s) or mapping(s) use its memory`,
        {
          syscall: 'mremap',
        },
      );
    }
    const { span, holder } = work();
    writeSpan(r, ref.slot, span);
    if (holder === 'none') return -1;
    return holder === 'new' ? newRecord(r, ref.slot, HOLDER) : holder;
  });
}

/** Drops a holder record inside exclusive() (the mapping it carried is gone). */
export function forgetHolder(ref: ShareRef, holder: number): void {
  const r = get();
  if (holder >= 0 && isCurrent(r, ref)) dropRecord(r, ref.slot, holder);
}
