// Runs a snippet in a fresh node process (crash checks never run in the test worker itself).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const distUrl = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

export interface Child {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON (children report results that way). */
  result: any;
}

/**
 * `body` runs as an ES module with `backend` (from dist/: build first), `fs`, `spawnSync` and `dir`
 * (a fresh temp dir, removed afterwards) in scope.
 */
export function runChild(body: string, args: string[] = []): Child {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-napi-child-'));
  const script = join(dir, 'child.mjs');
  writeFileSync(
    script,
    `import { backend } from ${JSON.stringify(distUrl)};\nimport fs from 'node:fs';\nimport { spawnSync } from 'node:child_process';\nconst dir = ${JSON.stringify(dir)};\n${body}\n`,
  );
  let r;
  try {
    r = spawnSync(process.execPath, [...args, script], { encoding: 'utf8', timeout: 60_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const lines = r.stdout.trim().split('\n');
  let result: unknown;
  try {
    result = JSON.parse(lines[lines.length - 1] ?? '');
  } catch {
    result = undefined;
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, result };
}
