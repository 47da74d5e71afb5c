// @memmap/conformance/bench: the benchmark suite (tinybench 6, plain node).
//
//   import { runBenchmarks } from '@memmap/conformance/bench';
//   const report = await runBenchmarks([{ backend: myBackend, module: 'my-backend' }], { quick: true, outDir: 'bench-results' });
//
// `memmap-conformance bench [module...]` calls benchMain.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseSize } from './data.js';
import { README_END, README_START, updateReadme } from './readme.js';
import { runBenchmarks, svgPathFor, type RunOptions } from './run.js';

export { runBenchmarks, type RunOptions } from './run.js';
export type { BackendEntry, BackendSpec } from './subjects.js';
export { IN_REPO_BACKENDS } from './subjects.js';
export type * from './types.js';
export { evaluateTargets, formatReport, formatScenario, formatTargets, renderMarkdown, renderSvg } from './report.js';
export { README_END, README_START, readReport, replaceReadmeSection, updateReadme } from './readme.js';
export { scenarios } from './scenarios/index.js';
export type { Plan, Scenario, ScenarioContext, ScenarioDef, Settings, Work } from './scenarios/index.js';
export { parseSize } from './data.js';

export const BENCH_USAGE = `usage: memmap-conformance bench [module...] [options]

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
  --readme [file]     rewrite the README section between ${README_START} and ${README_END}
                      (default: README.md when it has the markers and the run is not --quick)
  --no-readme         never touch the README
  --check             exit 2 when a target is missed
`;

interface Parsed {
  modules: string[];
  options: RunOptions;
  readme?: string | true | false;
  check: boolean;
  help: boolean;
}

export function parseBenchArgs(argv: string[]): Parsed {
  const args = argv[0] === 'bench' ? argv.slice(1) : [...argv];
  const p: Parsed = { modules: [], options: {}, check: false, help: false };
  let outDir = 'bench-results';
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '-h':
      case '--help':
        p.help = true;
        break;
      case '--size':
        p.options.size = parseSize(val());
        break;
      case '--quick':
        p.options.quick = true;
        break;
      case '--out':
        outDir = val();
        break;
      case '--json':
        p.options.json = val();
        break;
      case '--svg':
        p.options.svg = val();
        break;
      case '--scenarios':
        p.options.scenarios = val()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        break;
      case '--time': {
        const t = Number(val());
        if (!(t > 0)) throw new Error('--time needs a positive number of milliseconds');
        p.options.time = t;
        break;
      }
      case '--cache':
        p.options.cacheDir = val();
        break;
      case '--no-mmap-io':
        p.options.peer = false;
        break;
      case '--no-c':
        p.options.native = false;
        break;
      case '--readme':
        if (inline !== undefined) p.readme = inline;
        else if (args[i + 1] !== undefined && /\.md$/i.test(args[i + 1])) p.readme = args[++i];
        else p.readme = true;
        break;
      case '--no-readme':
        p.readme = false;
        break;
      case '--check':
        p.check = true;
        break;
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
        p.modules.push(a);
    }
  }
  p.options.outDir = outDir;
  return p;
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
  let report;
  try {
    report = await runBenchmarks(modules, { ...options, print: true });
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 1;
  }
  let readme: string | undefined;
  if (typeof parsed.readme === 'string') readme = parsed.readme;
  else if (parsed.readme === true || (parsed.readme === undefined && !options.quick)) readme = 'README.md';
  if (readme) {
    if (hasMarkers(readme)) {
      const json = options.json ?? `${options.outDir}/bench.json`;
      const svg = options.svg ?? svgPathFor(json);
      const changed = updateReadme(readme, report, { source: relative(process.cwd(), json) || json, chart: relative(process.cwd(), svg) || svg });
      process.stderr.write(`[bench] ${readme}: results section ${changed ? 'rewritten' : 'unchanged'}\n`);
    } else if (parsed.readme !== undefined) {
      process.stderr.write(`[bench] ${readme} has no ${README_START} / ${README_END} markers: not updated\n`);
    }
  }
  if (parsed.check && report.targets.some((t) => t.pass === false)) {
    process.stderr.write(`[bench] missed: ${report.targets.filter((t) => t.pass === false).map((t) => t.id).join(', ')}\n`);
    return 2;
  }
  return 0;
}
