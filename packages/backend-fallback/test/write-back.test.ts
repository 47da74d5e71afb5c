// Fallback-specific write-back ordering: the file must end with the newest bytes, whatever mix of
// flush() and flushAsync() wrote them (durability read back through fs).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { backend } from '../src/index.js';

it('a flush() while a flushAsync() is pending leaves the newest bytes in the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-fallback-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'f.bin');
  writeFileSync(path, Buffer.alloc(3 * 4096));
  const m = backend.mapMut(path);
  // Two separate changed runs, so an asynchronous write-back would need more than one write.
  m.bytes.fill(1, 0, 4096);
  m.bytes.fill(1, 8192, 12288);
  const pending = m.flushAsync();
  m.bytes.fill(2, 0, 4096);
  m.bytes.fill(2, 8192, 12288);
  m.flush();
  await pending;
  const file = readFileSync(path); // before close(), which would write everything again
  m.close();
  expect([...new Set(file.subarray(0, 4096))]).toEqual([2]);
  expect([...new Set(file.subarray(8192, 12288))]).toEqual([2]);
});
