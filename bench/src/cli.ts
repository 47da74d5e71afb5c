#!/usr/bin/env node
// Stand-alone entry: node conformance/dist/bench/main.js [module...] [--quick] [--size 1g] ...
// (same as `memmap-conformance bench ...`).
import { benchMain } from './index.js';

process.exitCode = await benchMain(process.argv.slice(2));
