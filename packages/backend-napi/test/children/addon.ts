// The child processes of addon.test.ts, one check each (named in argv): anything that could crash,
// and what needs a process of its own (GC, /proc/self counts, signals).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backend, dir, distUrl, runCheck } from './start.js';

/** Another process acting on a file (children/other-process.ts). */
const otherProcess = (...args: (string | number)[]) =>
  spawnSync(process.execPath, [fileURLToPath(new URL('other-process.js', import.meta.url)), ...args.map(String)]);

// Counts /proc/self/maps lines that name the file; collect() gives finalizers and immediates a turn.
const mapped = (file: string) =>
  fs
    .readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => l.endsWith(file)).length;
const tick = () => new Promise((r) => setImmediate(r));
async function collect() {
  for (let i = 0; i < 10; i++) {
    globalThis.gc!();
    await tick();
  }
}
const code = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

await runCheck({
  async 'gc-unmaps'() {
    const file = `${dir}/gc.dat`;
    fs.writeFileSync(file, Buffer.alloc(3 * 4096, 1));
    const out: Record<string, unknown> = {};
    (() => {
      const m = backend.map(file);
      m.bytes[0];
      out.live = mapped(file);
    })();
    await collect();
    out.afterGc = mapped(file);
    // An ArrayBuffer that outlives its map object keeps the memory mapped and readable.
    let ab: ArrayBufferLike | undefined = (() => {
      const m = backend.mapMut(file);
      return m.bytes.buffer;
    })();
    await collect();
    out.abAlive = mapped(file);
    out.abByte = new Uint8Array(ab)[4096];
    ab = undefined;
    await collect();
    out.abGone = mapped(file);
    const { addon } = (await import(new URL('addon.js', distUrl).href)) as typeof import('../../src/addon.js');
    (() => {
      for (let i = 0; i < 100; i++) {
        const m = backend.mapMut(file);
        m.bytes[i]!++;
        if (i % 2) m.close();
      }
    })();
    await collect();
    out.native = addon.liveMappings(); // every native mapping object freed, closed or not
    return out;
  },

  'close-detaches'() {
    // A child: were a view left attached, the DataView read below would touch unmapped memory.
    const m = backend.mapAnon(3 * 4096);
    const bytes = m.bytes,
      sub = bytes.subarray(10, 20),
      view = m.view(4096, 100);
    const u8 = new Uint8Array(bytes.buffer, 5, 5),
      dv = new DataView(bytes.buffer);
    bytes[0] = 1;
    m.close();
    const thrown = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return e instanceof TypeError ? 'TypeError' : (e as { code?: string }).code;
      }
    };
    return {
      lengths: [bytes.length, sub.length, view.length, u8.length, bytes.buffer.byteLength],
      dv: thrown(() => dv.getUint8(0)), // a detached DataView throws, never crashes
      bytes: thrown(() => m.bytes),
    };
  },

  'closed-writes'() {
    const file = `${dir}/closed.dat`;
    fs.writeFileSync(file, Buffer.alloc(8192, 3));
    const m = backend.mapMut(file);
    const b = m.bytes,
      v = m.view(4096, 10),
      dv = new DataView(b.buffer);
    m.close();
    b[0] = 9;
    v[0] = 9;
    let fillThrew = false,
      dvThrew = false;
    try {
      b.fill(9);
    } catch (e) {
      fillThrew = e instanceof TypeError;
    }
    try {
      dv.setUint8(0, 9);
    } catch (e) {
      dvThrew = e instanceof TypeError;
    }
    const f = fs.readFileSync(file);
    return { read: b[0] ?? null, fillThrew, dvThrew, unchanged: f.every((x) => x === 3) };
  },

  'read-only-stray-write'() {
    const file = `${dir}/ro.dat`;
    fs.writeFileSync(file, Buffer.alloc(3 * 4096, 5));
    const m = backend.map(file, { populate: true });
    m.bytes.fill(7, 0, 4096);
    m.view(8000, 10).fill(8);
    const seen = [m.bytes[0], m.bytes[8000], m.bytes[4096]];
    m.close();
    return { seen, unchanged: fs.readFileSync(file).every((x) => x === 5) };
  },

  coherent() {
    const file = `${dir}/coherent.dat`;
    fs.writeFileSync(file, Buffer.alloc(3 * 4096, 0));
    const m = backend.map(file, { populate: true });
    const before = m.bytes[5000];
    m.bytes[0] = 1; // private copy of page 0 only
    const w = otherProcess('write', file, 5000, 77, 9000, 66);
    return { writer: w.status, before, after: [m.bytes[5000], m.view(9000, 1)[0]] };
  },

  async truncated() {
    const page = 4096,
      out: Record<string, Record<string, unknown>> = {};
    for (const how of ['self', 'other']) {
      const file = `${dir}/trunc-${how}.dat`;
      fs.writeFileSync(file, Buffer.alloc(4 * page, 1));
      const m = backend.mapMut(file);
      const r = backend.map(file);
      const bytes = m.bytes,
        ro = r.bytes;
      if (how === 'self') fs.truncateSync(file, page);
      else otherProcess('truncate', file, page);
      const lostRead = bytes[2 * page + 5]; // SIGBUS without the guard
      bytes[3 * page + 1] = 9; // write to a lost page
      const roRead = ro[3 * page];
      const kept = bytes[10];
      out[how] = {
        lostRead,
        written: bytes[3 * page + 1],
        roRead,
        kept,
        flush: code(() => m.flush()),
        advise: code(() => r.advise('random')),
        residency: code(() => m.residency()),
        resize: code(() => m.resize(page)),
        flushAsync: await m.flushAsync().then(
          () => 'none',
          (e) => e.code,
        ),
      };
      m.close();
      r.close();
      out[how].size = fs.statSync(file).size;
    }
    return out;
  },

  'sigbus-default'() {
    backend.mapAnon(10).close();
    process.kill(process.pid, 'SIGBUS');
    return new Promise((r) => setTimeout(r, 1000));
  },

  'above-4gib'() {
    const file = `${dir}/sparse.dat`,
      G = 2 ** 30;
    const fd = fs.openSync(file, 'w+');
    fs.ftruncateSync(fd, 6 * G);
    fs.closeSync(fd);
    const m = backend.mapMut(file, { offset: 4.5 * G + 3 });
    let bytes: unknown;
    try {
      bytes = m.bytes.length;
    } catch (e) {
      bytes = (e as { code?: string }).code;
    }
    const big = backend.mapMut(file);
    let bigBytes: unknown;
    try {
      bigBytes = big.bytes.length;
    } catch (e) {
      bigBytes = (e as { code?: string }).code;
    }
    const w = big.view(5 * G, 16);
    w.write('far away');
    big.flush(5 * G, 16);
    m.view(0, 4).write('abcd');
    m.flush();
    const r = Buffer.alloc(8),
      s = Buffer.alloc(4);
    const rfd = fs.openSync(file, 'r');
    fs.readSync(rfd, r, 0, 8, 5 * G);
    fs.readSync(rfd, s, 0, 4, 4.5 * G + 3);
    fs.closeSync(rfd);
    const seen = big.view(4.5 * G + 3, 4).toString();
    big.close();
    m.close();
    return { length: m.length, bytes, bigBytes, far: r.toString(), near: s.toString(), seen };
  },

  async 'close-while-async'() {
    const file = `${dir}/async.dat`;
    fs.writeFileSync(file, Buffer.alloc(64 << 20, 1));
    const m = backend.mapMut(file);
    m.bytes.fill(2);
    const p = [m.flushAsync(), m.prefetch(), m.flushAsync(0, 4096)];
    m.close();
    const results = await Promise.allSettled(p);
    return { results: results.map((r) => r.status), two: fs.readFileSync(file).every((x) => x === 2) };
  },

  async 'leak-cycles'() {
    const file = `${dir}/leak.dat`;
    fs.writeFileSync(file, Buffer.alloc(3 * 4096, 1));
    const ro = fs.openSync(file, 'r');
    // Maps naming the file, open fds, and virtual size (1 MiB per leaked anonymous map).
    const count = () => [
      mapped(file),
      fs.readdirSync('/proc/self/fd').length,
      Number(/VmSize:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]),
    ];
    const cycle = () => {
      const m = backend.mapMut(file, { offset: 100 });
      m.bytes[0]!++;
      m.view(5, 5);
      m.flush();
      m.close();
      backend.map(file).close();
      const a = backend.mapAnon(1 << 20);
      a.bytes[5] = 1;
      a.close();
      try {
        backend.map(file, { offset: 5 * 4096 });
      } catch {}
      try {
        backend.mapMut(ro);
      } catch {}
    };
    for (let i = 0; i < 50; i++) cycle();
    const before = count();
    for (let i = 0; i < 2000; i++) cycle();
    for (let i = 0; i < 500; i++) backend.mapAnon(1 << 20).bytes[5] = 1; // never closed: finalizers
    await collect();
    return { before, after: count() };
  },
});
