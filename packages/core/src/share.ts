// share() / openShared(): the handle a map's memory travels between threads as. A handle is plain
// data (postMessage copies it); what it names is looked up by the backend in a registry of its own,
// process-wide, never trusted from the handle: kind, offset and length come back from the backend.
import { ErrorCodes, invalidType, invalidValue, MmapError } from './errors.js';
import type { MapKind } from './map-objects.js';
import type { MapHandle } from './types.js';

/** What a backend's Region.share() returns: the registry's name for the memory and its proof. */
export interface SharedId {
  /** The registry's id for the memory (a string: 64-bit values do not fit a number). */
  readonly id: string;
  /** The backend's keyed hash of the handle's fields, so an altered or forged handle is refused. */
  readonly secret: string;
}

/** A handle as core checked it (shape, backend, process), passed to the backend's openShared(). */
export interface ShareToken extends SharedId {
  /** The kind of map that was shared. */
  readonly kind: MapKind;
  /** Its file offset (0 for anonymous and named maps). */
  readonly offset: number;
  /** Its length when share() was called (the memory may have been resized since). */
  readonly length: number;
  /** The process that made it (this one: core refuses others). */
  readonly pid: number;
}

const kinds: readonly string[] = ['read', 'shared', 'copy', 'anon'];

/** The handle for a map's memory: a frozen plain object, cloned as is by postMessage. */
export function makeHandle(backend: string, kind: MapKind, offset: number, length: number, shared: SharedId): MapHandle {
  return Object.freeze({ backend, kind, offset, length, pid: process.pid, id: shared.id, secret: shared.secret });
}

const forged = (why: string): MmapError =>
  new MmapError(ErrorCodes.INVALID_ARG_VALUE, `The "handle" argument is not a handle from share() (${why})`);

/** The backend a handle names, after checking that it is an object with a backend name. */
export function handleBackend(handle: unknown): string {
  if (typeof handle !== 'object' || handle === null) throw invalidType('handle', 'a MapHandle from share() (an object)', handle);
  const backend = (handle as { backend?: unknown }).backend;
  if (typeof backend !== 'string' || backend === '') throw forged('it names no backend');
  return backend;
}

/**
 * Checks a handle for `backend`: an object (else ERR_INVALID_ARG_TYPE) of that backend, from this
 * process, with every field of the right shape (else ERR_INVALID_ARG_VALUE). Each field is read
 * once, so a getter cannot answer differently later.
 */
export function validateHandle(handle: unknown, backend: string): ShareToken {
  const named = handleBackend(handle);
  if (named !== backend) {
    throw invalidValue('handle', `is a handle of the "${named}" backend; open it with that backend, not "${backend}"`, named);
  }
  const h = handle as Record<string, unknown>;
  const { kind, offset, length, pid, id, secret } = {
    kind: h.kind,
    offset: h.offset,
    length: h.length,
    pid: h.pid,
    id: h.id,
    secret: h.secret,
  };
  if (typeof pid !== 'number') throw forged('no pid');
  if (pid !== process.pid) {
    throw invalidValue(
      'handle',
      `comes from another process (pid ${pid}; this is ${process.pid}): a handle opens only in the process that made it`,
      pid,
    );
  }
  if (typeof kind !== 'string' || !kinds.includes(kind)) throw forged('unknown kind');
  if (!isCount(offset) || !isCount(length)) throw forged('offset and length must be whole numbers');
  if (typeof id !== 'string' || typeof secret !== 'string' || id.length > 64 || secret.length > 64) throw forged('no id');
  return { kind: kind as MapKind, offset, length, pid, id, secret };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The backend's answer to a handle it has no memory for. */
export function openSharedFailed(answer: 'released' | 'forged'): MmapError {
  if (answer === 'released') {
    return new MmapError(
      ErrorCodes.CLOSED,
      'Cannot openShared(): the memory behind this handle is released (every map object over it was closed or collected)',
    );
  }
  return forged('forged or altered: this process never issued it');
}
