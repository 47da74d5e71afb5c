// The child of hostile-args.test.ts: a one-page shared file region and a one-page anonymous one,
// raw FfiRegions; runs one list of hostile calls (the check named in argv), shows that both regions
// still work, then calls them once closed, and prints each outcome.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { hostileCalls } from '@memmap/conformance';
import { backendUrl, runCheck } from './start.js';

// The calls pass what the region's types forbid: it is typed loosely here on purpose.
const { FfiRegion } = (await import(new URL('region.js', backendUrl).href)) as { FfiRegion: any };
const isLinux = process.platform === 'linux';

const page = 4096;
const dir = fs.mkdtempSync(`${tmpdir()}/memmap-ffi-hostile-`);
const file = `${dir}/one-page.bin`;
fs.writeFileSync(file, Buffer.alloc(page, 7));
const fd = fs.openSync(file, 'r+');
const spec = (kind: string, fd: number, path: string | undefined) => ({
  kind,
  fd,
  path,
  alignedOffset: 0,
  delta: 0,
  populate: false,
  hugePages: false,
});
const shared = new FfiRegion(spec('shared', fd, file), page);
const anon = new FfiRegion(spec('anon', -1, undefined), page);
const { out, run } = hostileCalls((e: any) => (e && e.name === 'MmapError' ? e.code : `raw ${e?.name}: ${e?.message}`));
// Assigning to the region's or the mapping's fields changes nothing: the state is private.
try {
  shared.length = 2 ** 30;
  shared.mapping = { addr: 0n, size: 2 ** 30 };
} catch {}

await runCheck({
  async 'out-of-range'() {
    await run('advise dontneed 0+2^30', () => shared.advise('dontneed', 0, 2 ** 30));
    await run('advise willneed past end', () => shared.advise('willneed', 16 * page, page));
    await run('flush 0+2^30', () => shared.flush(0, 2 ** 30));
    await run('flush at 2^40', () => shared.flush(2 ** 40, 1));
    await run('flushAsync 0+2^30', () => shared.flushAsync(0, 2 ** 30));
    await run('prefetch page+2^30', () => shared.prefetch(page, 2 ** 30));
    await run('residency 0+2^30', () => anon.residency(0, 2 ** 30));
    await run('window 0+2^24', () => anon.window(0, 2 ** 24));
    await run('window page+1', () => anon.window(page, 1));
    if (isLinux) {
      await run('wait at 2^24', () => shared.wait(2 ** 24, 0, 0));
      await run('wait straddling the end', () => shared.wait(page - 2, 0, 0));
      await run('waitAsync at 2^24', () => shared.waitAsync(2 ** 24, 0, 0));
      await run('notify at 2^24', () => shared.notify(2 ** 24, 1));
    }
    return after();
  },

  async invalid() {
    await run('window offset -1', () => anon.window(-1, 10));
    await run('window offset NaN', () => anon.window(NaN, 1));
    await run('window length 1.5', () => anon.window(0, 1.5));
    await run('window offset string', () => anon.window('0', 1));
    await run('flush length -4096', () => shared.flush(page, -page));
    await run('flushAsync offset Infinity', () => shared.flushAsync(Infinity, 1));
    await run('prefetch offset {}', () => shared.prefetch({}, 1));
    await run('residency length 2^60', () => anon.residency(0, 2 ** 60));
    await run('remap -1', () => anon.remap(-1, { allocate: false }));
    await run('remap NaN', () => anon.remap(NaN, { allocate: false }));
    if (isLinux) {
      await run('wait misaligned', () => shared.wait(2, 0, 0));
      await run('wait expected string', () => shared.wait(0, 'x', 0));
      await run('wait expected 2^40', () => shared.wait(0, 2 ** 40, 0));
      await run('wait timeout NaN', () => shared.wait(0, 0, NaN));
      await run('waitAsync misaligned', () => shared.waitAsync(1, 0, 0));
      await run('notify count -1', () => shared.notify(0, -1));
      await run('notify count 0.5', () => shared.notify(0, 0.5));
    }
    return after();
  },

  async empty() {
    await run('flush empty at end', () => shared.flush(page, 0));
    await run('advise empty', () => shared.advise('willneed', page, 0));
    await run('residency empty', () => anon.residency(page, 0));
    await run('flushAsync empty', () => shared.flushAsync(page, 0));
    await run('window empty', () => anon.window(page, 0));
    await run('notify count 0', () => shared.notify(page - 4, 0));
    await run('notify Infinity', () => shared.notify(page - 4, Infinity));
    await run('wait last int32', () => shared.wait(page - 4, 1, 0));
    await run('window last byte', () => anon.window(page - 1, 1));
    return after();
  },
});

/** Both regions still work after the calls; then each is closed and called once more. */
async function after(): Promise<Record<string, unknown>> {
  const bytes = shared.buffer();
  bytes[0] = 9;
  shared.flush(0, page);
  out.after = [bytes[0], anon.buffer()[0], fs.readFileSync(file)[0]];
  shared.close();
  anon.close();
  await run('window after close', () => anon.window(0, page));
  await run('flush after close', () => shared.flush(0, page));
  await run('remap after close', () => anon.remap(page, { allocate: false }));
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
