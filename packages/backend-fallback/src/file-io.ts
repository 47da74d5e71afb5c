// Positioned reads and writes that loop until done (pread/pwrite may be short).
import * as fs from 'node:fs';

/** Fills target[0..length) from the file at `position`; bytes past EOF read as zero. */
export function readFully(fd: number, target: Buffer, position: number): void {
  let done = 0;
  while (done < target.length) {
    const n = fs.readSync(fd, target, done, target.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  if (done < target.length) target.fill(0, done);
}

export function writeFully(fd: number, source: Buffer, position: number): void {
  let done = 0;
  while (done < source.length) {
    done += fs.writeSync(fd, source, done, source.length - done, position + done);
  }
}
