// @memmap/bench: the benchmark suite (tinybench 6, plain node).
//
//   import { runBenchmarks } from '@memmap/bench';
//   const report = await runBenchmarks([{ backend: myBackend, module: 'my-backend' }], { quick: true, outDir: 'bench-results' });
//
// `memmap-bench [module...]` (and `memmap-conformance bench ...`, which forwards here) calls benchMain.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize } from './data.js';
import { README_END, README_START, updateReadme } from './readme.js';
import { type RunOptions, runBenchmarks, svgPathFor } from './run.js';

export { parseSize } from './data.js';
export { README_END, README_START, readReport, replaceReadmeSection, updateReadme } from './readme.js';
export { evaluateTargets, formatReport, formatScenario, formatTargets, renderMarkdown, renderSvg } from './report.js';
export { type RunOptions, runBenchmarks } from './run.js';
export type { Plan, Scenario, ScenarioContext, ScenarioDef, Settings, Work } from './scenarios/index.js';
export { scenarios } from './scenarios/index.js';
export type { BackendEntry, BackendSpec } from './subjects.js';
export { IN_REPO_BACKENDS } from './subjects.js';
export type * from './types.js';

export const BENCH_USAGE = `usage: memmap-bench [module...] [options]

Benchmarks memmap backends against plain fs, mmap-io and a C loop. Modules are package names or
paths exporting a backend (named export "backend" or default); none = every in-repo backend that loads.

  --size <n>          data file size, e.g. 256m, 1g (default 1g; quick: 32m)
  --quick             small sizes and short timings (< 1 minute)
  --out <dir>         write bench.json and bench.svg there (default bench-results)
  --json <file>       JSON report path (default <out>/bench.json)
  --svg <file>        SVG chart path (default: the JSON path with .svg)
  --scenarios <list>  e.g. 1,2,random-read (default all: 1 open-map-close, 2 random-read,
                      3 sequential, 4 random-write, 5 handoff, 6 map-rss, 7 open-map-close-loop)
  --time <ms>         time budget per subject and scenario
  --cache <dir>       data files, mmap-io and the C binary (default <workspace>/.cache)
  --no-mmap-io        do not install/measure mmap-io
  --no-c              do not compile/measure the C loop
  --same-process      measure every subject in this process (default: each subject of each
                      scenario in a fresh process, so no subject inherits another's JIT state)
  --readme [file]     rewrite the README section between ${README_START} and ${README_END}
                      (default: README.md when it has the markers and the run is not --quick)
  --no-readme         never touch the README
  --check             exit 2 when a target is missed
`;

interface Parsed {
  modules: string[];
  options: RunOptions;
  /** A README to rewrite, false for none, undefined for the default (README.md unless --quick). */
  readme?: string | false;
  check: boolean;
  help: boolean;
}

export function parseBenchArgs(argv: string[]): Parsed {
  const args = argv[0] === 'bench' ? argv.slice(1) : [...argv];
  // `--readme` takes an optional file: alone (not followed by a .md path) it means README.md.
  const normalised = args.map((a, i) => (a === '--readme' && !/\.md$/i.test(args[i + 1] ?? '') ? '--readme=README.md' : a));
  const { values: v, positionals } = parseArgs({
    args: normalised,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      size: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string', default: 'bench-results' },
      json: { type: 'string' },
      svg: { type: 'string' },
      scenarios: { type: 'string' },
      time: { type: 'string' },
      cache: { type: 'string' },
      'no-mmap-io': { type: 'boolean', default: false },
      'no-c': { type: 'boolean', default: false },
      'same-process': { type: 'boolean', default: false },
      readme: { type: 'string' },
      'no-readme': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  const options: RunOptions = { outDir: v.out };
  if (v.size !== undefined) options.size = parseSize(v.size);
  if (v.quick) options.quick = true;
  if (v.json !== undefined) options.json = v.json;
  if (v.svg !== undefined) options.svg = v.svg;
  if (v.scenarios !== undefined) {
    options.scenarios = v.scenarios
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  }
  if (v.time !== undefined) {
    const t = Number(v.time);
    if (!(t > 0)) throw new Error('--time needs a positive number of milliseconds');
    options.time = t;
  }
  if (v.cache !== undefined) options.cacheDir = v.cache;
  if (v['no-mmap-io']) options.peer = false;
  if (v['no-c']) options.native = false;
  if (v['same-process']) options.isolate = false;
  const readme = v['no-readme'] ? false : v.readme;
  return { modules: positionals, options, readme, check: v.check, help: v.help };
}

function hasMarkers(file: string): boolean {
  if (!existsSync(file)) return false;
  const t = readFileSync(file, 'utf8');
  return t.includes(README_START) && t.includes(README_END);
}

/** The `bench` command: runs, prints the tables, writes JSON + SVG (+ README). Returns the exit code. */
export async function benchMain(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${BENCH_USAGE}`);
    return 64;
  }
  if (parsed.help) {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const { modules, options } = parsed;
  let report: Awaited<ReturnType<typeof runBenchmarks>>;
  try {
    report = await runBenchmarks(modules, { ...options, print: true });
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 1;
  }
  let readme: string | undefined;
  if (typeof parsed.readme === 'string') readme = parsed.readme;
  else if (parsed.readme === undefined && !options.quick) readme = 'README.md';
  if (readme) {
    if (hasMarkers(readme)) {
      const json = options.json ?? `${options.outDir}/bench.json`;
      const svg = options.svg ?? svgPathFor(json);
      const changed = updateReadme(readme, report, {
        source: relative(process.cwd(), json) || json,
        chart: relative(process.cwd(), svg) || svg,
      });
      process.stderr.write(`[bench] ${readme}: results section ${changed ? 'rewritten' : 'unchanged'}\n`);
    } else if (parsed.readme !== undefined) {
      process.stderr.write(`[bench] ${readme} has no ${README_START} / ${README_END} markers: not updated\n`);
    }
  }
  if (parsed.check && report.targets.some((t) => t.pass === false)) {
    process.stderr.write(
      `[bench] missed: ${report.targets
        .filter((t) => t.pass === false)
        .map((t) => t.id)
        .join(', ')}\n`,
    );
    return 2;
  }
  return 0;
}
