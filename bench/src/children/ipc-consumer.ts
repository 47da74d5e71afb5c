// The consumer of the process.send channel (messages.ts startIpcMessages): counts messages, sends
// the count every `ackEvery`, prints its CPU time and exits when the parent disconnects.
//   ipc-consumer.js '{"ackEvery":…}'   (started with an IPC channel, advanced serialization)
import { childArgs, reportCpu } from './common.js';

export interface IpcConsumerArgs {
  ackEvery: number;
}

const { ackEvery } = childArgs<IpcConsumerArgs>();
let count = 0;
let nextAck = ackEvery; // the next multiple of ackEvery (a compare, not a division per message)
process.on('message', () => {
  if (++count === nextAck) {
    nextAck += ackEvery;
    process.send!(count);
  }
});
process.on('disconnect', () => {
  reportCpu();
  process.exit(0);
});
