// Helpers for the process-based groups: child output, the contract's error codes, /proc probes.
import { existsSync } from 'node:fs';
import { ErrorCodes } from '@memmap/core';
import type { ChildResult } from '../context.js';
import { expectCleanExit } from './assert.js';

export const isLinux = process.platform === 'linux';
export const hasProcFs = isLinux && existsSync('/proc/self/maps');

/** The non-OS codes of the contract (docs/errors.md); OS failures use errno names (ENOENT, EACCES, ...). */
export const CONTRACT_CODES: readonly string[] = Object.values(ErrorCodes);

export const isOsCode = (code: unknown): boolean => typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
export const isContractCode = (code: unknown): boolean => typeof code === 'string' && (CONTRACT_CODES.includes(code) || isOsCode(code));

/** True when `err` is an MmapError (judged by name, as assert.ts does) with a contract code. */
export function isContractError(err: unknown): boolean {
  return err instanceof Error && err.name === 'MmapError' && isContractCode((err as { code?: unknown }).code);
}

/** Asserts the child exited with status 0 and no signal, then parses the JSON on its last stdout line. */
export function childJson<T>(r: ChildResult): T {
  expectCleanExit(r);
  const lines = r.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]!) as T;
  } catch {
    throw new Error(`child printed no JSON result; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/**
 * fast-check parameters: `numRuns`, plus MEMMAP_SEED / MEMMAP_PATH to replay a failure that was
 * reported with "seed: …, path: …".
 */
export function fcParams(numRuns: number): { numRuns: number; seed?: number; path?: string } {
  const params: { numRuns: number; seed?: number; path?: string } = { numRuns };
  if (process.env.MEMMAP_SEED) params.seed = Number(process.env.MEMMAP_SEED);
  if (process.env.MEMMAP_PATH) params.path = process.env.MEMMAP_PATH;
  return params;
}

/** A test timeout that grows with the run count (MEMMAP_RUNS=100000 soaks take a while). */
export const timeoutFor = (runs: number, msPerRun: number): number => Math.max(120_000, runs * msPerRun);
