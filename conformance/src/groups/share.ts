// share / openShared: one map's memory opened by other threads of the process (capability
// shareable), checked both ways. Where shareable: every kind opens with the same kind, bytes and
// writability, writes are seen at once both ways; Workers terminated while holding memory leave the
// main thread's maps working and the last close unmaps; Atomics lose no increment across Workers;
// wait/notify work between a Worker and the main thread; resize() is EBUSY while another holder
// lives; forged, altered, foreign and released handles each get their code. Threads run in child
// processes (conformance/src/children/share.ts) whose exit status is asserted.
import { fileURLToPath } from 'node:url';
import type { MapHandle } from '@memmap/core';
import { runScript } from '../child-process.js';
import type { ShareScenario } from '../children/share.js';
import type { SuiteContext } from '../context.js';
import { describe, expect, it } from '../harness/index.js';
import { expectThrows } from './assert.js';
import type { Group } from './index.js';
import { childJson, hasProcFs } from './robust-util.js';

/** As conformance/src/children/share.ts runs them (it reports what it ran). */
const ATOMIC_WORKERS = 4;
const ATOMIC_ADDS = 100_000;
const shareScript = fileURLToPath(new URL('../children/share.js', import.meta.url));

function scenario<T>(ctx: SuiteContext, name: ShareScenario, extra = '-'): T {
  const r = runScript(shareScript, { args: [ctx.moduleUrl, ctx.exportName, ctx.tmpDir(), name, extra], timeoutMs: 120_000 });
  return childJson<T>(r);
}

type Kinds = Record<string, { exit: number; seen: Record<string, unknown>; mainSees: number; expected: Record<string, unknown> }> & {
  closeOne: Record<string, unknown>;
};

function registerShareable(ctx: SuiteContext): void {
  const { backend } = ctx;

  it('share() gives plain data that structuredClone and JSON copy; openShared() of the copy shares the memory', () => {
    using m = backend.mapAnon(4096);
    const handle = m.share();
    expect(Object.getPrototypeOf(handle)).toBe(Object.prototype);
    expect(structuredClone(handle)).toEqual(handle);
    expect(handle.backend).toBe(backend.name);
    expect(handle.pid).toBe(process.pid);
    using other = backend.openShared(JSON.parse(JSON.stringify(handle)) as MapHandle);
    m.bytes[10] = 42;
    expect(other.bytes[10]).toBe(42);
    expect(other.writable).toBe(true);
    expect(other.length).toBe(4096);
  });

  it('every kind (read, shared at an odd offset, copy, anonymous, named) opens in a Worker with its kind, offset, length and bytes; writes are seen both ways; close() of one object detaches only its views', () => {
    const r = scenario<Kinds>(ctx, 'kinds');
    const kinds = ['read', 'shared', 'copy', 'anon', ...(ctx.caps.named ? ['named'] : [])];
    for (const kind of kinds) {
      const { exit, seen, mainSees, expected } = r[kind]!;
      expect(exit, `${kind}: the Worker ended cleanly (its close() threw nothing)`).toBe(0);
      expect(seen, kind).toEqual({ ...expected, kind: kind === 'named' ? 'shared' : kind });
      if (kind !== 'read') expect(mainSees, `${kind}: the Worker's write is seen by the main thread`).toBe(0x77);
    }
    expect(r.closeOne).toEqual({ viewA: 4096, viewB: ctx.caps.detachOnClose ? 0 : 4096, a0: 9, bClosed: true, aClosed: false });
  });

  it('Workers terminated while holding shared memory: the main thread still reads and writes it, and closing the last holder unmaps it', () => {
    const r = scenario<Record<string, unknown>>(ctx, 'terminate');
    for (let i = 0; i < 4; i++) expect(r[`worker${i}`], `worker ${i}`).toBe('holding');
    expect(r.mainReads).toEqual({ file: 0x5a, anon: 0x5a, sum: 3 * 65535 + 0x5a });
    if (hasProcFs) {
      expect(r.before as number, 'the file is mapped while held').toBeGreaterThan(0);
      expect(r.after, 'no mapping of the file is left after the last close').toBe(0);
    }
  });

  it(`${ATOMIC_WORKERS} Workers x ${ATOMIC_ADDS} Atomics.add on one word of a shared anonymous map end exact`, () => {
    const r = scenario<{ total: number; done: unknown[]; exits: number[]; workers: number; adds: number }>(ctx, 'atomics');
    expect({ workers: r.workers, adds: r.adds }).toEqual({ workers: ATOMIC_WORKERS, adds: ATOMIC_ADDS });
    expect(r.done).toEqual(Array(ATOMIC_WORKERS).fill('done'));
    expect(r.exits).toEqual(Array(ATOMIC_WORKERS).fill(0));
    expect(r.total).toBe(ATOMIC_WORKERS * ATOMIC_ADDS);
  });

  it.skipIf(ctx.caps.waitNotify ? false : 'no waitNotify')('wait()/notify() between a Worker and the main thread, both ways', () => {
    const r = scenario<Record<string, unknown>>(ctx, 'wait-notify');
    expect(r.waiting).toBe('waiting');
    expect(r.mainWoke).toBeGreaterThan(0);
    expect(r.workerSaw).toEqual({ result: 'ok', seen: 1 });
    expect(r.mainResult).toBe('ok');
    expect(r.mainSaw).toBe(7);
    expect([r.waiterExit, r.wakerExit]).toEqual([0, 0]);
  });

  it('resize() is EBUSY while a Worker holds the memory (map unchanged), and works once it closed', () => {
    const r = scenario<Record<string, Record<string, unknown>>>(ctx, 'resize-busy');
    for (const kind of ['shared', 'anon']) {
      expect(r[kind], kind).toEqual({ busy: 'EBUSY', lengthAfter: 65536, after: 'no error', length: 8192 });
    }
  });

  it('a shared file map opened in a Worker keeps a descriptor of its own: flush() reaches the file, and once the sharer closed, resize() grows or cuts the file', () => {
    const r = scenario<Record<string, unknown>>(ctx, 'opener-file');
    expect(r.first).toEqual({ flush: 'no error' });
    expect(r.fileByte8, "the Worker's write, flushed, is in the file").toBe(0x33);
    expect(r.second).toEqual({ resize: 'no error', length: 8192, flush: 'no error' });
    expect(r.exit).toBe(0);
    expect(r.file).toEqual({ size: 8192, last: 0x44 });
  });

  it('forged, altered, foreign-backend, non-object and released handles each get their code', () => {
    const r = scenario<{ codes: Record<string, string> }>(ctx, 'handles');
    const invalid = 'ERR_INVALID_ARG_VALUE';
    expect(r.codes).toEqual({
      secret: invalid,
      id: invalid,
      length: invalid,
      offset: invalid,
      kind: invalid,
      pid: invalid,
      backend: invalid,
      empty: invalid,
      garbage: invalid,
      number: 'ERR_INVALID_ARG_TYPE',
      string: 'ERR_INVALID_ARG_TYPE',
      null: 'ERR_INVALID_ARG_TYPE',
      genuine: 'no error',
      released: 'ERR_MMAP_CLOSED',
    });
  });

  it("a handle from another process is refused (ERR_INVALID_ARG_VALUE), also with that process's pid written in", () => {
    using m = backend.mapAnon(4096);
    const r = scenario<{ codes: Record<string, string> }>(ctx, 'foreign', JSON.stringify(m.share()));
    expect(r.codes).toEqual({ foreign: 'ERR_INVALID_ARG_VALUE', repid: 'ERR_INVALID_ARG_VALUE' });
  });
}

function registerNotShareable(ctx: SuiteContext): void {
  const { backend } = ctx;
  it('share() throws ERR_MMAP_UNSUPPORTED for every kind', () => {
    const path = ctx.file(8192);
    const maps = [backend.map(path), backend.mapMut(path), backend.mapCopy(path), backend.mapAnon(4096)];
    try {
      for (const m of maps) expectThrows(() => m.share(), 'ERR_MMAP_UNSUPPORTED');
    } finally {
      for (const m of maps) m.close();
    }
  });

  it('openShared() of a handle-shaped object of this backend is ERR_MMAP_UNSUPPORTED', () => {
    const handle = { backend: backend.name, kind: 'anon', offset: 0, length: 4096, pid: process.pid, id: '0000000000000001', secret: '0' };
    expectThrows(() => backend.openShared(handle), 'ERR_MMAP_UNSUPPORTED');
  });
}

export const shareGroup: Group = {
  name: 'share',
  register(ctx) {
    it("openShared() refuses a non-object (ERR_INVALID_ARG_TYPE) and another backend's handle (ERR_INVALID_ARG_VALUE)", () => {
      for (const bad of [undefined, null, 1, 'x', Symbol('h')])
        expectThrows(() => ctx.backend.openShared(bad as unknown as MapHandle), 'ERR_INVALID_ARG_TYPE');
      const other = { backend: `not-${ctx.backend.name}`, kind: 'anon', offset: 0, length: 1, pid: process.pid, id: '1', secret: '1' };
      expectThrows(() => ctx.backend.openShared(other), 'ERR_INVALID_ARG_VALUE');
    });
    describe(ctx.caps.shareable ? 'shareable' : 'not shareable', () => {
      if (ctx.caps.shareable) registerShareable(ctx);
      else registerNotShareable(ctx);
    });
  },
};
