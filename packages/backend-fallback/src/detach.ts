// Detaching a plain ArrayBuffer so every Buffer/DataView over it reads length 0.
// ArrayBuffer.prototype.transfer() exists on Node >= 22; structuredClone with a transfer list
// detaches on Node 20 too.
export function detach(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0 && isDetached(buffer)) return;
  const transfer = (buffer as { transfer?: () => ArrayBuffer }).transfer;
  if (typeof transfer === 'function') transfer.call(buffer);
  else structuredClone(buffer, { transfer: [buffer] });
}

function isDetached(buffer: ArrayBuffer): boolean {
  return (buffer as { detached?: boolean }).detached ?? false;
}
