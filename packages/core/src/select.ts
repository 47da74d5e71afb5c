// Backend selection: synchronous, MEMMAP_BACKEND first, else napi -> ffi -> fallback, remembering
// why each skipped backend did not load (listBackends() shows it).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MmapError, ErrorCodes } from './errors.js';
import type { Backend, Capabilities } from './types.js';

/** The in-repo backends, in order of preference. */
export const builtinBackends = Object.freeze({
  napi: '@memmap/backend-napi',
  ffi: '@memmap/backend-ffi',
  fallback: '@memmap/backend-fallback',
} as const);

export type BuiltinBackendName = keyof typeof builtinBackends;

export interface BackendStatus {
  readonly name: string;
  readonly module: string;
  readonly loaded: boolean;
  /** Why it did not load (absent when it did). */
  readonly error?: string;
  readonly capabilities?: Capabilities;
}

const statuses = new Map<string, BackendStatus>();
const loaded = new Map<string, Backend>();
let chosen: Backend | undefined;
let chosenWhy = '';

// Resolve from core itself (peer dependencies sit beside it) and, for third-party modules, from the cwd.
const requireFromCore = createRequire(import.meta.url);
const requireFromCwd = createRequire(join(process.cwd(), '__memmap__.js'));

/**
 * Loads a backend by built-in name ('napi' | 'ffi' | 'fallback') or module specifier, or, with no
 * name, the first that loads of MEMMAP_BACKEND (if set) else napi, ffi, fallback. A name given
 * explicitly (argument or MEMMAP_BACKEND) that fails to load throws ERR_MMAP_UNSUPPORTED.
 */
export function loadBackend(name?: string): Backend {
  const wanted = name ?? (process.env.MEMMAP_BACKEND || undefined);
  if (wanted !== undefined) {
    const backend = tryLoad(wanted);
    if (!backend) {
      const status = statuses.get(wanted);
      throw new MmapError(ErrorCodes.UNSUPPORTED, `Backend "${wanted}" could not be loaded: ${status?.error}`);
    }
    return backend;
  }
  for (const candidate of Object.keys(builtinBackends)) {
    const backend = tryLoad(candidate);
    if (backend) return backend;
  }
  throw new MmapError(ErrorCodes.UNSUPPORTED, `No memmap backend could be loaded: ${describeFailures()}`);
}

/** The backend used by map/mapMut/mapCopy/mapAnon: loadBackend() once, then cached. */
export function defaultBackend(): Backend {
  if (!chosen) {
    chosen = loadBackend();
    const env = process.env.MEMMAP_BACKEND;
    chosenWhy = env ? `MEMMAP_BACKEND=${env}` : skippedBefore(chosen.name);
  }
  return chosen;
}

/** Every backend tried so far plus the built-ins (each tried now if it was not yet). */
export function listBackends(): BackendStatus[] {
  for (const name of Object.keys(builtinBackends)) tryLoad(name);
  return [...statuses.values()];
}

/** Why defaultBackend() picked what it picked (after it has been called). */
export function selectionReason(): string {
  return chosenWhy;
}

function tryLoad(name: string): Backend | undefined {
  const cached = loaded.get(name);
  if (cached) return cached;
  const module = builtinBackends[name as BuiltinBackendName] ?? name;
  try {
    const exports = requireModule(module);
    const backend = (exports.backend ?? exports.default) as Backend | undefined;
    if (!backend || typeof backend.map !== 'function' || typeof backend.capabilities !== 'object') {
      throw new Error(`${module} does not export a backend (expected an export named "backend" or a default export)`);
    }
    loaded.set(name, backend);
    statuses.set(name, { name, module, loaded: true, capabilities: backend.capabilities });
    return backend;
  } catch (error) {
    statuses.set(name, { name, module, loaded: false, error: (error as Error)?.message ?? String(error) });
    return undefined;
  }
}

function requireModule(module: string): Record<string, unknown> {
  try {
    return requireFromCore(module);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return requireFromCwd(module);
  }
}

function skippedBefore(name: string): string {
  const skipped = [...statuses.values()].filter((s) => !s.loaded);
  if (skipped.length === 0) return `${name} is the first choice and loaded`;
  return `${name} chosen; skipped ${skipped.map((s) => `${s.name} (${s.error})`).join(', ')}`;
}

function describeFailures(): string {
  return [...statuses.values()].map((s) => `${s.name}: ${s.error}`).join('; ');
}
