// Cross-process wait/notify on Windows, where WaitOnAddress only matches waiters of one process:
// a waiter table per shared object (a file by volume serial + file index, a named section by its
// name; private memory by this process id and address), made of kernel objects shared by name.
// The layout, the names and the protocol are the napi addon's (src/native/wait_win.cc, which
// explains them), so napi and ffi processes wake each other:
//   section `Local\memmap-wait1-<id>`: int32 [magic, slots in use, 0, 0], then per slot
//   [state = generation << 2 | Free 0/Taking 1/Waiting 2/Woken 3, key low, key high, 0];
//   semaphore `Local\memmap-wait1-<id>-<slot>` per slot.
// A waiter takes a free slot, opens its semaphore, writes the key (the word's offset in the
// object), publishes Waiting, compares the value, then sleeps on the semaphore; notify marks
// matching Waiting slots Woken (compare-and-swap) and releases each one's semaphore once.
// Atomics on the table are sequentially consistent, as the addon's Interlocked calls are.
import { syscallError } from '@memmap/core';
import { type Pointer, viewOf } from '../../pointers.js';
import { SLICE_MS, toResult } from '../../wait-codes.js';
import type { WaitNotify } from '../types.js';
import { kernel32, onIdentityReleased, waitKeyAt } from './kernel32.js';

const SLOTS = 1024;
const HEADER = 4;
const BYTES = (HEADER + 4 * SLOTS) * 4;
const MAGIC = 0x6d6d7731;
const FREE = 0;
const TAKING = 1;
const WAITING = 2;
const WOKEN = 3;
const PAGE_READWRITE = 0x04;
const SEC_COMMIT = 0x8000000;
const FILE_MAP_ALL = 0x04 | 0x02;
const INVALID_HANDLE: Pointer = (1n << 64n) - 1n;
/** A generic failure number for a wait the kernel refused (libuv's EIO on Windows). */
const EIO = 4070;

/** The protocol's wait, written once as source so the waiter workers run the same code. */
const winWaitSource = `(wait, words, slot, gen, sem, deadline, cancelled, sliceMs) => {
  // Returns 0 woken (possibly spuriously), 2 timed out, or -errno. The slot is Waiting on entry
  // and free on return. deadline: epoch ms (performance.timeOrigin + performance.now()), or Infinity.
  const state = ${HEADER} + 4 * slot;
  const withdraw = () => {
    if (Atomics.compareExchange(words, state, gen | ${WAITING}, gen | ${FREE}) === (gen | ${WAITING})) return false;
    wait(sem, 5000); // a notifier marked it Woken: take its token before freeing the slot
    Atomics.store(words, state, gen | ${FREE});
    return true;
  };
  for (;;) {
    let ms = deadline - (performance.timeOrigin + performance.now());
    if (cancelled) ms = Math.min(ms, sliceMs);
    const r = wait(sem, ms === Infinity ? 0xffffffff : Math.max(0, Math.ceil(ms)));
    if (r === 0) { Atomics.store(words, state, gen | ${FREE}); return 0; }
    if (r !== 0x102) return withdraw() ? 0 : -${EIO};
    if (cancelled && Atomics.load(cancelled, 0) !== 0) { withdraw(); return 0; }
    if (performance.timeOrigin + performance.now() >= deadline) return withdraw() ? 0 : 2;
  }
}`;

type WinWait = (
  wait: (sem: Pointer, ms: number) => number,
  words: Int32Array,
  slot: number,
  gen: number,
  sem: Pointer,
  deadline: number,
  cancelled: Int32Array | null,
  sliceMs: number,
) => number;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the same source runs in the waiter workers
const winWait = new Function(`return ${winWaitSource}`)() as WinWait;

interface Table {
  readonly id: string;
  /** Pending waits using it; it is closed when none is left and no view shows its object. */
  busy: number;
  released: boolean;
  readonly section: Pointer;
  readonly view: Pointer;
  readonly words: Int32Array;
  readonly sems: (Pointer | null)[];
}

const tables = new Map<string, Table>();
let listening = false;

function objectName(id: string, slot?: number): string {
  return `Local\\memmap-wait1-${id}${slot === undefined ? '' : `-${slot}`}`;
}

function close(table: Table): void {
  const k = kernel32();
  tables.delete(table.id);
  k.UnmapViewOfFile(table.view);
  k.CloseHandle(table.section);
  for (const sem of table.sems) if (sem !== null) k.CloseHandle(sem);
}

function openTable(id: string): Table {
  let table = tables.get(id);
  if (table) return table;
  if (!listening) {
    listening = true;
    onIdentityReleased((released) => {
      const t = tables.get(released);
      if (!t) return;
      t.released = true;
      if (t.busy === 0) close(t);
    });
  }
  const k = kernel32();
  const section = k.CreateFileMappingNamed(INVALID_HANDLE, null, PAGE_READWRITE | SEC_COMMIT, 0, BYTES, objectName(id)) as Pointer | null;
  if (section === null || section === 0n) throw syscallError(Number(k.GetLastError()), 'CreateFileMappingW');
  const view = k.MapViewOfFile(section, FILE_MAP_ALL, 0, 0, BYTES) as Pointer | null;
  if (view === null || view === 0n) {
    const error = Number(k.GetLastError());
    k.CloseHandle(section);
    throw syscallError(error, 'MapViewOfFile');
  }
  const words = new Int32Array(viewOf(view, BYTES));
  Atomics.compareExchange(words, 0, 0, MAGIC);
  table = { id, busy: 0, released: false, section, view, words, sems: new Array<Pointer | null>(SLOTS).fill(null) };
  tables.set(id, table);
  return table;
}

function semaphore(table: Table, slot: number): Pointer {
  let sem = table.sems[slot];
  if (sem === null || sem === undefined) {
    const k = kernel32();
    sem = k.CreateSemaphoreW(null, 0, 0x7fffffff, objectName(table.id, slot)) as Pointer | null;
    if (sem === null || sem === 0n) throw syscallError(Number(k.GetLastError()), 'CreateSemaphoreW');
    table.sems[slot] = sem;
  }
  return sem;
}

/** The table and key of the int32 at addr: the object's when shared and ours, else this process's. */
function locate(addr: Pointer, shared: boolean): { table: Table; key: bigint } {
  const at = shared ? waitKeyAt(addr) : undefined;
  if (at) return { table: openTable(at.identity), key: BigInt(at.offset) };
  // Private memory: a table of this process alone (never released: one per process).
  const table = openTable(`p${Number(kernel32().GetCurrentProcessId())}`);
  table.released = false;
  return { table, key: addr };
}

function done(table: Table): void {
  if (--table.busy === 0 && table.released) close(table);
}

/** A registered wait: the slot is Waiting; `run` the protocol's wait (or hand it to a worker). */
interface WinRegistration {
  readonly words: Int32Array;
  readonly wordsAddr: bigint;
  readonly slot: number;
  readonly gen: number;
  readonly sem: Pointer;
  /** Marks the slot Woken and releases its token (close(): wakes only this waiter). */
  readonly wake: () => void;
  /** The pending wait ended: the table may close. */
  readonly finish: () => void;
}

/**
 * Takes a slot for the word at addr and publishes it; then compares the value. 'not-equal' (the
 * slot is free again) when it differs; 'ok' when it differs but a notifier woke the slot meanwhile.
 */
function winRegister(addr: Pointer, expected: number, shared: boolean): WinRegistration | 'not-equal' | 'ok' {
  const { table, key } = locate(addr, shared);
  const { words } = table;
  let slot = -1;
  let gen = 0;
  for (let i = 0; i < SLOTS && slot < 0; i++) {
    const s = Atomics.load(words, HEADER + 4 * i);
    if ((s & 3) !== FREE) continue;
    const next = (s + 4) & ~3;
    if (Atomics.compareExchange(words, HEADER + 4 * i, s, next | TAKING) === s) {
      slot = i;
      gen = next;
    }
  }
  // Every slot taken (SLOTS waiters on one object): a spurious wake-up; the caller waits again.
  if (slot < 0) return 'ok';
  for (let used = Atomics.load(words, 1); used < slot + 1; ) {
    const seen = Atomics.compareExchange(words, 1, used, slot + 1);
    if (seen === used) break;
    used = seen;
  }
  let sem: Pointer;
  try {
    sem = semaphore(table, slot);
  } catch (error) {
    Atomics.store(words, HEADER + 4 * slot, gen | FREE);
    throw error;
  }
  Atomics.store(words, HEADER + 4 * slot + 1, Number(key & 0xffffffffn) | 0);
  Atomics.store(words, HEADER + 4 * slot + 2, Number(key >> 32n) | 0);
  Atomics.store(words, HEADER + 4 * slot, gen | WAITING);
  if (Atomics.load(new Int32Array(viewOf(addr, 4)), 0) !== expected) {
    const state = HEADER + 4 * slot;
    if (Atomics.compareExchange(words, state, gen | WAITING, gen | FREE) === (gen | WAITING)) return 'not-equal';
    kernel32().WaitForSingleObject(sem, 5000);
    Atomics.store(words, state, gen | FREE);
    return 'ok';
  }
  table.busy++;
  let finished = false;
  return {
    words,
    wordsAddr: table.view,
    slot,
    gen,
    sem,
    wake: () => {
      if (Atomics.compareExchange(words, HEADER + 4 * slot, gen | WAITING, gen | WOKEN) === (gen | WAITING)) {
        kernel32().ReleaseSemaphore(sem, 1, null);
      }
    },
    finish: () => {
      if (finished) return;
      finished = true;
      done(table);
    },
  };
}

const waitForSingleObject = (sem: Pointer, ms: number): number => Number(kernel32().WaitForSingleObject(sem, ms));

/** Blocks this thread; 0 ok, 1 not-equal, 2 timed-out, or -errno (wait-codes.ts). */
function winWaitBlocking(addr: Pointer, expected: number, timeoutMs: number, shared: boolean): number {
  const deadline = timeoutMs === Infinity ? Infinity : performance.timeOrigin + performance.now() + timeoutMs;
  const r = winRegister(addr, expected, shared);
  if (r === 'not-equal') return 1;
  if (r === 'ok') return 0;
  try {
    return winWait(waitForSingleObject, r.words, r.slot, r.gen, r.sem, deadline, null, 0);
  } finally {
    r.finish();
  }
}

/** Wakes up to `count` waiters of the word at addr, in any process; returns how many woke. */
function winWake(addr: Pointer, count: number, shared: boolean): number {
  const { table, key } = locate(addr, shared);
  const { words } = table;
  const lo = Number(key & 0xffffffffn) | 0;
  const hi = Number(key >> 32n) | 0;
  const used = Atomics.load(words, 1);
  let woken = 0;
  table.busy++;
  try {
    for (let i = 0; i < used && woken < count; i++) {
      const at = HEADER + 4 * i;
      const s = Atomics.load(words, at);
      if ((s & 3) !== WAITING || Atomics.load(words, at + 1) !== lo || Atomics.load(words, at + 2) !== hi) continue;
      const sem = semaphore(table, i);
      if (Atomics.compareExchange(words, at, s, (s & ~3) | WOKEN) !== s) continue; // it left
      kernel32().ReleaseSemaphore(sem, 1, null);
      woken++;
    }
  } finally {
    done(table);
  }
  return woken;
}

// The waiter worker: the main thread registered the wait (winRegister); the worker sleeps on its semaphore.
const workerSource = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const koffi = process.getBuiltinModule('node:module').createRequire(workerData.koffi)(workerData.koffi);
const waitFor = koffi.load('kernel32.dll').func('uint32_t __stdcall WaitForSingleObject(void *handle, uint32_t ms)');
const wait = (sem, ms) => Number(waitFor(sem, ms));
const winWait = ${winWaitSource};
const tables = new Map();
parentPort.on('message', ({ wordsAddr, wordsBytes, slot, gen, sem, deadline, cancelled }) => {
  let words = tables.get(wordsAddr);
  if (!words) tables.set(wordsAddr, (words = new Int32Array(koffi.view(wordsAddr, wordsBytes))));
  parentPort.postMessage(winWait(wait, words, slot, gen, sem, deadline, cancelled, ${SLICE_MS}));
});
`;

export const semaphoreWaits: WaitNotify = {
  available: true,
  sleep(addr, expected, timeoutMs, shared) {
    const result = toResult(winWaitBlocking(addr, expected, timeoutMs, shared), 'WaitForSingleObject');
    return result === 'not-equal' ? 'ok' : result;
  },
  wake: winWake,
  workerSource,
  workerData: () => ({}),
  start(addr, expected, timeoutMs, shared, startedAt, cancelled) {
    const r = winRegister(addr, expected, shared);
    // Changed since the call-time compare: a wake-up, as on the futex path.
    if (r === 'not-equal' || r === 'ok') return 'ok';
    const { wordsAddr, words, slot, gen, sem, finish, wake } = r;
    const deadline = timeoutMs === Infinity ? Infinity : startedAt + timeoutMs;
    return { message: { wordsAddr, wordsBytes: words.byteLength, slot, gen, sem, deadline, cancelled }, finish, wake };
  },
};
