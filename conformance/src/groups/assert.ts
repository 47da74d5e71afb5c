// Small helpers shared by the functional groups: error assertions, sparse files, page arithmetic.
// Errors are judged by name and code only (not instanceof), so a third-party backend that bundles
// its own copy of @memmap/core is judged the same way.
import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteContext } from '../context.js';
import { expect } from '../harness/index.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

export interface ErrorLike extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

/** Describes a caught value for assertion messages (name, code, message). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name} [${(err as ErrorLike).code}]: ${err.message}`;
  return `non-Error ${String(err)}`;
}

/** Asserts `err` is an MmapError (an Error named 'MmapError') with one of the expected codes. */
export function assertMmapError(err: unknown, code: string | readonly string[]): ErrorLike {
  const codes = typeof code === 'string' ? [code] : code;
  const e = assertIsMmapError(err);
  expect(codes, `unexpected code: ${describeError(err)}`).toContain(e.code);
  return e;
}

/** Asserts `err` is an MmapError with some string code. */
export function assertIsMmapError(err: unknown): ErrorLike {
  expect(err, describeError(err)).toBeInstanceOf(Error);
  const e = err as ErrorLike;
  expect({ name: e.name, code: e.code }, describeError(err)).toEqual({ name: 'MmapError', code: expect.any(String) });
  return e;
}

/** Releases whatever a call that should have failed returned (a map), so a failing test leaks nothing. */
function release(value: unknown): void {
  const v = value as { close?: () => void } | null;
  if (v && typeof v === 'object' && typeof v.close === 'function') {
    try {
      v.close();
    } catch {
      /* ignore */
    }
  }
}

/** Runs `fn`, which must throw synchronously an MmapError with `code`. */
export function expectThrows(fn: () => unknown, code: string | readonly string[]): ErrorLike {
  let value: unknown;
  try {
    value = fn();
  } catch (err) {
    return assertMmapError(err, code);
  }
  release(value);
  if (value instanceof Promise) value.catch(() => {});
  throw new Error(`expected a synchronous MmapError ${String(code)}, got ${describeValue(value)}`);
}

/** `fn` must return a Promise that rejects with an MmapError `code` (it must not throw synchronously). */
export async function expectRejects(fn: () => unknown, code: string | readonly string[]): Promise<ErrorLike> {
  let value: unknown;
  try {
    value = fn();
  } catch (err) {
    throw new Error(`expected a rejected Promise, but the call threw synchronously: ${describeError(err)}`);
  }
  if (!(value instanceof Promise)) throw new Error(`expected a Promise, got ${describeValue(value)}`);
  try {
    await value;
  } catch (err) {
    return assertMmapError(err, code);
  }
  throw new Error(`expected the Promise to reject with MmapError ${String(code)}, it resolved`);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (no error)';
  if (value && typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'} (no error)`;
  return `${typeof value} ${String(value)} (no error)`;
}

/**
 * A sparse file of `size` bytes (ftruncate, so it costs no disk) with `markers` written at their
 * positions. Positions may be above 4 GiB.
 */
export function sparseFile(ctx: SuiteContext, size: number, markers: Array<[number, Buffer]> = []): string {
  const path = join(ctx.tmpDir(), 'sparse.bin');
  const fd = openSync(path, 'w+');
  try {
    ftruncateSync(fd, size);
    for (const [pos, data] of markers) writeSync(fd, data, 0, data.length, pos);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Pages of `pageSize` spanned by the file range [start, start + length). */
export function pagesSpanned(start: number, length: number, pageSize: number): number {
  if (length === 0) return 0;
  return Math.floor((start + length - 1) / pageSize) - Math.floor(start / pageSize) + 1;
}

/** Reads `length` bytes at `position` straight from the file (through fs, not a map). */
export function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    // Loops (a read may be short) and never pads: bytes past the end of the file are an error here.
    const b = Buffer.alloc(length);
    for (let done = 0; done < length; ) {
      const n = readSync(fd, b, done, length - done, position + done);
      if (n === 0) throw new Error(`readAt: the file ends at ${position + done}, before ${position + length}`);
      done += n;
    }
    return b;
  } finally {
    closeSync(fd);
  }
}

/** True when every byte of `buf` is zero. */
export function allZero(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Asserts a child process exited normally with status 0 (its stderr in the message). */
export function expectCleanExit(r: { status: number | null; signal: string | null; stderr: string; stdout: string }): void {
  expect({ status: r.status, signal: r.signal }, `child stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toEqual({
    status: 0,
    signal: null,
  });
}
