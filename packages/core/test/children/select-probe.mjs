// @ts-check
// The backend choice in a fresh process (defaultBackend() and loadBackend() decide once per
// process, from MEMMAP_BACKEND among others). Run as a script file:
//   select-probe.mjs default           prints { name, code, why }
//   select-probe.mjs require <JSON>    prints { name, code, message } for loadBackend({ require })
// JavaScript checked by tsc (checkJs), so the test needs no TypeScript at run time.
import * as core from '../../dist/index.js';

const [mode = 'default', required = '[]'] = process.argv.slice(2);
/** @type {string | null} */
let name = null;
/** @type {string | null} */
let code = null;
/** @type {string | null} */
let message = null;
try {
  name = mode === 'default' ? core.defaultBackend().name : core.loadBackend({ require: JSON.parse(required) }).name;
} catch (error) {
  const e = /** @type {{ code?: string, message?: string }} */ (error);
  code = e.code ?? null;
  message = e.message ?? null;
}
console.log(JSON.stringify(mode === 'default' ? { name, code, why: core.selectionReason() } : { name, code, message }));
