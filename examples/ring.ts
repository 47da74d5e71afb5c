// A single-producer single-consumer ring buffer over shared memory: one process sends
// variable-length messages, another receives them, and each sleeps in wait()/waitAsync() when the
// ring is empty (consumer) or full (producer) instead of polling.
//
// Layout of the map (all counters are int32 words, updated with Atomics):
//   byte   0: head  - bytes ever written (wraps at 2^32), advanced by the producer
//   byte  64: tail  - bytes ever read, advanced by the consumer (own cache line: no false sharing)
//   byte 128: consumerWaiting, byte 192: producerWaiting - set while that side sleeps, so the
//             other side calls notify() (a syscall) only when someone is actually asleep
//   byte 256: the data area, a power of two bytes long
// A message is a 4-byte length, then the payload, padded to 4 bytes; it may wrap around the end.
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
  readonly #data: Buffer;

  constructor(map: MmapMut) {
    const capacity = map.length - DATA;
    if (capacity < 8 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`the map must hold ${DATA} header bytes + a power-of-two data area (got ${map.length} bytes)`);
    }
    this.#map = map;
    this.#words = new Int32Array(map.bytes.buffer, map.bytes.byteOffset, DATA / 4);
    this.#data = map.bytes.subarray(DATA);
    this.capacity = capacity;
    this.maxMessage = capacity - 4;
  }

  // ---- producer side ----

  /** Sends one message, blocking this thread while the ring is full. */
  send(message: Uint8Array): void {
    const need = this.#needed(message);
    for (;;) {
      if (this.#free() >= need) {
        this.#write(message, need);
        return;
      }
      const tail = this.#load(TAIL);
      this.#sleepWhile(
        PRODUCER_WAITING,
        () => this.#free() < need,
        () => this.#map.wait(TAIL, tail),
      );
    }
  }

  /** As send(), but waits for room without blocking the event loop. */
  async sendAsync(message: Uint8Array): Promise<void> {
    const need = this.#needed(message);
    while (this.#free() < need) {
      const tail = this.#load(TAIL);
      Atomics.store(this.#words, PRODUCER_WAITING / 4, 1);
      if (this.#free() < need) await this.#map.waitAsync(TAIL, tail);
      Atomics.store(this.#words, PRODUCER_WAITING / 4, 0);
    }
    this.#write(message, need);
  }

  // ---- consumer side ----

  /** Receives the next message (a copy), blocking this thread while the ring is empty. */
  receive(): Buffer {
    for (;;) {
      if (!this.#empty()) return this.#read();
      const head = this.#load(HEAD);
      this.#sleepWhile(
        CONSUMER_WAITING,
        () => this.#empty(),
        () => this.#map.wait(HEAD, head),
      );
    }
  }

  /** As receive(), but waits for a message without blocking the event loop. */
  async receiveAsync(): Promise<Buffer> {
    while (this.#empty()) {
      const head = this.#load(HEAD);
      Atomics.store(this.#words, CONSUMER_WAITING / 4, 1);
      if (this.#empty()) await this.#map.waitAsync(HEAD, head);
      Atomics.store(this.#words, CONSUMER_WAITING / 4, 0);
    }
    return this.#read();
  }

  // ---- internals ----

  #load(offset: number): number {
    return Atomics.load(this.#words, offset / 4);
  }

  #used(): number {
    return (this.#load(HEAD) - this.#load(TAIL)) >>> 0;
  }

  #free(): number {
    return this.capacity - this.#used();
  }

  #empty(): boolean {
    return this.#used() === 0;
  }

  #needed(message: Uint8Array): number {
    if (message.length > this.maxMessage) throw new RangeError(`message of ${message.length} bytes exceeds the ring (${this.maxMessage})`);
    return 4 + pad4(message.length);
  }

  /**
   * Announces "I am asleep" before the last check, then sleeps. The other side publishes first and
   * reads the flag after (both sequentially consistent), so either it sees the flag and notifies,
   * or we see its update in the re-check and never sleep: no wake-up can be lost.
   */
  #sleepWhile(flag: number, stillBlocked: () => boolean, sleep: () => unknown): void {
    Atomics.store(this.#words, flag / 4, 1);
    if (stillBlocked()) sleep();
    Atomics.store(this.#words, flag / 4, 0);
  }

  #write(message: Uint8Array, need: number): void {
    const head = this.#load(HEAD);
    const lengthBytes = new Uint8Array(new Uint32Array([message.length]).buffer);
    this.#copyIn(head, lengthBytes);
    this.#copyIn(head + 4, message);
    Atomics.store(this.#words, HEAD / 4, (head + need) | 0); // publish: the consumer may read it now
    if (Atomics.load(this.#words, CONSUMER_WAITING / 4) !== 0) this.#map.notify(HEAD);
  }

  #read(): Buffer {
    const tail = this.#load(TAIL);
    const length = this.#copyOut(tail, Buffer.allocUnsafe(4)).readUInt32LE(0);
    const message = this.#copyOut(tail + 4, Buffer.allocUnsafe(length));
    Atomics.store(this.#words, TAIL / 4, (tail + 4 + pad4(length)) | 0); // release the space
    if (Atomics.load(this.#words, PRODUCER_WAITING / 4) !== 0) this.#map.notify(TAIL);
    return message;
  }

  /** Copies `bytes` into the data area at ring position `at`, wrapping at the end. */
  #copyIn(at: number, bytes: Uint8Array): void {
    const start = (at >>> 0) & (this.capacity - 1);
    const first = Math.min(bytes.length, this.capacity - start);
    this.#data.set(bytes.subarray(0, first), start);
    if (first < bytes.length) this.#data.set(bytes.subarray(first), 0);
  }

  /** Fills `into` from the data area at ring position `at`, wrapping at the end. */
  #copyOut(at: number, into: Buffer): Buffer {
    const start = (at >>> 0) & (this.capacity - 1);
    const first = Math.min(into.length, this.capacity - start);
    this.#data.copy(into, 0, start, start + first);
    if (first < into.length) this.#data.copy(into, first, 0, into.length - first);
    return into;
  }
}
