// The scenario registry. Adding a scenario: one file exporting a ScenarioDef, one line here. A
// scenario's number (for --scenarios and the tables) is its place in this list, so append new ones.
import { handoff } from './handoff.js';
import { mapRss } from './map-rss.js';
import { messageLatency, messages64, messages64k, pingPong } from './message-passing.js';
import { openMapClose } from './open-map-close.js';
import { openMapCloseLoop } from './open-map-close-loop.js';
import { parallelSum } from './parallel-sum.js';
import type { Scenario, ScenarioDef } from './plan.js';
import { randomRead } from './random-read.js';
import { randomWrite } from './random-write.js';
import { sequential } from './sequential.js';

const registry: ScenarioDef[] = [
  openMapClose,
  randomRead,
  sequential,
  randomWrite,
  handoff,
  mapRss,
  openMapCloseLoop,
  messages64,
  messages64k,
  messageLatency,
  parallelSum,
  pingPong,
];

export const scenarios: readonly Scenario[] = registry.map((def, i) => Object.freeze({ ...def, id: i + 1 }));

export type { Plan, Scenario, ScenarioContext, ScenarioDef, Settings, Work } from './plan.js';
