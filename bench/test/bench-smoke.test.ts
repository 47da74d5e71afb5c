// Smoke test of the benchmark suite: tiny sizes, the fallback backend, every scenario; checks the
// shape of the JSON report, the SVG chart and the README section. No timing is asserted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backend as fallback } from '@memmap/backend-fallback';
import { afterAll, describe, expect, it } from 'vitest';
import { type BenchReport, parseSize, README_END, README_START, replaceReadmeSection, runBenchmarks, updateReadme } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'memmap-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('benchmark suite (smoke)', () => {
  let report: BenchReport;

  it('runs every scenario on the fallback backend and writes JSON + SVG', async () => {
    report = await runBenchmarks([{ backend: fallback, module: '@memmap/backend-fallback' }], {
      quick: true,
      size: 256 * 1024,
      time: 5,
      writesPerOp: 4,
      peer: false,
      native: false,
      cacheDir: join(dir, 'cache'),
      outDir: join(dir, 'out'),
      log: false,
    });
    const json = JSON.parse(readFileSync(join(dir, 'out', 'bench.json'), 'utf8')) as BenchReport;
    expect(json.schema).toBe('memmap-bench/2');
    expect(json.runtime.version).toBe(process.version);
    expect(typeof json.machine.cpu).toBe('string');
    expect(json.options.size).toBe(256 * 1024);
    expect(json.scenarios.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(json.scenarios.map((s) => s.key)).toEqual([
      'open-map-close',
      'random-read',
      'sequential',
      'random-write',
      'handoff',
      'map-rss',
      'open-map-close-loop',
      'messages-64',
      'messages-64k',
      'message-latency',
      'parallel-sum',
      'ping-pong',
    ]);
    // No backend here can share a map, so the parallel sum has no baseline (and says why).
    const parallel = json.scenarios.find((s) => s.key === 'parallel-sum')!;
    expect(parallel.skipped.find((k) => k.subject === parallel.baseline)?.skipped).toMatch(/shareable/);
    for (const s of json.scenarios.filter((x) => x !== parallel)) {
      const base = s.rows.find((r) => r.subject === s.baseline);
      expect(base, `baseline of scenario ${s.id}`).toBeDefined();
      expect(base!.ratio).toBeCloseTo(1, 9);
      for (const r of s.rows) {
        expect(r.opsPerSec).toBeGreaterThan(0);
        expect(r.samples).toBeGreaterThan(0);
        // Finite, not just numbers: NaN is a number too (e.g. a ratio with no baseline).
        for (const k of ['p50Ns', 'p99Ns', 'meanNs', 'rme', 'ratio'] as const)
          expect(Number.isFinite(r[k]), `${r.subject} ${k} = ${r[k]}`).toBe(true);
      }
    }
    // The fallback is measured wherever it can be, and skipped with a reason where it cannot.
    for (const id of [1, 2, 3, 4, 6]) {
      const s = json.scenarios.find((x) => x.id === id)!;
      expect(
        s.rows.map((r) => r.subject),
        `scenario ${id}`,
      ).toContain('fallback');
    }
    const handoff = json.scenarios.find((s) => s.key === 'handoff')!;
    expect(handoff.skipped.find((k) => k.subject === 'fallback')?.skipped).toMatch(/coherent/);
    // Message passing: the fallback cannot wait/notify across processes; the baselines report CPU per message.
    for (const key of ['messages-64', 'messages-64k', 'message-latency']) {
      const s = json.scenarios.find((x) => x.key === key)!;
      expect(s.skipped.find((k) => k.subject === 'fallback')?.skipped, key).toMatch(/waitNotify/);
      expect(
        s.rows.map((r) => r.subject),
        key,
      ).toEqual(['process.send IPC', 'Unix-domain socket']);
      for (const r of s.rows) expect(r.extra?.cpuPerMessageNs, `${key} ${r.subject}`).toBeGreaterThan(0);
    }
    const pingPong = json.scenarios.find((s) => s.key === 'ping-pong')!;
    expect(pingPong.skipped.find((k) => k.subject === 'fallback')?.skipped).toMatch(/waitNotify/);
    expect(pingPong.rows.map((r) => r.subject)).toEqual(['Unix-domain socket']);
    expect(json.scenarios.find((s) => s.key === 'map-rss')!.rows.every((r) => typeof r.extra?.rssGrowthBytes === 'number')).toBe(true);
    expect(json.subjects.find((s) => s.name === 'mmap-io')).toMatchObject({ loaded: false });
    expect(Array.isArray(json.targets)).toBe(true);
    expect(json.targets.some((t) => t.id.startsWith('fallback-'))).toBe(true);

    const svg = readFileSync(join(dir, 'out', 'bench.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('fallback');
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('rewrites only the README section between the markers', () => {
    const readme = join(dir, 'README.md');
    const before = `# title\n\nintro\n\n${README_START}\nold results\n${README_END}\n\ntail\n`;
    writeFileSync(readme, before);
    expect(updateReadme(readme, report)).toBe(true);
    const after = readFileSync(readme, 'utf8');
    expect(after.startsWith(`# title\n\nintro\n\n${README_START}\n`)).toBe(true);
    expect(after.endsWith(`${README_END}\n\ntail\n`)).toBe(true);
    expect(after).not.toContain('old results');
    expect(after).toContain(`Node ${process.version}`);
    expect(after).toContain('| fallback |');
    expect(() => replaceReadmeSection('no markers here', 'x')).toThrow(/markers/);
  });

  it('measures each subject of each scenario in a fresh process (and in this one with isolate: false)', async () => {
    const module = new URL('./fixtures/pid-recording-backend.mjs', import.meta.url).href;
    const run = async (isolate: boolean): Promise<number[]> => {
      const logFile = join(dir, `pids-${isolate}.txt`);
      writeFileSync(logFile, '');
      process.env.MEMMAP_PID_LOG = logFile;
      await runBenchmarks([module], {
        quick: true,
        size: 256 * 1024,
        time: 5,
        peer: false,
        native: false,
        scenarios: ['open-map-close', 'random-read'],
        cacheDir: join(dir, 'cache'),
        log: false,
        isolate,
      });
      const text = readFileSync(logFile, 'utf8');
      return [...new Set(text.trim().split('\n').map(Number))];
    };
    try {
      const isolated = await run(true);
      expect(isolated).not.toContain(process.pid);
      expect(isolated.length, 'one process per scenario for this subject').toBe(2);
      expect(await run(false)).toEqual([process.pid]);
    } finally {
      delete process.env.MEMMAP_PID_LOG;
    }
  });

  it('parses sizes', () => {
    expect(parseSize('1g')).toBe(1024 ** 3);
    expect(parseSize('64m')).toBe(64 * 1024 ** 2);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('lots')).toThrow();
  });
});
