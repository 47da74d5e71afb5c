// Probes run in a child process by the "hostile callers" group: a caller that tampers with map
// objects, clones them, or holds maps until the kernel's map count runs out. A crash shows as the
// child's signal; everything else comes back as one JSON line. Run as a script file:
//   hostile.js <module URL> <export name> <tamper|map-limit> <path>
import fs from 'node:fs';
import util from 'node:util';
import type { Backend, Mmap, MmapMut } from '@memmap/core';
import { report, startChild } from './start.js';

/** One call made after tampering, and how it ended. */
export interface CallOutcome {
  what: string;
  /** 'ok', or the error's code ('ERR_...'/'E...'), or `TypeError: message` for an error that is no MmapError. */
  result: string;
}

/** A method taken off a prototype, called with any receiver. */
type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

export interface TamperReport {
  /** Calls that ended in an error that was not an MmapError. */
  foreignErrors: CallOutcome[];
  /** advise('dontneed', 0, 2^30) on a one-page map after `currentLength = 2 ** 30`, per kind of map. */
  adviseAfterLengthLie: Record<string, string>;
  /** The file's bytes, read through fs at the end, equal what this probe wrote. */
  fileIntact: boolean;
  /** Calls that ended 'ok' (so the probe exercised real work, not only errors). */
  okCalls: number;
  /** Construction through the map's constructor, a subclass, Reflect.construct: the error codes. */
  construct: string[];
  /** A Proxy of a map: the error code of its first method call and of a getter. */
  proxy: string[];
  /** util.inspect / JSON.stringify of a map. */
  inspect: string;
  json: string;
  /** structuredClone / postMessage of a map, its bytes and a view: 'threw:<name>' or 'copied:<equal?>'. */
  clones: Record<string, string>;
}

export async function tamperProbe(
  backend: Backend,
  fs: typeof import('node:fs'),
  util: typeof import('node:util'),
  path: string,
): Promise<TamperReport> {
  const page = 4096;
  const foreignErrors: CallOutcome[] = [];
  let okCalls = 0;
  const outcome = (what: string, run: () => unknown): string => {
    try {
      run();
      okCalls++;
      return 'ok';
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string };
      if (e?.name === 'MmapError' && typeof e.code === 'string') return e.code;
      const result = `${e?.name}: ${e?.message}`;
      foreignErrors.push({ what, result });
      return result;
    }
  };
  const settle = async (what: string, run: () => unknown): Promise<void> => {
    try {
      await run();
      okCalls++;
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string };
      if (!(e?.name === 'MmapError' && typeof e.code === 'string')) foreignErrors.push({ what, result: `${e?.name}: ${e?.message}` });
    }
  };
  // What older versions kept as plain properties, and what a caller might guess.
  const guesses = [
    'currentLength',
    'init',
    'isClosed',
    'cachedBytes',
    'waiters',
    'region',
    'fd',
    'length',
    'offset',
    'bytes',
    'closed',
    'backend',
    'writable',
  ];
  const lies: unknown[] = [2 ** 30, -1, Number.NaN, { region: {}, fd: 0 }, null, 'x', 2 ** 53];
  const tamper = (m: object): void => {
    const names = new Set<string | symbol>([...guesses, ...Reflect.ownKeys(m)]);
    for (const name of names) {
      for (const lie of lies) {
        try {
          (m as Record<string | symbol, unknown>)[name] = lie;
        } catch {
          // a getter without setter refuses in strict mode: fine
        }
        try {
          Object.defineProperty(m, name, { value: lie, writable: true, configurable: true, enumerable: true });
        } catch {
          // a frozen or non-extensible object refuses: fine
        }
      }
    }
  };
  const kinds: Record<string, () => Mmap | MmapMut> = {
    map: () => backend.map(path),
    mapMut: () => backend.mapMut(path),
    mapCopy: () => backend.mapCopy(path),
    mapAnon: () => backend.mapAnon(page),
  };
  const adviseAfterLengthLie: Record<string, string> = {};
  const expected = fs.readFileSync(path);
  for (const [kind, open] of Object.entries(kinds)) {
    // The one lie that reached memory once: a length far past the one-page map.
    const liar = open() as MmapMut;
    (liar as unknown as Record<string, unknown>).currentLength = 2 ** 30;
    outcome(`${kind}.residency after the length lie`, () => liar.residency(0, 2 ** 30));
    adviseAfterLengthLie[kind] = outcome(`${kind}.advise after the length lie`, () => liar.advise('dontneed', 0, 2 ** 30));
    liar.close();
    const m = open() as MmapMut;
    const proto = Object.getPrototypeOf(m) as Record<string, unknown>;
    tamper(m);
    // Every method, through the real prototype (the instance's own properties are lies now).
    const calls: [string, unknown[]][] = [
      ['view', []],
      ['view', [0, page]],
      ['view', [0, 2 ** 30]],
      ['advise', ['willneed']],
      ['advise', ['dontneed', page - 1, 2 ** 31]],
      ['residency', []],
      ['residency', [0, 2 ** 30]],
      ['flush', []],
      ['flush', [0, 2 ** 30]],
      ['notify', [2 ** 20]],
      ['wait', [2 ** 20, 0, 0]],
      ['wait', [0, 12345, 0]],
    ];
    for (const [name, args] of calls) {
      const fn = proto[name] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn === 'function') outcome(`${kind}.${name}(${args.join(',')})`, () => fn.apply(m, args));
    }
    for (const getter of ['bytes', 'length', 'offset', 'closed', 'backend', 'writable']) {
      const desc = Object.getOwnPropertyDescriptor(proto, getter) ?? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(proto), getter);
      if (desc?.get) outcome(`${kind}.get ${getter}`, () => desc.get!.call(m));
    }
    if (typeof proto.prefetch === 'function') await settle(`${kind}.prefetch`, () => (proto.prefetch as AnyMethod).call(m, 0, 2 ** 30));
    if (typeof proto.flushAsync === 'function')
      await settle(`${kind}.flushAsync`, () => (proto.flushAsync as AnyMethod).call(m, 0, 2 ** 30));
    if (kind === 'mapMut' || kind === 'mapAnon') {
      // Writes through the real bytes still land where they should.
      let bytes: Buffer | undefined;
      outcome(`${kind}.bytes to write`, () => {
        bytes = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(proto), 'bytes')?.get?.call(m) as Buffer | undefined;
      });
      if (bytes && kind === 'mapMut') {
        bytes[7] = 0xab;
        expected[7] = 0xab;
      }
    }
    // A changed prototype: methods of the real prototype still see the real state.
    Object.setPrototypeOf(m, null);
    outcome(`${kind}.view after setPrototypeOf`, () => (proto.view as AnyMethod).call(m, 0, 1));
    outcome(`${kind}.close`, () => (proto.close as AnyMethod).call(m));
    outcome(`${kind}.view after close`, () => (proto.view as AnyMethod).call(m, 0, 1));
  }
  const fileIntact = fs.readFileSync(path).equals(expected);

  // Construction from outside, subclasses and proxies.
  const sample = backend.mapAnon(page);
  const construct: string[] = [];
  const Ctor = (sample as object).constructor as new (...args: unknown[]) => object;
  const codeOf = (run: () => unknown): string => {
    try {
      run();
      return 'no error';
    } catch (error) {
      const e = error as { name?: string; code?: string };
      return e?.name === 'MmapError' ? String(e.code) : `${e?.name}`;
    }
  };
  construct.push(codeOf(() => new Ctor({ region: {}, length: 2 ** 30, offset: 0, kind: 'shared' })));
  construct.push(codeOf(() => new Ctor(Symbol('memmap.makeMap'), { region: {}, length: 2 ** 30 })));
  construct.push(
    codeOf(() => {
      class Sub extends Ctor {}
      return new Sub({ region: {} });
    }),
  );
  construct.push(codeOf(() => Reflect.construct(Ctor, [{}], Object)));
  const proxied = new Proxy(sample, {}) as MmapMut;
  const proxy = [codeOf(() => proxied.view(0, 1)), codeOf(() => proxied.length), codeOf(() => proxied.advise('dontneed', 0, 2 ** 30))];

  // Printing and cloning.
  sample.bytes.fill(0x5a);
  const inspect = util.inspect(sample, { showHidden: true, depth: 5 });
  const json = JSON.stringify(sample);
  const clones: Record<string, string> = {};
  const cloneOutcome = (name: string, value: unknown, original?: Buffer): void => {
    try {
      const copy = structuredClone(value) as Uint8Array | undefined;
      clones[`structuredClone ${name}`] = original ? `copied:${Buffer.from(copy as Uint8Array).equals(original)}` : 'copied:object';
    } catch (error) {
      clones[`structuredClone ${name}`] = `threw:${(error as Error).name}`;
    }
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(value);
      clones[`postMessage ${name}`] = 'posted';
    } catch (error) {
      clones[`postMessage ${name}`] = `threw:${(error as Error).name}`;
    } finally {
      port1.close();
      port2.close();
    }
  };
  cloneOutcome('map', sample);
  cloneOutcome('bytes', sample.bytes, Buffer.from(sample.bytes));
  cloneOutcome('view', sample.view(1, 100), Buffer.from(sample.view(1, 100)));
  sample.close();
  return { foreignErrors, adviseAfterLengthLie, fileIntact, okCalls, construct, proxy, inspect, json, clones };
}

export interface MapLimitReport {
  /** vm.max_map_count. */
  limit: number;
  /** Maps held when the first refusal came (or the target, if none came). */
  held: number;
  /** The refusal's code and message, if any. */
  code?: string;
  message?: string;
  /** After the refusal: the heap still grows, and closing maps makes a new map work. */
  heapGrew: boolean;
  mappedAgain: boolean;
}

export function mapLimitProbe(backend: Backend, fs: typeof import('node:fs'), path: string): MapLimitReport {
  const limit = Number(fs.readFileSync('/proc/sys/vm/max_map_count', 'utf8'));
  const held: Mmap[] = [];
  let code: string | undefined;
  let message: string | undefined;
  try {
    for (let i = 0; i < limit + 1000; i++) {
      const m = backend.map(path);
      if (m.bytes[0] !== 7) throw new Error(`wrong byte in map ${i}`);
      held.push(m);
    }
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    if (e?.name !== 'MmapError') throw error;
    code = e.code;
    message = e.message;
  }
  const count = held.length;
  // The runtime must still be able to map memory of its own.
  const junk: number[][] = [];
  for (let i = 0; i < 300; i++) junk.push(new Array(100_000).fill(i));
  const heapGrew = junk.length === 300 && junk[299]![99_999] === 299;
  for (const m of held.splice(0, 2000)) m.close();
  const again = backend.map(path);
  const mappedAgain = again.bytes[0] === 7;
  again.close();
  for (const m of held) m.close();
  const report: MapLimitReport = { limit, held: count, heapGrew, mappedAgain };
  if (code !== undefined) report.code = code;
  if (message !== undefined) report.message = message;
  return report;
}

const { backend, args } = await startChild();
const [probe, path] = args as ['tamper' | 'map-limit', string];
if (probe === 'tamper') report(await tamperProbe(backend, fs, util, path));
else if (probe === 'map-limit') report(mapLimitProbe(backend, fs, path));
else throw new Error(`unknown probe ${probe}`);
