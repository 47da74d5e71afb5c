// Runs a check of test/children/*.ts in a fresh process through the suite's child-process helpers
// (crash checks never run in the test worker itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildResult, lastJsonLine, runScript, testChildScript } from '@memmap/conformance';

/** The built package's folder: children import the backend from dist/ (build first). */
const distUrl = new URL('../dist/', import.meta.url).href;

export interface Child extends ChildResult {
  /** The last stdout line parsed as JSON (children report results that way). */
  result: any;
}

/**
 * Runs `check` of test/children/<script>.ts; its argv holds dist/'s URL, a fresh temp dir (removed
 * afterwards) and the check's name (children/start.ts). `nodeArgs` are Node options (e.g. --expose-gc).
 */
export function runChild(script: string, check: string, nodeArgs: string[] = []): Child {
  const dir = mkdtempSync(join(tmpdir(), 'memmap-child-'));
  try {
    const r = runScript(testChildScript(new URL('.', import.meta.url), script), { args: [distUrl, dir, check], nodeArgs });
    return { ...r, result: lastJsonLine(r.stdout) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
