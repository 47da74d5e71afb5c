// Scenario 5: cross-process hand-off. A child process and the parent share one small mapped file;
// the parent writes sequence number n, the child (spinning on the map) writes n back, the parent
// (spinning) sees it: one round trip. Atomics.wait needs a SharedArrayBuffer, which a mapped file
// is not across processes, so both sides busy-poll with Atomics.load (which V8 cannot hoist out of
// the loop), bounded: the child naps 1 ms at a time once it has spun for a few milliseconds idle.
import { type ChildProcess, spawn } from 'node:child_process';
import type { HandoffChildArgs } from './children/handoff.js';
import { compiledScript } from './compiled-script.js';

/** Int32 slots in the shared page (children/handoff.ts uses the same numbers). */
const PING = 0; // parent -> child: sequence number, or -1 to stop
const PONG = 1; // child -> parent: the sequence number seen
const READY = 3; // child sets 1 once mapped

export interface HandoffChannel {
  /** n round trips; returns the last sequence number. */
  roundTrips(n: number): number | Promise<number>;
  close(): Promise<void>;
}

/** Starts the compiled child script `children/<name>.js`, with `args` as its one JSON argument when given. */
function startChild(name: string, args: object | undefined, ipc: boolean): { child: ChildProcess; stderr: () => string } {
  const script = compiledScript(`children/${name}.js`);
  const child = spawn(process.execPath, args === undefined ? [script] : [script, JSON.stringify(args)], {
    stdio: ['ignore', 'ignore', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { child, stderr: () => err.trim().split('\n').slice(-3).join(' | ') };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the child (children/handoff.ts) on a shared map: `mapping` says how it maps the file, with a
 * memmap backend or with mmap-io. `i32` is the parent's own Int32Array over the same 4 KiB file;
 * the file must hold zeros in the first 16 bytes.
 */
export async function startMapChannel(i32: Int32Array, mapping: HandoffChildArgs): Promise<HandoffChannel> {
  const { child, stderr } = startChild('handoff', mapping, false);
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (Atomics.load(i32, READY) !== 1) {
    if (exited) throw new Error(`hand-off child exited before mapping: ${stderr() || `code ${child.exitCode}`}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('hand-off child did not signal readiness through the map in 30 s (writes not coherent?)');
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  let seq = 0;
  return {
    roundTrips(n: number): number {
      for (let i = 0; i < n; i++) {
        const s = ++seq;
        Atomics.store(i32, PING, s);
        let spins = 0;
        while (Atomics.load(i32, PONG) !== s) {
          if ((++spins & 0xfffff) === 0 && (exited || spins > 1 << 30)) {
            throw new Error(`hand-off child stopped answering (${exited ? `exited: ${stderr()}` : 'timeout'})`);
          }
        }
      }
      return seq;
    },
    async close() {
      Atomics.store(i32, PING, -1);
      await stopChild(child);
    },
  };
}

/** The baseline: the same sequence number through process.send IPC, echoed by the child. */
export async function startIpcChannel(): Promise<HandoffChannel> {
  const { child, stderr } = startChild('ipc-echo', undefined, true);
  let resolve: ((n: number) => void) | undefined;
  let reject: ((e: Error) => void) | undefined;
  child.on('message', (n) => resolve?.(n as number));
  child.once('exit', () => reject?.(new Error(`IPC child exited: ${stderr()}`)));
  const echo = (n: number) =>
    new Promise<number>((res, rej) => {
      resolve = res;
      reject = rej;
      child.send(n);
    });
  await echo(0);
  let seq = 0;
  return {
    async roundTrips(n: number): Promise<number> {
      for (let i = 0; i < n; i++) {
        const s = ++seq;
        const got = await echo(s);
        if (got !== s) throw new Error(`IPC echo out of order: sent ${s}, got ${got}`);
      }
      return seq;
    },
    async close() {
      reject = undefined;
      child.disconnect();
      await stopChild(child);
    },
  };
}
