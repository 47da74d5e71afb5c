// share()/openShared() on the ffi backend beyond the conformance group: hostile handles that name a
// live entry, the registry's bookkeeping (ended threads, resize, re-share), and where it lives. Each
// case runs in a child process (the registry is process-wide), whose exit status is asserted.
import { describe, expect, it } from 'vitest';
import { backend } from '../src/index.js';
import { backendUrl, report, runChild } from './child.js';

const linux = process.platform === 'linux';

describe.skipIf(!linux)('share / openShared (ffi registry)', () => {
  it('shareable is true on Linux', () => {
    expect(backend.capabilities.shareable).toBe(true);
  });

  it('a handle naming a live entry with its kind, length or offset altered is ERR_INVALID_ARG_VALUE, never a bigger view', () => {
    const r = report<{ codes: Record<string, string>; lengths: number[]; genuine: number }>(
      runChild(`
        const codes = {};
        const lengths = [];
        const small = backend.mapAnon(4096);
        const big = backend.mapAnon(1 << 20); // a live entry that a forged length might reach
        const h = small.share();
        big.share();
        const tryOpen = (name, handle) => {
          try {
            const m = backend.openShared(handle);
            lengths.push(m.length);
            m.close();
            codes[name] = 'opened';
          } catch (error) {
            codes[name] = error.code;
          }
        };
        tryOpen('length', { ...h, length: 1 << 20 });
        tryOpen('length+1', { ...h, length: h.length + 1 });
        tryOpen('kind shared', { ...h, kind: 'shared' });
        tryOpen('kind read', { ...h, kind: 'read' });
        tryOpen('kind copy', { ...h, kind: 'copy' });
        tryOpen('offset', { ...h, offset: 4096 });
        tryOpen('kind and length', { ...h, kind: 'shared', length: 1 << 30 });
        tryOpen('secret of another entry', { ...h, secret: big.share().secret });
        tryOpen('id of another entry', { ...h, id: big.share().id });
        tryOpen('short secret', { ...h, secret: h.secret.slice(0, 16) });
        tryOpen('upper-case id', { ...h, id: h.id.toUpperCase() });
        tryOpen('id past the slots', { ...h, id: 'ffffffffffffffff' });
        const genuine = backend.openShared(h);
        console.log(JSON.stringify({ codes, lengths, genuine: genuine.length }));
        genuine.close();
        small.close();
        big.close();
      `),
    );
    const invalid = 'ERR_INVALID_ARG_VALUE';
    expect(r.codes).toEqual({
      length: invalid,
      'length+1': invalid,
      'kind shared': invalid,
      'kind read': invalid,
      'kind copy': invalid,
      offset: invalid,
      'kind and length': invalid,
      'secret of another entry': invalid,
      'id of another entry': invalid,
      'short secret': invalid,
      'upper-case id': invalid,
      'id past the slots': invalid,
    });
    expect(r.lengths).toEqual([]);
    expect(r.genuine).toBe(4096);
  });

  it('the length comes from the registry: a handle made before a resize opens the resized memory', () => {
    // Node 20 cannot detach a closed map object's views: they keep the memory (and resize() EBUSY)
    // until collected, so the child collects them before each resize.
    const r = report<Record<string, unknown>>(
      runChild(
        `
        const settle = async () => {
          for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((resolve) => setTimeout(resolve, 20)); }
        };
        const m = backend.mapAnon(4096);
        const h = m.share();
        m.bytes[0] = 1;
        m.resize(3 * 4096); // the only holder: allowed, the entry follows the new mapping
        m.bytes[3 * 4096 - 1] = 9;
        const o = backend.openShared(h);
        const seen = { length: o.length, first: o.bytes[0], last: o.bytes[3 * 4096 - 1], again: m.share().id === h.id };
        o.close();
        await settle();
        m.resize(0);
        const empty = backend.openShared(h);
        seen.emptyLength = empty.length;
        empty.close();
        await settle();
        m.resize(4096);
        m.bytes[5] = 5;
        const back = backend.openShared(h);
        seen.afterGrow = [back.length, back.bytes[5]];
        back.close();
        m.close();
        try { backend.openShared(h); } catch (error) { seen.released = error.code; }
        console.log(JSON.stringify(seen));
      `,
        ['--expose-gc'],
      ),
    );
    expect(r).toEqual({
      length: 3 * 4096,
      first: 1,
      last: 9,
      again: true,
      emptyLength: 0,
      afterGrow: [4096, 5],
      released: 'ERR_MMAP_CLOSED',
    });
  });

  it("a Worker terminated while holding the memory stops counting once its thread is gone: resize() then works, and the file is unmapped by the main thread's close", () => {
    const r = report<Record<string, unknown>>(
      runChild(`
        import { Worker } from 'node:worker_threads';
        import { once } from 'node:events';
        const file = fs.mkdtempSync('/tmp/memmap-ffi-share-') + '/f.bin';
        fs.writeFileSync(file, Buffer.alloc(65536, 1));
        const m = backend.mapMut(file);
        const source = \`
          import { workerData, parentPort } from 'node:worker_threads';
          const { backend } = await import(\${JSON.stringify(${JSON.stringify(backendUrl)})});
          const m = backend.openShared(workerData);
          m.bytes[0] = 2;
          parentPort.postMessage('holding');
          setInterval(() => {}, 1000);\`;
        const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(source)), { workerData: m.share() });
        const [message] = await once(worker, 'message');
        let busy;
        try { m.resize(8192); } catch (error) { busy = error.code; }
        await worker.terminate();
        m.resize(8192);
        const mapped = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(file)).length;
        const before = mapped();
        m.close();
        console.log(JSON.stringify({ message, busy, closed: m.closed, length: 8192, before, after: mapped() }));
        fs.rmSync(file);
      `),
    );
    expect(r).toEqual({ message: 'holding', busy: 'EBUSY', closed: true, length: 8192, before: 1, after: 0 });
  });

  it('Workers that start sharing at the same moment find one registry: every handle opens in the main thread', () => {
    const r = report<{ values: number[]; names: number }>(
      runChild(`
        import { Worker } from 'node:worker_threads';
        import { once } from 'node:events';
        const source = \`
          import { workerData, parentPort } from 'node:worker_threads';
          const { backend } = await import(\${JSON.stringify(${JSON.stringify(backendUrl)})});
          Atomics.wait(new Int32Array(workerData), 0, 0); // all start at once
          const m = backend.mapAnon(4096);
          m.bytes[0] = 40 + Math.floor(Math.random() * 10);
          parentPort.postMessage({ handle: m.share(), value: m.bytes[0] });
          parentPort.once('message', () => { m.close(); parentPort.close(); });\`;
        const gate = new SharedArrayBuffer(4);
        const url = new URL('data:text/javascript,' + encodeURIComponent(source));
        const workers = Array.from({ length: 4 }, () => new Worker(url, { workerData: gate }));
        const messages = workers.map((w) => once(w, 'message')); // a Worker drops messages nobody listens for
        const exits = workers.map((w) => once(w, 'exit')); // listened for now: a Worker may end before the loop below reaches it
        await new Promise((resolve) => setTimeout(resolve, 300));
        Atomics.store(new Int32Array(gate), 0, 1);
        Atomics.notify(new Int32Array(gate), 0);
        const values = [];
        for (const [i, w] of workers.entries()) {
          const [{ handle, value }] = await messages[i];
          const o = backend.openShared(handle);
          values.push(o.bytes[0] - value);
          o.close();
          w.postMessage('close');
        }
        await Promise.all(exits);
        const names = Object.keys(process.env).filter((k) => k.startsWith('MEMMAP_FFI_REGISTRY_')).length;
        console.log(JSON.stringify({ values, names }));
      `),
    );
    expect(r).toEqual({ values: [0, 0, 0, 0], names: 1 });
  });

  it('the registry lives in this process only: its environment entry names this pid and its start time', () => {
    const r = report<{ names: string[]; pid: number }>(
      runChild(`
        const m = backend.mapAnon(4096);
        m.share();
        m.close();
        const names = Object.keys(process.env).filter((k) => k.startsWith('MEMMAP_FFI_REGISTRY_'));
        console.log(JSON.stringify({ names, pid: process.pid }));
      `),
    );
    expect(r.names).toHaveLength(1);
    expect(r.names[0]).toMatch(new RegExp(`^MEMMAP_FFI_REGISTRY_${r.pid}_\\d+$`));
  });
});
