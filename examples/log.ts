// An append-only log in a shared file: a writer process appends records, growing the file with
// resize() as it fills; a reader process follows it, sleeping in wait() until the writer notify()s.
// Both survive being killed and restarted: a record counts once the writer publishes the log's new
// end (one atomic store after the record's bytes are in place), and the reader keeps its position
// in the file too, so a restarted writer continues after the last whole record and a restarted
// reader after the last record it printed (at most that one again, if it was killed in between).
// Run: npx tsx examples/log.ts write <file> <count> [delay ms]   (appends "record 0" .. "record count-1")
//      npx tsx examples/log.ts follow <file> <count>             (prints them as they come, then exits)
import { existsSync, statSync } from 'node:fs';
import { mapMut, type MmapMut } from '@memmap/core';

// Header words (int32, by index): the end of the published records (byte 0, also the word wait()
// and notify() use), the reader's position. Records follow from HEADER: a uint32 length, then
// that many bytes.
const END = 0;
const CURSOR = 1;
const HEADER = 64;
const INITIAL = 4096;

const [command, file = 'app.log', countText = '100', delayText = '0'] = process.argv.slice(2);
const count = Number(countText);

const words = (m: MmapMut): Int32Array => m.array(Int32Array, 0, 2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records already in the log (those before its published end). */
function countRecords(m: MmapMut, end: number): number {
  let n = 0;
  for (let at = HEADER; at < end; at += 4 + m.bytes.readUInt32LE(at)) n++;
  return n;
}

async function write(): Promise<void> {
  const log = mapMut(file, { create: true, length: existsSync(file) ? Math.max(statSync(file).size, INITIAL) : INITIAL });
  let header = words(log);
  if (Atomics.load(header, END) === 0) Atomics.store(header, END, HEADER); // a new log
  let end = Atomics.load(header, END);
  // Restarted: continue after the last whole record (a half-written one was never published).
  for (let i = countRecords(log, end); i < count; i++) {
    const record = Buffer.from(`record ${i} ${'x'.repeat(i % 40)}`);
    if (end + 4 + record.length > log.length) {
      log.resize(log.length * 2); // grows the file; earlier views are detached, so make them again
      header = words(log);
    }
    log.bytes.writeUInt32LE(record.length, end);
    record.copy(log.bytes, end + 4);
    end += 4 + record.length;
    Atomics.store(header, END, end); // publish: the record now exists
    log.notify(END);
    if (Number(delayText) > 0) await sleep(Number(delayText));
  }
  console.log(`log holds ${countRecords(log, end)} records, ${log.length} bytes mapped`);
  log.close();
}

async function follow(): Promise<void> {
  while (!existsSync(file) || statSync(file).size < INITIAL) await sleep(10); // the writer makes it
  const log = mapMut(file);
  let header = words(log);
  let at = Atomics.load(header, CURSOR) || HEADER;
  let seen = countRecords(log, at);
  while (seen < count) {
    const end = Atomics.load(header, END);
    if (at >= end) {
      log.wait(END, end, 1000); // until the writer publishes more (or a second passes)
      continue;
    }
    if (end > log.length) {
      log.resize(statSync(file).size); // the writer grew the file: map the new part too
      header = words(log);
    }
    const length = log.bytes.readUInt32LE(at);
    console.log(log.bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
    seen++;
    Atomics.store(header, CURSOR, at); // where a restarted reader goes on
  }
  log.close();
}

if (command === 'write') await write();
else if (command === 'follow') await follow();
else {
  console.error('usage: log.ts write <file> <count> [delay ms] | log.ts follow <file> <count>');
  process.exitCode = 2;
}
