// The child of hostile-args.test.ts: maps one page (anonymous and a shared file map) with the raw
// addon, runs one list of hostile calls (the check named in argv), prints each outcome, then shows
// that both maps still work.
import fs from 'node:fs';
import { hostileCalls } from '@memmap/conformance';
import { dir, distUrl, runCheck } from './start.js';

// The calls pass what the addon's types forbid: it is typed loosely here on purpose.
const { addon } = (await import(new URL('addon.js', distUrl).href)) as { addon: any };
const { toMmapError } = (await import(new URL('errors.js', distUrl).href)) as typeof import('../../src/errors.js');

const page: number = addon.pageSize;
const file = `${dir}/one-page.bin`;
fs.writeFileSync(file, Buffer.alloc(page, 7));
const fd = fs.openSync(file, 'r+');
const anon = addon.mapAnon(page, false, false);
const shared = addon.mapFile(addon.constants.mapKinds.shared, fd, 0, page, false);
const advice = addon.constants.advice;
const { out, run } = hostileCalls((e) => {
  const m = toMmapError(e, undefined) as { name?: string; code?: string } | undefined;
  return m && m.name === 'MmapError' ? m.code! : `raw ${e && (e as Error).message}`;
});

await runCheck({
  async 'out-of-range'() {
    await run('advise dontneed 0+2^30', () => addon.advise(shared, advice.dontneed, 0, 2 ** 30));
    await run('advise willneed past end', () => addon.advise(shared, advice.willneed, 16 * page, page));
    await run('flush 0+2^30', () => addon.flush(shared, 0, 2 ** 30));
    await run('flush at 2^40', () => addon.flush(shared, 2 ** 40, 1));
    await run('flushAsync 0+2^30', () => addon.flushAsync(shared, 0, 2 ** 30));
    await run('prefetch page+2^30', () => addon.prefetch(shared, page, 2 ** 30));
    await run('residency 0+2^30', () => addon.residency(anon, 0, 2 ** 30));
    await run('window 0+2^24', () => addon.window(anon, 0, 2 ** 24));
    await run('window page+1', () => addon.window(anon, page, 1));
    await run('wait at 2^24', () => addon.wait(shared, 2 ** 24, 0, 0));
    await run('wait straddling the end', () => addon.wait(shared, page - 2, 0, 0));
    await run('waitAsync at 2^24', () => addon.waitAsync(shared, 2 ** 24, 0, 0));
    await run('notify at 2^24', () => addon.notify(shared, 2 ** 24, 1));
    return after();
  },

  async invalid() {
    await run('window offset -1', () => addon.window(anon, -1, 10));
    await run('window offset NaN', () => addon.window(anon, NaN, 1));
    await run('window length 1.5', () => addon.window(anon, 0, 1.5));
    await run('window offset string', () => addon.window(anon, '0', 1));
    await run('window length missing', () => addon.window(anon, 0));
    await run('flush length -4096', () => addon.flush(shared, page, -page));
    await run('flushAsync offset Infinity', () => addon.flushAsync(shared, Infinity, 1));
    await run('prefetch offset {}', () => addon.prefetch(shared, {}, 1));
    await run('residency length 2^60', () => addon.residency(anon, 0, 2 ** 60));
    await run('advise code 99', () => addon.advise(shared, 99, 0, page));
    await run('advise code string', () => addon.advise(shared, 'dontneed', 0, page));
    await run('wait misaligned', () => addon.wait(shared, 2, 0, 0));
    await run('wait expected string', () => addon.wait(shared, 0, 'x', 0));
    await run('wait expected 2^40', () => addon.wait(shared, 0, 2 ** 40, 0));
    await run('wait timeout NaN', () => addon.wait(shared, 0, 0, NaN));
    await run('wait timeout -1', () => addon.wait(shared, 0, 0, -1));
    await run('waitAsync misaligned', () => addon.waitAsync(shared, 1, 0, 0));
    await run('notify count -1', () => addon.notify(shared, 0, -1));
    await run('notify count 0.5', () => addon.notify(shared, 0, 0.5));
    await run('remap -1', () => addon.remap(anon, -1, undefined));
    await run('remap NaN', () => addon.remap(anon, NaN, undefined));
    await run('remap 2^60', () => addon.remap(anon, 2 ** 60, undefined));
    return after();
  },

  async empty() {
    await run('flush empty at end', () => addon.flush(shared, page, 0));
    await run('advise empty', () => addon.advise(shared, advice.willneed, page, 0));
    await run('residency empty', () => addon.residency(anon, page, 0));
    await run('flushAsync empty', () => addon.flushAsync(shared, page, 0));
    await run('window empty', () => addon.window(anon, page, 0));
    await run('notify count 0', () => addon.notify(shared, page - 4, 0));
    await run('notify Infinity', () => addon.notify(shared, page - 4, Infinity));
    await run('wait last int32', () => addon.wait(shared, page - 4, 1, 0));
    await run('window last byte', () => addon.window(anon, page - 1, 1));
    return after();
  },
});

/** Both maps still work after the calls: the outcomes with what they read back. */
function after(): Record<string, unknown> {
  const bytes = addon.buffer(shared);
  bytes[0] = 9;
  addon.flush(shared, 0, page);
  out.after = [bytes[0], addon.buffer(anon)[0], fs.readFileSync(file)[0]];
  addon.close(shared, bytes);
  addon.close(anon, undefined);
  fs.closeSync(fd);
  return out;
}
