// Detaching an ArrayBuffer so every Buffer, typed array and DataView over it reads length 0: the
// one way a backend makes old views harmless after close() or resize().

type Transferable = ArrayBuffer & { transfer?: (newLength?: number) => ArrayBuffer; readonly detached?: boolean };

/**
 * Detaches `buffer`: afterwards it and every view over it read length 0. Uses
 * `ArrayBuffer.prototype.transfer(0)` where it exists (Node >= 22: moves nothing, copies nothing,
 * never reads the memory, and the result keeps no reference to it), else `structuredClone` with a
 * transfer list (Node 20; plain ArrayBuffers only: an external one that cannot be detached throws
 * there). A buffer that is already detached is left alone. For backend authors.
 *
 * @param buffer - the ArrayBuffer behind the Buffers handed out
 * @throws TypeError from the runtime when the buffer cannot be detached (an external ArrayBuffer on
 *   Node 20); check `capabilities.detachOnClose` before relying on it.
 * @example
 * ```ts
 * import { detach } from '@memmap/core';
 * const view = Buffer.from(new ArrayBuffer(16));
 * detach(view.buffer);
 * view.length; // 0
 * ```
 */
export function detach(buffer: ArrayBuffer): void {
  const t = buffer as Transferable;
  if (t.detached === true) return;
  if (typeof t.transfer === 'function') t.transfer(0);
  else structuredClone(buffer, { transfer: [buffer] });
}
