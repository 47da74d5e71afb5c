// `memmap-conformance run`: the conformance groups on the built-in runner, in this process, under
// whatever runtime runs it (Node, Bun, Deno, node.exe under Wine). No vitest involved.
import { type Backend, resolveModuleUrl } from '@memmap/core';
import { SuiteContext } from './context.js';
import { groups } from './groups/index.js';
import { addSuite, resetCollection, runCollected, type TestOutcome } from './harness/runner.js';
import { GROUP_COLUMNS, groupRow, table } from './matrix.js';

export interface RunSuiteOptions {
  /** Export holding the backend (default 'backend', then the default export). */
  exportName?: string;
  /** Run only groups whose name starts with this. */
  group?: string;
  /** Groups to skip, with the reason shown in the report. */
  skip?: Record<string, string>;
  /** Per-test timeout for tests that set none, ms (default 180000). */
  timeout?: number;
  /** Print every test as it finishes, not only failures. */
  verbose?: boolean;
  /** Where progress goes (default: process.stdout). */
  log?: (line: string) => void;
}

export interface GroupCount {
  group: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Why the whole group was skipped, when it was. */
  reason?: string;
}

export interface RunResult {
  module: string;
  backend: string;
  ok: boolean;
  groups: GroupCount[];
  failures: string[];
  totals: { passed: number; failed: number; skipped: number };
}

export async function loadBackendModule(module: string, exportName = 'backend'): Promise<Backend> {
  const exports = (await import(resolveModuleUrl(module))) as Record<string, unknown>;
  const backend = (exports[exportName] ?? exports.default) as Backend | undefined;
  if (!backend || typeof backend.map !== 'function') throw new Error(`${module} exports no backend named "${exportName}"`);
  return backend;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.stack && process.env.MEMMAP_STACKS ? error.stack : `${error.name}: ${error.message}`;
  return String(error);
}

export async function runSuite(module: string, options: RunSuiteOptions = {}): Promise<RunResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const backend = await loadBackendModule(module, options.exportName);
  const skips = options.skip ?? {};
  const ctx = new SuiteContext(backend, { module, exportName: options.exportName, skip: Object.keys(skips) });
  const selected = groups.filter((g) => !options.group || g.name.startsWith(options.group));
  if (selected.length === 0)
    throw new Error(`no group matches ${JSON.stringify(options.group)}; groups: ${groups.map((g) => g.name).join(', ')}`);

  resetCollection();
  for (const group of selected) addSuite(group.name, () => group.register(ctx), ctx.skipped(group.name));

  // An error nobody awaited fails the run, as it does under vitest.
  const stray: unknown[] = [];
  const onStray = (error: unknown) => stray.push(error);
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  let outcomes: TestOutcome[];
  try {
    outcomes = await runCollected({
      timeout: options.timeout ?? 180_000,
      onTest: (o) => {
        if (o.state === 'failed') log(`  FAIL ${o.path.join(' > ')}\n       ${describeFailure(o.error).replace(/\n/g, '\n       ')}`);
        else if (options.verbose) log(`  ${o.state === 'passed' ? 'ok  ' : 'skip'} ${o.path.join(' > ')} (${Math.round(o.ms)} ms)`);
      },
    });
  } finally {
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
    ctx.cleanup();
  }

  const counts = new Map<string, GroupCount>(
    selected.map((g) => [g.name, { group: g.name, passed: 0, failed: 0, skipped: 0, reason: skips[g.name] }]),
  );
  const failures: string[] = [];
  for (const o of outcomes) {
    const entry = counts.get(o.path[0] ?? '');
    if (entry === undefined) throw new Error(`"${o.path.join(' > ')}" ran outside every selected group`);
    entry[o.state]++;
    if (o.state === 'failed') failures.push(`${o.path.join(' > ')}: ${describeFailure(o.error)}`);
  }
  for (const error of stray) failures.push(`unhandled error: ${describeFailure(error)}`);
  const list = [...counts.values()];
  const totals = list.reduce((t, g) => ({ passed: t.passed + g.passed, failed: t.failed + g.failed, skipped: t.skipped + g.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
  const ok = totals.failed === 0 && stray.length === 0 && totals.passed > 0;
  return { module, backend: backend.name, ok, groups: list, failures, totals };
}

export function formatRun(result: RunResult): string {
  const rows = result.groups.map((g) => [...groupRow(g), g.reason ?? '']);
  return table([...GROUP_COLUMNS, 'why skipped'], rows);
}
