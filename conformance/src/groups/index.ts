// The conformance groups, in the order of docs/conformance.md.
import type { SuiteContext } from '../context.js';
import { functionalGroups } from './functional.js';
import { robustnessGroups } from './robustness.js';

export interface Group {
  readonly name: string;
  register(ctx: SuiteContext): void;
}

export const groups: Group[] = [...functionalGroups, ...robustnessGroups];
