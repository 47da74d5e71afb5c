// Reader process: maps shared.dat read-only and prints what the writer left there.
// Run: npx tsx examples/ipc-reader.ts [file]
import { map } from '@memmap/core';

const file = process.argv[2] ?? 'shared.dat';

{
  using r = map(file);
  console.log(r.bytes.toString());
}
