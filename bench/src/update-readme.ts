#!/usr/bin/env node
// node bench/dist/update-readme.js [--json bench-results/bench.json] [--readme README.md] [--chart path]
// Rewrites the README between <!-- bench:start --> and <!-- bench:end --> from a benchmark JSON.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { readReport, updateReadme } from './readme.js';

export function updateReadmeMain(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      json: { type: 'string', default: 'bench-results/bench.json' },
      readme: { type: 'string', default: 'README.md' },
      chart: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const { json, readme, chart } = values;
  if (values.help) {
    process.stdout.write(
      'usage: update-readme [--json bench-results/bench.json] [--readme README.md] [--chart <image path relative to the README>]\n',
    );
    return 0;
  }
  const report = readReport(json);
  const changed = updateReadme(readme, report, { chart, source: relative(process.cwd(), json) || json });
  process.stderr.write(
    `${readme}: ${changed ? 'results section rewritten' : 'already up to date'} (Node ${report.runtime.version}, ${report.machine.cpu})\n`,
  );
  return 0;
}

if (import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = updateReadmeMain(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`update-readme: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
