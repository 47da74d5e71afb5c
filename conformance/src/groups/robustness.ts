// Groups that need other processes, the GC or many iterations: one import per group file.
import { apiFuzzGroup } from './api-fuzz.js';
import { closeSafetyGroup } from './close-safety.js';
import { crossProcessGroup } from './cross-process.js';
import { descriptorsGroup } from './descriptors.js';
import { hostileCallersGroup } from './hostile-callers.js';
import type { Group } from './index.js';
import { leaksGroup } from './leaks.js';
import { randomSequencesGroup } from './random-sequences.js';
import { shareGroup } from './share.js';
import { waitNotifyGroup } from './wait-notify.js';
import { workerShutdownGroup } from './worker-shutdown.js';

export const robustnessGroups: Group[] = [
  closeSafetyGroup,
  crossProcessGroup,
  waitNotifyGroup,
  randomSequencesGroup,
  apiFuzzGroup,
  leaksGroup,
  descriptorsGroup,
  workerShutdownGroup,
  hostileCallersGroup,
  shareGroup,
];
