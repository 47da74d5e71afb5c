// Sums vitest's per-package "Tests  N passed | N failed | N skipped" lines from a CI log into one
// closing line, so the whole run (every package, every Node version) reads as one count.
import { readFileSync } from 'node:fs';

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour escapes (ESC [ ... m) from the log
const log = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
let runs = 0;
for (const line of log.split('\n')) {
  const m = line.match(/^\S*?:?\s*Tests\s+(.*)\(\d+\)\s*$/);
  if (!m) continue;
  runs++;
  for (const [, n, kind] of m[1].matchAll(/(\d+) (passed|failed|skipped)/g)) totals[kind] += Number(n);
}
console.log(`\n${runs} vitest runs`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(runs > 0 && totals.failed === 0 ? 0 : 1);
