// The message-passing bench's ring buffer: the protocol of examples/ring.ts (single producer,
// single consumer, head/tail counters with Atomics, wait when empty or full, notify only when the
// other side sleeps), plus an acknowledgement word the consumer bumps every `ackEvery` messages.
// Kept here so the published suite does not depend on the examples folder.
import type { MmapMut } from '@memmap/core';

const HEAD = 0;
const TAIL = 64;
const CONSUMER_WAITING = 128;
const PRODUCER_WAITING = 192;
/** Messages consumed so far, published every `ackEvery` messages (and woken with notify). */
export const ACK = 240;
const DATA = 256;

export const ringBytes = (capacity: number): number => DATA + capacity;
const pad4 = (n: number): number => (n + 3) & ~3;

export class BenchRing {
  readonly capacity: number;
  readonly #map: MmapMut;
  readonly #w: Int32Array;
  readonly #data: Buffer;
  readonly #length = new Uint32Array(1);
  readonly #lengthBytes = new Uint8Array(this.#length.buffer);

  constructor(map: MmapMut) {
    this.#map = map;
    this.#w = new Int32Array(map.bytes.buffer, map.bytes.byteOffset, DATA / 4);
    this.#data = map.bytes.subarray(DATA);
    this.capacity = this.#data.length;
  }

  #used(): number {
    return (Atomics.load(this.#w, HEAD / 4) - Atomics.load(this.#w, TAIL / 4)) >>> 0;
  }

  send(message: Uint8Array): void {
    const need = 4 + pad4(message.length);
    while (this.capacity - this.#used() < need) {
      const tail = Atomics.load(this.#w, TAIL / 4);
      Atomics.store(this.#w, PRODUCER_WAITING / 4, 1);
      if (this.capacity - this.#used() < need) this.#map.wait(TAIL, tail);
      Atomics.store(this.#w, PRODUCER_WAITING / 4, 0);
    }
    const head = Atomics.load(this.#w, HEAD / 4);
    this.#length[0] = message.length;
    this.#copyIn(head, this.#lengthBytes);
    this.#copyIn(head + 4, message);
    Atomics.store(this.#w, HEAD / 4, (head + need) | 0);
    if (Atomics.load(this.#w, CONSUMER_WAITING / 4) !== 0) this.#map.notify(HEAD);
  }

  /** Receives into `into` (large enough); returns the message length. */
  receive(into: Buffer): number {
    while (this.#used() === 0) {
      const head = Atomics.load(this.#w, HEAD / 4);
      Atomics.store(this.#w, CONSUMER_WAITING / 4, 1);
      if (this.#used() === 0) this.#map.wait(HEAD, head);
      Atomics.store(this.#w, CONSUMER_WAITING / 4, 0);
    }
    const tail = Atomics.load(this.#w, TAIL / 4);
    this.#copyOut(tail, this.#lengthBytes);
    const length = this.#length[0]!;
    this.#copyOut(tail + 4, into.subarray(0, length));
    Atomics.store(this.#w, TAIL / 4, (tail + 4 + pad4(length)) | 0);
    if (Atomics.load(this.#w, PRODUCER_WAITING / 4) !== 0) this.#map.notify(TAIL);
    return length;
  }

  /** Consumer: publishes how many messages it has taken and wakes the producer. */
  ack(count: number): void {
    Atomics.store(this.#w, ACK / 4, count);
    this.#map.notify(ACK);
  }

  /** Producer: sleeps until the consumer has acknowledged `count` messages. */
  awaitAck(count: number): void {
    for (let seen = Atomics.load(this.#w, ACK / 4); seen < count; seen = Atomics.load(this.#w, ACK / 4)) {
      this.#map.wait(ACK, seen, 30_000);
    }
  }

  #copyIn(at: number, bytes: Uint8Array): void {
    const start = (at >>> 0) & (this.capacity - 1);
    const first = Math.min(bytes.length, this.capacity - start);
    this.#data.set(first === bytes.length ? bytes : bytes.subarray(0, first), start);
    if (first < bytes.length) this.#data.set(bytes.subarray(first), 0);
  }

  #copyOut(at: number, into: Uint8Array): void {
    const start = (at >>> 0) & (this.capacity - 1);
    const first = Math.min(into.length, this.capacity - start);
    into.set(this.#data.subarray(start, start + first), 0);
    if (first < into.length) into.set(this.#data.subarray(0, into.length - first), first);
  }
}
