// Defence in depth: the addon checks every offset, length and wait address itself, against the
// mapping's real current length, before any syscall or pointer arithmetic. These calls bypass
// core (which would refuse them first) and reach the raw addon functions; each must fail with a
// clean MmapError and leave the process alive. They run in a child process: before the checks,
// several of them touched memory outside the map (SIGSEGV).

import { describe, expect, it } from 'vitest';
import { runChild } from './child.js';

const addonUrl = new URL('../dist/addon.js', import.meta.url).href;
const errorsUrl = new URL('../dist/errors.js', import.meta.url).href;

const ok = (c: { status: number | null; signal: string | null; stderr: string }) =>
  expect({ status: c.status, signal: c.signal, stderr: c.status === 0 ? '' : c.stderr.slice(-3000) }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });

/** Child source: maps one page (anonymous and a shared file map), runs `cases`, prints each outcome. */
const probe = (cases: string) => `
  const { addon } = await import(${JSON.stringify(addonUrl)});
  const { toMmapError } = await import(${JSON.stringify(errorsUrl)});
  const page = addon.pageSize;
  const file = dir + '/one-page.bin';
  fs.writeFileSync(file, Buffer.alloc(page, 7));
  const fd = fs.openSync(file, 'r+');
  const anon = addon.mapAnon(page, false, false);
  const shared = addon.mapFile(addon.constants.mapKinds.shared, fd, 0, page, false);
  const advice = addon.constants.advice;
  const out = {};
  const outcome = (e) => {
    const m = toMmapError(e, undefined);
    return m && m.name === 'MmapError' ? m.code : 'raw ' + (e && e.message);
  };
  const run = async (name, f) => {
    try {
      let r = f();
      if (r && typeof r.then === 'function') r = await r;
      // A Buffer handed out past the end: reading its last byte is what a caller would do next.
      if (Buffer.isBuffer(r)) r = r.length ? r[r.length - 1] : 'empty';
      out[name] = 'no error: ' + JSON.stringify(r);
    } catch (e) {
      out[name] = outcome(e);
    }
  };
  ${cases}
  // Both maps still work afterwards.
  const bytes = addon.buffer(shared);
  bytes[0] = 9;
  addon.flush(shared, 0, page);
  out.after = [bytes[0], addon.buffer(anon)[0], fs.readFileSync(file)[0]];
  addon.close(shared, bytes);
  addon.close(anon, undefined);
  fs.closeSync(fd);
  console.log(JSON.stringify(out));
`;

describe('napi addon: hostile arguments (bypassing core)', () => {
  it('every range past the end of a one-page map is ERR_MMAP_OUT_OF_RANGE, no syscall runs on memory outside it (child)', () => {
    const c = runChild(
      probe(`
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
      `),
    );
    ok(c);
    const r = c.result as Record<string, unknown>;
    const { after, ...cases } = r;
    expect(cases).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 'ERR_MMAP_OUT_OF_RANGE'])));
    expect(Object.keys(cases)).toHaveLength(13);
    expect(after).toEqual([9, 0, 9]);
  });

  it('non-numbers, negatives, fractions, NaN, misaligned wait offsets and unknown advice are ERR_INVALID_ARG_VALUE (child)', () => {
    const c = runChild(
      probe(`
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
      `),
    );
    ok(c);
    const { after, ...cases } = c.result as Record<string, unknown>;
    expect(cases).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 'ERR_INVALID_ARG_VALUE'])));
    expect(Object.keys(cases)).toHaveLength(22);
    expect(after).toEqual([9, 0, 9]);
  });

  it.skipIf(process.platform !== 'linux')('empty ranges run no syscall and answer as core does; in-range calls still work (child)', () => {
    const c = runChild(
      probe(`
      await run('flush empty at end', () => addon.flush(shared, page, 0));
      await run('advise empty', () => addon.advise(shared, advice.willneed, page, 0));
      await run('residency empty', () => addon.residency(anon, page, 0));
      await run('flushAsync empty', () => addon.flushAsync(shared, page, 0));
      await run('window empty', () => addon.window(anon, page, 0));
      await run('notify count 0', () => addon.notify(shared, page - 4, 0));
      await run('notify Infinity', () => addon.notify(shared, page - 4, Infinity));
      await run('wait last int32', () => addon.wait(shared, page - 4, 1, 0));
      await run('window last byte', () => addon.window(anon, page - 1, 1));
      `),
    );
    ok(c);
    expect(c.result).toEqual({
      'flush empty at end': 'no error: undefined',
      'advise empty': 'no error: false',
      'residency empty': 'no error: [0,0]',
      'flushAsync empty': 'no error: undefined',
      'window empty': 'no error: "empty"',
      'notify count 0': 'no error: 0',
      'notify Infinity': 'no error: 0',
      'wait last int32': 'no error: 1',
      'window last byte': 'no error: 0',
      after: [9, 0, 9],
    });
  });
});
