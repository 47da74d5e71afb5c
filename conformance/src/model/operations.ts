// The operations of a random sequence, as plain data (so fast-check can print and shrink them).
// Numbers are raw: the runner reduces them modulo the current state (file size, map length, live
// maps), so any shrunk sequence still runs.

import { type Advice, adviceNames } from '@memmap/core';
import fc from 'fast-check';
import type { MapCall } from './file-model.js';

export type SourceKind = 'path' | 'url' | 'buffer' | 'fd';
export type WriteVia = 'bytes' | 'view' | 'fill' | 'index';

export type Op =
  | { op: 'open'; kind: MapCall; off: number; len: number | null; create: boolean; src: SourceKind; bigint: boolean; populate: boolean }
  | { op: 'write'; slot: number; at: number; via: WriteVia; data: Uint8Array }
  | { op: 'flush'; slot: number; range: [number, number] | null; async: boolean }
  | { op: 'resize'; slot: number; size: number }
  | { op: 'advise'; slot: number; advice: Advice; range: [number, number] | null }
  | { op: 'prefetch'; slot: number; range: [number, number] | null }
  | { op: 'close'; slot: number }
  | { op: 'reopen'; slot: number }
  | { op: 'wait'; slot: number; at: number; async: boolean }
  | { op: 'notify'; slot: number; at: number; count: number | null };

const nat = fc.nat();
const range = fc.option(fc.tuple(nat, nat), { nil: null });
const advice: readonly Advice[] = adviceNames;

const open = fc.record({
  op: fc.constant('open' as const),
  kind: fc.constantFrom<MapCall>('map', 'mapMut', 'mapCopy', 'mapAnon'),
  off: nat,
  len: fc.option(nat, { nil: null }),
  create: fc.boolean(),
  src: fc.constantFrom<SourceKind>('path', 'url', 'buffer', 'fd'),
  bigint: fc.boolean(),
  populate: fc.boolean(),
});
const write = fc.record({
  op: fc.constant('write' as const),
  slot: nat,
  at: nat,
  via: fc.constantFrom<WriteVia>('bytes', 'view', 'fill', 'index'),
  data: fc.uint8Array({ minLength: 1, maxLength: 48 }),
});
const flush = fc.record({ op: fc.constant('flush' as const), slot: nat, range, async: fc.boolean() });
const resize = fc.record({ op: fc.constant('resize' as const), slot: nat, size: nat });
const advise = fc.record({ op: fc.constant('advise' as const), slot: nat, advice: fc.constantFrom(...advice), range });
const prefetch = fc.record({ op: fc.constant('prefetch' as const), slot: nat, range });
const close = fc.record({ op: fc.constant('close' as const), slot: nat });
const reopen = fc.record({ op: fc.constant('reopen' as const), slot: nat });
const wait = fc.record({ op: fc.constant('wait' as const), slot: nat, at: nat, async: fc.boolean() });
const notify = fc.record({ op: fc.constant('notify' as const), slot: nat, at: nat, count: fc.option(nat, { nil: null }) });

/** A short sequence: opens and writes dominate, so most sequences have live maps to check. */
export const sequenceArb = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: open },
    { weight: 6, arbitrary: write },
    { weight: 2, arbitrary: flush },
    { weight: 2, arbitrary: resize },
    { weight: 1, arbitrary: advise },
    { weight: 1, arbitrary: prefetch },
    { weight: 2, arbitrary: close },
    { weight: 1, arbitrary: reopen },
    { weight: 1, arbitrary: wait },
    { weight: 1, arbitrary: notify },
  ) as fc.Arbitrary<Op>,
  { minLength: 1, maxLength: 20 },
);
