// @ts-check
// Whether a built-in backend loads here, and its capabilities, asked in a fresh process (as a user's
// program would find them). Run as a script file:
//   backend-probe.mjs <name>   prints the backend's capabilities as JSON; exits 1 with
//                              loadBackend()'s error on stderr when the backend does not load
// JavaScript checked by tsc (checkJs), so the test needs no TypeScript at run time.
import { loadBackend } from '@memmap/core';

const [name = ''] = process.argv.slice(2);
console.log(JSON.stringify(loadBackend(name).capabilities));
