// Runs one random sequence against a backend and the model side by side, checking every live map
// and the file (read through fs) after every step. Operations that do not apply to the current
// state are skipped, so shrinking never produces an invalid sequence.
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Backend, Mmap, MmapMut } from '@memmap/core';
import { FileModel, firstMismatch, UNKNOWN, type ModelMap } from './file-model.js';
import type { Op } from './operations.js';
import { namedIsSection, refusesCallerFd } from '../groups/windows-limits.js';

interface Live {
  model: ModelMap;
  real: MmapMut;
  /** The Buffer `bytes` returned last: it must stay the same object until resize/close. */
  bytes: Buffer;
}

export interface SequenceSetup {
  backend: Backend;
  path: string;
  initial: Uint8Array;
  pageSize: number;
}

let namedSerial = 0;

export class SequenceRunner {
  private readonly model: FileModel;
  private readonly live: Live[] = [];
  private readonly fds: number[] = [];
  private step = -1;
  private current: Op | undefined;

  constructor(private readonly setup: SequenceSetup) {
    writeFileSync(setup.path, setup.initial);
    this.model = new FileModel(setup.initial, setup.backend.capabilities.coherent, setup.pageSize);
  }

  async run(ops: Op[]): Promise<void> {
    try {
      for (this.step = 0; this.step < ops.length; this.step++) {
        this.current = ops[this.step];
        await this.apply(this.current!);
        this.check();
      }
      this.current = undefined;
      while (this.live.length > 0) this.closeLive(this.live[0]!);
      this.checkFile(true);
    } finally {
      for (const l of this.live) l.real.close();
      for (const fd of this.fds) closeSync(fd);
      rmSync(this.setup.path, { force: true });
    }
  }

  private fail(message: string): never {
    const where = this.current ? `step ${this.step} ${JSON.stringify(this.current)}` : 'after closing every map';
    throw new Error(`${where}: ${message}`);
  }

  private async apply(op: Op): Promise<void> {
    if (op.op === 'open') return this.open(op);
    const l = this.live[op.slot % Math.max(1, this.live.length)];
    if (!l) return;
    const m = l.model;
    switch (op.op) {
      case 'write':
        return this.write(l, op);
      case 'flush': {
        if (m.kind === 'map') return;
        const [at, n] = this.range(op.range, m.length);
        if (op.async) await (op.range ? l.real.flushAsync(at, n) : l.real.flushAsync());
        else if (op.range) l.real.flush(at, n);
        else l.real.flush();
        return this.model.flush(m, at, n);
      }
      case 'resize':
        return this.resize(l, op.size);
      case 'advise': {
        const [at, n] = this.range(op.range, m.length);
        const applied = op.range ? l.real.advise(op.advice, at, n) : l.real.advise(op.advice);
        if (typeof applied !== 'boolean') this.fail(`advise() returned ${String(applied)}, not a boolean`);
        return;
      }
      case 'prefetch': {
        const [at, n] = this.range(op.range, m.length);
        await (op.range ? l.real.prefetch(at, n) : l.real.prefetch());
        const r = l.real.residency(at, n);
        if (!(r.resident >= 0 && r.resident <= r.total && r.pageSize > 0)) this.fail(`residency() gave ${JSON.stringify(r)}`);
        return;
      }
      case 'close':
        return this.closeLive(l);
      case 'wait':
        return this.wait(l, op);
      case 'notify':
        return this.notify(l, op);
      case 'reopen': {
        if (m.kind === 'mapAnon') return;
        this.closeLive(l);
        return this.open(
          { op: 'open', kind: m.kind, off: m.offset, len: m.length, create: false, src: 'path', bigint: false, populate: false },
          true,
        );
      }
    }
  }

  /**
   * An aligned word inside a mutable map from a raw number, or undefined (read-only or too short).
   * Aligned in memory: byte 0 of a file map sits at its file offset's position within a page.
   */
  private word(l: Live, raw: number): number | undefined {
    const m = l.model;
    if (m.kind === 'map' || m.length < 4) return undefined;
    const words = Math.floor((m.length - ((4 - (m.offset % 4)) % 4)) / 4);
    if (words <= 0) return undefined;
    return ((4 - (m.offset % 4)) % 4) + 4 * (raw % words);
  }

  /**
   * wait/waitAsync with the word's current value and timeout 0 must time out; with any other value
   * they answer 'not-equal' at once. Nothing else waits on this memory, so notify wakes nobody.
   * Where waitNotify is false every call must be ERR_MMAP_UNSUPPORTED. Neither changes a byte.
   */
  private async wait(l: Live, op: Extract<Op, { op: 'wait' }>): Promise<void> {
    const at = this.word(l, op.at);
    if (at === undefined) return;
    const value = l.real.bytes.readInt32LE(at);
    const other = value === 0x7fffffff ? 0 : value + 1;
    const call = (expected: number, timeout?: number) =>
      op.async ? l.real.waitAsync(at, expected, timeout) : Promise.resolve().then(() => l.real.wait(at, expected, timeout));
    if (!this.setup.backend.capabilities.waitNotify) {
      const code = await call(value, 0).then(
        () => 'resolved',
        (e: { code?: string }) => e.code,
      );
      if (code !== 'ERR_MMAP_UNSUPPORTED') this.fail(`wait with waitNotify false gave ${code}, not ERR_MMAP_UNSUPPORTED`);
      return;
    }
    const results = [await call(other), await call(value, 0)];
    if (results[0] !== 'not-equal' || results[1] !== 'timed-out') this.fail(`wait gave ${results.join(', ')}, not not-equal, timed-out`);
  }

  private notify(l: Live, op: Extract<Op, { op: 'notify' }>): void {
    const at = this.word(l, op.at);
    if (at === undefined) return;
    let result: unknown;
    try {
      result = op.count === null ? l.real.notify(at) : l.real.notify(at, op.count % 4);
    } catch (error) {
      result = (error as { code?: string }).code;
    }
    const want = this.setup.backend.capabilities.waitNotify ? 0 : 'ERR_MMAP_UNSUPPORTED';
    if (result !== want) this.fail(`notify gave ${String(result)}, not ${want}`);
  }

  /** A valid [offset, length] inside a map of `total` bytes from raw numbers. */
  private range(raw: [number, number] | null, total: number): [number, number] {
    if (!raw) return [0, total];
    const at = raw[0] % (total + 1);
    return [at, raw[1] % (total - at + 1)];
  }

  private open(op: Extract<Op, { op: 'open' }>, exact = false): void {
    const { backend, pageSize } = this.setup;
    const size = this.model.size;
    if (op.kind === 'mapAnon') {
      const len = (op.len ?? op.off) % (3 * pageSize);
      // With create (and named memory here): a named map, unlinked at once, behaves as anonymous
      // memory does in the model (private to this run, zero-filled, zeros after a shrink and grow).
      // Not a Windows named section: it cannot resize as anonymous memory does.
      const asNamed = op.create && backend.capabilities.named && !namedIsSection;
      const real = asNamed ? this.named(len) : backend.mapAnon(len, { populate: op.populate });
      this.adopt(this.model.open('mapAnon', 0, len), real);
      return;
    }
    const create = op.kind === 'mapMut' && op.create;
    const off = exact ? op.off : op.off % (size + 1);
    const room = size - off + (create ? 2 * pageSize : 0);
    const len = exact ? op.len! : op.len === null ? Math.max(0, size - off) : op.len % (room + 1);
    if (exact && off + len > size) return; // the file was cut since: nothing to reopen
    if (op.kind === 'mapMut' && !this.model.coherent && this.overlapsMutable(off, len)) return;
    const options: Record<string, unknown> = { offset: op.bigint ? BigInt(off) : off, populate: op.populate };
    if (op.len !== null || exact) options.length = len;
    if (create) options.create = true;
    const real = this.call(op.kind, this.source(op), options);
    this.adopt(this.model.open(op.kind, off, len, create), real);
  }

  private named(length: number): MmapMut {
    const name = `mm-model-${process.pid}-${namedSerial++}`;
    const real = this.setup.backend.mapNamed(name, { create: 'exclusive', length });
    this.setup.backend.unlinkNamed(name);
    return real;
  }

  private call(kind: 'map' | 'mapMut' | 'mapCopy', source: unknown, options: object): MmapMut {
    const b = this.setup.backend as unknown as Record<string, (s: unknown, o: object) => Mmap>;
    return b[kind]!(source, options) as MmapMut;
  }

  private adopt(model: ModelMap, real: MmapMut): void {
    this.live.push({ model, real, bytes: real.bytes });
  }

  private source(op: Extract<Op, { op: 'open' }>): unknown {
    const { path } = this.setup;
    switch (op.src) {
      case 'url':
        return pathToFileURL(path);
      case 'buffer':
        return Buffer.from(path);
      case 'fd': {
        // Without ownDescriptor mapMut() of a caller's fd is refused (windows-limits.ts): use the path.
        if (op.kind === 'mapMut' && refusesCallerFd(this.setup.backend)) return path;
        const fd = openSync(path, op.kind === 'mapMut' ? 'r+' : 'r');
        this.fds.push(fd);
        return fd;
      }
      default:
        return path;
    }
  }

  /** Copying backends only promise disjoint pages between live mapMut maps of a file. */
  private overlapsMutable(offset: number, length: number, except?: ModelMap): boolean {
    const mine = this.model.pages(offset, length);
    if (!mine) return false;
    return this.live.some(({ model: o }) => {
      if (o === except || o.kind !== 'mapMut') return false;
      const theirs = this.model.pages(o.offset, o.length);
      return theirs !== undefined && theirs[0] <= mine[1] && mine[0] <= theirs[1];
    });
  }

  private write(l: Live, op: Extract<Op, { op: 'write' }>): void {
    const m = l.model;
    if (m.kind === 'map' || m.length === 0) return;
    const at = op.at % m.length;
    let data = op.via === 'index' ? op.data.subarray(0, 1) : op.data.subarray(0, Math.min(op.data.length, m.length - at));
    switch (op.via) {
      case 'bytes':
        l.real.bytes.set(data, at);
        break;
      case 'view':
        l.real.view(at, data.length).set(data);
        break;
      case 'fill':
        l.real.view(at, data.length).fill(data[0]!);
        data = new Uint8Array(data.length).fill(data[0]!); // (not data.fill: that would change the generated op)
        break;
      case 'index':
        l.real.bytes[at] = data[0]!;
        break;
    }
    this.model.write(m, at, data);
  }

  private resize(l: Live, raw: number): void {
    const m = l.model;
    if (m.kind === 'map') return;
    const n = raw % (3 * this.setup.pageSize + 1);
    if (m.kind === 'mapCopy') {
      try {
        l.real.resize(n);
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_MMAP_UNSUPPORTED') return;
        this.fail(`resize() of a copy map threw ${String(e)}, not ERR_MMAP_UNSUPPORTED`);
      }
      this.fail('resize() of a copy map succeeded; the contract says ERR_MMAP_UNSUPPORTED');
    }
    if (m.kind === 'mapMut') {
      // A shrink that cuts the file must not pull pages from under another live map.
      const end = m.offset + n;
      const cuts = n < m.length && m.offset + m.length >= this.model.size;
      if (cuts && this.live.some((o) => o !== l && o.model.kind !== 'mapAnon' && o.model.offset + o.model.length > end)) return;
      if (cuts && this.windowsMayRefuseCut(l)) {
        // Windows cannot cut a file while another view of it exists: the shrink is refused with
        // EBUSY and changes nothing, or it succeeds where the OS allows it.
        try {
          l.real.resize(n);
        } catch (e) {
          if ((e as { code?: string }).code !== 'EBUSY') this.fail(`a shrink Windows refused threw ${String(e)}, not EBUSY`);
          l.bytes = l.real.bytes;
          return;
        }
        this.model.resize(m, n);
        l.bytes = l.real.bytes;
        return;
      }
      if (!this.model.coherent && this.overlapsMutable(m.offset, n, m)) return;
    }
    const old = l.bytes;
    l.real.resize(n);
    this.model.resize(m, n);
    if (this.setup.backend.capabilities.detachOnClose && old.length !== 0) this.fail('the Buffer from before resize() was not detached');
    l.bytes = l.real.bytes;
  }

  /** Another live file map blocks a zero-copy backend's cut on Windows. */
  private windowsMayRefuseCut(l: Live): boolean {
    if (process.platform !== 'win32' || !this.setup.backend.capabilities.zeroCopy) return false;
    return this.live.some((o) => o !== l && o.model.kind !== 'mapAnon');
  }

  private closeLive(l: Live): void {
    const old = l.bytes;
    l.real.close();
    this.model.close(l.model);
    this.live.splice(this.live.indexOf(l), 1);
    if (!l.real.closed) this.fail('closed is false after close()');
    if (this.setup.backend.capabilities.detachOnClose && old.length !== 0) this.fail('the Buffer from before close() was not detached');
  }

  private check(): void {
    for (const l of this.live) {
      const { model: m, real } = l;
      if (real.length !== m.length) this.fail(`map #${m.id} (${m.kind}) length ${real.length}, model ${m.length}`);
      const bytes = real.bytes;
      if (bytes !== l.bytes) this.fail(`map #${m.id} (${m.kind}): bytes returned a new Buffer without resize/close`);
      const i = firstMismatch(bytes, this.model.expected(m));
      if (i >= 0) {
        this.fail(
          `map #${m.id} (${m.kind} offset ${m.offset} length ${m.length}) byte ${i}: got ${bytes[i]}, model ${this.model.expected(m)[i]}`,
        );
      }
    }
    this.checkFile(false);
  }

  /** The file read through fs against the model; at the end every byte must be known. */
  private checkFile(final: boolean): void {
    const actual = readFileSync(this.setup.path);
    const expected = this.model.file;
    if (actual.length !== expected.length) this.fail(`file size ${actual.length}, model ${expected.length}`);
    const i = firstMismatch(actual, expected);
    if (i >= 0) this.fail(`file byte ${i}: got ${actual[i]}, model ${expected[i]}`);
    if (final && expected.includes(UNKNOWN)) this.fail('model bug: unknown file bytes after every map closed');
  }
}
