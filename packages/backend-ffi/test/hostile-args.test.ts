// Defence in depth: the region checks every offset, length and wait address itself, against the
// map's real length it holds privately (#fields), before any call reaches the OS. These calls
// bypass core (which would refuse them first) and reach a raw FfiRegion; each must fail with a
// clean MmapError and leave the process alive. They run in a child process: before the checks,
// a view or a wait past the end read memory outside the map (SIGSEGV).

import { describe, expect, it } from 'vitest';
import { runChild } from './child.js';

const regionUrl = new URL('../dist/region.js', import.meta.url).href;
const isLinux = process.platform === 'linux';

const ok = (c: { status: number | null; signal: string | null; stderr: string }) =>
  expect({ status: c.status, signal: c.signal, stderr: c.status === 0 ? '' : c.stderr.slice(-3000) }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });

const lastJson = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

/** Child source: a one-page shared file region and a one-page anonymous one, raw; runs `cases`. */
const probe = (cases: string) => `
  const { FfiRegion } = await import(${JSON.stringify(regionUrl)});
  const { tmpdir } = await import('node:os');
  const page = 4096;
  const dir = fs.mkdtempSync(tmpdir() + '/memmap-ffi-hostile-');
  const file = dir + '/one-page.bin';
  fs.writeFileSync(file, Buffer.alloc(page, 7));
  const fd = fs.openSync(file, 'r+');
  const spec = (kind, fd, path) => ({ kind, fd, path, alignedOffset: 0, delta: 0, populate: false, hugePages: false });
  const shared = new FfiRegion(spec('shared', fd, file), page);
  const anon = new FfiRegion(spec('anon', -1, undefined), page);
  const out = {};
  const run = async (name, f) => {
    try {
      let r = f();
      if (r && typeof r.then === 'function') r = await r;
      // A Buffer handed out past the end: reading its last byte is what a caller would do next.
      if (Buffer.isBuffer(r)) r = r.length ? r[r.length - 1] : 'empty';
      out[name] = 'no error: ' + JSON.stringify(r);
    } catch (e) {
      out[name] = e && e.name === 'MmapError' ? e.code : 'raw ' + (e && e.name) + ': ' + (e && e.message);
    }
  };
  // Assigning to the region's or the mapping's fields changes nothing: the state is private.
  try { shared.length = 2 ** 30; shared.mapping = { addr: 0n, size: 2 ** 30 }; } catch {}
  ${cases}
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
  console.log(JSON.stringify(out));
`;

describe('ffi region: hostile arguments (bypassing core)', () => {
  it('every range past the end of a one-page map is ERR_MMAP_OUT_OF_RANGE; nothing outside the mapping is touched (child)', () => {
    const c = runChild(
      probe(`
      await run('advise dontneed 0+2^30', () => shared.advise('dontneed', 0, 2 ** 30));
      await run('advise willneed past end', () => shared.advise('willneed', 16 * page, page));
      await run('flush 0+2^30', () => shared.flush(0, 2 ** 30));
      await run('flush at 2^40', () => shared.flush(2 ** 40, 1));
      await run('flushAsync 0+2^30', () => shared.flushAsync(0, 2 ** 30));
      await run('prefetch page+2^30', () => shared.prefetch(page, 2 ** 30));
      await run('residency 0+2^30', () => anon.residency(0, 2 ** 30));
      await run('window 0+2^24', () => anon.window(0, 2 ** 24));
      await run('window page+1', () => anon.window(page, 1));
      ${
        isLinux
          ? `await run('wait at 2^24', () => shared.wait(2 ** 24, 0, 0));
      await run('wait straddling the end', () => shared.wait(page - 2, 0, 0));
      await run('waitAsync at 2^24', () => shared.waitAsync(2 ** 24, 0, 0));
      await run('notify at 2^24', () => shared.notify(2 ** 24, 1));`
          : ''
      }
      `),
    );
    ok(c);
    const { after, ...cases } = lastJson(c.stdout);
    const closed = ['window after close', 'flush after close', 'remap after close'];
    const ranges = Object.keys(cases).filter((k) => !closed.includes(k));
    expect(Object.fromEntries(ranges.map((k) => [k, cases[k]]))).toEqual(
      Object.fromEntries(ranges.map((k) => [k, 'ERR_MMAP_OUT_OF_RANGE'])),
    );
    expect(ranges).toHaveLength(isLinux ? 13 : 9);
    expect(after).toEqual([9, 0, 9]);
    expect(Object.fromEntries(closed.map((k) => [k, cases[k]]))).toEqual(Object.fromEntries(closed.map((k) => [k, 'ERR_MMAP_CLOSED'])));
  });

  it('non-numbers, negatives, fractions, NaN and misaligned wait offsets are ERR_INVALID_ARG_VALUE (child)', () => {
    const c = runChild(
      probe(`
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
      ${
        isLinux
          ? `await run('wait misaligned', () => shared.wait(2, 0, 0));
      await run('wait expected string', () => shared.wait(0, 'x', 0));
      await run('wait expected 2^40', () => shared.wait(0, 2 ** 40, 0));
      await run('wait timeout NaN', () => shared.wait(0, 0, NaN));
      await run('waitAsync misaligned', () => shared.waitAsync(1, 0, 0));
      await run('notify count -1', () => shared.notify(0, -1));
      await run('notify count 0.5', () => shared.notify(0, 0.5));`
          : ''
      }
      `),
    );
    ok(c);
    const { after, ...all } = lastJson(c.stdout);
    const cases = Object.fromEntries(Object.entries(all).filter(([k]) => !k.endsWith('after close')));
    expect(cases).toEqual(Object.fromEntries(Object.keys(cases).map((k) => [k, 'ERR_INVALID_ARG_VALUE'])));
    expect(Object.keys(cases)).toHaveLength(isLinux ? 17 : 10);
    expect(after).toEqual([9, 0, 9]);
  });

  it.skipIf(!isLinux)('empty ranges reach no syscall and answer as core does; in-range calls still work (child)', () => {
    const c = runChild(
      probe(`
      await run('flush empty at end', () => shared.flush(page, 0));
      await run('advise empty', () => shared.advise('willneed', page, 0));
      await run('residency empty', () => anon.residency(page, 0));
      await run('flushAsync empty', () => shared.flushAsync(page, 0));
      await run('window empty', () => anon.window(page, 0));
      await run('notify count 0', () => shared.notify(page - 4, 0));
      await run('notify Infinity', () => shared.notify(page - 4, Infinity));
      await run('wait last int32', () => shared.wait(page - 4, 1, 0));
      await run('window last byte', () => anon.window(page - 1, 1));
      `),
    );
    ok(c);
    const rest = lastJson(c.stdout);
    for (const k of ['window after close', 'flush after close', 'remap after close']) delete rest[k];
    expect(rest).toEqual({
      'flush empty at end': 'no error: undefined',
      'advise empty': 'no error: false',
      'residency empty': 'no error: {"resident":0,"total":0,"pageSize":4096}',
      'flushAsync empty': 'no error: undefined',
      'window empty': 'no error: "empty"',
      'notify count 0': 'no error: 0',
      'notify Infinity': 'no error: 0',
      'wait last int32': 'no error: "not-equal"',
      'window last byte': 'no error: 0',
      after: [9, 0, 9],
    });
  });
});
