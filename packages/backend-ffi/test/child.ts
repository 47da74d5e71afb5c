// Runs an ES module snippet in a child Node process (crash checks must never take down vitest).
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const distUrl = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built backend's module URL (children import the same build as each other). */
export const backendUrl = distUrl;

/** `body` runs after `backend` (the built ffi backend) and `fs` are imported (unless `bare`). */
export function runChild(body: string, nodeArgs: string[] = [], bare = false): ChildResult {
  const prelude = bare ? '' : `import { backend } from ${JSON.stringify(distUrl)};\nimport fs from 'node:fs';\n`;
  const script = `${prelude}${body}`;
  const r = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The last stdout line parsed as JSON (children print their findings there). */
export function report<T>(r: ChildResult): T {
  if (r.status !== 0 || r.signal) throw new Error(`child failed: status ${r.status} signal ${r.signal}\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
