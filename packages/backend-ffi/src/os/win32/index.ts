// The seam (os/types.ts) on Windows x64: kernel32 sections and views, named semaphores.
import type { Os } from '../types.js';
import { kernel32Calls, lastError } from './kernel32.js';
import { sectionNamed } from './named.js';
import { semaphoreWaits } from './wait.js';

export function win32Os(): Os {
  return { calls: kernel32Calls(), lastErrno: lastError, named: sectionNamed, wait: semaphoreWaits, mappedFileCutRefused: true };
}
