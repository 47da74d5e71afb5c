// Message passing between two processes: the parent produces, a child consumes and acknowledges.
// A ring buffer over a shared map (each backend with waitNotify; both sides sleep in wait() when
// the ring is empty or full, never spin) against process.send IPC and a Unix-domain socket.
// Three scenarios: throughput with 64-byte and with 64 KiB messages (one op = one message; a batch
// ends when the child has acknowledged all of it), and one-way latency as an acknowledged round
// trip of one 64-byte message (p50/p99 per message). CPU time per message is both processes' user
// + system time over the channel's life (warm-up included) divided by the messages it carried.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MmapMut } from '@memmap/core';
import { type MessageChannel, startIpcMessages, startPingPong, startRingChannel, startSocketMessages } from '../messages.js';
import { ringBytes } from '../ring.js';
import { backendPlans, type Plan, plan, type ScenarioContext, type ScenarioDef, type Settings, settings, type Work } from './plan.js';

/** CPU ns per message of the channel closed last; read (once) by `extra` right after teardown. */
let lastCpuPerMessage: number | undefined;

function channelWork(batch: number, open: () => Promise<MessageChannel> | MessageChannel, after?: () => void): Work {
  let ch: MessageChannel | undefined;
  return {
    async setup() {
      ch = await open();
    },
    run: () => ch!.send(batch),
    async teardown() {
      const used = await ch?.close();
      lastCpuPerMessage = used && used.messages > 0 ? (used.cpuMicros * 1000) / used.messages : undefined;
      after?.();
    },
  };
}

function plans(c: ScenarioContext, s: Settings, size: number, ackEvery: number): Plan[] {
  // Windows (and Wine) take a named pipe where POSIX takes a socket path.
  const sock =
    process.platform === 'win32' ? `\\\\.\\pipe\\memmap-bench-${process.pid}` : join(tmpdir(), `memmap-bench-${process.pid}.sock`);
  return [
    plan(
      'process.send IPC',
      'baseline',
      channelWork(s.batch, () => startIpcMessages(size, ackEvery)),
    ),
    plan(
      'Unix-domain socket',
      'baseline',
      channelWork(s.batch, () => startSocketMessages(size, ackEvery, sock)),
    ),
    ...backendPlans(c, (be, b) => {
      if (!be.capabilities.waitNotify) return 'waitNotify is false: no cross-process wait/notify';
      if (!b.moduleUrl) return 'no module specifier for the child process to import the backend from';
      const file = `${c.handoffPath}.ring-${b.name}`;
      const capacity = size > 4096 ? 4 << 20 : 1 << 20;
      let m: MmapMut | undefined;
      return channelWork(
        s.batch,
        () => {
          rmSync(file, { force: true });
          m = be.mapMut(file, { create: true, length: ringBytes(capacity) });
          return startRingChannel(m, size, ackEvery, { moduleUrl: b.moduleUrl!, exportName: b.exportName, file });
        },
        () => {
          m?.close();
          rmSync(file, { force: true });
        },
      );
    }),
  ];
}

const extra = (): Record<string, number> => {
  const cpu = lastCpuPerMessage;
  lastCpuPerMessage = undefined;
  return cpu === undefined ? {} : { cpuPerMessageNs: cpu };
};

const notes = [
  'Ring: the protocol of examples/ring.ts over a shared file map; producer and consumer sleep in wait() (Linux: futex; Windows: named semaphores) when the ring is full or empty and notify only a sleeping side.',
];

export const messages64: ScenarioDef = {
  key: 'messages-64',
  title: () => 'message passing: 64-byte messages to another process (throughput)',
  op: () => 'one 64-byte message delivered (a batch ends when the consumer has acknowledged it all)',
  baseline: 'process.send IPC',
  settings: (c) => settings(c, { batch: 100_000, iterations: 10, warmupIterations: 1 }, 2000),
  plans: (c, s) => plans(c, s, 64, s.batch),
  notes: (_c, s) => [...notes, `${s.batch} messages per sample; messages/s = 1 / mean.`],
  extra,
};

export const messages64k: ScenarioDef = {
  key: 'messages-64k',
  title: () => 'message passing: 64 KiB messages to another process (throughput)',
  op: () => 'one 64 KiB message delivered (a batch ends when the consumer has acknowledged it all)',
  baseline: 'process.send IPC',
  settings: (c) => settings(c, { batch: 1000, iterations: 10, warmupIterations: 1 }, 20),
  plans: (c, s) => plans(c, s, 64 * 1024, s.batch),
  notes: (_c, s) => [...notes, `${s.batch} messages per sample; 4 MiB ring.`],
  extra,
};

export const messageLatency: ScenarioDef = {
  key: 'message-latency',
  title: () => 'message passing: round trip of one 64-byte message and its acknowledgement (latency)',
  op: () => 'send one 64-byte message, wait for the consumer to acknowledge it',
  baseline: 'Unix-domain socket',
  settings: (c) => settings(c, { batch: 1, iterations: 20_000, warmupIterations: 200 }, 1),
  plans: (c, s) => plans(c, s, 64, 1),
  notes: () => [...notes, 'One-way latency is about half the round trip; p50/p99 are per message.'],
  extra,
};

export const pingPong: ScenarioDef = {
  key: 'ping-pong',
  title: () => 'wait/notify ping-pong: round trip of one int32 between two processes, each blocking in wait()',
  op: () => 'store and notify, then wait until the other process has answered',
  baseline: 'Unix-domain socket',
  settings: (c) => settings(c, { batch: 1, iterations: 50_000, warmupIterations: 1000 }, 1),
  plans: (c, s) => {
    const sock =
      process.platform === 'win32' ? `\\\\.\\pipe\\memmap-bench-pp-${process.pid}` : join(tmpdir(), `memmap-bench-pp-${process.pid}.sock`);
    return [
      plan(
        'Unix-domain socket',
        'baseline',
        channelWork(s.batch, () => startSocketMessages(4, 1, sock)),
      ),
      ...backendPlans(c, (be, b) => {
        if (!be.capabilities.waitNotify) return 'waitNotify is false: no cross-process wait/notify';
        if (!b.moduleUrl) return 'no module specifier for the child process to import the backend from';
        const file = `${c.handoffPath}.pingpong-${b.name}`;
        let m: MmapMut | undefined;
        return channelWork(
          s.batch,
          () => {
            rmSync(file, { force: true });
            m = be.mapMut(file, { create: true, length: 4096 });
            return startPingPong(m, { moduleUrl: b.moduleUrl!, exportName: b.exportName, file });
          },
          () => {
            m?.close();
            rmSync(file, { force: true });
          },
        );
      }),
    ];
  },
  notes: () => [
    'Both sides block in wait() between messages (after the short spin of MEMMAP_WAIT_SPIN_US, by default 20 µs on 2+ logical CPUs and 0 on one); p50/p99 are per round trip. The socket row sends a 4-byte frame and a 4-byte acknowledgement.',
  ],
  extra,
};
