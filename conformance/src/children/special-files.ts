// Child of the special-files checks (close-safety group): every map function on one path that is
// not a regular file (/dev/zero, /proc, a FIFO, a directory, a socket), each call's outcome
// recorded. Run as a script file:
//   special-files.js <module URL> <export name> <path> [socket]
// ('socket' makes it listen on the path first). It prints the outcomes as one JSON line and exits 0.
import net from 'node:net';
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';

export interface SpecialFileOutcome {
  call: string;
  ok: boolean;
  length?: number;
  name?: string;
  code?: string;
  message?: string;
}

/** Tries every map function on `path`; `setup` = 'socket' makes it listen there first. */
export async function tryEveryMap(backend: Backend, path: string, setup: string): Promise<SpecialFileOutcome[]> {
  let server: net.Server | undefined;
  if (setup === 'socket') {
    const listening = net.createServer();
    server = listening;
    await new Promise<void>((r) => listening.listen(path, r));
  }
  const calls: Array<['map' | 'mapCopy' | 'mapMut', Record<string, unknown>]> = [
    ['map', {}],
    ['map', { length: 4096 }],
    ['map', { offset: 4096 }],
    ['mapCopy', {}],
    ['mapCopy', { length: 4096 }],
    ['mapMut', {}],
    ['mapMut', { length: 4096 }],
    ['mapMut', { create: true, length: 4096 }],
  ];
  const results: SpecialFileOutcome[] = [];
  for (const [fn, opts] of calls) {
    const call = fn + JSON.stringify(opts);
    try {
      const m = backend[fn](path, opts);
      let sum = 0;
      const b = m.length <= 1 << 20 ? m.bytes : m.view(0, 4096);
      for (let i = 0; i < b.length; i++) sum += b[i]!;
      void sum;
      m.close();
      results.push({ call, ok: true, length: m.length });
    } catch (e) {
      const err = e as { name?: string; code?: string; message?: string };
      results.push(
        e instanceof Error
          ? { call, ok: false, name: err.name, code: err.code, message: err.message }
          : { call, ok: false, name: 'non-Error', message: String(e) },
      );
    }
  }
  server?.close();
  return results;
}

const { backend, args } = await startChild();
report(await tryEveryMap(backend, args[0]!, args[1] ?? ''));
