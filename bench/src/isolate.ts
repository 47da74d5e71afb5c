// One fresh process per measurement: a subject's timed loops never run with the JIT state (inline
// caches, deoptimised loops, a grown heap) that the subjects measured before it left behind, so the
// ratios of a scenario do not depend on the order of its subjects. The parent prepares the data files
// once; each child rebuilds the scenario context over them, measures one subject, prints one JSON line.
import { spawnSync } from 'node:child_process';
import { compiledScript } from './compiled-script.js';
import { firstLine, type LoadedBackend, loadBackends, loadMmapIo } from './subjects.js';
import type { Plan } from './scenarios/index.js';
import type { Measured } from './run.js';

/** What a child needs to rebuild the scenario context the parent measured with. */
export interface ChildOptions {
  size: number;
  quick: boolean;
  time: number | undefined;
  seed: number;
  cacheDir: string;
  writesPerOp: number | undefined;
  /** Whether the parent loaded mmap-io (the child loads it only when it measures it). */
  peer: boolean;
}

interface ChildRequest {
  options: ChildOptions;
  scenario: string;
  subject: string;
  /**
   * Every backend the parent loaded, where a child imports it from (a scenario may build its
   * baseline on one of them); only `subject` is measured.
   */
  backends: { name: string; moduleUrl: string; exportName: string }[];
  expected: number | undefined;
}

/** A backend subject can only be measured in a child when the child can import it. */
export function canIsolate(plan: Plan, loaded: LoadedBackend[]): boolean {
  if (plan.kind !== 'backend') return true;
  return loaded.some((b) => b.name === plan.subject && b.moduleUrl !== undefined);
}

/** Measures one subject of one scenario in a fresh process of this runtime. */
export function measureInChild(
  scenario: string,
  subject: string,
  options: ChildOptions,
  loaded: LoadedBackend[],
  expected: number | undefined,
): Measured {
  const backends = loaded.flatMap((l) => (l.moduleUrl ? [{ name: l.name, moduleUrl: l.moduleUrl, exportName: l.exportName }] : []));
  const request: ChildRequest = { options, scenario, subject, expected, backends };
  // The compiled entry: beside this file, or in dist/ when this file runs from src/ (vitest).
  const childEntry = compiledScript('isolated-main.js');
  const r = spawnSync(process.execPath, [...process.execArgv, childEntry, JSON.stringify(request)], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    timeout: 30 * 60_000,
  });
  const last = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    const why = r.error ? firstLine(r.error) : `exit ${r.status ?? r.signal}: ${firstLine((r.stderr ?? '').trim() || last)}`;
    throw new Error(`measuring in a child process failed (${why})`);
  }
  const answer = JSON.parse(last) as { ok: true; measured: Measured } | { ok: false; error: string };
  if (!answer.ok) throw new Error(answer.error);
  return answer.measured;
}

/** The child's side: rebuild the context, measure the one subject, print the result. */
export async function runChildMeasurement(json: string): Promise<void> {
  const { scenarioContext, measure } = await import('./run.js');
  const { scenarios } = await import('./scenarios/index.js');
  const request = JSON.parse(json) as ChildRequest;
  try {
    const quiet = (): void => {};
    const loaded: LoadedBackend[] = [];
    for (const spec of request.backends) {
      const { loaded: one } = await loadBackends([{ ...(await importBackend(spec)), module: spec.moduleUrl }], quiet);
      for (const l of one) loaded.push({ ...l, name: spec.name });
    }
    const peer = request.subject === 'mmap-io' && request.options.peer ? loadMmapIo(request.options.cacheDir, quiet).peer : undefined;
    const ctx = scenarioContext(request.options, loaded, { peer: peer ? { lib: peer.lib, path: peer.path } : undefined }, quiet, {
      warm: false,
      randomWrite: false,
    });
    const def = scenarios.find((s) => s.key === request.scenario);
    if (!def) throw new Error(`no scenario ${request.scenario}`);
    const st = def.settings(ctx);
    const plan = def.plans(ctx, st).find((p) => p.subject === request.subject);
    if (!plan || plan.skipped)
      throw new Error(`subject ${request.subject} is not measurable here${plan?.skipped ? `: ${plan.skipped}` : ''}`);
    const measured = await measure(plan, st, request.expected);
    // Figures a scenario keeps from the timed run (e.g. CPU per message) exist only in this process.
    const extra = { ...def.extra?.(ctx, measured.summary.meanNs), ...measured.extra };
    if (Object.keys(extra).length > 0) measured.extra = extra;
    console.log(JSON.stringify({ ok: true, measured }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: firstLine(error) }));
  }
}

async function importBackend(spec: { moduleUrl: string; exportName: string }) {
  const mod = (await import(spec.moduleUrl)) as Record<string, unknown>;
  return { backend: mod[spec.exportName] as LoadedBackend['backend'], exportName: spec.exportName };
}
