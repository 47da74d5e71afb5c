// The capability manifest: every flag explicit, frozen, so a backend cannot claim by omission.
import { invalidType } from './errors.js';
import type { Capabilities } from './types.js';

export const capabilityFlags = ['zeroCopy', 'coherent', 'detachOnClose', 'truncationSafe', 'lock', 'hugePages'] as const;

/** Builds the frozen manifest; every flag defaults to false (absent until claimed). */
export function defineCapabilities(flags: Partial<Capabilities>): Capabilities {
  const caps: Record<string, boolean> = {};
  for (const flag of capabilityFlags) {
    const value = flags[flag] ?? false;
    if (typeof value !== 'boolean') throw invalidType(`capabilities.${flag}`, 'of type boolean', value);
    caps[flag] = value;
  }
  return Object.freeze(caps) as unknown as Capabilities;
}
