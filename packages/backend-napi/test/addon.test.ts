// Addon-specific checks beyond the conformance suite: finalizers, detaching, >4 GiB, SIGBUS.

import { constants } from 'node:buffer';
import { adviceNames } from '@memmap/core';
import { describe, expect, it } from 'vitest';
import { addon } from '../src/addon.js';
import { backend } from '../src/index.js';
import { runChild } from './child.js';

const ok = (c: { status: number | null; signal: string | null; stderr: string }) =>
  expect({ status: c.status, signal: c.signal, stderr: c.status === 0 ? '' : c.stderr }).toEqual({ status: 0, signal: null, stderr: '' });

// Counts /proc/self/maps lines that name the file; collect() gives finalizers and immediates a turn.
const helpers = `
const mapped = (file) => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(file)).length;
const tick = () => new Promise((r) => setImmediate(r));
async function collect() { for (let i = 0; i < 10; i++) { globalThis.gc(); await tick(); } }
`;

describe('napi backend', () => {
  it('has the capability row of the design', () => {
    expect({ ...backend.capabilities }).toEqual({
      zeroCopy: true,
      coherent: true,
      detachOnClose: true,
      truncationSafe: process.platform === 'linux',
      lock: true,
      hugePages: true,
      waitNotify: process.platform === 'linux' || process.platform === 'win32',
      named: process.platform !== 'win32',
      shareable: true,
      ownDescriptor: true,
    });
    expect(Object.isFrozen(backend.capabilities)).toBe(true);
  });

  it('pins itself: the addon is never unloaded while the process lives (Workers may load it alone)', () => {
    expect(addon.pinned).toBe(true);
  });

  it('exports its native enums by name: every advice and file-map kind of core, each a distinct code', () => {
    expect(Object.keys(addon.constants.advice).sort()).toEqual([...adviceNames].sort());
    expect(new Set(Object.values(addon.constants.advice)).size).toBe(adviceNames.length);
    expect(addon.constants.mapKinds).toEqual({ read: expect.any(Number), shared: expect.any(Number), copy: expect.any(Number) });
    expect(new Set(Object.values(addon.constants.mapKinds)).size).toBe(3);
  });

  it.skipIf(process.platform !== 'linux')('unmaps a never-closed map when it is collected (and only then)', () => {
    const c = runChild(
      `${helpers}
      const file = dir + '/gc.dat';
      fs.writeFileSync(file, Buffer.alloc(3 * 4096, 1));
      const out = {};
      (() => { const m = backend.map(file); m.bytes[0]; out.live = mapped(file); })();
      await collect();
      out.afterGc = mapped(file);
      // An ArrayBuffer that outlives its map object keeps the memory mapped and readable.
      let ab = (() => { const m = backend.mapMut(file); return m.bytes.buffer; })();
      await collect();
      out.abAlive = mapped(file);
      out.abByte = new Uint8Array(ab)[4096];
      ab = undefined;
      await collect();
      out.abGone = mapped(file);
      const { addon } = await import(${JSON.stringify(new URL('../dist/addon.js', import.meta.url).href)});
      (() => { for (let i = 0; i < 100; i++) { const m = backend.mapMut(file); m.bytes[i]++; if (i % 2) m.close(); } })();
      await collect();
      out.native = addon.liveMappings(); // every native mapping object freed, closed or not
      console.log(JSON.stringify(out));`,
      ['--expose-gc'],
    );
    ok(c);
    expect(c.result).toEqual({ live: 1, afterGc: 0, abAlive: 1, abByte: 1, abGone: 0, native: 0 });
  });

  it('close() detaches every view: Buffer, subarray, view(), Uint8Array read length 0 (child)', () => {
    // A child: were a view left attached, the DataView read below would touch unmapped memory.
    const c = runChild(`
      const m = backend.mapAnon(3 * 4096);
      const bytes = m.bytes, sub = bytes.subarray(10, 20), view = m.view(4096, 100);
      const u8 = new Uint8Array(bytes.buffer, 5, 5), dv = new DataView(bytes.buffer);
      bytes[0] = 1;
      m.close();
      const thrown = (f) => { try { f(); return 'none'; } catch (e) { return e instanceof TypeError ? 'TypeError' : e.code; } };
      console.log(JSON.stringify({
        lengths: [bytes.length, sub.length, view.length, u8.length, bytes.buffer.byteLength],
        dv: thrown(() => dv.getUint8(0)), // a detached DataView throws, never crashes
        bytes: thrown(() => m.bytes),
      }));`);
    ok(c);
    expect(c.result).toEqual({ lengths: [0, 0, 0, 0, 0], dv: 'TypeError', bytes: 'ERR_MMAP_CLOSED' });
  });

  it('resize() grows a map that advise() split into several VMAs (mremap EFAULT)', () => {
    const m = backend.mapAnon(64 * 4096);
    m.bytes[5] = 3;
    m.advise('sequential', 0, 1);
    m.advise('random', 8 * 4096, 4096);
    m.resize(16 * 4096);
    m.bytes[16 * 4096 - 1] = 4;
    m.resize(128 * 4096);
    expect([m.bytes[5], m.bytes[16 * 4096 - 1], m.bytes[128 * 4096 - 1]]).toEqual([3, 4, 0]);
    m.close();
  });

  it('resize() detaches the old views', () => {
    const m = backend.mapAnon(4096);
    const old = m.bytes;
    old[7] = 42;
    m.resize(3 * 4096);
    expect(old.length).toBe(0);
    expect(m.bytes.length).toBe(3 * 4096);
    expect(m.bytes[7]).toBe(42);
    m.close();
  });

  it('writes and reads after close neither crash nor reach the file (child)', () => {
    const c = runChild(`
      const file = dir + '/closed.dat';
      fs.writeFileSync(file, Buffer.alloc(8192, 3));
      const m = backend.mapMut(file);
      const b = m.bytes, v = m.view(4096, 10), dv = new DataView(b.buffer);
      m.close();
      b[0] = 9; v[0] = 9; let fillThrew = false, dvThrew = false;
      try { b.fill(9); } catch (e) { fillThrew = e instanceof TypeError; }
      try { dv.setUint8(0, 9); } catch (e) { dvThrew = e instanceof TypeError; }
      const f = fs.readFileSync(file);
      console.log(JSON.stringify({ read: b[0] ?? null, fillThrew, dvThrew, unchanged: f.every((x) => x === 3) }));`);
    ok(c);
    expect(c.result).toEqual({ read: null, fillThrew: true, dvThrew: true, unchanged: true });
  });

  it('a stray write to a read-only map cannot crash and never reaches the file (child)', () => {
    const c = runChild(`
      const file = dir + '/ro.dat';
      fs.writeFileSync(file, Buffer.alloc(3 * 4096, 5));
      const m = backend.map(file, { populate: true });
      m.bytes.fill(7, 0, 4096); m.view(8000, 10).fill(8);
      const seen = [m.bytes[0], m.bytes[8000], m.bytes[4096]];
      m.close();
      console.log(JSON.stringify({ seen, unchanged: fs.readFileSync(file).every((x) => x === 5) }));`);
    ok(c);
    expect(c.result).toEqual({ seen: [7, 8, 5], unchanged: true });
  });

  it("a read-only map sees another process's writes (coherent), even after a stray write elsewhere", () => {
    const c = runChild(`
      const file = dir + '/coherent.dat';
      fs.writeFileSync(file, Buffer.alloc(3 * 4096, 0));
      const m = backend.map(file, { populate: true });
      const before = m.bytes[5000];
      m.bytes[0] = 1; // private copy of page 0 only
      const w = spawnSync(process.execPath, ['-e', \`const fs = require('fs'); const fd = fs.openSync(\${JSON.stringify(file)}, 'r+'); fs.writeSync(fd, Buffer.from([77]), 0, 1, 5000); fs.writeSync(fd, Buffer.from([66]), 0, 1, 9000);\`]);
      console.log(JSON.stringify({ writer: w.status, before, after: [m.bytes[5000], m.view(9000, 1)[0]] }));`);
    ok(c);
    expect(c.result).toEqual({ writer: 0, before: 0, after: [77, 66] });
  });

  it.skipIf(process.platform !== 'linux')(
    'a file truncated under a live map cannot kill the process; the next call throws ERR_MMAP_TRUNCATED (child)',
    () => {
      const c = runChild(`
      const page = 4096, out = {};
      for (const how of ['self', 'other']) {
        const file = dir + '/trunc-' + how + '.dat';
        fs.writeFileSync(file, Buffer.alloc(4 * page, 1));
        const m = backend.mapMut(file);
        const r = backend.map(file);
        const bytes = m.bytes, ro = r.bytes;
        if (how === 'self') fs.truncateSync(file, page);
        else spawnSync(process.execPath, ['-e', \`require('fs').truncateSync(\${JSON.stringify(file)}, \${page})\`]);
        const lostRead = bytes[2 * page + 5];   // SIGBUS without the guard
        bytes[3 * page + 1] = 9;                // write to a lost page
        const roRead = ro[3 * page];
        const kept = bytes[10];
        const code = (f) => { try { f(); return 'none'; } catch (e) { return e.code; } };
        out[how] = { lostRead, written: bytes[3 * page + 1], roRead, kept,
          flush: code(() => m.flush()), advise: code(() => r.advise('random')), residency: code(() => m.residency()),
          resize: code(() => m.resize(page)), flushAsync: await m.flushAsync().then(() => 'none', (e) => e.code) };
        m.close(); r.close();
        out[how].size = fs.statSync(file).size;
      }
      console.log(JSON.stringify(out));`);
      ok(c);
      const expected = {
        lostRead: 0,
        written: 9,
        roRead: 0,
        kept: 1,
        flush: 'ERR_MMAP_TRUNCATED',
        advise: 'ERR_MMAP_TRUNCATED',
        residency: 'ERR_MMAP_TRUNCATED',
        resize: 'ERR_MMAP_TRUNCATED',
        flushAsync: 'ERR_MMAP_TRUNCATED',
        size: 4096,
      };
      expect(c.result).toEqual({ self: expected, other: expected });
    },
  );

  it.skipIf(process.platform !== 'linux')('SIGBUS outside our maps still reaches the previous (default) handler', () => {
    const c = runChild(`backend.mapAnon(10).close(); process.kill(process.pid, 'SIGBUS'); setTimeout(() => {}, 1000);`);
    expect(c.signal).toBe('SIGBUS');
  });

  it('maps and windows above 4 GiB of a sparse file; bytes is guarded by the runtime limit (child)', () => {
    const c = runChild(`
      const file = dir + '/sparse.dat', G = 2 ** 30;
      const fd = fs.openSync(file, 'w+'); fs.ftruncateSync(fd, 6 * G); fs.closeSync(fd);
      const m = backend.mapMut(file, { offset: 4.5 * G + 3 });
      let bytes;
      try { bytes = m.bytes.length; } catch (e) { bytes = e.code; }
      const big = backend.mapMut(file);
      let bigBytes;
      try { bigBytes = big.bytes.length; } catch (e) { bigBytes = e.code; }
      const w = big.view(5 * G, 16); w.write('far away');
      big.flush(5 * G, 16);
      m.view(0, 4).write('abcd'); m.flush();
      const r = Buffer.alloc(8), s = Buffer.alloc(4);
      const rfd = fs.openSync(file, 'r'); fs.readSync(rfd, r, 0, 8, 5 * G); fs.readSync(rfd, s, 0, 4, 4.5 * G + 3); fs.closeSync(rfd);
      const seen = big.view(4.5 * G + 3, 4).toString();
      big.close(); m.close();
      console.log(JSON.stringify({ length: m.length, bytes, bigBytes, far: r.toString(), near: s.toString(), seen }));`);
    ok(c);
    const sixG = 6 * 2 ** 30;
    expect(c.result).toEqual({
      length: 1.5 * 2 ** 30 - 3,
      bytes: 1.5 * 2 ** 30 - 3,
      bigBytes: sixG > constants.MAX_LENGTH ? 'ERR_MMAP_TOO_LARGE' : sixG,
      far: 'far away',
      near: 'abcd',
      seen: 'abcd',
    });
  });

  it('close() while flushAsync/prefetch run is safe; the promises settle (child)', () => {
    const c = runChild(`
      const file = dir + '/async.dat';
      fs.writeFileSync(file, Buffer.alloc(64 << 20, 1));
      const m = backend.mapMut(file);
      m.bytes.fill(2);
      const p = [m.flushAsync(), m.prefetch(), m.flushAsync(0, 4096)];
      m.close();
      const results = await Promise.allSettled(p);
      console.log(JSON.stringify({ results: results.map((r) => r.status), two: fs.readFileSync(file).every((x) => x === 2) }));`);
    ok(c);
    expect(c.result).toEqual({ results: ['fulfilled', 'fulfilled', 'fulfilled'], two: true });
  });

  it('errors are MmapErrors shaped like fs errors, and leave no mapping behind', () => {
    const live = addon.liveMappings();
    // Huge pages: a map where the system has them, else the OS answer as an MmapError.
    try {
      backend.mapAnon(4 << 20, { hugePages: true }).close();
    } catch (e) {
      expect(e).toMatchObject({ name: 'MmapError', code: 'ENOMEM', syscall: 'mmap' });
    }
    let error: any;
    try {
      backend.mapAnon(2 ** 52);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'MmapError', code: 'ENOMEM', syscall: 'mmap', errno: -12 });
    expect(addon.liveMappings()).toBeLessThanOrEqual(live); // less if a GC freed an older map meanwhile
  });

  it.skipIf(process.platform !== 'linux')('2000 map/close cycles (and failing calls) leave maps and fds at baseline (child)', () => {
    const c = runChild(
      `
      const file = dir + '/leak.dat';
      fs.writeFileSync(file, Buffer.alloc(3 * 4096, 1));
      const ro = fs.openSync(file, 'r');
      // Maps naming the file, open fds, and virtual size (1 MiB per leaked anonymous map).
      const count = () => [fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(file)).length,
        fs.readdirSync('/proc/self/fd').length, Number(/VmSize:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])];
      const cycle = () => {
        const m = backend.mapMut(file, { offset: 100 }); m.bytes[0]++; m.view(5, 5); m.flush(); m.close();
        backend.map(file).close(); const a = backend.mapAnon(1 << 20); a.bytes[5] = 1; a.close();
        try { backend.map(file, { offset: 5 * 4096 }); } catch {}
        try { backend.mapMut(ro); } catch {}
      };
      for (let i = 0; i < 50; i++) cycle();
      const before = count();
      for (let i = 0; i < 2000; i++) cycle();
      for (let i = 0; i < 500; i++) backend.mapAnon(1 << 20).bytes[5] = 1; // never closed: finalizers
      for (let i = 0; i < 10; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
      console.log(JSON.stringify({ before, after: count() }));`,
      ['--expose-gc'],
    );
    ok(c);
    const { before, after } = c.result;
    expect([after[0], after[1]]).toEqual([0, before[1]]);
    expect(after[2] - before[2]).toBeLessThan(256 * 1024); // KiB; 2000 leaked MiB would show
  });

  it('advise/residency/lock/prefetch work on an anonymous map', async () => {
    const m = backend.mapAnon(16 * 4096, { populate: true });
    expect(m.advise('sequential')).toBe(true);
    expect(m.advise('dontneed')).toBe(false); // would zero private pages: refused, data kept
    m.bytes[0] = 5;
    expect(m.residency()).toEqual({ resident: 16, total: 16, pageSize: 4096 });
    await m.prefetch();
    m.lock();
    m.unlock();
    expect(m.bytes[0]).toBe(5);
    m.close();
  });
});
