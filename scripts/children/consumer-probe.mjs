// Which backend an installed `memmap` picks, why, and which file napi's addon came from: run by
// test-packaging.mjs from inside a consumer project (copied there, so `memmap` resolves from that
// project's node_modules as a user's program would). Prints one JSON line.
import { createRequire } from 'node:module';
import { defaultBackend, listBackends, loadBackend, selectionReason } from 'memmap';

const chosen = defaultBackend().name;
const napi = listBackends().find((s) => s.name === 'napi');
let addon = null;
try {
  const req = createRequire(import.meta.resolve('@memmap/backend-napi'));
  addon = req('node-gyp-build').resolve(new URL('..', import.meta.resolve('@memmap/backend-napi')).pathname);
} catch (e) {
  addon = `none: ${e.message.split('\n')[0]}`;
}
const needs = (flags) => {
  try {
    return loadBackend({ require: flags }).name;
  } catch (e) {
    return `${e.code}: ${e.message}`;
  }
};
const sharing = needs(['coherent', 'waitNotify']);
const all = needs(['coherent', 'truncationSafe', 'zeroCopy', 'detachOnClose']);
console.log(JSON.stringify({ chosen, reason: selectionReason(), napiError: napi?.error ?? null, addon, sharing, all }));
