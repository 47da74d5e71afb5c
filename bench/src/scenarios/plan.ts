// What a scenario is made of: the Work each subject runs, the Plan that names the subject, the
// timing Settings, the ScenarioContext every scenario gets, and helpers that build plans.
import { readFileSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import type { Backend } from '@memmap/core';
import type { DataFile } from '../data.js';
import { type NativeRun, type NativeTool, runNative } from '../native.js';
import type { LoadedBackend, MmapIo } from '../subjects.js';
import type { SubjectKind } from '../types.js';

export interface Work {
  setup?(): void | Promise<void>;
  /** One timed batch of `batch` ops. */
  run(): number | Promise<number>;
  teardown?(): void | Promise<void>;
  /** Figures measured besides the timing (e.g. RSS growth), taken after setup. */
  measure?(): Record<string, number> | Promise<Record<string, number>>;
}

export interface Plan {
  subject: string;
  kind: SubjectKind;
  work?: Work;
  /** The C loop: runs on its own, returns per-op samples. */
  native?: () => NativeRun;
  skipped?: string;
}

export interface Settings {
  batch: number;
  iterations: number;
  warmupIterations: number;
  time: number;
  warmupTime: number;
}

export interface ScenarioContext {
  data: DataFile;
  small: { path: string; size: number };
  handoffPath: string;
  /** Word indices (byte offset / 4) of the random 64-byte reads; cycled. */
  readOffsets: Uint32Array;
  readOffsetsFile: string;
  /** Word indices, 8-byte aligned, of the random 8-byte writes; cycled. */
  writeOffsets: Uint32Array;
  writeOffsetsFile: string;
  /** The random-write scenario's own file (a copy of the data file), so the data file never changes. */
  writeFile: string;
  /** Writes per op in the random-write scenario. */
  writesPerOp: number;
  quick: boolean;
  time?: number;
  backends: LoadedBackend[];
  peer?: { lib: MmapIo; path: string };
  native?: NativeTool;
  nativeSkip?: string;
  peerSkip?: string;
}

/**
 * One scenario. A new scenario is one file exporting a ScenarioDef plus one line in the registry
 * (scenarios/index.ts); its number is its place in the registry.
 */
export interface ScenarioDef {
  /** Stable name, used by --scenarios and in the JSON (e.g. 'random-read'). */
  key: string;
  title: (c: ScenarioContext) => string;
  op: (c: ScenarioContext) => string;
  baseline: string;
  settings: (c: ScenarioContext) => Settings;
  /** The value every subject's first batch must return; undefined: take the baseline's. */
  expected?: (c: ScenarioContext, s: Settings) => number | undefined;
  plans: (c: ScenarioContext, s: Settings) => Plan[];
  notes: (c: ScenarioContext, s: Settings) => string[];
  /** Extra figures per row computed from its summary (e.g. GiB/s). */
  extra?: (c: ScenarioContext, meanNs: number) => Record<string, number>;
}

/** A registered scenario: its definition and its number (1-based place in the registry). */
export interface Scenario extends ScenarioDef {
  id: number;
}

/** A plan from `make`'s result: a Work, or the reason the subject is skipped. */
export function plan(subject: string, kind: SubjectKind, w: Work | string): Plan {
  return typeof w === 'string' ? { subject, kind, skipped: w } : { subject, kind, work: w };
}

/**
 * One plan per loaded backend. `make` runs once per backend, so the state it declares (map, cursor)
 * is that backend's own; the timed loops stay written out inside each scenario.
 */
export function backendPlans(c: ScenarioContext, make: (be: Backend, b: LoadedBackend) => Work | string): Plan[] {
  return c.backends.map((b) => plan(b.name, 'backend', make(b.backend, b)));
}

export function peerPlan(c: ScenarioContext, make: (lib: MmapIo, path: string) => Work | string): Plan {
  if (!c.peer) return { subject: 'mmap-io', kind: 'peer', skipped: c.peerSkip ?? 'not requested' };
  return plan('mmap-io', 'peer', make(c.peer.lib, c.peer.path));
}

/**
 * The JavaScript ceiling: the subject's loop is the one the backends run, over the whole data file
 * read into heap memory V8 allocated itself (`words()` gives it as u32 words once setup has run).
 * Skipped where one heap Buffer cannot hold the file.
 */
export function heapPlan(c: ScenarioContext, make: (words: () => Uint32Array) => Work): Plan {
  const subject = 'heap Buffer';
  if (c.data.size > maxHeapBytes())
    return { subject, kind: 'heap', skipped: `the ${c.data.size}-byte file is larger than one heap Buffer here` };
  let held: Uint32Array | undefined;
  const work = make(() => held!);
  return {
    subject,
    kind: 'heap',
    work: {
      ...work,
      setup() {
        const bytes = readFileSync(c.data.path);
        held = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
      },
      teardown() {
        held = undefined;
      },
    },
  };
}

/** The largest Buffer this runtime makes (2 GiB - 1 on Node 20, more on 22+). */
function maxHeapBytes(): number {
  return bufferConstants.MAX_LENGTH;
}

export function nativePlan(c: ScenarioContext, args: () => string[]): Plan {
  const subject = 'C (mmap)';
  if (!c.native) return { subject, kind: 'native', skipped: c.nativeSkip ?? 'not requested' };
  const tool = c.native;
  return { subject, kind: 'native', native: () => runNative(tool, args()) };
}

/** Full-run settings, or the quick run's short ones (`quickBatch` replaces the batch there). */
export function settings(
  c: ScenarioContext,
  full: Omit<Settings, 'warmupTime' | 'time'> & { time?: number },
  quickBatch?: number,
): Settings {
  if (c.quick) {
    return { batch: quickBatch ?? full.batch, iterations: 3, warmupIterations: 1, time: c.time ?? 60, warmupTime: 15 };
  }
  return { ...full, time: c.time ?? full.time ?? 1000, warmupTime: 200 };
}
