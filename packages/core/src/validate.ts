// Argument validation shared by every backend: one place decides which input gets which code.
// Wrong JS type -> ERR_INVALID_ARG_TYPE; right type but negative/fractional/NaN/unknown -> ERR_INVALID_ARG_VALUE;
// beyond 2^53 or past the end of the file/map -> ERR_MMAP_OUT_OF_RANGE.
import { invalidType, invalidValue, outOfRange } from './errors.js';
import type { Advice } from './types.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `undefined` -> {}; anything but a plain object -> ERR_INVALID_ARG_TYPE. */
export function validateOptions(value: unknown, name = 'options'): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidType(name, 'of type object', value);
  return value as Record<string, unknown>;
}

/** A file offset: a non-negative integer number or bigint, exact (<= 2^53 - 1). */
export function validateOffset(value: unknown, name = 'offset'): number {
  if (value === undefined) return 0;
  if (typeof value === 'bigint') {
    if (value < 0n) throw invalidValue(name, 'must be >= 0', value);
    if (value > MAX_SAFE) throw outOfRange(`The "${name}" argument (${value}n) is beyond any file size (max 2^53 - 1)`);
    return Number(value);
  }
  return validateCount(value, name);
}

/** A byte count or map-relative position: a non-negative integer number (bigint is a type error). */
export function validateCount(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw invalidValue(name, 'must be an integer', value);
  if (value < 0) throw invalidValue(name, 'must be >= 0', value);
  if (value > Number.MAX_SAFE_INTEGER) throw outOfRange(`The "${name}" argument (${value}) is beyond 2^53 - 1`);
  return value;
}

export function validateOptionalCount(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : validateCount(value, name);
}

export function validateBoolean(value: unknown, name: string, fallback = false): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidType(name, 'of type boolean', value);
  return value;
}

/** Permission bits for a created file. */
export function validateMode(value: unknown, fallback = 0o600): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidType('options.mode', 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > 0o7777) {
    throw invalidValue('options.mode', 'must be an integer between 0 and 0o7777', value);
  }
  return value + 0; // -0 would pass fs.openSync's own check and abort Node in its binding
}

/**
 * A sub-range of a map of `total` bytes for view/flush/advise/prefetch/residency: offset defaults
 * to 0, length to the rest; strict bounds, never clamped.
 */
export function validateRange(offset: unknown, length: unknown, total: number): { offset: number; length: number } {
  const start = offset === undefined ? 0 : validateCount(offset, 'offset');
  if (start > total) throw outOfRange(`offset ${start} is past the end of the map (${total} bytes)`);
  const count = length === undefined ? total - start : validateCount(length, 'length');
  if (start + count > total) {
    throw outOfRange(`range ${start}..${start + count} is past the end of the map (${total} bytes)`);
  }
  return { offset: start, length: count };
}

/**
 * Every {@link Advice} name, in a fixed order.
 *
 * @example
 * ```ts
 * import { adviceNames } from '@memmap/core';
 * adviceNames.includes('willneed'); // true
 * ```
 */
export const adviceNames: readonly Advice[] = Object.freeze([
  'normal',
  'random',
  'sequential',
  'willneed',
  'dontneed',
  'hugepage',
  'nohugepage',
]);

export function validateAdvice(value: unknown): Advice {
  if (typeof value !== 'string') throw invalidType('advice', 'of type string', value);
  if (!(adviceNames as readonly string[]).includes(value)) {
    throw invalidValue('advice', `must be one of ${adviceNames.join(', ')}`, value);
  }
  return value as Advice;
}

/** A named shared memory name: 1-31 characters of [A-Za-z0-9._-], not '.' or '..'. */
export function validateName(value: unknown): string {
  if (typeof value !== 'string') throw invalidType('name', 'of type string', value);
  if (!/^[A-Za-z0-9._-]{1,31}$/.test(value) || value === '.' || value === '..') {
    throw invalidValue('name', "must be 1-31 characters of [A-Za-z0-9._-], not '.' or '..'", value);
  }
  return value;
}

/**
 * The int32 a wait/notify names: a map offset inside the map, 4-byte aligned in memory. Byte 0
 * of a file map sits at the file offset's position within its page, so alignment is checked on
 * `base + offset` (base = the map's file offset; 0 for anonymous and named maps).
 */
export function validateWaitOffset(value: unknown, base: number, total: number): number {
  const offset = validateCount(value, 'offset');
  if ((base + offset) % 4 !== 0) throw invalidValue('offset', 'must be 4-byte aligned', value);
  if (offset + 4 > total) throw outOfRange(`offset ${offset}..${offset + 4} is past the end of the map (${total} bytes)`);
  return offset;
}

/** The value wait() compares with: an int32 integer (what an Int32Array element can hold). */
export function validateExpected(value: unknown): number {
  if (typeof value !== 'number') throw invalidType('expected', 'of type number', value);
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw invalidValue('expected', 'must be an int32 integer', value);
  }
  return value;
}

/** A timeout in milliseconds: undefined = Infinity; >= 0 (fractions allowed); NaN and negatives refused. */
export function validateTimeout(value: unknown): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number') throw invalidType('timeoutMs', 'of type number', value);
  if (Number.isNaN(value) || value < 0) throw invalidValue('timeoutMs', 'must be >= 0', value);
  return value;
}

/** How many waiters notify() may wake: undefined = all; a non-negative integer or Infinity; capped at 2^31 - 1. */
export function validateNotifyCount(value: unknown): number {
  if (value === undefined || value === Infinity) return 0x7fffffff;
  if (typeof value !== 'number') throw invalidType('count', 'of type number', value);
  if (!Number.isInteger(value) || value < 0) throw invalidValue('count', 'must be a non-negative integer', value);
  return Math.min(value, 0x7fffffff);
}
