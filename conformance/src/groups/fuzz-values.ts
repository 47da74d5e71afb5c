// Arbitrary and hostile values for the API fuzzing group. Sources are kept from touching anything
// outside the test's own files: strings become names inside a sandbox directory and plausible fd
// numbers become a descriptor that is surely not open.
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';

/** Thrown by getters the fuzzer plants: a call may let it through (it is the caller's error). */
export class GetterError extends Error {}
/** Thrown by valueOf/toString/toPrimitive: reaching it means an argument was coerced, not type-checked. */
export class CoerceError extends Error {}

/** Gives a hostile value a name fast-check prints instead of touching its accessors. */
function named<T extends object>(name: string, value: T): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => name });
  return value;
}

const coercible = () =>
  named('<coercion trap>', {
    [Symbol.toPrimitive]() {
      throw new CoerceError('fuzz: an object was coerced to a primitive');
    },
    valueOf() {
      throw new CoerceError('fuzz: an object was coerced to a primitive');
    },
    toString() {
      throw new CoerceError('fuzz: an object was coerced to a primitive');
    },
  });

const throwingProxy = () =>
  new Proxy(
    {},
    {
      // Symbol keys answer politely (fast-check probes them); every named property throws.
      get: (_, key) => (key === fc.toStringMethod ? () => '<throwing Proxy>' : typeof key === 'symbol' ? undefined : thrower()),
      has: (_, key) => key === fc.toStringMethod || (typeof key === 'symbol' ? false : thrower()),
      ownKeys: () => thrower(),
      getOwnPropertyDescriptor: () => thrower(),
    },
  );
const thrower = (): never => {
  throw new GetterError('fuzz: a getter threw');
};

/** Objects a careless implementation trips over. Fresh per use (some count their reads). */
const hostileMakers: Array<() => unknown> = [
  coercible,
  () =>
    named('<throwing getters>', {
      get offset() {
        return thrower();
      },
      get length() {
        return thrower();
      },
    }),
  throwingProxy,
  () => {
    let n = 0;
    return named('<getters changing between reads>', {
      get length() {
        return n++ === 0 ? 1 : -1;
      },
      get offset() {
        return n++ === 0 ? 0 : 2 ** 60;
      },
    });
  },
  () => Object.freeze({ offset: 0, length: 1 }),
  () => Object.create(null),
  () => Object.assign(Object.create({ length: 3, offset: 1 }), {}),
  () => [1, 2],
  () => () => 0,
  () => Symbol('fuzz'),
  () => new Date(0),
  () => /x/g,
  () => new Map([['length', 1]]),
  () => new Uint8Array(4),
  () => new DataView(new ArrayBuffer(4)),
  () => new URL('http://example.com/x'),
  () => new URL('data:,hello'),
  () => ({ constructor: { name: 'FileHandle' }, fd: 'x' }),
  () => ({ constructor: { name: 'FileHandle' }, fd: 1.5 }),
  () => Promise.resolve(1),
];
export const hostileArb = fc.constantFrom(...hostileMakers.map((_, i) => i)).map((i) => hostileMakers[i]!());

/** Numbers and bigints at and around every boundary an implementation might get wrong. */
export const numberArb = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    -0.5,
    NaN,
    Infinity,
    -Infinity,
    4095,
    4096,
    4097,
    65536,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 40,
    2 ** 52,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 64,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
    -(2 ** 53),
  ),
  fc.integer({ min: -10, max: 70_000 }),
  fc.double(),
);
export const bigintArb = fc.oneof(
  fc.constantFrom(0n, 1n, -1n, 4096n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n, -(2n ** 64n)),
  fc.bigInt(),
);
export const stringArb = fc.oneof(
  fc.string(),
  fc.constantFrom('', '\0', 'normal', 'willneed', 'dontneed', 'WILLNEED', ' normal', 'x'.repeat(5000), '\u{1F600}', '..', '.'),
);

/** Any value at all, leaning towards the interesting ones. */
export const anyValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: numberArb },
  { weight: 1, arbitrary: bigintArb },
  { weight: 1, arbitrary: stringArb },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, true, false) },
  { weight: 2, arbitrary: hostileArb },
  { weight: 2, arbitrary: fc.anything() },
);

/** Option bags: mostly plain objects whose fields are valid, boundary or arbitrary values. */
export function optionsArb(validNumbers: number[]): fc.Arbitrary<unknown> {
  const field = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...validNumbers) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: anyValueArb },
  );
  const flag = fc.oneof({ weight: 3, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyValueArb });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record(
        { offset: field, length: field, populate: flag, create: flag, mode: field, hugePages: flag },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: anyValueArb },
  );
}

/** Turns any string into a name inside `sandbox` (no separators, so it cannot climb out). */
export function sandboxed(sandbox: string, value: unknown): unknown {
  if (typeof value === 'string') return join(sandbox, value.replace(/[/\\]/g, '_'));
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 31) return 999_999; // not open
  return value;
}

/** File sources: the watched file in every form, odd paths, bad fds, and arbitrary values. */
export function sourceArb(known: { path: string; rwFd: number; roFd: number; handle: unknown; closedHandle: unknown; sandbox: string }) {
  const missing = join(known.sandbox, 'missing.bin');
  const fixed: unknown[] = [
    known.path,
    pathToFileURL(known.path),
    Buffer.from(known.path),
    known.rwFd,
    known.roFd,
    known.handle,
    known.closedHandle,
    missing,
    pathToFileURL(missing),
    join(known.sandbox, basename(known.path), 'below-a-file'),
    '',
    '\0',
    `${known.path}\0x`,
    Buffer.from([0]),
    Buffer.alloc(0),
    new URL('http://example.com/'),
    new URL('file:///dev/null/x'),
    -1,
    999_999,
    1.5,
    NaN,
    2 ** 31,
  ];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...fixed) },
    { weight: 2, arbitrary: anyValueArb.map((v) => sandboxed(known.sandbox, v)) },
  );
}
