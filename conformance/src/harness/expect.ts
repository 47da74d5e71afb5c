// The built-in `expect`: exactly the matchers the conformance groups use, with vitest's semantics,
// for runtimes where vitest cannot run (Bun, Deno, node.exe under Wine).
import { inspect } from 'node:util';
import { type AsymmetricMatcher, equals } from './equals.js';

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export interface Matchers<R = void> {
  toBe(expected: unknown): R;
  toEqual(expected: unknown): R;
  toStrictEqual(expected: unknown): R;
  toBeUndefined(): R;
  toBeDefined(): R;
  toBeNull(): R;
  toBeTruthy(): R;
  toBeFalsy(): R;
  toBeNaN(): R;
  toBeLessThan(n: number | bigint): R;
  toBeLessThanOrEqual(n: number | bigint): R;
  toBeGreaterThan(n: number | bigint): R;
  toBeGreaterThanOrEqual(n: number | bigint): R;
  toContain(item: unknown): R;
  toBeInstanceOf(ctor: abstract new (...args: never[]) => unknown): R;
  toMatch(pattern: RegExp | string): R;
  toHaveLength(n: number): R;
  toHaveProperty(key: string, value?: unknown): R;
  toThrow(expected?: string | RegExp | (abstract new (...args: never[]) => unknown)): R;
}

export interface Assertion extends Matchers {
  readonly not: Matchers;
  readonly resolves: Matchers<Promise<void>>;
  readonly rejects: Matchers<Promise<void>>;
}

export interface Expect {
  (actual: unknown, message?: string): Assertion;
  any(ctor: unknown): AsymmetricMatcher;
  anything(): AsymmetricMatcher;
}

const show = (v: unknown): string => inspect(v, { depth: 6, breakLength: 120, maxArrayLength: 32, maxStringLength: 400 });

type Check = (actual: unknown, ...args: unknown[]) => { pass: boolean; message: string };

const checks: Record<keyof Matchers, Check> = {
  toBe: (a, e) => ({ pass: Object.is(a, e), message: `expected ${show(a)} to be ${show(e)}` }),
  toEqual: (a, e) => ({ pass: equals(a, e), message: `expected ${show(a)} to deeply equal ${show(e)}` }),
  toStrictEqual: (a, e) => ({ pass: equals(a, e), message: `expected ${show(a)} to strictly equal ${show(e)}` }),
  toBeUndefined: (a) => ({ pass: a === undefined, message: `expected ${show(a)} to be undefined` }),
  toBeDefined: (a) => ({ pass: a !== undefined, message: `expected ${show(a)} to be defined` }),
  toBeNull: (a) => ({ pass: a === null, message: `expected ${show(a)} to be null` }),
  toBeTruthy: (a) => ({ pass: !!a, message: `expected ${show(a)} to be truthy` }),
  toBeFalsy: (a) => ({ pass: !a, message: `expected ${show(a)} to be falsy` }),
  toBeNaN: (a) => ({ pass: Number.isNaN(a), message: `expected ${show(a)} to be NaN` }),
  toBeLessThan: (a, n) => ({ pass: numeric(a) && (a as number) < (n as number), message: `expected ${show(a)} to be < ${show(n)}` }),
  toBeLessThanOrEqual: (a, n) => ({
    pass: numeric(a) && (a as number) <= (n as number),
    message: `expected ${show(a)} to be <= ${show(n)}`,
  }),
  toBeGreaterThan: (a, n) => ({ pass: numeric(a) && (a as number) > (n as number), message: `expected ${show(a)} to be > ${show(n)}` }),
  toBeGreaterThanOrEqual: (a, n) => ({
    pass: numeric(a) && (a as number) >= (n as number),
    message: `expected ${show(a)} to be >= ${show(n)}`,
  }),
  toContain: (a, item) => ({
    pass:
      typeof a === 'string'
        ? typeof item === 'string' && a.includes(item)
        : a != null && typeof (a as Iterable<unknown>)[Symbol.iterator] === 'function' && [...(a as Iterable<unknown>)].includes(item),
    message: `expected ${show(a)} to contain ${show(item)}`,
  }),
  toBeInstanceOf: (a, ctor) => ({
    pass: a instanceof (ctor as new () => unknown),
    message: `expected ${show(a)} to be an instance of ${(ctor as { name?: string }).name}`,
  }),
  toMatch: (a, p) => ({
    pass: typeof a === 'string' && (typeof p === 'string' ? a.includes(p) : (p as RegExp).test(a)),
    message: `expected ${show(a)} to match ${show(p)}`,
  }),
  toHaveLength: (a, n) => ({
    pass: a != null && (a as { length?: unknown }).length === n,
    message: `expected ${show(a)} to have length ${show(n)}`,
  }),
  toHaveProperty: (a, key, ...rest) => {
    const has = (a != null && Object.hasOwn(Object(a), key as string)) || (a != null && (key as string) in Object(a));
    const pass = has && (rest.length === 0 || equals((a as Record<string, unknown>)[key as string], rest[0]));
    return { pass, message: `expected ${show(a)} to have property ${String(key)}${rest.length ? ` = ${show(rest[0])}` : ''}` };
  },
  toThrow: (fn, expected) => {
    if (typeof fn !== 'function') return { pass: false, message: `expected a function, got ${show(fn)}` };
    let threw = false;
    let error: unknown;
    try {
      (fn as () => unknown)();
    } catch (e) {
      threw = true;
      error = e;
    }
    return throwResult(threw, error, expected);
  },
};

function numeric(a: unknown): boolean {
  return typeof a === 'number' || typeof a === 'bigint';
}

function throwResult(threw: boolean, error: unknown, expected: unknown): { pass: boolean; message: string } {
  if (!threw)
    return { pass: false, message: `expected the function to throw${expected === undefined ? '' : ` ${show(expected)}`}, it did not` };
  const text = error instanceof Error ? error.message : String(error);
  let pass = true;
  if (typeof expected === 'string') pass = text.includes(expected);
  else if (expected instanceof RegExp) pass = expected.test(text);
  else if (typeof expected === 'function') pass = error instanceof (expected as new () => unknown);
  return {
    pass,
    message: `expected the function to throw ${expected === undefined ? 'an error' : show(expected)}; it threw ${show(error)}`,
  };
}

function matchers(actual: unknown, message: string | undefined, negate: boolean): Matchers {
  const out = {} as Record<keyof Matchers, (...args: unknown[]) => void>;
  for (const name of Object.keys(checks) as Array<keyof Matchers>) {
    out[name] = (...args: unknown[]) => {
      const r = checks[name](actual, ...args);
      if (r.pass === negate) {
        const text = negate ? r.message.replace(/^expected (.*?) to /s, 'expected $1 not to ') : r.message;
        throw new AssertionError(message ? `${message}: ${text}` : text);
      }
    };
  }
  return out as unknown as Matchers;
}

/** `.resolves` / `.rejects`: awaits the promise, then applies the matcher to its value or reason. */
function settled(actual: unknown, message: string | undefined, want: 'resolves' | 'rejects', negate: boolean): Matchers<Promise<void>> {
  const out = {} as Record<keyof Matchers, (...args: unknown[]) => Promise<void>>;
  for (const name of Object.keys(checks) as Array<keyof Matchers>) {
    out[name] = async (...args: unknown[]) => {
      let value: unknown;
      let rejected = false;
      try {
        value = await (typeof actual === 'function' ? (actual as () => unknown)() : actual);
      } catch (e) {
        rejected = true;
        value = e;
      }
      if (rejected !== (want === 'rejects')) {
        const text =
          want === 'rejects'
            ? `expected the promise to reject, it resolved to ${show(value)}`
            : `expected the promise to resolve, it rejected with ${show(value)}`;
        throw new AssertionError(message ? `${message}: ${text}` : text);
      }
      if (name === 'toThrow') {
        const r = throwResult(true, value, args[0]);
        if (r.pass === negate) throw new AssertionError(message ? `${message}: ${r.message}` : r.message);
        return;
      }
      (matchers(value, message, negate)[name] as (...a: unknown[]) => void)(...args);
    };
  }
  return out as unknown as Matchers<Promise<void>>;
}

function asymmetric(name: string, match: (actual: unknown) => boolean): AsymmetricMatcher {
  return { asymmetricMatch: match, toString: () => name, [inspect.custom]: () => name } as AsymmetricMatcher;
}

export const expect: Expect = Object.assign(
  (actual: unknown, message?: string): Assertion => {
    const base = matchers(actual, message, false) as Assertion;
    return Object.assign(base, {
      not: matchers(actual, message, true),
      resolves: settled(actual, message, 'resolves', false),
      rejects: settled(actual, message, 'rejects', false),
    });
  },
  {
    any(ctor: unknown): AsymmetricMatcher {
      const c = ctor as { name?: string };
      return asymmetric(`Any<${c.name}>`, (a) => {
        if (ctor === String) return typeof a === 'string' || a instanceof String;
        if (ctor === Number) return typeof a === 'number' || a instanceof Number;
        if (ctor === Boolean) return typeof a === 'boolean' || a instanceof Boolean;
        if (ctor === BigInt) return typeof a === 'bigint';
        if (ctor === Symbol) return typeof a === 'symbol';
        if (ctor === Function) return typeof a === 'function';
        if (ctor === Object) return typeof a === 'object' && a !== null;
        return a instanceof (ctor as new () => unknown);
      });
    },
    anything(): AsymmetricMatcher {
      return asymmetric('Anything', (a) => a !== null && a !== undefined);
    },
  },
);
