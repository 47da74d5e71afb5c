// Entry of the child process that measures one subject (see isolate.ts).
import { runChildMeasurement } from './isolate.js';

await runChildMeasurement(process.argv[2] ?? '{}');
