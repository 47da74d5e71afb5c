// Map objects against a hostile caller: state that no assignment, defineProperty, prototype change,
// subclass or Proxy reaches, so core never hands a backend a range outside the live map.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defineBackend, defineCapabilities, type MmapMut, ownerOf, type Region } from '../src/index.js';
import { codeOf } from './code-of.js';

function recordingBackend() {
  const calls: string[] = [];
  const region = (length: number): Region => {
    const memory = Buffer.alloc(length);
    return {
      buffer: () => memory,
      window: (o, l) => memory.subarray(o, o + l),
      flush: (o, l) => void calls.push(`flush ${o} ${l}`),
      flushAsync: async (o, l) => void calls.push(`flushAsync ${o} ${l}`),
      advise: (a, o, l) => {
        calls.push(`advise ${a} ${o} ${l}`);
        return true;
      },
      prefetch: async (o, l) => void calls.push(`prefetch ${o} ${l}`),
      residency: (o, l) => {
        calls.push(`residency ${o} ${l}`);
        return { resident: 0, total: 1, pageSize: 4096 };
      },
      lock: () => {},
      unlock: () => {},
      remap: (n) => void calls.push(`remap ${n}`),
      close: () => void calls.push('close'),
      collected: () => {},
    };
  };
  const backend = defineBackend({
    name: 'recording',
    capabilities: defineCapabilities({ lock: false }),
    openFile: (request) => region(request.length),
    openAnon: (request) => region(request.length),
  });
  return { backend, calls };
}

describe('map state is private', () => {
  it('a map has no own state to overwrite: assigned lengths never reach the backend', () => {
    const { backend, calls } = recordingBackend();
    const m = backend.mapAnon(4096) as MmapMut & Record<string, unknown>;
    for (const name of ['currentLength', 'init', 'isClosed', 'cachedBytes', 'waiters', 'length']) {
      try {
        m[name] = 2 ** 30;
      } catch {
        // a getter without setter refuses the assignment in strict mode
      }
      Object.defineProperty(m, name, { value: 2 ** 30, configurable: true });
    }
    expect(codeOf(() => m.advise('dontneed', 0, 2 ** 30))).toBe('ERR_MMAP_OUT_OF_RANGE');
    expect(codeOf(() => m.residency(0, 2 ** 30))).toBe('ERR_MMAP_OUT_OF_RANGE');
    expect(codeOf(() => m.flush(0, 2 ** 30))).toBe('ERR_MMAP_OUT_OF_RANGE');
    expect(calls).toEqual([]);
    m.advise('dontneed');
    expect(calls).toEqual(['advise dontneed 0 4096']);
  });

  it('a changed prototype or a Proxy reaches no state: the real methods still see the real map', () => {
    const { backend } = recordingBackend();
    const m = backend.mapAnon(4096);
    const proto = Object.getPrototypeOf(m) as MmapMut;
    Object.setPrototypeOf(m, { length: 2 ** 30 });
    expect(proto.view.call(m).length).toBe(4096);
    const proxied = new Proxy(backend.mapAnon(4096), {});
    expect(codeOf(() => proxied.view())).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => proxied.length)).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('prototypes are frozen and only memmap constructs maps (not a subclass, not Reflect.construct)', () => {
    const { backend } = recordingBackend();
    const m = backend.mapAnon(4096);
    const proto = Object.getPrototypeOf(m) as object;
    expect(Object.isFrozen(proto)).toBe(true);
    expect(Object.isFrozen(Object.getPrototypeOf(proto))).toBe(true);
    const Ctor = m.constructor as new (...args: unknown[]) => object;
    expect(codeOf(() => new Ctor({ length: 2 ** 30 }))).toBe('ERR_INVALID_ARG_TYPE');
    class Sub extends Ctor {}
    expect(codeOf(() => new Sub(Symbol('memmap.makeMap'), {}))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('util.inspect and JSON.stringify say what the map is and print no memory; cloning is refused', () => {
    const { backend } = recordingBackend();
    const m = backend.mapAnon(4096);
    m.bytes.fill(0x41);
    expect(inspect(m)).toBe('MmapMut <recording anon, 4096 bytes>');
    expect(JSON.parse(JSON.stringify(m))).toEqual({
      backend: 'recording',
      kind: 'anon',
      offset: 0,
      length: 4096,
      writable: true,
      closed: false,
    });
    expect(() => structuredClone(m)).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
    m.close();
    expect(inspect(m)).toBe('MmapMut <recording anon, 4096 bytes, closed>');
  });
});

describe('ownerOf never throws', () => {
  it.each([['nope'], [42], [undefined], [null], [{}], [Symbol('x')], [10n], [() => {}]])('ownerOf(%s) is undefined', (value) => {
    expect(ownerOf(value)).toBeUndefined();
  });

  it('gives the map of its views, even after the map object was tampered with', () => {
    const { backend } = recordingBackend();
    const m = backend.mapAnon(4096);
    const view = m.view(1, 2);
    Object.defineProperty(m, 'length', { value: 0 });
    expect(ownerOf(view)).toBe(m);
    expect(ownerOf(Buffer.alloc(1))).toBeUndefined();
  });
});
