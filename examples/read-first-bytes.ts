// Map a file read-only and print its first 10 bytes.
// Run: npx tsx examples/read-first-bytes.ts [file]   (default: example.dat, created if missing)
import { existsSync, writeFileSync } from 'node:fs';
import { map } from '@memmap/core';

const file = process.argv[2] ?? 'example.dat';
if (!existsSync(file)) writeFileSync(file, 'Hello, memory-mapped world!\n');

{
  using m = map(file);
  console.log(m.bytes.subarray(0, 10));
}
