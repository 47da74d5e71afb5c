// The conformance groups, in the order of ../shared/DESIGN.md. Each file registers one group.
import type { SuiteContext } from '../context.js';

export interface Group {
  readonly name: string;
  register(ctx: SuiteContext): void;
}

export const groups: Group[] = [];
