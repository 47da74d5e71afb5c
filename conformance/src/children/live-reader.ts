// Child of the cross-process group's live-visibility check: a map() made before the parent writes,
// read again (through the same Buffer) once the parent says so on stdin. Run as a script file:
//   live-reader.js <module URL> <export name> <path>
import { startChild } from './start.js';

/** Prints 'ready'; on the first stdin data prints { slice (hex of 4000..4200), same } and exits 0. */
export function sliceWhenTold(m: { readonly bytes: Buffer; close(): void }): void {
  const old = m.bytes;
  console.log('ready');
  process.stdin.once('data', () => {
    console.log(JSON.stringify({ slice: old.subarray(4000, 4200).toString('hex'), same: m.bytes === old }));
    m.close();
    process.exit(0);
  });
}

const { backend, args } = await startChild();
sliceWhenTold(backend.map(args[0]!));
