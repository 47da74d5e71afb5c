// A single-producer single-consumer ring buffer over shared memory: one process sends
// variable-length messages, another receives them, and each sleeps in wait()/waitAsync() when the
// ring is empty (consumer) or full (producer) instead of polling.
//
// Layout of the map (all counters are int32 words, updated with Atomics):
//   byte   0: head  - bytes ever written (wraps at 2^32), advanced by the producer
//   byte  64: tail  - bytes ever read, advanced by the consumer (own cache line: no false sharing)
//   byte 128: consumerWaiting - set while the consumer sleeps on an empty ring, so the producer
//             calls notify() (a syscall) only when someone is actually asleep
//   byte 192: producerWaiting - set while the producer waits for room; the consumer lowers it and
//             notifies once at most half the ring is in use, so a full ring costs one wake-up per
//             half ring drained, not one per message
//   byte 256: the data area, a power of two bytes long
// A message is a 4-byte length (always 4-aligned, so it never wraps), then the payload, padded to
// 4 bytes; the payload may wrap around the end. Each side keeps its own counter and the last value
// it read of the other's, and reads the shared one again only when the ring looks full (producer)
// or empty (consumer): the counters' cache lines cross between cores as seldom as possible.
// Use one Ring per side: one process (or thread) sends, another receives.
import type { MmapMut } from '@memmap/core';

const HEAD = 0;
const TAIL = 64;
const CONSUMER_WAITING = 128;
const PRODUCER_WAITING = 192;
const DATA = 256;

/** Bytes a map needs for a ring of `capacity` data bytes (a power of two). */
export const ringBytes = (capacity: number): number => DATA + capacity;

const pad4 = (n: number): number => (n + 3) & ~3;

export class Ring {
  readonly capacity: number;
  /** The most a single message may hold. */
  readonly maxMessage: number;
  readonly #map: MmapMut;
  readonly #words: Int32Array;
  /** A plain Uint8Array (not a Buffer): its subarray() skips Buffer's species constructor. */
  readonly #data: Uint8Array;
  /** The data area as int32 words, for the length prefixes. */
  readonly #dataWords: Int32Array;
  /** The producer's head (its own) or the last head the consumer read. */
  #head: number;
  /** The consumer's tail (its own) or the last tail the producer read. */
  #tail: number;

  constructor(map: MmapMut) {
    const capacity = map.length - DATA;
    if (capacity < 8 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`the map must hold ${DATA} header bytes + a power-of-two data area (got ${map.length} bytes)`);
    }
    const { buffer, byteOffset } = map.bytes;
    this.#map = map;
    this.#words = new Int32Array(buffer, byteOffset, DATA / 4);
    this.#data = new Uint8Array(buffer, byteOffset + DATA, capacity);
    this.#dataWords = new Int32Array(buffer, byteOffset + DATA, capacity / 4);
    this.capacity = capacity;
    this.maxMessage = capacity - 4;
    this.#head = this.#load(HEAD);
    this.#tail = this.#load(TAIL);
  }

  // ---- producer side ----

  /** Sends one message, blocking this thread while the ring is full. */
  send(message: Uint8Array): void {
    const need = this.#needed(message);
    if (this.#free() < need) {
      while (!this.#roomAfterFlag(need)) this.#map.wait(PRODUCER_WAITING, 1);
      Atomics.store(this.#words, PRODUCER_WAITING / 4, 0);
    }
    this.#write(message, need);
  }

  /** As send(), but waits for room without blocking the event loop. */
  async sendAsync(message: Uint8Array): Promise<void> {
    const need = this.#needed(message);
    if (this.#free() < need) {
      while (!this.#roomAfterFlag(need)) await this.#map.waitAsync(PRODUCER_WAITING, 1);
      Atomics.store(this.#words, PRODUCER_WAITING / 4, 0);
    }
    this.#write(message, need);
  }

  // ---- consumer side ----

  /** Receives the next message (a copy), blocking this thread while the ring is empty. */
  receive(): Buffer {
    while (this.#emptyAfterReload()) {
      Atomics.store(this.#words, CONSUMER_WAITING / 4, 1);
      if (this.#emptyAfterReload()) this.#map.wait(HEAD, this.#head);
      Atomics.store(this.#words, CONSUMER_WAITING / 4, 0);
    }
    return this.#read();
  }

  /** As receive(), but waits for a message without blocking the event loop. */
  async receiveAsync(): Promise<Buffer> {
    while (this.#emptyAfterReload()) {
      Atomics.store(this.#words, CONSUMER_WAITING / 4, 1);
      if (this.#emptyAfterReload()) await this.#map.waitAsync(HEAD, this.#head);
      Atomics.store(this.#words, CONSUMER_WAITING / 4, 0);
    }
    return this.#read();
  }

  // ---- internals ----

  #load(offset: number): number {
    return Atomics.load(this.#words, offset / 4);
  }

  /** Free bytes as far as the producer knows (the consumer may have freed more since). */
  #free(): number {
    return this.capacity - ((this.#head - this.#tail) >>> 0);
  }

  #needed(message: Uint8Array): number {
    if (message.length > this.maxMessage) throw new RangeError(`message of ${message.length} bytes exceeds the ring (${this.maxMessage})`);
    return 4 + pad4(message.length);
  }

  /**
   * Producer, ring full: raises "I am waiting" before reading the tail again. The consumer stores
   * its tail before it reads the flag (both sequentially consistent), so either this read sees the
   * room it made or the consumer sees the flag and wakes us: no wake-up can be lost.
   */
  #roomAfterFlag(need: number): boolean {
    Atomics.store(this.#words, PRODUCER_WAITING / 4, 1);
    this.#tail = this.#load(TAIL);
    return this.#free() >= need;
  }

  /** Consumer: whether the ring is empty, after reading the producer's head again if it looked so. */
  #emptyAfterReload(): boolean {
    if (this.#head !== this.#tail) return false;
    this.#head = this.#load(HEAD);
    return this.#head === this.#tail;
  }

  #write(message: Uint8Array, need: number): void {
    const start = this.#head & (this.capacity - 1);
    this.#dataWords[start >> 2] = message.length;
    this.#copyIn((start + 4) & (this.capacity - 1), message);
    this.#head = (this.#head + need) | 0;
    Atomics.store(this.#words, HEAD / 4, this.#head); // publish: the consumer may read it now
    if (Atomics.load(this.#words, CONSUMER_WAITING / 4) !== 0) this.#map.notify(HEAD);
  }

  #read(): Buffer {
    const start = this.#tail & (this.capacity - 1);
    const length = this.#dataWords[start >> 2]!;
    const message = Buffer.allocUnsafe(length);
    this.#copyOut((start + 4) & (this.capacity - 1), message);
    this.#tail = (this.#tail + 4 + pad4(length)) | 0;
    Atomics.store(this.#words, TAIL / 4, this.#tail); // release the space
    if (Atomics.load(this.#words, PRODUCER_WAITING / 4) !== 0) this.#wakeProducer();
    return message;
  }

  /** Consumer, producer waiting: wakes it once at most half the ring is in use. */
  #wakeProducer(): void {
    this.#head = this.#load(HEAD);
    if ((this.#head - this.#tail) >>> 0 > this.capacity >>> 1) return;
    if (Atomics.compareExchange(this.#words, PRODUCER_WAITING / 4, 1, 0) === 1) this.#map.notify(PRODUCER_WAITING);
  }

  /** Copies `bytes` into the data area from index `start`, wrapping at the end. */
  #copyIn(start: number, bytes: Uint8Array): void {
    const first = Math.min(bytes.length, this.capacity - start);
    if (first === bytes.length) {
      this.#data.set(bytes, start);
    } else {
      this.#data.set(bytes.subarray(0, first), start);
      this.#data.set(bytes.subarray(first), 0);
    }
  }

  /** Fills `into` from the data area from index `start`, wrapping at the end. */
  #copyOut(start: number, into: Uint8Array): void {
    const first = Math.min(into.length, this.capacity - start);
    into.set(this.#data.subarray(start, start + first), 0);
    if (first < into.length) into.set(this.#data.subarray(0, into.length - first), first);
  }
}
