// Shared plumbing for the conformance groups: temp files, the backend under test, child processes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, resolveModuleUrl } from '@memmap/core';
import { type ChildOptions, type ChildResult, runScript, spawnScript } from './child-process.js';
import { CHILD_RUNTIME_PRELUDE } from './runtime.js';

export interface ConformanceOptions {
  /**
   * Module specifier (package name, path or file URL) that exports the backend under test, so that
   * child processes can load it too. Resolved from the current working directory.
   */
  module: string;
  /** Name of the export holding the backend; default 'backend', then the default export. */
  exportName?: string;
  /** Random operation sequences to run (default: MEMMAP_RUNS or 1000). */
  runs?: number;
  /** Group names to skip (they show as skipped). */
  skip?: string[];
}

export type { ChildResult } from './child-process.js';

export class SuiteContext {
  readonly backend: Backend;
  readonly options: ConformanceOptions;
  /** file: URL of the module exporting the backend, importable from any process. */
  readonly moduleUrl: string;
  readonly exportName: string;
  private readonly dirs: string[] = [];
  private scriptDir: string | undefined;
  private scripts = 0;

  constructor(backend: Backend, options: ConformanceOptions) {
    this.backend = backend;
    this.options = options;
    this.moduleUrl = resolveModuleUrl(options.module);
    this.exportName = options.exportName ?? 'backend';
  }

  get caps() {
    return this.backend.capabilities;
  }

  get runs(): number {
    return this.options.runs ?? (Number(process.env.MEMMAP_RUNS) || 1000);
  }

  skipped(group: string): boolean {
    return this.options.skip?.includes(group) ?? false;
  }

  /** A fresh temporary directory, removed by cleanup(). */
  tmpDir(): string {
    const dir = mkdtempSync(join(tmpdir(), `memmap-${this.backend.name}-`));
    this.dirs.push(dir);
    return dir;
  }

  /** A new file in a fresh temp dir holding `content` (a Buffer, or a size filled with a pattern). */
  file(content: Buffer | number, name = 'data.bin'): string {
    const path = join(this.tmpDir(), name);
    writeFileSync(path, typeof content === 'number' ? pattern(content) : content);
    return path;
  }

  read(path: string): Buffer {
    return readFileSync(path);
  }

  cleanup(): void {
    this.scriptDir = undefined;
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  /**
   * ES module source that child scripts start with: it binds `backend` to the backend under test,
   * and imports `fs` and `path` helpers.
   */
  childPrelude(): string {
    return [
      `import * as __m from ${JSON.stringify(this.moduleUrl)};`,
      `const backend = __m[${JSON.stringify(this.exportName)}] ?? __m.default;`,
      `import fs from 'node:fs';`,
      CHILD_RUNTIME_PRELUDE,
    ].join('\n');
  }

  /** Writes `body` (ES module source, after the prelude) to a script file of this suite's temp dir. */
  private childScript(body: string): string {
    this.scriptDir ??= this.tmpDir();
    const script = join(this.scriptDir, `child-${++this.scripts}.mjs`);
    writeFileSync(script, `${this.childPrelude()}\n${body}`);
    return script;
  }

  /**
   * Runs `body` (ES module source, after the prelude) in a child process of this runtime, with
   * process.argv[1..] = args, and waits. `nodeArgs` are Node options (translated for other
   * runtimes); `launcher`, if given, is a command line the child runs under (e.g.
   * ['prlimit', '--nofile=256:256']).
   */
  runChild(body: string, args: string[] = [], nodeArgs: string[] = [], timeoutMs = 60_000, launcher: string[] = []): ChildResult {
    return runScript(this.childScript(body), { args, nodeArgs, timeoutMs, launcher });
  }

  /** As runChild, but asynchronous: returns the child (for concurrent writers) and its result promise. */
  spawnChild(body: string, args: string[] = [], nodeArgs: string[] = []) {
    return spawnScript(this.childScript(body), { args, nodeArgs });
  }

  /**
   * Runs the suite's child script `name` (conformance/src/children/<name>.ts, compiled beside this
   * file) in a child process of this runtime and waits. Its arguments: the backend's module URL, its
   * export name, then `args` (children/start.ts `startChild()` reads them). The default timeout is
   * 60 s, as runChild's.
   */
  runChildScript(name: string, args: string[] = [], options: Omit<ChildOptions, 'args'> = {}): ChildResult {
    return runScript(childScriptPath(name), { timeoutMs: 60_000, ...options, args: [this.moduleUrl, this.exportName, ...args] });
  }

  /** As runChildScript, but asynchronous: returns the child and its result promise. */
  spawnChildScript(name: string, args: string[] = [], options: Omit<ChildOptions, 'args' | 'timeoutMs'> = {}) {
    return spawnScript(childScriptPath(name), { ...options, args: [this.moduleUrl, this.exportName, ...args] });
  }
}

/** The file of the suite's child script `name`: children/<name>.js beside this module (dist/ when built). */
export function childScriptPath(name: string): string {
  return fileURLToPath(new URL(`./children/${name}.js`, import.meta.url));
}

/** A deterministic byte pattern (byte i = (i * 31 + 7) & 255), so any misplaced byte shows. */
export function pattern(length: number, seed = 0): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + 7 + seed) & 255;
  return b;
}
