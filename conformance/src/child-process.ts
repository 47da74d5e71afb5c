// The one way this repository starts a script in another process (crash checks, cross-process
// writers, leak probes, backend packages' own child checks): an ES module file run by the same
// runtime as this process (node, bun or `deno run -A`), its output collected.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childArgv } from './runtime.js';

/** How a child process ended and what it printed. */
export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  /** The child's arguments after the script. */
  args?: string[];
  /** Node options (translated for other runtimes, see runtime.ts). */
  nodeArgs?: string[];
  /** For synchronous runs: the child is killed after this long (default 60 s). */
  timeoutMs?: number;
  /** A command line the child runs under, e.g. ['prlimit', '--nofile=256:256']. */
  launcher?: string[];
}

function commandFor(script: string, options: ChildOptions): [string, string[]] {
  const argv = childArgv(script, options.args ?? [], options.nodeArgs ?? []);
  // A runtime of a foreign architecture runs under an emulator (qemu-user): its children must too.
  const emulator = (process.env.MEMMAP_CHILD_EMULATOR ?? '').split(' ').filter(Boolean);
  const launcher = [...(options.launcher ?? []), ...emulator];
  return launcher.length > 0 ? [launcher[0]!, [...launcher.slice(1), process.execPath, ...argv]] : [process.execPath, argv];
}

/** Runs the ES module file `script` in a child process and waits for it. */
export function runScript(script: string, options: ChildOptions = {}): ChildResult {
  const [command, argv] = commandFor(script, options);
  const spawnOnce = () => spawnSync(command, argv, { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 });
  let r = spawnOnce();
  // The child could not be started or read at all (no status, no signal: e.g. EAGAIN under a loaded
  // Wine): that says nothing about the backend, so it is tried once more. A crash has a status or a
  // signal, and a hang is ETIMEDOUT: neither is retried.
  const notRun = (): boolean =>
    r.error !== undefined && r.status === null && r.signal === null && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT';
  if (notRun()) r = spawnOnce();
  const spawnError = r.error ? `\n[spawn error: ${r.error.message}]` : '';
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + spawnError };
}

/** As runScript, without waiting: the child (for concurrent writers) and a promise of its result. */
export function spawnScript(
  script: string,
  options: ChildOptions = {},
): { child: ChildProcessWithoutNullStreams; done: Promise<ChildResult> } {
  const [command, argv] = commandFor(script, options);
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<ChildResult>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done };
}

/**
 * Writes `source(dir)` (ES module source; `dir` is a fresh temporary directory it may use) to a
 * file in that directory, runs it in a child process, waits, and removes the directory.
 */
export function runModuleSource(source: string | ((dir: string) => string), options: ChildOptions = {}): ChildResult {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-child-'));
  try {
    const script = join(dir, 'child.mjs');
    writeFileSync(script, typeof source === 'function' ? source(dir) : source);
    return runScript(script, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last line of a child's stdout parsed as JSON (children report results that way); undefined if it is not JSON. */
export function lastJsonLine<T = unknown>(stdout: string): T | undefined {
  const lines = stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1] ?? '') as T;
  } catch {
    return undefined;
  }
}
