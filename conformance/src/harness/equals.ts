// Deep equality with vitest's toEqual semantics: properties whose value is undefined are ignored,
// Buffers and typed arrays compare element by element (and must have the same tag), and
// asymmetric matchers (expect.any, expect.anything) may stand anywhere in the expected value.

export interface AsymmetricMatcher {
  readonly asymmetricMatch: (actual: unknown) => boolean;
  toString(): string;
}

export function isAsymmetric(value: unknown): value is AsymmetricMatcher {
  return typeof value === 'object' && value !== null && typeof (value as AsymmetricMatcher).asymmetricMatch === 'function';
}

const tag = (v: unknown): string => Object.prototype.toString.call(v);

export function equals(actual: unknown, expected: unknown, seen = new Map<unknown, unknown>()): boolean {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual);
  if (isAsymmetric(actual)) return actual.asymmetricMatch(expected);
  if (Object.is(actual, expected)) return true;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return false;
  }
  if (tag(actual) !== tag(expected)) return false;
  if (seen.get(actual) === expected) return true;
  seen.set(actual, expected);
  if (actual instanceof Date && expected instanceof Date) return Object.is(actual.getTime(), expected.getTime());
  if (actual instanceof RegExp && expected instanceof RegExp) return String(actual) === String(expected);
  if (actual instanceof Error && expected instanceof Error) {
    return actual.name === expected.name && actual.message === expected.message;
  }
  if (ArrayBuffer.isView(actual) && ArrayBuffer.isView(expected)) {
    const a = actual as unknown as ArrayLike<unknown>;
    const b = expected as unknown as ArrayLike<unknown>;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (actual instanceof ArrayBuffer && expected instanceof ArrayBuffer) {
    return equals(new Uint8Array(actual), new Uint8Array(expected), seen);
  }
  if (actual instanceof Map && expected instanceof Map) {
    if (actual.size !== expected.size) return false;
    for (const [k, v] of actual) if (!expected.has(k) || !equals(v, expected.get(k), seen)) return false;
    return true;
  }
  if (actual instanceof Set && expected instanceof Set) {
    if (actual.size !== expected.size) return false;
    outer: for (const v of actual) {
      if (expected.has(v)) continue;
      for (const w of expected) if (equals(v, w, seen)) continue outer;
      return false;
    }
    return true;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return false;
    for (let i = 0; i < actual.length; i++) if (!equals(actual[i], expected[i], seen)) return false;
    return true;
  }
  const a = actual as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const inA = a[key] !== undefined;
    const inB = b[key] !== undefined;
    if (inA !== inB) return false;
    if (inA && !equals(a[key], b[key], seen)) return false;
  }
  return true;
}
