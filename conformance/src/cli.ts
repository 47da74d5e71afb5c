#!/usr/bin/env node
// memmap-conformance: `info` (which backends load here and why), `check <module>` (run the suite
// against any backend module), `check-all` (every in-repo backend that loads), `bench` (forwards to @memmap/bench).
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { builtinBackends, defaultBackend, listBackends, selectionReason, resolveModuleUrl } from '@memmap/core';
import { checkModule, formatCheck } from './check.js';
import { capabilityTable, table } from './matrix.js';
import { formatRun, type RunResult, runSuite } from './run.js';
import { currentRuntime, runtimeLabel } from './runtime.js';

const usage = `usage: memmap-conformance <command>
  info                          backends that load here, their capabilities, the default choice
  check <module> [--export name] [--group name] [--runs n]
                                run the conformance suite against a module exporting a backend
  check-all [--runs n]          check every in-repo backend that loads here
                                (--runs: random operation sequences, default 1000; soak: 100000)
  run [module...] [--export name] [--group name] [--runs n] [--timeout ms] [--verbose]
                                the same suite without vitest, in this process, under this runtime
                                (node, bun, deno run -A, node.exe under Wine); no module: every
                                in-repo backend that loads here
  bench [module...] [--size 1g] [--quick] [--out dir]
                                the benchmark suite: forwards to memmap-bench (@memmap/bench,
                                installed separately)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      return info();
    case 'check':
      return check(rest);
    case 'check-all':
      return checkAll(rest);
    case 'run':
      return run(rest);
    case 'bench':
      return bench(rest);
    default:
      console.error(usage);
      return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
}

/** `bench ...` forwards to the `@memmap/bench` package (its own install: the suite does not pull tinybench). */
async function bench(argv: string[]): Promise<number> {
  const specifier = '@memmap/bench';
  let mod: { benchMain(argv: string[]): Promise<number> };
  try {
    // The user's project first (where `npm i -D @memmap/bench` puts it), then beside this package.
    mod = (await import(resolveModuleUrl(specifier))) as typeof mod;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!(code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') || !String((err as Error).message).includes(specifier)) throw err;
    console.error(
      'memmap-conformance bench: the benchmark suite is its own package, @memmap/bench, and it is not installed here.\n' +
        'Install it with `npm i -D @memmap/bench`, then run `npx memmap-bench [module...]` (or this command again).',
    );
    return 2;
  }
  return mod.benchMain(argv);
}

function info(): number {
  const statuses = listBackends();
  const r = currentRuntime();
  const emulated = r.name === 'node' ? '' : `, Node API of ${process.version}`;
  console.log(`Runtime: ${r.name} ${r.version} on ${process.platform}-${process.arch}${emulated}\n`);
  console.log(
    table(
      ['backend', 'module', 'loads', 'why not'],
      statuses.map((s) => [s.name, s.module, s.loaded ? 'yes' : 'no', s.error ?? '']),
    ),
  );
  console.log(`\nCapabilities:\n${capabilityTable(statuses.filter((s) => s.loaded))}`);
  try {
    const chosen = defaultBackend();
    console.log(`\nloadBackend() picks: ${chosen.name} (${selectionReason()})`);
    return 0;
  } catch (error) {
    console.log(`\nloadBackend() fails: ${(error as Error).message}`);
    return 1;
  }
}

async function run(args: string[]): Promise<number> {
  const parsed = parse(args, {
    export: { type: 'string' },
    group: { type: 'string' },
    runs: { type: 'string' },
    timeout: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  });
  if (!parsed || !takeRuns(parsed.values.runs)) return 2;
  const { export: exportName, group, timeout: timeoutText, verbose } = parsed.values;
  const modules = parsed.positionals;
  const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    console.error(`--timeout takes a positive whole number of ms, not ${JSON.stringify(timeoutText)}`);
    return 2;
  }
  const targets = modules.length
    ? modules
    : listBackends()
        .filter((s) => s.loaded && s.name in builtinBackends)
        .map((s) => s.module);
  const label = runtimeLabel();
  const results: RunResult[] = [];
  for (const module of targets) {
    console.log(`\n=== ${module} on ${label} ===`);
    let result: RunResult;
    try {
      result = await runSuite(module, { exportName, group, timeout, verbose });
    } catch (error) {
      console.log(`  cannot run: ${(error as Error).message}`);
      result = {
        module,
        backend: module,
        ok: false,
        groups: [],
        failures: [(error as Error).message],
        totals: { passed: 0, failed: 1, skipped: 0 },
      };
    }
    if (result.groups.length) console.log(formatRun(result));
    results.push(result);
  }
  const ok = results.length > 0 && results.every((r) => r.ok);
  const parts = results.map((r) => `${r.backend} ${r.ok ? 'pass' : 'FAIL'} ${r.totals.passed}/${r.totals.failed}/${r.totals.skipped}`);
  console.log(`\nconformance on ${label}: ${ok ? 'PASS' : 'FAIL'} (passed/failed/skipped: ${parts.join(', ') || 'nothing ran'})`);
  return ok ? 0 : 1;
}

/** node:util parseArgs, strict: an unknown option or a missing value prints usage and gives undefined. */
function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return undefined;
  }
}

/** --runs n sets MEMMAP_RUNS (how many random operation sequences), which the randomised groups read. */
function takeRuns(runs: string | undefined): boolean {
  if (runs === undefined) return true;
  if (!/^[1-9]\d*$/.test(runs)) {
    console.error(`--runs takes a positive whole number, not ${JSON.stringify(runs)}`);
    return false;
  }
  process.env.MEMMAP_RUNS = runs;
  return true;
}

async function check(args: string[]): Promise<number> {
  const parsed = parse(args, { export: { type: 'string' }, group: { type: 'string' }, runs: { type: 'string' } });
  if (!parsed || !takeRuns(parsed.values.runs)) return 2;
  const { export: exportName, group } = parsed.values;
  const [module, ...extra] = parsed.positionals;
  if (!module || extra.length > 0) {
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
  const parsed = parse(args, { runs: { type: 'string' } });
  if (!parsed || !takeRuns(parsed.values.runs)) return 2;
  if (parsed.positionals.length > 0) {
    console.error(usage);
    return 2;
  }
  const loaded = listBackends().filter((s) => s.loaded && s.name in builtinBackends);
  let status = 0;
  const summary: string[][] = [];
  for (const s of loaded) {
    console.log(`\n=== ${s.name} (${s.module}) ===`);
    const result = await checkModule(s.module);
    console.log(formatCheck(result));
    if (result.failures.length) console.log(`Failures:\n${result.failures.map((f) => `- ${f}`).join('\n')}`);
    const counts = result.groups.reduce<[number, number, number]>(([p, f, s], g) => [p + g.passed, f + g.failed, s + g.skipped], [0, 0, 0]);
    summary.push([s.name, result.ok ? 'PASS' : 'FAIL', ...counts.map(String)]);
    if (!result.ok) status = 1;
  }
  console.log(`\nSummary:\n${table(['backend', 'result', 'passed', 'failed', 'skipped'], summary)}`);
  console.log(`\nCapabilities:\n${capabilityTable(loaded)}`);
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
