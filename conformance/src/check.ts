// `memmap-conformance check <module>`: runs the suite against any module exporting a backend,
// through vitest's Node API, and reports pass/fail per group.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUP_COLUMNS, groupRow, table } from './matrix.js';

export interface GroupResult {
  group: string;
  passed: number;
  failed: number;
  skipped: number;
}

export interface CheckResult {
  ok: boolean;
  groups: GroupResult[];
  failures: string[];
}

const here = dirname(fileURLToPath(import.meta.url));

export async function checkModule(module: string, options: { exportName?: string; group?: string } = {}): Promise<CheckResult> {
  let vitestNode: typeof import('vitest/node');
  try {
    vitestNode = await import('vitest/node');
  } catch {
    throw new Error('`check` needs vitest (a peer dependency of @memmap/conformance): npm install -D vitest@4');
  }
  process.env.MEMMAP_CHECK_MODULE = module;
  if (options.exportName) process.env.MEMMAP_CHECK_EXPORT = options.exportName;
  const vitest = await vitestNode.startVitest(
    'test',
    [],
    {
      root: here,
      include: ['check-entry.js'],
      watch: false,
      reporters: ['dot'],
      testTimeout: 180_000,
      hookTimeout: 60_000,
      pool: 'forks',
      testNamePattern: options.group ? `^memmap conformance: \\S+ ${escapeRegExp(options.group)} ` : undefined,
    },
    { configFile: false } as never,
  );
  const groups = new Map<string, GroupResult>();
  const failures: string[] = [];
  let moduleErrors = 0;
  for (const testModule of vitest.state.getTestModules()) {
    moduleErrors += testModule.errors().length;
    for (const error of testModule.errors()) failures.push(`load: ${error.message}`);
    for (const test of testModule.children.allTests()) {
      const path = test.fullName.split(' > ');
      const name = path[1] ?? '(top level)';
      const entry = groups.get(name) ?? { group: name, passed: 0, failed: 0, skipped: 0 };
      const state = test.result().state;
      if (state === 'passed') entry.passed++;
      else if (state === 'failed') {
        entry.failed++;
        failures.push(`${path.slice(1).join(' > ')}: ${test.result().errors?.[0]?.message ?? 'failed'}`);
      } else entry.skipped++;
      groups.set(name, entry);
    }
  }
  await vitest.close();
  const list = [...groups.values()];
  const ran = list.reduce((n, g) => n + g.passed + g.failed, 0);
  return { ok: moduleErrors === 0 && ran > 0 && list.every((g) => g.failed === 0), groups: list, failures };
}

export function formatCheck(result: CheckResult): string {
  return table(GROUP_COLUMNS, result.groups.map(groupRow));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
