// Group "cross-process": the writer/reader example, live visibility (checked both ways against the
// coherent flag), concurrent writers in processes and worker threads on disjoint ranges of one file,
// and durability: kill -9 after flush() and plain exit without flush lose nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtime } from '@memmap/core';
import { atomicWriter, spinReader } from '../children/atomics-spin.js';
import { sliceWhenTold } from '../children/live-reader.js';
import { expectedByte, mulberry32, randomBytes, WRITER_SOURCE } from '../children/writers.js';
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
    const writer = `const msg = Buffer.from(${JSON.stringify(MSG)});
      const w = backend.mapMut(process.argv[1], { create: true, length: msg.length });
      try { msg.copy(w.bytes); w.flush(); } finally { w.close(); }`;
    // (Node 20 has no \`using\` syntax, so the children spell it out.)
    const reader = `const r = backend.map(process.argv[1]);
      try { process.stdout.write(r.bytes.toString()); } finally { r.close(); }`;
    expectCleanExit(ctx.runChild(writer, [path]));
    const r = ctx.runChild(reader, [path]);
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
    const child = `const w = backend.mapMut(process.argv[1]);
      w.bytes.fill(0x5a, 100, 200); w.view(5000, 10).fill(0x33); w.flush(); w.close();`;
    expectCleanExit(ctx.runChild(child, [path]));
    const expected = Buffer.from(before);
    expected.fill(0x5a, 100, 200).fill(0x33, 5000, 5010);
    expect(ctx.read(path).equals(expected), 'the file has the child writes').toBe(true);
    expect(m.bytes).toBe(old);
    expect(old.equals(ctx.caps.coherent ? expected : before), `the old Buffer ${coherence} the writes`).toBe(true);
  });

  it(`a map() in another process ${coherence} this process's flushed writes without remapping`, async () => {
    const path = ctx.file(2 * 4096);
    const body = `${sliceWhenTold.toString()}\nsliceWhenTold(backend.map(process.argv[1]));`;
    const { child, done } = ctx.spawnChild(body, [path]);
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

/** Child: spins on Atomics.load over its own map until it reads STORES or 20 s pass (children/atomics-spin.ts). */
const spinReaderChild = (kind: 'map' | 'mapMut') =>
  `${spinReader.toString()}\nconsole.log(JSON.stringify(spinReader(backend, process.argv[1], ${JSON.stringify(kind)}, ${STORES})));`;

/** Child: STORES Atomics.store of 1, 2, ... into the shared map, a millisecond apart every ten. */
const atomicWriterChild = `${atomicWriter.toString()}\natomicWriter(backend, process.argv[1], ${STORES});`;

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
        const reader = ctx.spawnChild(spinReaderChild(kind), [path]);
        const ready = new Promise<void>((resolve) =>
          reader.child.stdout.on('data', (d: Buffer) => String(d).includes('ready') && resolve()),
        );
        const early = await Promise.race([ready.then(() => undefined), reader.done]);
        if (early) {
          expectCleanExit(early);
          throw new Error(`the reader exited before it was ready; stdout:\n${early.stdout}`);
        }
        const writer = ctx.spawnChild(atomicWriterChild, [path]);
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
    const writer = `${WRITER_SOURCE}
      const [path, id] = [process.argv[1], Number(process.argv[2])];
      await writeRegion(backend, path, id, id * ${REGION}, ${REGION}, ${WRITES}, id % 2 === 1);`;
    // An ES module worker from a data: URL (eval workers change module type with --input-type).
    const workerSource = `import { workerData as d, parentPort } from 'node:worker_threads';
      ${WRITER_SOURCE}
      const mod = await import(d.url);
      const backend = mod[d.exportName] ?? mod.default;
      await writeRegion(backend, d.path, d.id, d.id * ${REGION}, ${REGION}, ${WRITES}, d.id % 2 === 1);
      parentPort.postMessage('done');`;
    const host = `import { Worker } from 'node:worker_threads';
      const path = process.argv[1];
      const url = new URL('data:text/javascript,' + encodeURIComponent(${JSON.stringify(workerSource)}));
      await Promise.all([${Array.from({ length: WORKERS }, (_, i) => PROCESSES + i).join(',')}].map((id) => new Promise((resolve, reject) => {
        const w = new Worker(url, { workerData: { url: ${JSON.stringify(ctx.moduleUrl)}, exportName: ${JSON.stringify(ctx.exportName)}, path, id } });
        w.on('message', resolve); w.on('error', reject);
        w.on('exit', (code) => (code ? reject(new Error('worker exit ' + code)) : resolve()));
      })));`;
    const children = Array.from({ length: PROCESSES }, (_, id) => ctx.spawnChild(writer, [path, String(id)]));
    children.push(ctx.spawnChild(host, [path]));
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

/** Child: writes seeded random bytes at an offset, flushes, says so, then idles until killed. */
const killChild = `${mulberry32.toString()}
${randomBytes.toString()}
const [path, seed, size, offset] = process.argv.slice(1).map((a, i) => (i ? Number(a) : a));
const data = randomBytes(seed, size);
const m = backend.mapMut(path, { create: true, offset, length: size });
for (let at = 0; at < size; ) {
  const n = Math.min(size - at, 1 + ((seed + at) % 70000));
  data.copy(at % 2 ? m.view(at, n) : m.bytes, at % 2 ? 0 : at, at, at + n);
  at += n;
}
m.flush();
process.stdout.write('flushed\\n');
setInterval(() => { m.bytes[0] = m.bytes[0]; }, 1000);
`;

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
      const { child, done } = ctx.spawnChild(killChild, [path, String(seed), String(size), String(offset)]);
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

  const endings: Record<string, string> = {
    'close() without flush()': 'm.close();',
    'normal exit without close()': '',
    'process.exit() without close()': 'process.exit(0);',
  };
  it.each(Object.keys(endings))('writes reach the file after %s', (ending) => {
    const path = ctx.file(5 * 4096 + 11);
    const body = `const m = backend.mapMut(process.argv[1], { offset: 1001 });
      m.bytes.fill(0x61, 0, 5); m.view(9000, 3).fill(0x62); m.bytes[m.length - 1] = 0x63;
      ${endings[ending]}`;
    expectCleanExit(ctx.runChild(body, [path]));
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
