// The consumer of the Unix-domain socket channel (messages.ts startSocketMessages): connects to
// `path`, reads [u32 length][payload] frames, writes the count as a 4-byte acknowledgement every
// `ackEvery` frames, prints its CPU time when the parent ends the stream.
//   socket-consumer.js '{"path":…,"ackEvery":…}'
import { connect } from 'node:net';
import { childArgs, reportCpu } from './common.js';

export interface SocketConsumerArgs {
  /** A socket path, or a named pipe on Windows. */
  path: string;
  ackEvery: number;
}

const { path, ackEvery } = childArgs<SocketConsumerArgs>();
const s = connect(path);
s.setNoDelay?.(true);
let pending: Buffer = Buffer.alloc(0);
let count = 0;
let nextAck = ackEvery; // the next multiple of ackEvery (a compare, not a division per frame)
const ack = Buffer.alloc(4);
s.on('data', (d: Buffer) => {
  pending = pending.length ? Buffer.concat([pending, d]) : d;
  let at = 0;
  while (pending.length - at >= 4) {
    const len = pending.readUInt32LE(at);
    if (pending.length - at < 4 + len) break;
    at += 4 + len;
    if (++count === nextAck) {
      nextAck += ackEvery;
      ack.writeUInt32LE(count);
      s.write(Buffer.from(ack));
    }
  }
  pending = pending.subarray(at);
});
s.on('end', () => {
  reportCpu();
  s.end();
});
