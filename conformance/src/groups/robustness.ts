// Groups that need other processes, the GC or many iterations: one import per group file.
import type { Group } from './index.js';

export const robustnessGroups: Group[] = [];
