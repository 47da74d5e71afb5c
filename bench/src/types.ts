// Shapes of the benchmark report (the JSON file is exactly a BenchReport).

/** 'heap': plain JavaScript over a heap Buffer, the engine's ceiling beside the machine's (native). */
export type SubjectKind = 'baseline' | 'backend' | 'peer' | 'native' | 'heap';

export interface Row {
  /** e.g. 'fs.readSync', 'napi', 'mmap-io', 'C (mmap)'. */
  subject: string;
  kind: SubjectKind;
  /** Operations per second: 1e9 / meanNs. */
  opsPerSec: number;
  /**
   * The headline: mean time per op over the whole timed run (from the first timed op to the end of
   * the last, divided by the ops), so collections, finalizers and event-loop turns between batches
   * are in it, mmap-io's forced collections (its only way to unmap) too.
   */
  meanNs: number;
  /** Percentiles of per-op latency. With batch > 1 each sample is the mean of one batch. */
  p50Ns: number;
  p99Ns: number;
  /** Relative margin of error of the mean of the samples, percent (95%). */
  rme: number;
  samples: number;
  /** opsPerSec / the baseline's opsPerSec (by means): > 1 is faster than plain fs. */
  ratio: number;
  /** Scenario-specific figures (e.g. rssGrowthBytes, gibPerSec). */
  extra?: Record<string, number>;
}

export interface SkippedRow {
  subject: string;
  kind: SubjectKind;
  /** Why it was not measured (printed, and kept in the JSON). */
  skipped: string;
}

export interface ScenarioResult {
  id: number;
  key: ScenarioKey;
  title: string;
  /** What one op is. */
  op: string;
  /** Ops per timed sample. */
  batch: number;
  /** Subject name of the baseline row (ratios are relative to it). */
  baseline: string;
  rows: Row[];
  skipped: SkippedRow[];
  notes: string[];
}

/** A scenario's stable name ('open-map-close', 'random-read', ...; see scenarios/index.ts). */
export type ScenarioKey = string;

export interface TargetResult {
  id: string;
  description: string;
  /** Measured value, in `unit`. */
  measured: number | null;
  /** e.g. '>= 50x', '< 2 MiB'. */
  goal: string;
  unit: 'x' | 'bytes' | 'us';
  /** null: could not be evaluated (a subject was skipped). */
  pass: boolean | null;
  note?: string;
}

export interface BenchReport {
  schema: 'memmap-bench/2';
  startedAt: string;
  durationMs: number;
  machine: {
    cpu: string;
    cores: number;
    memoryBytes: number;
    platform: string;
    arch: string;
    kernel: string;
    /** One-minute load average when the run started and when it ended (absent in older reports). */
    loadAverage?: { before: number; after: number };
  };
  runtime: { name: 'node'; version: string; v8: string };
  options: { size: number; quick: boolean; timeMs: number; seed: number; dataFile: string; isolate: boolean };
  subjects: Array<{
    name: string;
    kind: SubjectKind;
    loaded: boolean;
    reason?: string;
    capabilities?: Record<string, boolean>;
    version?: string;
  }>;
  scenarios: ScenarioResult[];
  targets: TargetResult[];
}
