// Rewrites the README results section from a benchmark JSON, strictly between the markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMarkdown } from './report.js';
import type { BenchReport } from './types.js';

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** Returns `text` with everything between the markers replaced by the rendered section. */
export function replaceReadmeSection(text: string, section: string): string {
  const a = text.indexOf(README_START);
  const b = text.indexOf(README_END);
  if (a < 0 || b < 0) throw new Error(`README has no ${README_START} ... ${README_END} markers; add them where the results belong`);
  if (b < a) throw new Error(`README markers are out of order (${README_END} before ${README_START})`);
  if (text.indexOf(README_START, a + 1) >= 0 || text.indexOf(README_END, b + 1) >= 0)
    throw new Error('README has more than one pair of bench markers');
  return `${text.slice(0, a + README_START.length)}\n${section.trim()}\n${text.slice(b)}`;
}

export function readReport(jsonPath: string): BenchReport {
  const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchReport;
  if (report.schema !== 'memmap-bench/2') throw new Error(`${jsonPath} is not a memmap benchmark report (schema ${String(report.schema)})`);
  return report;
}

/** Rewrites the section of `readmePath` from `report`; returns whether the file changed. */
export function updateReadme(readmePath: string, report: BenchReport, opts: { chart?: string; source?: string } = {}): boolean {
  const before = readFileSync(readmePath, 'utf8');
  const after = replaceReadmeSection(before, renderMarkdown(report, opts));
  if (after === before) return false;
  writeFileSync(readmePath, after);
  return true;
}
