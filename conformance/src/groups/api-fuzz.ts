// Group "API fuzzing": arbitrary values for every argument of every function and method. Each call
// either succeeds or throws (or rejects with) an MmapError whose code is in the contract; a failed
// call changes no byte of the watched file, leaves no new file behind and leaves the map as it was.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open as openHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mmap, MmapMut } from '@memmap/core';
import fc from 'fast-check';
import type { SuiteContext } from '../context.js';
import { pattern } from '../context.js';
import { expect, it } from '../harness/index.js';
import { describeError, MiB } from './assert.js';
import { anyValueArb, CoerceError, GetterError, numberArb, optionsArb, sourceArb } from './fuzz-values.js';
import type { Group } from './index.js';
import { fcParams, isContractError, timeoutFor } from './robust-util.js';

const SIZE = 10_000;

interface Watched {
  path: string;
  content: Buffer;
  sandbox: string;
  rwFd: number;
  roFd: number;
  handle: unknown;
  closedHandle: unknown;
  release(): Promise<void>;
}

async function watch(ctx: SuiteContext): Promise<Watched> {
  const content = pattern(SIZE, 3);
  const path = ctx.file(content, 'watched.bin');
  const sandbox = join(ctx.tmpDir(), 'sandbox');
  mkdirSync(sandbox);
  const handle = await openHandle(path, 'r+');
  const closedHandle = await openHandle(path, 'r');
  await closedHandle.close();
  const rwFd = openSync(path, 'r+');
  const roFd = openSync(path, 'r');
  const release = async () => {
    closeSync(rwFd);
    closeSync(roFd);
    await handle.close();
  };
  return { path, content, sandbox, rwFd, roFd, handle, closedHandle, release };
}

/** fc.stringify, except for values whose accessors or conversions throw on purpose. */
function show(value: unknown): string {
  try {
    return fc.stringify(value);
  } catch {
    return `<${typeof value} with throwing accessors>`;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Runs a call; a returned Promise is awaited, so a rejection counts as the call failing. */
async function outcome(call: () => unknown): Promise<Outcome> {
  try {
    let value = call();
    if (value instanceof Promise) value = await value;
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error };
  }
}

function assertAllowedError(error: unknown, what: string): void {
  if (error instanceof GetterError) return; // the caller's own getter threw: passing it on is right
  if (error instanceof CoerceError) throw new Error(`${what}: coerced an object argument instead of checking its type`);
  if (!isContractError(error)) throw new Error(`${what}: threw ${describeError(error)}; only an MmapError with a contract code may`);
}

/**
 * After a call: a failure must leave the watched file and the sandbox as they were; a success may
 * have grown the file (create/resize), which is then put back for the next case. A successful
 * `mapMut` with `create` at a large offset legitimately grows it to any size (2^40 makes a sparse
 * 1 TiB file), so the size is checked first and the whole file is read only when it has the
 * expected size. The file is put back before anything is asserted, so one failing case (and the
 * shrinking runs after it) never sees a file poisoned by an earlier one.
 */
function settle(w: Watched, failed: boolean, what: string): void {
  const size = statSync(w.path).size;
  const sameSize = size === w.content.length;
  const sameBytes = sameSize && readFileSync(w.path).equals(w.content);
  const created = readdirSync(w.sandbox);
  // writeFileSync truncates (O_TRUNC) first, so this never reads or copies a huge file.
  if (!sameBytes) writeFileSync(w.path, w.content);
  for (const name of created) rmSync(join(w.sandbox, name), { recursive: true, force: true });
  if (failed) {
    expect(size, `${what} failed but changed the file's size`).toBe(w.content.length);
    expect(sameBytes, `${what} failed but changed the file`).toBe(true);
    expect(created, `${what} failed but left a file behind`).toEqual([]);
  }
}

/** Own data property of a plain option bag (never runs a getter). */
function field(options: unknown, key: string): unknown {
  if (!options || typeof options !== 'object' || Object.getPrototypeOf(options) !== Object.prototype) return undefined;
  try {
    return Object.getOwnPropertyDescriptor(options, key)?.value;
  } catch {
    return undefined; // a hostile Proxy
  }
}

/** Valid but costly requests (prefaulting or copying gigabytes) say nothing about the contract. */
function costly(length: unknown, options: unknown): boolean {
  const n = typeof length === 'number' ? length : typeof length === 'bigint' ? Number(length) : 0;
  if (field(options, 'populate') === true && n > MiB) return true;
  return n > 64 * MiB && n <= 2 ** 33;
}

const fileFns = ['map', 'mapMut', 'mapCopy'] as const;

function registerFactories(ctx: SuiteContext): void {
  const runs = ctx.runs;
  it(
    `map/mapMut/mapCopy: ${runs} arbitrary sources and options`,
    async () => {
      const w = await watch(ctx);
      try {
        const valid = [0, 1, 100, SIZE - 1, SIZE, SIZE + 1, 4096, 0o644];
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...fileFns), sourceArb(w), optionsArb(valid), async (fn, source, options) => {
            fc.pre(!costly(field(options, 'length'), options));
            const what = `${fn}(${show(source)}, ${show(options)})`;
            const r = await outcome(() => ctx.backend[fn](source as string, options as object));
            if (r.ok) {
              const m = r.value as Mmap;
              expect(typeof m.close, `${what} returned no map`).toBe('function');
              expect(m.writable, what).toBe(fn !== 'map');
              m.close();
            } else {
              assertAllowedError(r.error, what);
            }
            settle(w, !r.ok, what);
          }),
          fcParams(runs),
        );
      } finally {
        await w.release();
      }
    },
    timeoutFor(runs, 50),
  );

  const anonRuns = Math.ceil(runs / 2);
  it(
    `mapAnon: ${anonRuns} arbitrary lengths and options`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(numberArb, anyValueArb), optionsArb([0, 1, 4096]), async (length, options) => {
          fc.pre(!costly(length, options));
          const what = `mapAnon(${show(length)}, ${show(options)})`;
          const r = await outcome(() => ctx.backend.mapAnon(length as number, options as object));
          if (r.ok) {
            const m = r.value as MmapMut;
            expect(m.length, what).toBe(length);
            m.close();
          } else {
            assertAllowedError(r.error, what);
          }
        }),
        fcParams(anonRuns),
      );
    },
    timeoutFor(anonRuns, 50),
  );
}

const methods = [
  'bytes',
  'view',
  'advise',
  'prefetch',
  'residency',
  'lock',
  'unlock',
  'flush',
  'flushAsync',
  'resize',
  'close',
  'dispose',
] as const;
type Method = (typeof methods)[number];

function invoke(m: MmapMut, method: Method, args: unknown[]): unknown {
  if (method === 'bytes') return m.bytes;
  if (method === 'dispose') return m[Symbol.dispose]();
  return (m[method] as (...a: unknown[]) => unknown)(...args);
}

/** A successful call must also return the right shape. */
function checkResult(method: Method, value: unknown, m: MmapMut, what: string): void {
  if (method === 'view') expect(Buffer.isBuffer(value) && (value as Buffer).length <= m.length, what).toBe(true);
  if (method === 'advise') expect(typeof value, what).toBe('boolean');
  if (method === 'residency') {
    const r = value as { resident: number; total: number; pageSize: number };
    expect(r.resident >= 0 && r.resident <= r.total && r.pageSize > 0, `${what} gave ${JSON.stringify(r)}`).toBe(true);
  }
}

function registerMethods(ctx: SuiteContext): void {
  const runs = Math.ceil(ctx.runs * 1.5);
  it(
    `every method of live and closed maps: ${runs} arbitrary argument lists`,
    async () => {
      const w = await watch(ctx);
      const open = (kind: string): MmapMut =>
        kind === 'mapAnon' ? ctx.backend.mapAnon(SIZE) : (ctx.backend[kind as (typeof fileFns)[number]](w.path) as MmapMut);
      const arg = fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: SIZE + 2 }) },
        { weight: 1, arbitrary: fc.constantFrom('normal', 'random', 'sequential', 'willneed', 'dontneed', 'hugepage', 'nohugepage') },
        { weight: 4, arbitrary: anyValueArb },
      );
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom('map', 'mapMut', 'mapCopy', 'mapAnon'),
            fc.constantFrom(...methods),
            fc.array(arg, { maxLength: 3 }),
            fc.boolean(),
            async (kind, method, args, closed) => {
              fc.pre(method !== 'resize' || !costly(args[0], undefined));
              const m = open(kind);
              const what = `${closed ? 'closed ' : ''}${kind}.${method}(${args.map(show).join(', ')})`;
              let r: Outcome;
              let before: Buffer | undefined;
              try {
                fc.pre(method === 'bytes' || method === 'dispose' || typeof m[method] === 'function');
                if (closed) m.close();
                else before = Buffer.from(m.bytes);
                r = await outcome(() => invoke(m, method, args));
                if (r.ok) {
                  if (closed) expect(['close', 'dispose'], `${what} succeeded on a closed map`).toContain(method);
                  checkResult(method, r.value, m, what);
                } else {
                  assertAllowedError(r.error, what);
                  if (closed && !(r.error instanceof GetterError))
                    expect((r.error as { code: string }).code, what).not.toBe('ERR_MMAP_UNSUPPORTED');
                  if (before) expect(m.bytes.equals(before), `${what} failed but changed the map`).toBe(true);
                }
              } finally {
                m.close();
              }
              settle(w, !r.ok, what);
            },
          ),
          fcParams(runs),
        );
      } finally {
        await w.release();
      }
    },
    timeoutFor(runs, 50),
  );
}

export const apiFuzzGroup: Group = {
  name: 'API fuzzing',
  register(ctx) {
    registerFactories(ctx);
    registerMethods(ctx);
  },
};
