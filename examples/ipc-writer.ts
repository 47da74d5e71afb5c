// Writer process: maps shared.dat read-write (creating it), writes a message and flushes it.
// Run: npx tsx examples/ipc-writer.ts [file] [message]
import { mapMut } from '@memmap/core';

const file = process.argv[2] ?? 'shared.dat';
const msg = Buffer.from(process.argv[3] ?? 'IPC using mmap!');

{
  using w = mapMut(file, { create: true, length: msg.length });
  msg.copy(w.bytes);
  w.flush();
}
console.log(`wrote ${msg.length} bytes to ${file}`);
