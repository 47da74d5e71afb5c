// The child processes of ffi.test.ts, one check each (named in argv, with the files the test made):
// old views after close and resize, GC, > 4 GiB, stray writes, writes at exit.
import fs from 'node:fs';
import { backend, runCheck } from './start.js';

const page = 4096;
/** Maps naming `path` in /proc/self/maps. */
const maps = (path: string) =>
  fs
    .readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => l.endsWith(path)).length;

await runCheck({
  'close-views'(path) {
    const m = backend.mapMut(path!);
    const whole = m.bytes,
      win = m.view(page + 5, 100),
      ab = whole.buffer;
    m.close();
    const out: Record<string, unknown> = { len: whole.length, winLen: win.length, abLen: ab.byteLength };
    if (whole.length) {
      out.zeros = whole.every((b) => b === 0) && win.every((b) => b === 0);
      whole.fill(0x41);
      new Uint8Array(ab).fill(0x42, 10, 20);
      win.fill(0x43);
      out.readBack = [whole[0], whole[15], whole[page + 5]];
    } else {
      whole[0] = 1; // writes to a detached view are ignored, not a crash
      win[0] = 1;
    }
    return out;
  },

  'resize-views'(path) {
    const m = backend.mapMut(path!, { offset: 7 });
    const old = m.bytes;
    m.resize(old.length + 5000);
    const out: Record<string, unknown> = { oldLen: old.length, zeros: old.length === 0 || old.every((b) => b === 0) };
    if (old.length) old.fill(0x55);
    out.fresh = [...m.bytes.subarray(0, 4)];
    m.bytes.fill(0x66, 2 * page + 3);
    m.close();
    return out;
  },

  'anon-resize'() {
    const m = backend.mapAnon(10000);
    const old = m.bytes;
    old.fill(9);
    m.resize(3 * 1024 * 1024);
    const out: Record<string, unknown> = {
      kept: m.bytes.subarray(0, 10000).every((b) => b === 9),
      tail: m.bytes[10000],
      oldLen: old.length,
    };
    out.oldZero = old.length === 0 || old.every((b) => b === 0);
    m.resize(100);
    out.small = [...m.bytes.subarray(95)];
    m.close();
    return out;
  },

  async 'close-while-async'(path) {
    const m = backend.mapMut(path!);
    m.bytes.fill(0x77);
    const jobs = [m.flushAsync(), m.prefetch(), m.flushAsync(0, 100)];
    m.close();
    const settled = await Promise.allSettled(jobs);
    return settled.map((s) => s.status);
  },

  async 'gc-lifetime'(path, big) {
    const vm = () => Number(/VmSize:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
    const collect = async () => {
      for (let i = 0; i < 12; i++) {
        globalThis.gc!();
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const out: Record<string, number> = { base: maps(path!) };
    (() => {
      for (let i = 0; i < 300; i++) {
        const m = backend.map(path!);
        if (i % 3 === 1) m.bytes[0];
        if (i % 3 === 2) m.view(1, 2);
      }
    })();
    out.live = maps(path!);
    await collect();
    out.neverClosed = maps(path!);
    let ab: ArrayBufferLike | null = (() => backend.map(path!).bytes.buffer)();
    await collect();
    out.heldByArrayBuffer = maps(path!);
    out.stillReadable = new Uint8Array(ab)[5]!;
    ab = null;
    await collect();
    out.afterArrayBuffer = maps(path!);
    for (let i = 0; i < 2000; i++) {
      const m = backend.mapMut(path!);
      m.bytes[1];
      m.view(3, 4);
      m.close();
    }
    out.cycles = maps(path!);
    // A 1 GiB map closed while a view is still held: detached (gone at once) or neutralised
    // (anonymous, released when the view is collected).
    fs.closeSync(fs.openSync(big!, 'w'));
    fs.truncateSync(big!, 2 ** 30);
    const v0 = vm();
    const held: { view?: Buffer } = {
      view: (() => {
        const m = backend.mapMut(big!);
        const b = m.bytes;
        m.close();
        return b;
      })(),
    };
    out.closedHeld = Math.round((vm() - v0) / 2 ** 20);
    held.view = undefined;
    await collect();
    out.closedCollected = Math.round((vm() - v0) / 2 ** 20);
    return out;
  },

  'above-4gib'(path, sizeArg, offArg) {
    const size = Number(sizeArg),
      off = Number(offArg);
    fs.closeSync(fs.openSync(path!, 'w'));
    fs.truncateSync(path!, size);
    const m = backend.mapMut(path!);
    const out: Record<string, unknown> = { length: m.length };
    try {
      out.bytes = m.bytes.length;
    } catch (e) {
      out.bytes = (e as { code?: string }).code;
    }
    m.view(off, 5).write('hello');
    m.view(size - 3, 3).write('end');
    m.flush(off, 5);
    out.window = m.view(off, 5).toString();
    m.close();
    const r = backend.map(path!, { offset: off + 1, length: 4 });
    out.viaOffset = r.bytes.toString();
    r.close();
    const b = Buffer.alloc(5),
      fd = fs.openSync(path!, 'r');
    fs.readSync(fd, b, 0, 5, off);
    out.fs = b.toString();
    fs.readSync(fd, b, 0, 3, size - 3);
    out.fsEnd = b.toString('latin1', 0, 3);
    fs.closeSync(fd);
    fs.rmSync(path!);
    return out;
  },

  'read-only-stray'(path) {
    const out: Record<string, unknown> = {};
    for (const populate of [false, true]) {
      const m = backend.map(path!, { populate });
      m.bytes.fill(0xff, 0, page);
      m.view(10, 5).fill(0xee);
      const fd = fs.openSync(path!, 'r+');
      fs.writeSync(fd, Buffer.from(populate ? 'XYZ' : 'ABC'), 0, 3, 2 * page + 1);
      fs.closeSync(fd);
      out[String(populate)] = { stray: m.bytes[0], seen: m.bytes.toString('latin1', 2 * page + 1, 2 * page + 4) };
      m.close();
    }
    return out;
  },

  'exit-durability'(path) {
    const m = backend.mapMut(path!, { offset: 100, length: 50 });
    m.bytes.fill(0x31);
    return 1;
  },
});
