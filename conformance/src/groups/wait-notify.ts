// Group "wait/notify and named memory": cross-process wake-ups through wait/waitAsync/notify on
// shared file maps and named maps, timeouts, not-equal, notify counts, close during waitAsync,
// waitAsync beside fs work with more waits than libuv has pool threads, a Worker ending with a
// pending waitAsync, Atomics across processes (N processes x M increments lose none), and the
// named-memory rules (names, EEXIST/ENOENT, unlink while mapped, resize). Where a capability is
// false, its tests are skipped with the flag as the reason (the manifest group checks that the
// calls then throw ERR_MMAP_UNSUPPORTED).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from '../harness/index.js';
import type { MmapMut } from '@memmap/core';
import type { SuiteContext } from '../context.js';
import { expectCleanExit, expectRejects, expectThrows } from './assert.js';
import type { Group } from './index.js';
import { namedIsSection, sectionSize } from './windows-limits.js';
import { childJson } from './robust-util.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The arguments children/wait-notify.ts opens a map from: 'named:<name>' is mapNamed(name), else mapMut(path). */
const mapSource = (source: string): [string, string] => (source.startsWith('named:') ? ['named', source.slice(6)] : ['file', source]);

/** A name unique to this process and call, so parallel suites never meet. */
let serial = 0;
const uniqueName = (tag: string) => `mm-${tag}-${process.pid}-${serial++}`;

/** The futex syscall number a thread blocked in wait() shows in /proc/<pid>/syscall (Linux). */
const FUTEX_SYSCALL = process.arch === 'arm64' ? '98' : '202';

/**
 * Resolves once `pid`'s main thread sits in a shared (not process-private) futex wait, which only
 * a wait() on shared memory makes: the runtime's own futex waits (locks, condition variables) are
 * all FUTEX_PRIVATE_FLAG. Linux /proc/<pid>/syscall; elsewhere a fixed pause. Lets notify-count
 * tests know every waiter is in the kernel without guessing a delay.
 */
async function blockedInWait(pid: number): Promise<void> {
  if (process.platform !== 'linux') {
    await sleep(500);
    return;
  }
  const FUTEX_PRIVATE_FLAG = 128;
  for (let i = 0; i < 4000; i++) {
    try {
      const [nr, , op] = readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ');
      if (nr === FUTEX_SYSCALL && op !== undefined && (Number(op) & FUTEX_PRIVATE_FLAG) === 0) return;
    } catch {
      // not readable yet (or gone: the caller's result says why)
    }
    await sleep(5);
  }
  throw new Error(`process ${pid} never blocked in wait()`);
}

function register(ctx: SuiteContext): void {
  const { backend, caps } = ctx;
  const names: string[] = [];
  afterAll(() => {
    if (!caps.named) return;
    for (const name of names) {
      try {
        backend.unlinkNamed(name);
      } catch {
        // already removed by the test
      }
    }
  });
  const named = (tag: string) => {
    const name = uniqueName(tag);
    names.push(name);
    return name;
  };

  const noWait = !caps.waitNotify ? ' [skipped: waitNotify is false]' : '';
  const noNamed = !caps.named ? ' [skipped: named is false]' : '';
  const sharedFile = () => {
    const path = join(ctx.tmpDir(), 'words.bin');
    return { path, map: () => backend.mapMut(path, { create: true, length: 4096 }) };
  };
  const words = (m: MmapMut) => new Int32Array(m.bytes.buffer, m.bytes.byteOffset, m.length >> 2);

  // ---- in one process ----

  it.skipIf(!caps.waitNotify)(
    `wait/waitAsync: not-equal at once, timed-out after the timeout, on shared, anon and copy maps${noWait}`,
    async () => {
      const { map } = sharedFile();
      using shared = map();
      using anon = backend.mapAnon(4096);
      const copyPath = ctx.file(4096);
      using copy = backend.mapCopy(copyPath);
      for (const m of [shared, anon, copy]) {
        words(m)[1] = 7;
        expect(m.wait(4, 8)).toBe('not-equal');
        expect(m.wait(4, 7, 0)).toBe('timed-out');
        expect(m.wait(4, 7, 20)).toBe('timed-out');
        await expect(m.waitAsync(4, 8)).resolves.toBe('not-equal');
        await expect(m.waitAsync(4, 7, 20)).resolves.toBe('timed-out');
        expect(m.notify(4)).toBe(0); // nobody waits
      }
    },
  );

  it.skipIf(!caps.waitNotify)(`waitAsync is woken by notify in this process and resolves 'ok'${noWait}`, async () => {
    using m = backend.mapAnon(4096);
    const w = words(m);
    const p = m.waitAsync(8, 0);
    // The value is compared at call time: a change before the waiting thread sleeps is a wake-up.
    Atomics.store(w, 2, 1);
    let woken = 0;
    const settled = p.then((r) => r);
    for (let i = 0; i < 1000 && woken === 0; i++) {
      woken += m.notify(8);
      const done = await Promise.race([settled, sleep(5).then(() => undefined)]);
      if (done) break;
    }
    await expect(settled).resolves.toBe('ok');
  });

  it.skipIf(!caps.waitNotify)(
    `bad offsets: unaligned ERR_INVALID_ARG_VALUE, outside ERR_MMAP_OUT_OF_RANGE (wait, waitAsync, notify)${noWait}`,
    async () => {
      using m = backend.mapAnon(64);
      for (const off of [1, 2, 3, 63]) {
        expectThrows(() => m.wait(off, 0, 0), 'ERR_INVALID_ARG_VALUE');
        expectThrows(() => m.notify(off), 'ERR_INVALID_ARG_VALUE');
        await expectRejects(() => m.waitAsync(off, 0, 0), 'ERR_INVALID_ARG_VALUE');
      }
      for (const off of [64, 68, 4096]) {
        expectThrows(() => m.wait(off, 0, 0), 'ERR_MMAP_OUT_OF_RANGE');
        expectThrows(() => m.notify(off), 'ERR_MMAP_OUT_OF_RANGE');
        await expectRejects(() => m.waitAsync(off, 0, 0), 'ERR_MMAP_OUT_OF_RANGE');
      }
      expectThrows(() => m.wait(0, 1.5), 'ERR_INVALID_ARG_VALUE');
      expectThrows(() => m.wait(0, 0, -1), 'ERR_INVALID_ARG_VALUE');
      expectThrows(() => m.wait(0, 0, NaN), 'ERR_INVALID_ARG_VALUE');
      using empty = backend.mapAnon(0);
      expectThrows(() => empty.notify(0), 'ERR_MMAP_OUT_OF_RANGE');
    },
  );

  it.skipIf(!caps.waitNotify)(
    `close() rejects every pending waitAsync with ERR_MMAP_CLOSED and releases the mapping${noWait}`,
    async () => {
      const { path, map } = sharedFile();
      const m = map();
      const pending = [m.waitAsync(0, 0), m.waitAsync(0, 0, 60_000), m.waitAsync(4, 0)];
      await sleep(50);
      m.close();
      for (const p of pending) await expectRejects(() => p, 'ERR_MMAP_CLOSED');
      await expectRejects(() => m.waitAsync(0, 0), 'ERR_MMAP_CLOSED');
      expectThrows(() => m.notify(0), 'ERR_MMAP_CLOSED');
      // The waiting threads returned and let the memory go (Linux: nothing of the file stays mapped).
      if (process.platform === 'linux') {
        let mapped = true;
        for (let i = 0; i < 400 && mapped; i++) {
          mapped = readFileSync('/proc/self/maps', 'utf8').includes(path);
          if (mapped) await sleep(10);
        }
        expect(mapped, 'the file is still mapped after close() and the waits ended').toBe(false);
      }
    },
  );

  it.skipIf(!caps.waitNotify)(`resize() with a pending waitAsync is refused (EBUSY) and the wait still completes${noWait}`, async () => {
    using m = backend.mapAnon(4096);
    const p = m.waitAsync(0, 0, 30);
    expectThrows(() => m.resize(8192), 'EBUSY');
    await expect(p).resolves.toBe('timed-out');
    m.resize(8192);
    expect(m.length).toBe(8192);
  });

  // ---- across processes ----

  /**
   * A child (children/wait-notify.ts) that maps the shared file `path` (or the named map
   * `named:<name>`) and waits (sync or async) on word 2; prints its result.
   */
  const waiterChild = (source: string, mode: 'wait' | 'waitAsync') =>
    ctx.spawnChildScript('wait-notify', ['wait-word2', ...mapSource(source), mode]);

  /**
   * Where /proc cannot show a blocked waiter: until `n` children have said they are about to wait
   * (word 5, however slowly they started), then a pause for the last steps into the kernel.
   */
  async function announced(m: MmapMut, n: number): Promise<void> {
    for (let i = 0; i < 12_000 && Atomics.load(words(m), 5) < n; i++) await sleep(5);
    await sleep(500);
  }

  /** Notifies word 2 until one waiter woke, without changing the value (so only a real wake-up counts). */
  async function wakeOne(m: MmapMut, done: Promise<unknown>): Promise<number> {
    let exited = false;
    void done.then(() => (exited = true));
    for (let i = 0; i < 4000 && !exited; i++) {
      const n = m.notify(8, 1);
      if (n > 0) return n;
      await sleep(5);
    }
    return 0;
  }

  for (const mode of ['wait', 'waitAsync'] as const) {
    it.skipIf(!caps.waitNotify)(
      `another process's ${mode}() on a shared file map is woken by notify here ('ok', notify returns 1)${noWait}`,
      async () => {
        const { path, map } = sharedFile();
        using m = map();
        const { done } = waiterChild(path, mode);
        expect(await wakeOne(m, done)).toBe(1);
        expect(childJson<{ r: string }>(await done)).toEqual({ r: 'ok' });
      },
    );
  }

  it.skipIf(!caps.waitNotify)(`waitAsync here is woken by notify from another process${noWait}`, async () => {
    const { path, map } = sharedFile();
    using m = map();
    const p = m.waitAsync(8, 0, 20_000);
    const r = childJson<{ n: number }>(await ctx.spawnChildScript('wait-notify', ['notify-word2', 'file', path]).done);
    expect(r).toEqual({ n: 1 });
    await expect(p).resolves.toBe('ok');
  });

  it.skipIf(!caps.waitNotify)(
    `notify(offset, count) wakes exactly count of the blocked waiters; notify() wakes the rest${noWait}`,
    async () => {
      const { path, map } = sharedFile();
      using m = map();
      const children = [0, 1, 2].map(() => waiterChild(path, 'wait'));
      if (process.platform === 'linux') for (const c of children) await blockedInWait(c.child.pid!);
      else await announced(m, children.length);
      expect(m.notify(8, 0)).toBe(0);
      expect(m.notify(8, 2)).toBe(2);
      expect(m.notify(8)).toBe(1);
      expect(m.notify(8)).toBe(0);
      for (const c of children) expect(childJson<{ r: string }>(await c.done)).toEqual({ r: 'ok' });
    },
  );

  it.skipIf(!caps.waitNotify)(
    `wait() spins briefly before it sleeps (MEMMAP_WAIT_SPIN_US): a change without notify 0.05 ms into a wait is seen with a 1 ms spin; one 5 ms in never is with the spin off${noWait}`,
    async () => {
      const rounds = 20;
      const run = async (spinUs: string, delayMs: number): Promise<Record<string, number>> => {
        const { path, map } = sharedFile();
        map().close(); // creates the file, zero-filled
        const previous = process.env.MEMMAP_WAIT_SPIN_US;
        process.env.MEMMAP_WAIT_SPIN_US = spinUs; // inherited by the children started below
        try {
          const changer = ctx.spawnChildScript('spin-probe', ['changer', path, String(rounds), String(delayMs)]);
          const waiter = ctx.spawnChildScript('spin-probe', ['waiter', path, String(rounds)]);
          const counts = childJson<Record<string, number>>(await waiter.done);
          expectCleanExit(await changer.done);
          return counts;
        } finally {
          if (previous === undefined) delete process.env.MEMMAP_WAIT_SPIN_US;
          else process.env.MEMMAP_WAIT_SPIN_US = previous;
        }
      };
      // A spin that misses (the waiter was descheduled on a loaded machine) shortens the next one,
      // so only some rounds are sure to be caught: at least one is, in one of three fresh pairs of
      // processes (a machine busy with other work can starve a whole pair).
      const attempts: Record<string, number>[] = [];
      for (let i = 0; i < 3 && !attempts.some((a) => (a.ok ?? 0) > 0); i++) attempts.push(await run('1000', 0.05));
      expect(
        attempts.some((a) => (a.ok ?? 0) > 0),
        `with a 1 ms spin, changes 0.05 ms in are seen while spinning: ${JSON.stringify(attempts)}`,
      ).toBe(true);
      // With the spin off, a wait sleeps in the kernel at once, and a change 5 ms later without
      // notify never wakes it. Only a waiter descheduled for those 5 ms between its own comparison
      // and the kernel's could see it ('ok', correctly): allowed for at most 2 rounds of 20.
      const off = await run('0', 5);
      expect(off.ok ?? 0, `with the spin off only a notify wakes a sleeping wait: ${JSON.stringify(off)}`).toBeLessThanOrEqual(2);
      expect(off['timed-out'] ?? 0, `with the spin off only a notify wakes a sleeping wait: ${JSON.stringify(off)}`).toBeGreaterThanOrEqual(
        rounds - 4,
      );
    },
    120_000,
  );

  it.skipIf(!caps.waitNotify)(
    `the spin is bounded: with MEMMAP_WAIT_SPIN_US=1000 a wait is asleep in the kernel soon after, and notify wakes it${noWait}`,
    async () => {
      const { path, map } = sharedFile();
      using m = map();
      const previous = process.env.MEMMAP_WAIT_SPIN_US;
      process.env.MEMMAP_WAIT_SPIN_US = '1000';
      try {
        const child = waiterChild(path, 'wait');
        // Linux shows the futex wait in /proc; elsewhere the child's "about to wait", then a pause
        // 500 times the spin: a spin that did not end leaves notify nobody to wake (0).
        if (process.platform === 'linux') await blockedInWait(child.child.pid!);
        else await announced(m, 1);
        expect(m.notify(8)).toBe(1);
        expect(childJson<{ r: string }>(await child.done)).toEqual({ r: 'ok' });
      } finally {
        if (previous === undefined) delete process.env.MEMMAP_WAIT_SPIN_US;
        else process.env.MEMMAP_WAIT_SPIN_US = previous;
      }
    },
  );

  it.skipIf(!caps.waitNotify)(
    `a wait in another process times out ('timed-out') and sees 'not-equal' for a changed value${noWait}`,
    async () => {
      const { path, map } = sharedFile();
      using m = map();
      words(m)[3] = 5;
      expect(childJson(await ctx.spawnChildScript('wait-notify', ['wait-outcomes', 'file', path]).done)).toEqual({
        timedOut: 'timed-out',
        asyncTimedOut: 'timed-out',
        ne: 'not-equal',
        asyncNe: 'not-equal',
      });
    },
  );

  it.skipIf(!caps.waitNotify)(
    `waitAsync holds no libuv pool thread: 8 pending waits (UV_THREADPOOL_SIZE=4) while fs.promises work completes${noWait}`,
    async () => {
      const { path } = sharedFile();
      backend.mapMut(path, { create: true, length: 4096 }).close();
      const r = childJson<{ bytes: number; results: string[] }>(
        await new Promise((resolve) => {
          const c = ctx.spawnChildScript('wait-notify', ['pool', 'file', path]);
          void c.done.then(resolve);
        }),
      );
      expect(r).toEqual({ bytes: 5 * 16 * 4096, results: Array(8).fill('ok') });
    },
  );

  it.skipIf(!caps.waitNotify)(
    `a Worker that ends with a pending waitAsync settles nothing, throws nothing and does not abort${noWait}`,
    () => {
      const { path } = sharedFile();
      backend.mapMut(path, { create: true, length: 4096 }).close();
      const r = childJson<{ events: string[] }>(ctx.runChildScript('worker-pending-wait', [path]));
      expect(r.events).toEqual(['terminate:waiting', 'exit:waiting']);
    },
  );

  /** N processes each add 1 to word 0 M times with Atomics.add: the total is exact. */
  const counterChild = (source: string) => ctx.spawnChildScript('wait-notify', ['count-up', ...mapSource(source), String(INCREMENTS)]);
  const PROCS = 8;
  const INCREMENTS = 100_000;

  it.skipIf(!(caps.zeroCopy && caps.coherent))(
    `Atomics.add from ${PROCS} processes x ${INCREMENTS} on a shared file map loses no increment`,
    async () => {
      const { path, map } = sharedFile();
      map().close();
      const runs = Array.from({ length: PROCS }, () => counterChild(path).done);
      for (const r of await Promise.all(runs)) childJson(r);
      expect(readFileSync(path).readInt32LE(0)).toBe(PROCS * INCREMENTS);
    },
  );

  // ---- named memory ----

  it.skipIf(!caps.named)(`Atomics.add from ${PROCS} processes x ${INCREMENTS} on a named map loses no increment${noNamed}`, async () => {
    const name = named('count');
    using m = backend.mapNamed(name, { create: 'exclusive', length: 4096 });
    const runs = Array.from({ length: PROCS }, () => counterChild(`named:${name}`).done);
    for (const r of await Promise.all(runs)) childJson(r);
    expect(Atomics.load(words(m), 0)).toBe(PROCS * INCREMENTS);
  });

  it.skipIf(!(caps.named && caps.waitNotify))(
    `a waiter in another process on a named map is woken by notify here${noNamed}${noWait}`,
    async () => {
      const name = named('wake');
      using m = backend.mapNamed(name, { create: 'exclusive', length: 64 });
      const { done } = waiterChild(`named:${name}`, 'waitAsync');
      expect(await wakeOne(m, done)).toBe(1);
      expect(childJson<{ r: string }>(await done)).toEqual({ r: 'ok' });
    },
  );

  it.skipIf(!caps.named)(`named maps: shared bytes, zero-filled on create, EEXIST for 'exclusive', ENOENT when missing${noNamed}`, () => {
    const name = named('rules');
    expectThrows(() => backend.mapNamed(name), 'ENOENT');
    expectThrows(() => backend.mapNamed(name, { length: 16 }), 'ENOENT');
    using a = backend.mapNamed(name, { create: 'exclusive', length: 100 });
    expect(a.length).toBe(100);
    expect(a.bytes.every((b) => b === 0)).toBe(true);
    expectThrows(() => backend.mapNamed(name, { create: 'exclusive', length: 100 }), 'EEXIST');
    a.bytes.write('named hello', 10);
    using b = backend.mapNamed(name);
    expect(b.length).toBe(sectionSize(100)); // Windows: the section's size in whole pages
    expect(b.bytes.toString('latin1', 10, 21)).toBe('named hello');
    expect(b.bytes.subarray(100).every((x) => x === 0)).toBe(true);
    using c = backend.mapNamed(name, { create: true, length: 50 });
    expect(c.length).toBe(50); // an existing region keeps its size; the map covers what was asked
    using d = backend.mapNamed(name, { create: true, length: 200 });
    expect(d.length).toBe(200); // ... unless the request is larger: then it grows (POSIX)
    expect(d.bytes.toString('latin1', 10, 21)).toBe('named hello');
    expect(d.bytes.subarray(100).every((x) => x === 0)).toBe(true);
    const size = sectionSize(200);
    expectThrows(() => backend.mapNamed(name, { length: size + 1 }), 'ERR_MMAP_OUT_OF_RANGE');
    // A Windows section cannot grow: a larger length with create is refused, nothing changes.
    if (namedIsSection) expectThrows(() => backend.mapNamed(name, { create: true, length: size + 1 }), 'ERR_MMAP_UNSUPPORTED');
    expect(backend.mapNamed(name).length).toBe(size);
  });

  it.skipIf(!caps.named)(`named maps: a second process sees the bytes written here, and the other way round${noNamed}`, () => {
    const name = named('xproc');
    using m = backend.mapNamed(name, { create: 'exclusive', length: 4096 });
    m.bytes.write('from parent', 0);
    expect(childJson(ctx.runChildScript('wait-notify', ['touch-named', 'named', name]))).toEqual({ seen: 'from parent', length: 4096 });
    expect(m.bytes.toString('latin1', 100, 111)).toBe('from child!');
  });

  it.skipIf(!caps.named)(
    `unlinkNamed while mapped: live maps keep working, the name is gone (ENOENT), a new region starts zeroed${noNamed}`,
    () => {
      const name = named('unlink');
      using m = backend.mapNamed(name, { create: true, length: 64 });
      m.bytes.fill(9);
      const removed = backend.unlinkNamed(name);
      expect(removed).toBe(!namedIsSection);
      if (namedIsSection) {
        // Windows: the name lives while a process holds it: it still opens now, and is gone (and
        // unlinkNamed says ENOENT) once the last map of it is closed.
        {
          using again = backend.mapNamed(name);
          expect(again.bytes.subarray(0, 64).every((b) => b === 9)).toBe(true);
        }
        m.close();
        expectThrows(() => backend.mapNamed(name), 'ENOENT');
        expectThrows(() => backend.unlinkNamed(name), 'ENOENT');
        using fresh = backend.mapNamed(name, { create: 'exclusive', length: 64 });
        expect(fresh.bytes.every((b) => b === 0)).toBe(true);
        return;
      }
      expectThrows(() => backend.mapNamed(name), 'ENOENT');
      expectThrows(() => backend.unlinkNamed(name), 'ENOENT');
      expect(m.bytes.every((b) => b === 9)).toBe(true);
      m.bytes[0] = 1;
      expect(m.bytes[0]).toBe(1);
      using fresh = backend.mapNamed(name, { create: 'exclusive', length: 64 });
      expect(fresh.bytes.every((b) => b === 0)).toBe(true);
    },
  );

  it.skipIf(!caps.named || namedIsSection)(
    `resize() of a named map grows and shrinks the region${noNamed}${namedIsSection ? ' [skipped: a Windows named section cannot change size]' : ''}`,
    () => {
      const name = named('resize');
      using m = backend.mapNamed(name, { create: true, length: 4096 });
      m.bytes.fill(3);
      m.resize(3 * 4096);
      expect(m.length).toBe(3 * 4096);
      expect(m.bytes.subarray(0, 4096).every((b) => b === 3)).toBe(true);
      expect(m.bytes.subarray(4096).every((b) => b === 0)).toBe(true);
      {
        using other = backend.mapNamed(name);
        expect(other.length).toBe(3 * 4096);
      }
      m.resize(100);
      using after = backend.mapNamed(name);
      expect(after.length).toBe(100);
    },
  );

  it.skipIf(!caps.named || !namedIsSection)(
    `resize() of a named map on Windows is ERR_MMAP_UNSUPPORTED (a section keeps its size) and changes nothing${namedIsSection ? '' : ' [skipped: Windows only]'}${noNamed}`,
    () => {
      const name = named('fixed');
      using m = backend.mapNamed(name, { create: true, length: 4096 });
      m.bytes.fill(3);
      expectThrows(() => m.resize(3 * 4096), 'ERR_MMAP_UNSUPPORTED');
      expectThrows(() => m.resize(100), 'ERR_MMAP_UNSUPPORTED');
      expect(m.length).toBe(4096);
      expect(m.bytes.every((b) => b === 3)).toBe(true);
      using other = backend.mapNamed(name);
      expect(other.length).toBe(4096);
      expect(other.bytes.every((b) => b === 3)).toBe(true);
    },
  );

  it.skipIf(!caps.named)(`bad names and options are refused before anything is created${noNamed}`, () => {
    for (const bad of ['', '.', '..', 'a/b', '/x', 'x'.repeat(32), 'sp ace', 'tab\t', 'ü']) {
      expectThrows(() => backend.mapNamed(bad, { create: true, length: 8 }), 'ERR_INVALID_ARG_VALUE');
      expectThrows(() => backend.unlinkNamed(bad), 'ERR_INVALID_ARG_VALUE');
    }
    for (const bad of [1, null, undefined, {}]) {
      expectThrows(() => backend.mapNamed(bad as never), 'ERR_INVALID_ARG_TYPE');
    }
    const name = named('badopt');
    expectThrows(() => backend.mapNamed(name, { create: true }), 'ERR_INVALID_ARG_TYPE');
    expectThrows(() => backend.mapNamed(name, { create: 'always' as never, length: 8 }), 'ERR_INVALID_ARG_VALUE');
    expectThrows(() => backend.mapNamed(name, { create: true, length: -8 }), 'ERR_INVALID_ARG_VALUE');
    expectThrows(() => backend.mapNamed(name, { create: true, length: 8, mode: -1 }), 'ERR_INVALID_ARG_VALUE');
    expectThrows(() => backend.mapNamed(name), 'ENOENT'); // nothing was created by the refused calls
  });
}

export const waitNotifyGroup: Group = { name: 'wait/notify and named memory', register };
