#!/usr/bin/env node
// memmap-conformance: `info` (which backends load here and why), `check <module>` (run the suite
// against any backend module), `check-all` (every in-repo backend that loads), `bench` (benchmarks).
import { builtinBackends, defaultBackend, listBackends, selectionReason } from '@memmap/core';
import { checkModule, formatCheck } from './check.js';
import { capabilityTable, table } from './matrix.js';

const usage = `usage: memmap-conformance <command>
  info                          backends that load here, their capabilities, the default choice
  check <module> [--export name] [--group name] [--runs n]
                                run the conformance suite against a module exporting a backend
  check-all [--runs n]          check every in-repo backend that loads here
                                (--runs: random operation sequences, default 1000; soak: 100000)
  bench [module...] [--size 1g] [--quick] [--out dir]
                                run the benchmark suite`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      return info();
    case 'check':
      return check(rest);
    case 'check-all':
      return checkAll(rest);
    case 'bench': {
      // Loaded on demand: info/check need neither tinybench nor the data files.
      const benchModule = './bench/index.js';
      const { benchMain } = (await import(benchModule)) as { benchMain(argv: string[]): Promise<number> };
      return benchMain(rest);
    }
    default:
      console.error(usage);
      return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
}

function info(): number {
  const statuses = listBackends();
  console.log(`Node ${process.version} on ${process.platform}-${process.arch}\n`);
  console.log(table(['backend', 'module', 'loads', 'why not'], statuses.map((s) => [s.name, s.module, s.loaded ? 'yes' : 'no', s.error ?? ''])));
  console.log('\nCapabilities:\n' + capabilityTable(statuses.filter((s) => s.loaded)));
  try {
    const chosen = defaultBackend();
    console.log(`\nloadBackend() picks: ${chosen.name} (${selectionReason()})`);
    return 0;
  } catch (error) {
    console.log(`\nloadBackend() fails: ${(error as Error).message}`);
    return 1;
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

/** --runs n sets MEMMAP_RUNS, which the random-sequence and fuzz groups read. */
function takeRuns(args: string[]): boolean {
  const runs = option(args, '--runs');
  if (runs === undefined) return true;
  if (!/^[1-9]\d*$/.test(runs)) {
    console.error(`--runs takes a positive whole number, not ${JSON.stringify(runs)}`);
    return false;
  }
  process.env.MEMMAP_RUNS = runs;
  return true;
}

async function check(args: string[]): Promise<number> {
  if (!takeRuns(args)) return 2;
  const exportName = option(args, '--export');
  const group = option(args, '--group');
  const module = args[0];
  if (!module) {
    console.error(usage);
    return 2;
  }
  const result = await checkModule(module, { exportName, group });
  console.log(`\nConformance of ${module}:\n${formatCheck(result)}`);
  if (result.failures.length) console.log(`\nFailures:\n${result.failures.map((f) => `- ${f}`).join('\n')}`);
  console.log(`\n${result.ok ? 'PASS' : 'FAIL'}`);
  return result.ok ? 0 : 1;
}

async function checkAll(args: string[]): Promise<number> {
  if (!takeRuns(args)) return 2;
  const loaded = listBackends().filter((s) => s.loaded && s.name in builtinBackends);
  let status = 0;
  const summary: string[][] = [];
  for (const s of loaded) {
    console.log(`\n=== ${s.name} (${s.module}) ===`);
    const result = await checkModule(s.module);
    console.log(formatCheck(result));
    if (result.failures.length) console.log(`Failures:\n${result.failures.map((f) => `- ${f}`).join('\n')}`);
    const counts = result.groups.reduce((a, g) => [a[0] + g.passed, a[1] + g.failed, a[2] + g.skipped], [0, 0, 0]);
    summary.push([s.name, result.ok ? 'PASS' : 'FAIL', ...counts.map(String)]);
    if (!result.ok) status = 1;
  }
  console.log('\nSummary:\n' + table(['backend', 'result', 'passed', 'failed', 'skipped'], summary));
  console.log('\nCapabilities:\n' + capabilityTable(loaded));
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
