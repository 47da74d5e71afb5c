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
  /** A plain Uint8Array (not a Buffer): its subarray() skips Buffer's species constructor. */
  readonly #data: Uint8Array;
  /** The data area as words: a length prefix is always 4-aligned, so it never wraps. */
  readonly #dataWords: Int32Array;
  // This side's own counter, and the last value it read of the other side's. The shared counter is
  // read again only when the cached one says the ring is full (producer) or empty (consumer), so
  // the counters' cache lines cross between cores as seldom as possible.
  #head: number;
  #tail: number;

  constructor(map: MmapMut) {
    const { buffer, byteOffset } = map.bytes;
    this.#map = map;
    this.capacity = map.length - DATA;
    this.#w = new Int32Array(buffer, byteOffset, DATA / 4);
    this.#data = new Uint8Array(buffer, byteOffset + DATA, this.capacity);
    this.#dataWords = new Int32Array(buffer, byteOffset + DATA, this.capacity / 4);
    this.#head = Atomics.load(this.#w, HEAD / 4);
    this.#tail = Atomics.load(this.#w, TAIL / 4);
  }

  send(message: Uint8Array): void {
    const need = 4 + pad4(message.length);
    if (this.capacity - ((this.#head - this.#tail) >>> 0) < need) this.#waitForRoom(need);
    const start = this.#head & (this.capacity - 1);
    this.#dataWords[start >> 2] = message.length;
    this.#copyIn((start + 4) & (this.capacity - 1), message);
    this.#head = (this.#head + need) | 0;
    Atomics.store(this.#w, HEAD / 4, this.#head);
    if (Atomics.load(this.#w, CONSUMER_WAITING / 4) !== 0) this.#map.notify(HEAD);
  }

  /** Receives into `into` (large enough); returns the message length. */
  receive(into: Uint8Array): number {
    if (this.#head === this.#tail) this.#waitForData();
    const start = this.#tail & (this.capacity - 1);
    const length = this.#dataWords[start >> 2]!;
    this.#copyOut((start + 4) & (this.capacity - 1), into, length);
    this.#tail = (this.#tail + 4 + pad4(length)) | 0;
    Atomics.store(this.#w, TAIL / 4, this.#tail);
    if (Atomics.load(this.#w, PRODUCER_WAITING / 4) !== 0) this.#wakeProducer();
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

  // A full ring: the producer raises its flag, checks again and sleeps on the flag word itself
  // until the consumer, finding the flag up and at most half the ring in use, lowers it and
  // notifies. So a consumer pays one notify per half ring drained, not one per message, and the
  // producer does not wake (or spin) for every message taken. Each side publishes before it reads
  // the other's word (both sequentially consistent), so no wake-up is lost.
  #waitForRoom(need: number): void {
    for (;;) {
      Atomics.store(this.#w, PRODUCER_WAITING / 4, 1);
      this.#tail = Atomics.load(this.#w, TAIL / 4);
      if (this.capacity - ((this.#head - this.#tail) >>> 0) >= need) break;
      this.#map.wait(PRODUCER_WAITING, 1);
    }
    Atomics.store(this.#w, PRODUCER_WAITING / 4, 0);
  }

  #wakeProducer(): void {
    this.#head = Atomics.load(this.#w, HEAD / 4);
    if ((this.#head - this.#tail) >>> 0 > this.capacity >>> 1) return;
    if (Atomics.compareExchange(this.#w, PRODUCER_WAITING / 4, 1, 0) === 1) this.#map.notify(PRODUCER_WAITING);
  }

  #waitForData(): void {
    for (;;) {
      this.#head = Atomics.load(this.#w, HEAD / 4);
      if (this.#head !== this.#tail) return;
      Atomics.store(this.#w, CONSUMER_WAITING / 4, 1);
      if (Atomics.load(this.#w, HEAD / 4) === this.#head) this.#map.wait(HEAD, this.#head);
      Atomics.store(this.#w, CONSUMER_WAITING / 4, 0);
    }
  }

  #copyIn(start: number, bytes: Uint8Array): void {
    const first = Math.min(bytes.length, this.capacity - start);
    if (first === bytes.length) {
      this.#data.set(bytes, start);
    } else {
      this.#data.set(bytes.subarray(0, first), start);
      this.#data.set(bytes.subarray(first), 0);
    }
  }

  #copyOut(start: number, into: Uint8Array, length: number): void {
    const first = Math.min(length, this.capacity - start);
    into.set(this.#data.subarray(start, start + first), 0);
    if (first < length) into.set(this.#data.subarray(0, length - first), first);
  }
}
