// Picks this platform's constant table. An unsupported platform throws at module load, which
// core's loadBackend() records as the reason it skipped ffi.
import { constants as darwin } from './darwin.js';
import { constants as freebsd } from './freebsd.js';
import { constants as linuxArm64 } from './linux-arm64.js';
import { constants as linuxX64 } from './linux-x64.js';
import type { PlatformConstants } from './types.js';
import { constants as win32 } from './win32.js';

export type { PlatformConstants } from './types.js';

const tables: Record<string, PlatformConstants> = {
  'linux-x64': linuxX64,
  'linux-arm64': linuxArm64,
  'darwin-x64': darwin,
  'darwin-arm64': darwin,
  'freebsd-x64': freebsd,
  'freebsd-arm64': freebsd,
  'win32-x64': win32,
};

function select(): PlatformConstants {
  const key = `${process.platform}-${process.arch}`;
  const table = tables[key];
  if (table === undefined) {
    throw new Error(`@memmap/backend-ffi does not support ${key} (supported: ${Object.keys(tables).join(', ')})`);
  }
  return table;
}

export const platform: PlatformConstants = select();
