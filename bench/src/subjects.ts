// What the benchmarks measure: memmap backends (objects or module specifiers), the mmap-io peer, the C loop.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Backend, builtinBackends, resolveModuleUrl } from '@memmap/core';
import type { Log } from './data.js';

/** A backend to measure: an object, plus (optionally) a module that child processes can import it from. */
export interface BackendEntry {
  /** Row label; default: backend.name. */
  name?: string;
  backend: Backend;
  /** Module specifier or file: URL exporting the backend; needed by the cross-process scenario. */
  module?: string;
  /** Export holding the backend in `module`; default 'backend', then the default export. */
  exportName?: string;
}

export type BackendSpec = BackendEntry | string;

export interface LoadedBackend {
  name: string;
  backend: Backend;
  /** file: URL importable from a child process, when known. */
  moduleUrl?: string;
  exportName: string;
}

export interface SkippedSubject {
  name: string;
  reason: string;
}

/** The in-repo backends (core's list), measured when no module is named. */
export const IN_REPO_BACKENDS: string[] = Object.values(builtinBackends);

function isBackend(x: unknown): x is Backend {
  const b = x as Backend | undefined;
  return !!b && typeof b === 'object' && typeof b.name === 'string' && typeof b.map === 'function' && typeof b.mapMut === 'function';
}

function shortName(spec: string): string {
  return spec.replace(/^@memmap\/backend-/, '');
}

/** Loads each spec; a module that fails to load (e.g. a native addon not built) is skipped with the reason. */
export async function loadBackends(specs: BackendSpec[], log: Log): Promise<{ loaded: LoadedBackend[]; skipped: SkippedSubject[] }> {
  const loaded: LoadedBackend[] = [];
  const skipped: SkippedSubject[] = [];
  for (const spec of specs) {
    if (typeof spec !== 'string') {
      if (!isBackend(spec.backend)) {
        skipped.push({ name: spec.name ?? '(unnamed)', reason: 'not a Backend object' });
        continue;
      }
      loaded.push({
        name: spec.name ?? spec.backend.name,
        backend: spec.backend,
        moduleUrl: spec.module ? resolveModuleUrl(spec.module) : undefined,
        exportName: spec.exportName ?? 'backend',
      });
      continue;
    }
    try {
      const url = resolveModuleUrl(spec);
      const mod = (await import(url)) as Record<string, unknown>;
      const exportName = isBackend(mod.backend) ? 'backend' : 'default';
      const backend = mod[exportName];
      if (!isBackend(backend)) throw new Error('the module exports no `backend` (nor a default export) implementing Backend');
      loaded.push({ name: backend.name || shortName(spec), backend, moduleUrl: url, exportName });
    } catch (err) {
      const reason = firstLine(err);
      skipped.push({ name: shortName(spec), reason });
      log(`skipping ${spec}: ${reason}`);
    }
  }
  // Two entries with the same name would make ambiguous rows: suffix them.
  const seen = new Map<string, number>();
  for (const b of loaded) {
    const n = (seen.get(b.name) ?? 0) + 1;
    seen.set(b.name, n);
    if (n > 1) b.name = `${b.name}#${n}`;
  }
  return { loaded, skipped };
}

export function firstLine(err: unknown): string {
  const msg =
    err instanceof Error
      ? `${(err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ` : ''}${err.message}`
      : String(err);
  return (
    msg
      .split('\n')
      .find((l) => l.trim())
      ?.trim()
      .slice(0, 300) ?? msg
  );
}

/** The subset of mmap-io 1.x that the benchmarks use. */
export interface MmapIo {
  map(size: number, protection: number, flags: number, fd: number, offset?: number, advise?: number): Buffer;
  sync(buffer: Buffer, offset?: number, size?: number, blocking?: boolean, invalidate?: boolean): void;
  PROT_READ: number;
  PROT_WRITE: number;
  MAP_SHARED: number;
}

export interface PeerLoad {
  peer?: { name: 'mmap-io'; lib: MmapIo; path: string; version: string };
  skipped?: SkippedSubject;
}

/**
 * Loads mmap-io from `<cacheDir>/mmap-io`, installing it there first (outside any workspace's
 * dependencies) with CXXFLAGS=-std=gnu++17, which its C++ needs on Node 20's headers.
 */
export function loadMmapIo(cacheDir: string, log: Log): PeerLoad {
  const prefix = join(cacheDir, 'mmap-io');
  const req = createRequire(join(prefix, 'package.json'));
  const tryLoad = (): PeerLoad['peer'] | Error => {
    try {
      const path = req.resolve('mmap-io');
      const lib = req(path) as MmapIo;
      const version = (req('mmap-io/package.json') as { version: string }).version;
      if (typeof lib.map !== 'function') return new Error('mmap-io loaded but exports no map()');
      return { name: 'mmap-io', lib, path, version };
    } catch (err) {
      return err as Error;
    }
  };
  let got = existsSync(join(prefix, 'node_modules', 'mmap-io')) ? tryLoad() : new Error('not installed');
  if (got instanceof Error) {
    log(`installing mmap-io into ${prefix} (one time, builds a C++ addon)`);
    mkdirSync(prefix, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const cxx = `${process.env.CXXFLAGS ?? ''} -std=gnu++17`.trim();
    const r = spawnSync(npm, ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', 'mmap-io@1'], {
      cwd: prefix,
      env: { ...process.env, CXXFLAGS: cxx },
      encoding: 'utf8',
      timeout: 300_000,
      shell: process.platform === 'win32',
    });
    if (r.error || r.status !== 0) {
      const why = r.error ? firstLine(r.error) : lastLines(`${r.stderr}\n${r.stdout}`);
      return { skipped: { name: 'mmap-io', reason: `npm install failed: ${why}` } };
    }
    got = tryLoad();
    if (got instanceof Error)
      return { skipped: { name: 'mmap-io', reason: `installed but does not load (addon not built?): ${firstLine(got)}` } };
  }
  return { peer: got };
}

function lastLines(text: string, n = 3): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ')
    .slice(0, 400);
}
