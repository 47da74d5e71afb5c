// Positioned reads and writes of any size, shared by core and every backend: no single fs call is
// asked for more than it can do (Node takes lengths as int32; Linux moves at most 0x7ffff000 bytes
// per call), short transfers are continued, and a read that ends early where the file has bytes
// is an error, never silent zeros.
import * as fs from 'node:fs';
import { fromNodeError, syscallError } from './errors.js';

/** The most one read/write call is asked for: Linux's MAX_RW_COUNT (below 2^31, Node's int32 limit). */
export const MAX_IO_CHUNK = 0x7ffff000;

const EIO = 5;

/**
 * Reads file bytes [position, position + target.length) into target, in chunks. Returns how many
 * bytes it read: fewer than target.length only when the file ends before the range does (checked
 * with fstat: a read of 0 bytes where the file still has bytes is EIO). The caller decides what the
 * bytes past the end mean (the fallback's copy zero-fills them, as a fresh page would read).
 */
export function readFullyAt(fd: number, target: Uint8Array, position: number, chunk = MAX_IO_CHUNK): number {
  let done = 0;
  let stalled = 0;
  try {
    while (done < target.length) {
      const want = Math.min(chunk, target.length - done);
      // A subarray, so the buffer offset passed to fs is always 0 (Node validates it as int32 too);
      // none for a read of the whole target (a Buffer's subarray costs a species lookup).
      const part = done === 0 && want === target.length ? target : target.subarray(done, done + want);
      const n = fs.readSync(fd, part, 0, want, position + done);
      if (n > 0) {
        done += n;
        stalled = 0;
        continue;
      }
      if (fs.fstatSync(fd).size <= position + done) break; // the file ends here
      // The file has bytes here but the read returned none: retry once (it may have grown under
      // us), then it is an I/O error, never zeros.
      if (++stalled > 1) throw syscallError(EIO, 'read');
    }
  } catch (error) {
    throw fromNodeError(error);
  }
  return done;
}

/** Writes all of source at file `position`, in chunks; a write that moves nothing is EIO. */
export function writeFullyAt(fd: number, source: Uint8Array, position: number, chunk = MAX_IO_CHUNK): void {
  let done = 0;
  try {
    while (done < source.length) {
      const want = Math.min(chunk, source.length - done);
      const part = done === 0 && want === source.length ? source : source.subarray(done, done + want);
      const n = fs.writeSync(fd, part, 0, want, position + done);
      if (n <= 0) throw syscallError(EIO, 'write');
      done += n;
    }
  } catch (error) {
    throw fromNodeError(error);
  }
}
