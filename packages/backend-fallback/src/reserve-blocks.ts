// allocate: true without native code. Node's fs has no fallocate, so the disk blocks of a range
// are reserved by writing: every block of the range that reads as zero (a hole, or zeros already
// on disk) is written with zeros, so the file's bytes never change and a full disk answers ENOSPC
// here instead of at a later write-back. Non-zero blocks are data, which already own their blocks.
// (A writer in another process that fills a hole between our read and our write of zeros would
// lose that write: allocate before sharing the range, as with any preallocation.)
import { readFullyAt, writeFullyAt } from '@memmap/core';

const BLOCK = 4096;
const CHUNK = 1024 * 1024;

/** Reserves disk blocks for file bytes [position, position + length); the file must span the range. */
export function reserveBlocks(fd: number, position: number, length: number): void {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK, length));
  const zeros = Buffer.alloc(chunk.length);
  for (let at = position; at < position + length; at += chunk.length) {
    const size = Math.min(chunk.length, position + length - at);
    const read = readFullyAt(fd, chunk.subarray(0, size), at);
    let run = -1; // start of the run of zero blocks being built, or -1
    const flush = (end: number) => {
      if (run >= 0) writeFullyAt(fd, zeros.subarray(0, end - run), at + run);
      run = -1;
    };
    for (let block = 0; block < size; block += BLOCK) {
      const end = Math.min(size, block + BLOCK);
      // Past the end of the file (cut under us) counts as zero: writing extends it back to length.
      const zero = block >= read || zeros.compare(chunk, block, Math.min(end, read), 0, Math.min(end, read) - block) === 0;
      if (zero) {
        if (run < 0) run = block;
      } else flush(block);
    }
    flush(size);
  }
}
