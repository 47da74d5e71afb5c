// runBenchmarks: prepares the data, measures every subject of every scenario with tinybench, and
// writes the JSON report and the SVG chart.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { Bench, type FnReturnedObject } from 'tinybench';
import {
  defaultCacheDir,
  ensureDataFile,
  ensureWriteFile,
  formatBytes,
  type Log,
  seededWordOffsets,
  smallFile,
  warmPageCache,
} from './data.js';
import { canIsolate, type ChildOptions, measureInChild } from './isolate.js';
import { buildNative } from './native.js';
import { evaluateTargets, fmtNs, formatReport, formatScenario, renderSvg } from './report.js';
import { turn } from './scenarios/gc.js';
import { type Plan, type ScenarioContext, type Settings, scenarios } from './scenarios/index.js';
import { fromTask, type Summary, summarize } from './stats.js';
import { type BackendSpec, firstLine, IN_REPO_BACKENDS, type LoadedBackend, loadBackends, loadMmapIo } from './subjects.js';
import type { BenchReport, Row, ScenarioKey, ScenarioResult, SkippedRow } from './types.js';

export interface RunOptions {
  /** Bytes of the big data file (default 1 GiB; 32 MiB with quick). A multiple of 4. */
  size?: number;
  /** Small sizes and short runs: the whole suite in well under a minute. */
  quick?: boolean;
  /** Time budget per subject and scenario, ms (default 1000, 2000 for the sequential checksum; quick 60). */
  time?: number;
  /** Scenario numbers or keys to run; default all. */
  scenarios?: Array<number | ScenarioKey>;
  /** Measure mmap-io (installed into `<cacheDir>/mmap-io` on first use); default true. */
  peer?: boolean;
  /** Measure the C loop (compiled into the cache when a C compiler exists); default true. */
  native?: boolean;
  /** Where data files, mmap-io and the C binary live; default `<workspace root>/.cache` or the OS temp dir. */
  cacheDir?: string;
  /** Writes bench.json and bench.svg here. */
  outDir?: string;
  /** JSON report path (overrides outDir/bench.json). */
  json?: string;
  /** SVG chart path (default: next to the JSON, same name, .svg). */
  svg?: string;
  /** Print the tables to stdout as each scenario finishes (default false). */
  print?: boolean;
  /** Progress lines; default: stderr. false: silent. */
  log?: Log | false;
  /** Seed of the random offsets (default 0x5eed). */
  seed?: number;
  /** Random 8-byte writes per op in scenario 4 (default 256; quick 64). */
  writesPerOp?: number;
  /**
   * Measure each subject of each scenario in a fresh process (default true), so no subject runs
   * with the JIT state another left behind. Backends given as objects without a module, and the
   * whole run when false, are measured in this process.
   */
  isolate?: boolean;
}

const READ_OFFSETS = 1 << 16;
const WRITE_OFFSETS = 1 << 14;

/**
 * Runs the benchmark suite on `backends` (objects `{ name?, backend, module? }` or module specifiers;
 * none = the in-repo backends that load) and returns the report. Subjects that cannot run are kept
 * in the report with the reason.
 */
export async function runBenchmarks(backends: BackendSpec[] = [], options: RunOptions = {}): Promise<BenchReport> {
  const started = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  const log: Log = options.log === false ? () => {} : (options.log ?? ((l) => process.stderr.write(`[bench] ${l}\n`)));
  const quick = options.quick ?? false;
  const size = options.size ?? (quick ? 32 << 20 : 1 << 30);
  if (!Number.isSafeInteger(size) || size < 4096 || size % 4 !== 0)
    throw new RangeError(`size must be a multiple of 4 and >= 4096, got ${size}`);
  if (size > 16 * 1024 ** 3) throw new RangeError('size above 16 GiB is not supported (u32 word offsets)');
  const seed = options.seed ?? 0x5eed;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const wanted = options.scenarios?.length ? scenarios.filter((s) => options.scenarios!.some((w) => w === s.id || w === s.key)) : scenarios;
  const unknown = options.scenarios?.filter((w) => !scenarios.some((s) => w === s.id || w === s.key)) ?? [];
  if (unknown.length)
    throw new RangeError(
      `unknown scenario ${unknown.join(', ')} (numbers 1-${scenarios.length} or ${scenarios.map((s) => s.key).join(', ')})`,
    );

  const { loaded, skipped } = await loadBackends(backends.length ? backends : IN_REPO_BACKENDS, log);
  if (loaded.length === 0) {
    throw new Error(`no backend loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ') || 'none given'}`);
  }
  log(`backends: ${loaded.map((b) => b.name).join(', ')}${skipped.length ? ` (skipped: ${skipped.map((s) => s.name).join(', ')})` : ''}`);

  const subjects: BenchReport['subjects'] = [
    ...loaded.map((b) => ({ name: b.name, kind: 'backend' as const, loaded: true, capabilities: { ...b.backend.capabilities } })),
    ...skipped.map((s) => ({ name: s.name, kind: 'backend' as const, loaded: false, reason: s.reason })),
  ];

  let peer: ScenarioContext['peer'];
  let peerSkip: string | undefined;
  if (options.peer === false) peerSkip = 'disabled (--no-mmap-io)';
  else {
    const p = loadMmapIo(cacheDir, log);
    if (p.peer) {
      peer = { lib: p.peer.lib, path: p.peer.path };
      subjects.push({ name: 'mmap-io', kind: 'peer', loaded: true, version: p.peer.version });
      log(`mmap-io ${p.peer.version} loaded from ${p.peer.path}`);
    } else {
      peerSkip = p.skipped!.reason;
      log(`skipping mmap-io: ${peerSkip}`);
    }
  }
  if (peerSkip) subjects.push({ name: 'mmap-io', kind: 'peer', loaded: false, reason: peerSkip });

  let native: ScenarioContext['native'];
  let nativeSkip: string | undefined;
  if (options.native === false) nativeSkip = 'disabled (--no-c)';
  else {
    const n = buildNative(cacheDir, log);
    if ('skipped' in n) {
      nativeSkip = n.skipped;
      log(`skipping the C loop: ${nativeSkip}`);
    } else native = n;
  }
  subjects.push(
    native ? { name: 'C (mmap)', kind: 'native', loaded: true } : { name: 'C (mmap)', kind: 'native', loaded: false, reason: nativeSkip },
  );

  const isolate = options.isolate ?? true;
  const childOptions: ChildOptions = {
    size,
    quick,
    time: options.time,
    seed,
    cacheDir,
    writesPerOp: options.writesPerOp,
    peer: peer !== undefined,
  };
  const ctx = scenarioContext(childOptions, loaded, { peer, peerSkip, native, nativeSkip }, log, {
    warm: true,
    randomWrite: wanted.some((s) => s.key === 'random-write'),
  });
  const data = ctx.data;

  const results: ScenarioResult[] = [];
  for (const def of wanted) {
    const st = def.settings(ctx);
    const title = def.title(ctx);
    log(`scenario ${def.id}/${scenarios.length}: ${title}`);
    const plans = def.plans(ctx, st);
    let expected = def.expected?.(ctx, st);
    const rows: Row[] = [];
    const skippedRows: SkippedRow[] = [];
    for (const plan of plans) {
      if (plan.skipped) {
        skippedRows.push({ subject: plan.subject, kind: plan.kind, skipped: plan.skipped });
        log(`  ${plan.subject}: skipped (${plan.skipped})`);
        continue;
      }
      log(`  ${plan.subject} ...`);
      try {
        const isolated = isolate && !plan.native && canIsolate(plan, loaded);
        const m = isolated ? measureInChild(def.key, plan.subject, childOptions, loaded, expected) : await measure(plan, st, expected);
        if (plan.kind === 'baseline' && expected === undefined) expected = m.first;
        // The headline is the mean per op over the whole timed run (collector and finalizers included).
        const row: Row = { subject: plan.subject, kind: plan.kind, opsPerSec: 1e9 / m.summary.meanNs, ...m.summary, ratio: NaN };
        const extra = { ...def.extra?.(ctx, m.summary.meanNs), ...m.extra };
        if (Object.keys(extra).length) row.extra = extra;
        rows.push(row);
        log(
          `  ${plan.subject}: mean ${fmtNs(row.meanNs)}, p50 ${fmtNs(row.p50Ns)}, p99 ${fmtNs(row.p99Ns)} (${row.samples} samples)${row.extra?.rssGrowthBytes !== undefined ? `, RSS +${formatBytes(row.extra.rssGrowthBytes)}` : ''}`,
        );
      } catch (err) {
        const reason = `error: ${firstLine(err)}`;
        skippedRows.push({ subject: plan.subject, kind: plan.kind, skipped: reason });
        log(`  ${plan.subject}: ${reason}`);
      }
    }
    const base = rows.find((r) => r.subject === def.baseline);
    for (const r of rows) r.ratio = base ? r.opsPerSec / base.opsPerSec : NaN;
    const result: ScenarioResult = {
      id: def.id,
      key: def.key,
      title,
      op: def.op(ctx),
      batch: st.batch,
      baseline: def.baseline,
      rows,
      skipped: skippedRows,
      notes: def.notes(ctx, st).filter(Boolean),
    };
    results.push(result);
    if (options.print) process.stdout.write(`${formatScenario(result)}\n`);
  }

  rmSync(ctx.handoffPath, { force: true });

  const report: BenchReport = {
    schema: 'memmap-bench/2',
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryBytes: totalmem(),
      platform: platform(),
      arch: arch(),
      kernel: release(),
      // One-minute load averages around the run (POSIX; 0 on Windows): a published figure needs a
      // quiet machine, and these say whether it was (the bench's own message-passing pairs add up
      // to about one at the end).
      loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
    },
    runtime: { name: 'node', version: process.version, v8: process.versions.v8 },
    options: { size, quick, timeMs: options.time ?? (quick ? 60 : 1000), seed, dataFile: data.path, isolate },
    subjects,
    scenarios: results,
    targets: [],
  };
  report.targets = evaluateTargets(report);
  report.durationMs = Date.now() - started;
  if (options.print) process.stdout.write(`${formatReport(report, { scenarios: false })}\n`);

  const jsonPath = options.json ?? (options.outDir ? join(options.outDir, 'bench.json') : undefined);
  const svgPath = options.svg ?? (jsonPath ? svgPathFor(jsonPath) : undefined);
  if (jsonPath) {
    mkdirSync(dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${jsonPath}`);
  }
  if (svgPath) {
    mkdirSync(dirname(svgPath), { recursive: true });
    writeFileSync(svgPath, renderSvg(report));
    log(`wrote ${svgPath}`);
  }
  return report;
}

/** What every scenario gets: the data files (made once, reused by child processes) and the subjects. */
export function scenarioContext(
  o: ChildOptions,
  loaded: LoadedBackend[],
  others: Pick<ScenarioContext, 'peer' | 'peerSkip' | 'native' | 'nativeSkip'>,
  log: Log,
  prepare: { warm: boolean; randomWrite: boolean },
): ScenarioContext {
  const dataDir = join(o.cacheDir, 'memmap-bench');
  const data = ensureDataFile(dataDir, o.size, log);
  const smallSize = 4096;
  const small = { path: smallFile(dataDir, 'small-4k.bin', smallSize), size: smallSize };
  const readOffsets = seededWordOffsets(o.seed, READ_OFFSETS, o.size, 64);
  const writeOffsets = seededWordOffsets(o.seed ^ 0x77777777, WRITE_OFFSETS, o.size, 8, 2);
  const readOffsetsFile = join(dataDir, `offsets-${o.seed}-${o.size}.bin`);
  const writeOffsetsFile = join(dataDir, `write-offsets-${o.seed}-${o.size}.bin`);
  if (prepare.warm) {
    writeFileSync(readOffsetsFile, Buffer.from(readOffsets.buffer, readOffsets.byteOffset, readOffsets.byteLength));
    writeFileSync(writeOffsetsFile, Buffer.from(writeOffsets.buffer, writeOffsets.byteOffset, writeOffsets.byteLength));
  }
  const writeFile = ensureWriteFile(dataDir, data, log);
  if (prepare.warm) {
    warmPageCache(data.path, log);
    if (prepare.randomWrite) warmPageCache(writeFile, log);
  }
  return {
    data,
    small,
    handoffPath: join(dataDir, `handoff-${process.pid}.bin`),
    readOffsets,
    readOffsetsFile,
    writeOffsets,
    writeOffsetsFile,
    writeFile,
    writesPerOp: o.writesPerOp ?? (o.quick ? 64 : 256),
    quick: o.quick,
    time: o.time,
    backends: loaded,
    ...others,
  };
}

/** The chart's default path: the JSON path with .svg instead of .json. */
export function svgPathFor(jsonPath: string): string {
  return jsonPath.replace(/(\.json)?$/i, '.svg');
}

export interface Measured {
  summary: Summary;
  first: number;
  extra?: Record<string, number>;
}

// biome-ignore lint/correctness/noUnusedVariables: written, never read, so the engine cannot drop the timed work
let sink = 0;

/**
 * Measures one subject. Every sample is one batch; an event-loop turn follows a batch at least every
 * 2 ms, so finalizers and FinalizationRegistry callbacks the batches queued run inside the timed run
 * (a user's loop pays them too). tinybench gives the per-sample statistics (p50, p99, rme); the headline mean
 * is the whole timed run's wall time over its ops.
 */
export async function measure(plan: Plan, st: Settings, expected: number | undefined): Promise<Measured> {
  if (plan.native) {
    const r = plan.native();
    if (expected !== undefined && r.result !== expected) throw new Error(`wrong result: got ${r.result}, expected ${expected}`);
    return { summary: summarize(r.samplesNs), first: r.result };
  }
  const work = plan.work!;
  await work.setup?.();
  try {
    // Figures besides timing (RSS) first, before this subject's allocations are recycled by malloc.
    const extra = await work.measure?.();
    // The first batch, untimed: checks that the subject computes what the baseline computes.
    const first = await work.run();
    if (expected !== undefined && first !== expected) throw new Error(`wrong result: got ${first}, expected ${expected}`);
    const B = st.batch;
    let lastTurn = performance.now();
    const batch = async (): Promise<number> => {
      const t0 = performance.now();
      sink ^= await work.run();
      const t1 = performance.now();
      // An event-loop turn at least every 2 ms of work, as a user's program gets them.
      if (t1 - lastTurn >= 2) {
        await turn();
        lastTurn = performance.now();
      }
      return t1 - t0;
    };
    // Warm-up outside tinybench, so every call tinybench makes below is part of the timed run.
    const warmEnd = performance.now() + st.warmupTime;
    for (let i = 0; i < st.warmupIterations || performance.now() < warmEnd; i++) {
      await batch();
    }
    let wallStart = NaN;
    let wallEnd = NaN;
    let ops = 0;
    const bench = new Bench({ name: plan.subject, time: st.time, iterations: st.iterations, warmup: false, throws: true });
    // Each sample is one batch; tinybench gets the per-op mean through overriddenDuration and the
    // whole batch through overriddenIterationCost (so the time budget stays right).
    bench.add(
      plan.subject,
      async (): Promise<FnReturnedObject> => {
        if (Number.isNaN(wallStart)) wallStart = performance.now();
        const d = await batch();
        ops += B;
        wallEnd = performance.now();
        return { overriddenDuration: d / B, overriddenIterationCost: d };
      },
      { async: true },
    );
    await bench.run();
    const task = bench.tasks[0];
    if (task === undefined) throw new Error('tinybench ran no task');
    const summary = fromTask(task);
    summary.meanNs = ((wallEnd - wallStart) * 1e6) / ops;
    return { summary, first, extra };
  } finally {
    await work.teardown?.();
  }
}
