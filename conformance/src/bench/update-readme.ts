#!/usr/bin/env node
// node conformance/dist/bench/update-readme.js [--json bench-results/bench.json] [--readme README.md] [--chart path]
// Rewrites the README between <!-- bench:start --> and <!-- bench:end --> from a benchmark JSON.
import { relative } from 'node:path';
import { readReport, updateReadme } from './readme.js';

export function updateReadmeMain(argv: string[]): number {
  let json = 'bench-results/bench.json';
  let readme = 'README.md';
  let chart: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') json = val();
    else if (a === '--readme') readme = val();
    else if (a === '--chart') chart = val();
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: update-readme [--json bench-results/bench.json] [--readme README.md] [--chart <image path relative to the README>]\n');
      return 0;
    } else throw new Error(`unknown argument ${a}`);
  }
  const report = readReport(json);
  const changed = updateReadme(readme, report, { chart, source: relative(process.cwd(), json) || json });
  process.stderr.write(`${readme}: ${changed ? 'results section rewritten' : 'already up to date'} (Node ${report.runtime.version}, ${report.machine.cpu})\n`);
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
