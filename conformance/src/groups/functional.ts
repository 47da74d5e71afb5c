// Groups that exercise the API in this process: one import per group file.

import { anonymousGroup } from './anonymous.js';
import { arrayGroup } from './array.js';
import { badInputGroup } from './bad-input.js';
import { bigFilesGroup } from './big-files.js';
import { copyOnWriteGroup } from './copy-on-write.js';
import { hintsGroup } from './hints.js';
import type { Group } from './index.js';
import { manifestGroup } from './manifest.js';
import { mutableGroup } from './mutable.js';
import { offsetsGroup } from './offsets.js';
import { readOnlyGroup } from './read-only.js';
import { resizeGroup } from './resize.js';

export const functionalGroups: Group[] = [
  manifestGroup,
  readOnlyGroup,
  mutableGroup,
  offsetsGroup,
  copyOnWriteGroup,
  anonymousGroup,
  hintsGroup,
  resizeGroup,
  badInputGroup,
  bigFilesGroup,
  arrayGroup,
];
