// The message-passing bench's channels: one child process consumes messages the parent produces,
// acknowledging every `ackEvery` of them, over a ring in a shared map (any memmap backend with
// waitNotify), over process.send IPC, or over a Unix-domain socket. send(n) sends n messages and
// returns once the child has acknowledged them all (so a timed batch covers delivery). The child
// reports its CPU time when it stops.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import type { MmapMut } from '@memmap/core';
import type { IpcConsumerArgs } from './children/ipc-consumer.js';
import type { PingPongArgs } from './children/ping-pong.js';
import type { RingConsumerArgs } from './children/ring-consumer.js';
import type { SocketConsumerArgs } from './children/socket-consumer.js';
import { compiledScript } from './compiled-script.js';
import { BenchRing } from './ring.js';

export interface MessageChannel {
  /** Sends n messages of the channel's size and waits for their acknowledgement. */
  send(n: number): number | Promise<number>;
  /** Stops the child; resolves with the CPU time both processes spent since start (µs). */
  close(): Promise<{ cpuMicros: number; messages: number }>;
}

const cpuOf = (u: NodeJS.CpuUsage): number => u.user + u.system;

/** Starts the compiled child script `children/<name>.js` with `args` as its one JSON argument. */
function startChild(
  name: string,
  args: object,
  extra: Array<'ipc'> = [],
): { child: ChildProcess; output: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, [compiledScript(`children/${name}.js`), JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe', ...extra],
    serialization: 'advanced',
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  // 'exit' plus the end of stdout ('close' never comes for a child with an IPC channel on fd 3).
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const drained = new Promise<void>((resolve) => child.stdout!.once('end', () => resolve()));
  const output = Promise.all([exited, drained]).then(() => out);
  return { child, output, stderr: () => err.trim().split('\n').slice(-3).join(' | ') };
}

/** The child's CPU time (µs), printed as its last line (children/common.ts reportCpu). */
const childCpu = async (output: Promise<string>): Promise<number> => {
  const lines = (await output).trim().split('\n');
  return (JSON.parse(lines[lines.length - 1] ?? '{}') as { cpu?: number }).cpu ?? NaN;
};

/** Ring over a shared map: the parent holds `map` (zero-filled), the child maps the same file. */
export function startRingChannel(
  map: MmapMut,
  size: number,
  ackEvery: number,
  child: { moduleUrl: string; exportName: string; file: string },
): MessageChannel {
  const ring = new BenchRing(map);
  const args: RingConsumerArgs = { ...child, size, ackEvery };
  const started = cpuOf(process.cpuUsage());
  const { output } = startChild('ring-consumer', args);
  const message = Buffer.alloc(size, 0x5a);
  let sent = 0;
  return {
    send(n: number): number {
      for (let i = 0; i < n; i++) ring.send(message);
      sent += n;
      ring.awaitAck(sent);
      return sent;
    },
    async close() {
      ring.send(Buffer.alloc(0));
      const cpu = await childCpu(output);
      return { cpuMicros: cpu + cpuOf(process.cpuUsage()) - started, messages: sent };
    },
  };
}

/** process.send IPC (advanced serialization: Buffers travel as bytes). */
export async function startIpcMessages(size: number, ackEvery: number): Promise<MessageChannel> {
  const args: IpcConsumerArgs = { ackEvery };
  const started = cpuOf(process.cpuUsage());
  const { child, output, stderr } = startChild('ipc-consumer', args, ['ipc']);
  let waiting: { target: number; resolve: () => void; reject: (e: Error) => void } | undefined;
  child.on('message', (count) => {
    if (waiting && (count as number) >= waiting.target) waiting.resolve();
  });
  child.once('exit', () => waiting?.reject(new Error(`IPC child exited: ${stderr()}`)));
  const message = Buffer.alloc(size, 0x5a);
  let sent = 0;
  return {
    send(n: number): Promise<number> {
      const acked = new Promise<void>((resolve, reject) => (waiting = { target: sent + n, resolve, reject }));
      for (let i = 0; i < n; i++) child.send(message);
      sent += n;
      return acked.then(() => sent);
    },
    async close() {
      waiting = undefined;
      child.disconnect();
      const cpu = await childCpu(output);
      return { cpuMicros: cpu + cpuOf(process.cpuUsage()) - started, messages: sent };
    },
  };
}

/** A Unix-domain stream socket: [u32 length][payload] frames; the child writes a 4-byte ack. */
export async function startSocketMessages(size: number, ackEvery: number, path: string): Promise<MessageChannel> {
  if (process.platform !== 'win32') rmSync(path, { force: true }); // a Windows named pipe is no file
  const server = createServer();
  const connected = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const args: SocketConsumerArgs = { path, ackEvery };
  const started = cpuOf(process.cpuUsage());
  const { output } = startChild('socket-consumer', args);
  const socket = await connected;
  socket.setNoDelay(true);
  let waiting: { target: number; resolve: () => void } | undefined;
  let acks = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    acks = Buffer.concat([acks, d]);
    while (acks.length >= 4) {
      const count = acks.readUInt32LE(0);
      acks = acks.subarray(4);
      if (waiting && count >= waiting.target) waiting.resolve();
    }
  });
  const frame = Buffer.alloc(4 + size, 0x5a);
  frame.writeUInt32LE(size, 0);
  let sent = 0;
  return {
    send(n: number): Promise<number> {
      const acked = new Promise<void>((resolve) => (waiting = { target: sent + n, resolve }));
      for (let i = 0; i < n; i++) socket.write(frame);
      sent += n;
      return acked.then(() => sent);
    },
    async close() {
      socket.end();
      const cpu = await childCpu(output);
      server.close();
      if (process.platform !== 'win32') rmSync(path, { force: true });
      return { cpuMicros: cpu + cpuOf(process.cpuUsage()) - started, messages: sent };
    },
  };
}

/**
 * Ping-pong of one int32 over a shared map: the parent stores an odd value and notifies, the child
 * (blocking in wait()) answers with the next even value and notifies back; one message = one round
 * trip. Word 0 carries the count; -1 tells the child to stop.
 */
export function startPingPong(map: MmapMut, child: { moduleUrl: string; exportName: string; file: string }): MessageChannel {
  const words = new Int32Array(map.bytes.buffer, map.bytes.byteOffset, 2);
  const args: PingPongArgs = child;
  const started = cpuOf(process.cpuUsage());
  const { output } = startChild('ping-pong', args);
  while (Atomics.load(words, 1) !== 1) map.wait(4, 0, 5); // the child has mapped the file
  let count = 0;
  let sent = 0;
  return {
    send(n: number): number {
      for (let i = 0; i < n; i++) {
        count += 1;
        Atomics.store(words, 0, count);
        map.notify(0);
        count += 1;
        while (Atomics.load(words, 0) !== count) map.wait(0, count - 1);
      }
      sent += n;
      return sent;
    },
    async close() {
      Atomics.store(words, 0, -1);
      map.notify(0);
      const cpu = await childCpu(output);
      return { cpuMicros: cpu + cpuOf(process.cpuUsage()) - started, messages: sent };
    },
  };
}
