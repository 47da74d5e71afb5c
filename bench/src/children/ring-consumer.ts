// The consumer of the message-passing ring (messages.ts startRingChannel): maps the parent's file
// with a memmap backend, receives messages until the empty one, acknowledges every `ackEvery`,
// then prints its CPU time.
//   ring-consumer.js '{"moduleUrl":…,"exportName":…,"file":…,"size":…,"ackEvery":…}'
import { BenchRing } from '../ring.js';
import { childArgs, loadBackend, reportCpu } from './common.js';

export interface RingConsumerArgs {
  moduleUrl: string;
  exportName: string;
  file: string;
  /** Bytes of one message. */
  size: number;
  ackEvery: number;
}

// The acknowledgement is due when the count reaches the next multiple of ackEvery: a compare, as
// cheap as the `% <constant>` of the loop this replaces (a `%` by a variable would be a division).
function consume(ring: BenchRing, into: Buffer, ackEvery: number): void {
  let count = 0;
  let nextAck = ackEvery;
  for (;;) {
    if (ring.receive(into) === 0) break;
    if (++count === nextAck) {
      ring.ack(count);
      nextAck += ackEvery;
    }
  }
}

const args = childArgs<RingConsumerArgs>();
const backend = await loadBackend(args.moduleUrl, args.exportName);
const m = backend.mapMut(args.file);
consume(new BenchRing(m), Buffer.alloc(args.size), args.ackEvery);
m.close();
reportCpu();
