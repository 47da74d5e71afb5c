// The child processes of share.test.ts, one check each (named in argv): the share registry is
// process-wide, so each check starts with none.
import { once } from 'node:events';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { MapHandle, ShareToken } from '@memmap/core';
import { backend, backendUrl, runCheck } from './start.js';

const code = (error: unknown) => (error as { code?: string }).code;

await runCheck({
  'forged-handles'() {
    const codes: Record<string, string | undefined> = {};
    const lengths: number[] = [];
    const small = backend.mapAnon(4096);
    const big = backend.mapAnon(1 << 20); // a live entry that a forged length might reach
    const h = small.share() as MapHandle & ShareToken; // core's token: what a forger would edit
    big.share();
    const tryOpen = (name: string, handle: unknown) => {
      try {
        const m = backend.openShared(handle as MapHandle);
        lengths.push(m.length);
        m.close();
        codes[name] = 'opened';
      } catch (error) {
        codes[name] = code(error);
      }
    };
    tryOpen('length', { ...h, length: 1 << 20 });
    tryOpen('length+1', { ...h, length: h.length + 1 });
    tryOpen('kind shared', { ...h, kind: 'shared' });
    tryOpen('kind read', { ...h, kind: 'read' });
    tryOpen('kind copy', { ...h, kind: 'copy' });
    tryOpen('offset', { ...h, offset: 4096 });
    tryOpen('kind and length', { ...h, kind: 'shared', length: 1 << 30 });
    tryOpen('secret of another entry', { ...h, secret: (big.share() as MapHandle & ShareToken).secret });
    tryOpen('id of another entry', { ...h, id: (big.share() as MapHandle & ShareToken).id });
    tryOpen('short secret', { ...h, secret: h.secret.slice(0, 16) });
    tryOpen('upper-case id', { ...h, id: h.id.toUpperCase() });
    tryOpen('id past the slots', { ...h, id: 'ffffffffffffffff' });
    const genuine = backend.openShared(h);
    const out = { codes, lengths, genuine: genuine.length };
    genuine.close();
    small.close();
    big.close();
    return out;
  },

  async 'resize-handle'() {
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        globalThis.gc!();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const m = backend.mapAnon(4096);
    const h = m.share();
    m.bytes[0] = 1;
    m.resize(3 * 4096); // the only holder: allowed, the entry follows the new mapping
    m.bytes[3 * 4096 - 1] = 9;
    const o = backend.openShared(h);
    const seen: Record<string, unknown> = {
      length: o.length,
      first: o.bytes[0],
      last: o.bytes[3 * 4096 - 1],
      again: m.share().id === h.id,
    };
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
    try {
      backend.openShared(h);
    } catch (error) {
      seen.released = code(error);
    }
    return seen;
  },

  async 'terminated-worker'() {
    const file = `${fs.mkdtempSync('/tmp/memmap-ffi-share-')}/f.bin`;
    fs.writeFileSync(file, Buffer.alloc(65536, 1));
    const m = backend.mapMut(file);
    const worker = new Worker(new URL('share-holder.js', import.meta.url), { workerData: { backendUrl, handle: m.share() } });
    const [message] = await once(worker, 'message');
    let busy: string | undefined;
    try {
      m.resize(8192);
    } catch (error) {
      busy = code(error);
    }
    await worker.terminate();
    m.resize(8192);
    const mapped = () =>
      fs
        .readFileSync('/proc/self/maps', 'utf8')
        .split('\n')
        .filter((l) => l.endsWith(file)).length;
    const before = mapped();
    m.close();
    const out = { message, busy, closed: m.closed, length: 8192, before, after: mapped() };
    fs.rmSync(file);
    return out;
  },

  async 'racing-workers'() {
    const gate = new SharedArrayBuffer(4);
    const url = new URL('share-racer.js', import.meta.url);
    const workers = Array.from({ length: 4 }, () => new Worker(url, { workerData: { backendUrl, gate } }));
    const messages = workers.map((w) => once(w, 'message')); // a Worker drops messages nobody listens for
    const exits = workers.map((w) => once(w, 'exit')); // listened for now: a Worker may end before the loop below reaches it
    await new Promise((resolve) => setTimeout(resolve, 300));
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
    const values = [];
    for (const [i, w] of workers.entries()) {
      const [{ handle, value }] = await messages[i]!;
      const o = backend.openShared(handle);
      values.push(o.bytes[0]! - value);
      o.close();
      w.postMessage('close');
    }
    await Promise.all(exits);
    const names = Object.keys(process.env).filter((k) => k.startsWith('MEMMAP_FFI_REGISTRY_')).length;
    return { values, names };
  },

  'registry-env'() {
    const m = backend.mapAnon(4096);
    m.share();
    m.close();
    const names = Object.keys(process.env).filter((k) => k.startsWith('MEMMAP_FFI_REGISTRY_'));
    return { names, pid: process.pid };
  },
});
