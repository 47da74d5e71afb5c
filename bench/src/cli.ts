#!/usr/bin/env node
// The `memmap-bench` command: memmap-bench [module...] [--quick] [--size 1g] ...
// (`memmap-conformance bench ...` forwards here).
import { benchMain } from './index.js';

process.exitCode = await benchMain(process.argv.slice(2));
