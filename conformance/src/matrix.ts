// Plain-text tables for the CLI: the capability matrix and per-group results.
import { type Capabilities, capabilityFlags } from '@memmap/core';

/** The columns of a per-group result table (check and run print the same rows). */
export const GROUP_COLUMNS = ['group', 'result', 'passed', 'failed', 'skipped'];

/** One group's row under GROUP_COLUMNS. */
export function groupRow(g: { group: string; passed: number; failed: number; skipped: number }): string[] {
  return [g.group, g.failed ? 'FAIL' : g.passed ? 'pass' : 'skipped', String(g.passed), String(g.failed), String(g.skipped)];
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function capabilityTable(entries: Array<{ name: string; capabilities?: Capabilities }>): string {
  return table(
    ['backend', ...capabilityFlags],
    entries.map((e) => [e.name, ...capabilityFlags.map((f) => (e.capabilities ? (e.capabilities[f] ? 'yes' : 'no') : '-'))]),
  );
}
