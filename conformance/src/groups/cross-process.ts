// Group "cross-process": the writer/reader example, live visibility (checked both ways against the
// coherent flag), concurrent writers in processes and worker threads on disjoint ranges of one file,
// and durability: kill -9 after flush() and plain exit without flush lose nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtime } from '@memmap/core';
import type { Ending } from '../children/cross-process.js';
import { expectedByte, mulberry32, randomBytes } from '../children/writers.js';
import type { SuiteContext } from '../context.js';
import { pattern } from '../context.js';
import { expect, it } from '../harness/index.js';
import { expectCleanExit } from './assert.js';
import type { Group } from './index.js';
import { childJson } from './robust-util.js';

const MSG = 'IPC using mmap!';

function registerWriterReader(ctx: SuiteContext): void {
  it('a writer process and a reader process share a file (the README example)', () => {
    const path = join(ctx.tmpDir(), 'shared.dat');
    expectCleanExit(ctx.runChildScript('cross-process', ['write-message', path, MSG]));
    const r = ctx.runChildScript('cross-process', ['read-message', path]);
    expectCleanExit(r);
    expect(r.stdout).toBe(MSG);
    expect(ctx.read(path).toString()).toBe(MSG);
  });
}

function registerVisibility(ctx: SuiteContext): void {
  const coherence = ctx.caps.coherent ? 'sees' : 'does not see (coherent: false)';

  it(`an open map() here ${coherence} another process's flushed writes through the same Buffer`, () => {
    const path = ctx.file(3 * 4096);
    using m = ctx.backend.map(path);
    const old = m.bytes;
    const before = Buffer.from(old);
    expectCleanExit(ctx.runChildScript('cross-process', ['fill', path]));
    const expected = Buffer.from(before);
    expected.fill(0x5a, 100, 200).fill(0x33, 5000, 5010);
    expect(ctx.read(path).equals(expected), 'the file has the child writes').toBe(true);
    expect(m.bytes).toBe(old);
    expect(old.equals(ctx.caps.coherent ? expected : before), `the old Buffer ${coherence} the writes`).toBe(true);
  });

  it(`a map() in another process ${coherence} this process's flushed writes without remapping`, async () => {
    const path = ctx.file(2 * 4096);
    const { child, done } = ctx.spawnChildScript('live-reader', [path]);
    const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => String(d).includes('ready') && resolve()));
    // A child that dies before it is ready fails here instead of leaving the test to time out.
    const early = await Promise.race([ready.then(() => undefined), done]);
    if (early) {
      expectCleanExit(early);
      throw new Error(`the child exited before it was ready; stdout:\n${early.stdout}`);
    }
    const before = ctx.read(path);
    {
      using w = ctx.backend.mapMut(path);
      w.view(4000, 200).fill(0x77);
      w.flush();
    }
    child.stdin.write('go\n');
    const r = childJson<{ slice: string; same: boolean }>(await done);
    const expected = ctx.caps.coherent ? Buffer.alloc(200, 0x77) : before.subarray(4000, 4200);
    expect(r).toEqual({ slice: expected.toString('hex'), same: true });
  });
}

const STORES = 1000;

// Children (children/atomics-spin.ts): a reader spins on Atomics.load over its own map until it
// reads STORES or 20 s pass; a writer makes STORES Atomics.store of 1, 2, ... into the shared map, a
// millisecond apart every ten.

// JavaScriptCore (Bun) compiles Atomics.load, once optimised, to a locked read-modify-write
// instruction: on map()'s private copy-on-write pages that is a write, which gives the reader a
// private copy of the page, and it never sees the file change again. mapMut() pages are shared.
const atomicsCopyOnWrite = runtime().name === 'bun';

function registerAtomicsSpin(ctx: SuiteContext): void {
  for (const kind of ['mapMut', 'map'] as const) {
    const why = kind === 'map' ? ' (not under Bun: its optimised Atomics.load writes, so a private page stops seeing the file)' : '';
    it.skipIf(!ctx.caps.coherent || (kind === 'map' && atomicsCopyOnWrite))(
      `a reader spinning on Atomics.load over its ${kind}() sees another process's ${STORES} Atomics.store${why}`,
      async () => {
        const path = ctx.file(Buffer.alloc(4096));
        const reader = ctx.spawnChildScript('atomics-spin', ['reader', path, kind, String(STORES)]);
        const ready = new Promise<void>((resolve) =>
          reader.child.stdout.on('data', (d: Buffer) => String(d).includes('ready') && resolve()),
        );
        const early = await Promise.race([ready.then(() => undefined), reader.done]);
        if (early) {
          expectCleanExit(early);
          throw new Error(`the reader exited before it was ready; stdout:\n${early.stdout}`);
        }
        const writer = ctx.spawnChildScript('atomics-spin', ['writer', path, String(STORES)]);
        expectCleanExit(await writer.done);
        const r = childJson<{ final: number; distinct: number }>(await reader.done);
        expect(r.final, `the spinning reader saw ${r.distinct} distinct values`).toBe(STORES);
      },
      60_000,
    );
  }
}

const REGION = 64 * 1024; // disjoint ranges, aligned to any page size up to 64 KiB
const PROCESSES = 8;
const WORKERS = 4;
const WRITES = 4000; // per writer: a junk pass and a real pass of 2000 writes each

function registerConcurrentWriters(ctx: SuiteContext): void {
  it(`${PROCESSES} processes and ${WORKERS} worker threads writing disjoint ranges at once lose nothing`, async () => {
    const path = join(ctx.tmpDir(), 'concurrent.bin');
    writeFileSync(path, Buffer.alloc((PROCESSES + WORKERS) * REGION));
    // Writers ids 0..PROCESSES-1 are processes; the next WORKERS are Worker threads of one more process.
    const [region, writes] = [String(REGION), String(WRITES)];
    const children = Array.from({ length: PROCESSES }, (_, id) =>
      ctx.spawnChildScript('cross-process', ['region-writer', path, String(id), region, writes]),
    );
    children.push(ctx.spawnChildScript('cross-process', ['region-host', path, String(PROCESSES), String(WORKERS), region, writes]));
    const results = await Promise.all(children.map((c) => c.done));
    for (const r of results) expectCleanExit(r);
    const file = ctx.read(path);
    let lost = 0;
    for (let id = 0; id < PROCESSES + WORKERS; id++) {
      for (let i = id * REGION; i < (id + 1) * REGION; i++) if (file[i] !== expectedByte(id, i)) lost++;
    }
    expect(file.length).toBe((PROCESSES + WORKERS) * REGION);
    expect(lost, 'bytes lost or clobbered').toBe(0);
  });
}

function registerDurability(ctx: SuiteContext): void {
  it('kill -9 right after flush() returns loses nothing (random sizes and offsets, repeated)', async () => {
    const random = mulberry32(0xc0ffee);
    const dir = ctx.tmpDir();
    let lost = 0;
    for (let round = 0; round < 8; round++) {
      const size = 1 + Math.floor(random() ** 3 * 3 * 1024 * 1024);
      const offset = Math.floor(random() * 20000);
      const seed = Math.floor(random() * 2 ** 31);
      const path = join(dir, `kill-${round}.bin`);
      // The child writes seeded random bytes at an offset, flushes, says so, then idles until killed.
      const { child, done } = ctx.spawnChildScript('cross-process', ['kill-writer', path, String(seed), String(size), String(offset)]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        if (out.includes('flushed')) child.kill('SIGKILL');
      });
      const r = await done;
      expect({ signal: r.signal, flushed: out.includes('flushed') }, r.stderr).toEqual({ signal: 'SIGKILL', flushed: true });
      const file = ctx.read(path);
      const expected = randomBytes(seed, size);
      expect(file.length, `round ${round}: file size`).toBe(offset + size);
      for (let i = 0; i < size; i++) if (file[offset + i] !== expected[i]) lost++;
      for (let i = 0; i < offset; i++) if (file[i] !== 0) lost++;
    }
    expect(lost, 'bytes lost after kill -9').toBe(0);
  });

  const endings: Record<string, Ending> = {
    'close() without flush()': 'close',
    'normal exit without close()': 'none',
    'process.exit() without close()': 'exit',
  };
  it.each(Object.keys(endings))('writes reach the file after %s', (ending) => {
    const path = ctx.file(5 * 4096 + 11);
    // The child writes 'a' x5 at 0, 'b' x3 at 9000 and 'c' at the end of a map from 1001, then ends so.
    expectCleanExit(ctx.runChildScript('cross-process', ['ending', path, endings[ending]!]));
    const expected = pattern(5 * 4096 + 11);
    expected.fill(0x61, 1001, 1006).fill(0x62, 10001, 10004);
    expected[expected.length - 1] = 0x63;
    expect(ctx.read(path).equals(expected)).toBe(true);
  });
}

export const crossProcessGroup: Group = {
  name: 'cross-process',
  register(ctx) {
    registerWriterReader(ctx);
    registerVisibility(ctx);
    registerAtomicsSpin(ctx);
    registerConcurrentWriters(ctx);
    registerDurability(ctx);
  },
};
