// The capability manifest: every flag explicit, frozen, so a backend cannot claim by omission.
import { invalidType } from './errors.js';
import type { Capabilities } from './types.js';

/** The names of every capability flag, in manifest order. */
export const capabilityFlags = [
  'zeroCopy',
  'coherent',
  'detachOnClose',
  'truncationSafe',
  'lock',
  'hugePages',
  'waitNotify',
  'named',
  'shareable',
  'ownDescriptor',
] as const;

/**
 * Builds a backend's frozen capability manifest; every flag defaults to false (absent until
 * claimed). Claim only what is real: the conformance suite checks every flag both ways.
 *
 * @param flags - the flags this backend claims
 * @throws {@link MmapError} ERR_INVALID_ARG_TYPE when a flag is not a boolean.
 * @example
 * ```ts
 * import { defineCapabilities } from '@memmap/core';
 * const capabilities = defineCapabilities({ zeroCopy: true, coherent: true, detachOnClose: true });
 * capabilities.lock; // false
 * ```
 */
export function defineCapabilities(flags: Partial<Capabilities>): Capabilities {
  const caps: Record<string, boolean> = {};
  for (const flag of capabilityFlags) {
    const value = flags[flag] ?? false;
    if (typeof value !== 'boolean') throw invalidType(`capabilities.${flag}`, 'of type boolean', value);
    caps[flag] = value;
  }
  return Object.freeze(caps) as unknown as Capabilities;
}
