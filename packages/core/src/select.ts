// Backend selection: synchronous, MEMMAP_BACKEND first, else napi -> ffi -> fallback, remembering
// why each skipped backend did not load (listBackends() shows it).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { capabilityFlags } from './capabilities.js';
import { ErrorCodes, invalidType, invalidValue, MmapError } from './errors.js';
import { runtimeLabel } from './runtime.js';
import type { Backend, Capabilities } from './types.js';

/** The in-repo backends by name, in order of preference, with the package each lives in. */
export const builtinBackends = Object.freeze({
  /** The C++ addon: zero-copy, coherent, truncation-safe. */
  napi: '@memmap/backend-napi',
  /** koffi calling the C library: zero-copy, coherent, no compiler needed. */
  ffi: '@memmap/backend-ffi',
  /** Pure node:fs: a private copy, written back on flush and close. */
  fallback: '@memmap/backend-fallback',
} as const);

export type BuiltinBackendName = keyof typeof builtinBackends;

/** One backend that selection tried, as {@link listBackends} reports it. */
export interface BackendStatus {
  /** The name it was asked for by ('napi', or a module specifier). */
  readonly name: string;
  /** The module it was loaded from. */
  readonly module: string;
  /** Whether it loaded. */
  readonly loaded: boolean;
  /** Why it did not load (absent when it did). */
  readonly error?: string;
  /** Its capability manifest (when it loaded). */
  readonly capabilities?: Capabilities;
}

const statuses = new Map<string, BackendStatus>();
const loaded = new Map<string, Backend>();
let chosen: Backend | undefined;
let chosenWhy = '';

// Resolve from core itself (peer dependencies sit beside it) and, for third-party modules, from the cwd.
const requireFromCore = createRequire(import.meta.url);
const requireFromCwd = createRequire(join(process.cwd(), '__memmap__.js'));

/** The name of one capability flag: 'zeroCopy', 'coherent', 'waitNotify', 'named', ... */
export type CapabilityName = keyof Capabilities;

/** What {@link loadBackend} is asked for when it is given an object. */
export interface LoadBackendOptions {
  /**
   * Capabilities the backend must have (each must be true in its manifest). The first candidate
   * that loads and has all of them is taken: MEMMAP_BACKEND if set, else napi, ffi, fallback.
   */
  readonly require?: readonly CapabilityName[];
}

/**
 * Loads a backend by built-in name ('napi' | 'ffi' | 'fallback') or module specifier, or, with no
 * name, the first that loads of MEMMAP_BACKEND (if set) else napi, ffi, fallback. Synchronous; a
 * module is loaded once and cached. Why each skipped backend failed is kept for {@link listBackends}.
 *
 * Given `{ require: [...] }` it takes the first of those candidates that loads and has every named
 * capability, so a program that needs (say) cross-process sharing fails at start, not at its first
 * wait().
 *
 * @param nameOrOptions - a built-in name or a module specifier exporting `backend` (or a default
 *   export); or `{ require }`, the capabilities the backend must have
 * @throws {@link MmapError} ERR_MMAP_UNSUPPORTED when the backend named (argument or
 *   MEMMAP_BACKEND) cannot load, when none of the built-ins loads, or when no candidate has every
 *   required capability; the message says why for each candidate. ERR_INVALID_ARG_VALUE for an
 *   unknown capability name, ERR_INVALID_ARG_TYPE for an argument of the wrong type.
 * @example
 * ```ts
 * import { loadBackend } from '@memmap/core';
 * const ffi = loadBackend('ffi');
 * { using m = ffi.map('data.bin'); console.log(m.length); }
 * const sharing = loadBackend({ require: ['coherent', 'waitNotify'] }); // napi or ffi, never the fallback
 * ```
 */
export function loadBackend(nameOrOptions?: string | LoadBackendOptions): Backend {
  if (nameOrOptions !== undefined && typeof nameOrOptions !== 'string') {
    const required = validateRequire(nameOrOptions);
    return loadWith(required, candidates());
  }
  const wanted = nameOrOptions ?? (process.env.MEMMAP_BACKEND || undefined);
  if (wanted !== undefined) {
    const backend = tryLoad(wanted);
    if (!backend) {
      const status = statuses.get(wanted);
      throw new MmapError(ErrorCodes.UNSUPPORTED, `Backend "${wanted}" could not be loaded under ${runtimeLabel()}: ${status?.error}`);
    }
    return backend;
  }
  for (const candidate of Object.keys(builtinBackends)) {
    const backend = tryLoad(candidate);
    if (backend) return backend;
  }
  throw new MmapError(ErrorCodes.UNSUPPORTED, `No memmap backend could be loaded under ${runtimeLabel()}: ${describeFailures()}`);
}

/** MEMMAP_BACKEND if set, else the built-ins in order of preference. */
function candidates(): string[] {
  const env = process.env.MEMMAP_BACKEND;
  return env ? [env] : Object.keys(builtinBackends);
}

function validateRequire(options: unknown): CapabilityName[] {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidType('name', 'a backend name, a module specifier or an object ({ require })', options);
  }
  const required = (options as LoadBackendOptions).require ?? [];
  if (!Array.isArray(required)) throw invalidType('options.require', 'an array of capability names', required);
  for (const flag of required) {
    if (typeof flag !== 'string') throw invalidType('options.require', 'an array of capability names', flag);
    if (!(capabilityFlags as readonly string[]).includes(flag)) {
      throw invalidValue('options.require', `names an unknown capability (known: ${capabilityFlags.join(', ')})`, flag);
    }
  }
  return required;
}

/**
 * The first of `names` that loads and has every flag of `required`, else ERR_MMAP_UNSUPPORTED
 * naming what each one lacks or why it did not load. Exported for core's tests (stub backends).
 */
export function loadWith(required: readonly CapabilityName[], names: readonly string[]): Backend {
  const why: string[] = [];
  for (const name of names) {
    const backend = tryLoad(name);
    if (!backend) {
      why.push(`${name} did not load (${statuses.get(name)?.error})`);
      continue;
    }
    const lacks = required.filter((flag) => backend.capabilities[flag] !== true);
    if (lacks.length === 0) return backend;
    why.push(`${name} lacks ${lacks.join(', ')}`);
  }
  const source = process.env.MEMMAP_BACKEND ? ` (MEMMAP_BACKEND=${process.env.MEMMAP_BACKEND})` : '';
  throw new MmapError(
    ErrorCodes.UNSUPPORTED,
    `No memmap backend ${required.length > 0 ? `has ${required.join(' + ')}` : 'could be loaded'} under ${runtimeLabel()}${source}: ${why.join('; ')}`,
  );
}

/**
 * The backend the top-level calls (map, mapMut, ...) use: {@link loadBackend}() once, then cached.
 *
 * @throws {@link MmapError} ERR_MMAP_UNSUPPORTED as {@link loadBackend}.
 * @example
 * ```ts
 * import { defaultBackend } from '@memmap/core';
 * console.log(defaultBackend().name, defaultBackend().capabilities);
 * ```
 */
export function defaultBackend(): Backend {
  if (!chosen) {
    chosen = loadBackend();
    const env = process.env.MEMMAP_BACKEND;
    chosenWhy = env ? `MEMMAP_BACKEND=${env}` : skippedBefore(chosen.name);
  }
  return chosen;
}

/**
 * Every backend tried so far plus the built-ins (each tried now if it was not yet), with why each
 * one that failed did not load. Never throws.
 *
 * @example
 * ```ts
 * import { listBackends } from '@memmap/core';
 * for (const s of listBackends()) console.log(s.name, s.loaded ? 'loads' : s.error);
 * ```
 */
export function listBackends(): BackendStatus[] {
  for (const name of Object.keys(builtinBackends)) tryLoad(name);
  return [...statuses.values()];
}

/**
 * Why {@link defaultBackend} picked what it picked, and under which runtime ('' before it has been
 * called). Never throws.
 *
 * @example
 * ```ts
 * import { defaultBackend, selectionReason } from '@memmap/core';
 * defaultBackend();
 * console.log(selectionReason()); // e.g. 'napi is the first choice and loaded, under node 22.12.0'
 * ```
 */
export function selectionReason(): string {
  return chosenWhy && `${chosenWhy}, under ${runtimeLabel()}`;
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
