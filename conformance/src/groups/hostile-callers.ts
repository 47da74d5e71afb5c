// Group "hostile callers": whatever a caller does to a map object (assign or define any property,
// change its prototype, subclass it, wrap it in a Proxy, clone it, print it) and however many maps
// it holds, memmap never touches memory outside a live mapping and the process lives on. Each probe
// runs in a child process, so a crash shows as its exit status instead of killing the runner.
import { existsSync } from 'node:fs';
import type { MapLimitReport, TamperReport } from '../children/hostile.js';
import type { SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import type { Group } from './index.js';
import { childJson } from './robust-util.js';

/**
 * Linux counts every mapping of a process against vm.max_map_count; elsewhere there is no such limit
 * to probe (core's map-limit.ts reads it on Linux only). The platform is asked first: Windows Node
 * under Wine sees the host's /proc through drive Z:, but its maps count against no such limit
 * (the probe only runs the process out of commit charge, which V8 answers with a fatal error).
 */
const hasMapCountLimit = process.platform === 'linux' && existsSync('/proc/sys/vm/max_map_count') && existsSync('/proc/self/maps');

function register(ctx: SuiteContext): void {
  it('tampered, subclassed, proxied, cloned and printed maps: only MmapErrors, no crash, the file unchanged', () => {
    const path = ctx.file(3 * 4096);
    const r = childJson<TamperReport>(ctx.runChildScript('hostile', ['tamper', path], { timeoutMs: 120_000 }));
    const summary = JSON.stringify(r, null, 1);
    expect(r.foreignErrors, `errors that are no MmapError: ${summary}`).toEqual([]);
    for (const [kind, code] of Object.entries(r.adviseAfterLengthLie)) {
      expect(code, `${kind}: advise past the real map after its length was overwritten`).toBe('ERR_MMAP_OUT_OF_RANGE');
    }
    expect(r.fileIntact, 'the file holds exactly what the probe wrote').toBe(true);
    expect(r.okCalls, 'calls on the tampered maps did real work').toBeGreaterThan(20);
    expect(r.construct, 'constructing a map from outside is refused').toEqual([
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_TYPE',
      'ERR_INVALID_ARG_TYPE',
    ]);
    expect(r.proxy, 'a Proxy of a map is no map').toEqual(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE']);
    expect(r.inspect).toMatch(new RegExp(`^MmapMut <${ctx.backend.name} anon, 4096 bytes>$`));
    expect(JSON.parse(r.json)).toEqual({ backend: ctx.backend.name, kind: 'anon', offset: 0, length: 4096, writable: true, closed: false });
    expect(r.clones['structuredClone map'], 'a map cannot be cloned').toBe('threw:DataCloneError');
    expect(r.clones['postMessage map'], 'a map cannot be posted').toBe('threw:DataCloneError');
    // A Buffer over a map is either copied whole and right, or refused: never wrong bytes.
    for (const what of ['structuredClone bytes', 'structuredClone view']) {
      expect(['copied:true', 'threw:DataCloneError'], `${what}: ${r.clones[what]}`).toContain(r.clones[what]);
    }
    for (const what of ['postMessage bytes', 'postMessage view']) {
      expect(['posted', 'threw:DataCloneError'], `${what}: ${r.clones[what]}`).toContain(r.clones[what]);
    }
  });

  it.skipIf(!hasMapCountLimit)(
    "holding maps until the kernel's map count nears its limit: ENOMEM naming the limit, the runtime still maps its own memory, closing maps makes room",
    () => {
      const path = ctx.file(Buffer.alloc(4096, 7));
      const r = childJson<MapLimitReport>(ctx.runChildScript('hostile', ['map-limit', path], { timeoutMs: 300_000 }));
      const summary = JSON.stringify(r);
      expect(r.heapGrew, summary).toBe(true);
      expect(r.mappedAgain, summary).toBe(true);
      if (ctx.backend.capabilities.zeroCopy) {
        // Every live zero-copy map is a kernel mapping: the limit must be met, and met cleanly.
        expect(r.code, summary).toBe('ENOMEM');
        expect(r.message, summary).toContain(String(r.limit));
        expect(r.message, summary).toMatch(/holds \d+ memory mappings/);
        expect(r.held, summary).toBeGreaterThan(r.limit / 2);
      } else if (r.code !== undefined) {
        expect(r.code, summary).toBe('ENOMEM');
      }
    },
    300_000,
  );
}

export const hostileCallersGroup: Group = { name: 'hostile callers', register };
