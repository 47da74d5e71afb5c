// Loads the compiled addon: a prebuilt binary from prebuilds/ when present, else build/Release.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, MmapError } from '@memmap/core';

/** One native mapping (src/native/native_map.cc). Offsets are map-relative, validated by core. */
export interface NativeMap {
  buffer(): ArrayBuffer;
  window(offset: number, length: number): ArrayBuffer;
  flush(offset: number, length: number): void;
  flushAsync(offset: number, length: number): Promise<void>;
  advise(advice: number, offset: number, length: number): boolean;
  prefetch(offset: number, length: number): Promise<void>;
  residency(offset: number, length: number): [resident: number, total: number];
  lock(): void;
  unlock(): void;
  remap(newLength: number): void;
  close(): void;
  isTruncated(): boolean;
}

export interface Addon {
  /** kind: 0 read, 1 shared, 2 copy. */
  mapFile(kind: number, fd: number, offset: number, length: number, populate: boolean): NativeMap;
  mapAnon(length: number, populate: boolean, hugePages: boolean): NativeMap;
  readonly pageSize: number;
  readonly hugeTlb: boolean;
  readonly truncationSafe: boolean;
  readonly externalBuffers: boolean;
  /** Native mapping objects alive in this process (for leak tests). */
  liveMappings(): number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown;

export const addon = nodeGypBuild(root) as Addon;

// Fail at load time (so core's loadBackend() falls back) rather than on the first buffer().
if (!addon.externalBuffers) {
  throw new MmapError(
    ErrorCodes.UNSUPPORTED,
    'This runtime forbids external ArrayBuffers (V8 memory cage), so the napi backend cannot map memory',
  );
}
