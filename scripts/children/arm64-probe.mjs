// The linux-arm64 app under qemu: which backend memmap picks, which addon file napi loaded, and a
// write read back through a shared map and a read map. Run by test-arm64.mjs from inside the app
// (copied there, so `memmap` resolves from its node_modules). Prints one JSON line.
import { createRequire } from 'node:module';
import { defaultBackend, listBackends, map, mapMut } from 'memmap';

const napiDir = new URL('..', import.meta.resolve('@memmap/backend-napi')).pathname;
const file = createRequire(`${napiDir}package.json`)('node-gyp-build').resolve(napiDir);
const s = Object.fromEntries(listBackends().map((b) => [b.name, b.loaded ? 'loaded' : b.error]));
const w = mapMut('arm64.dat', { create: true, length: 5 });
try {
  w.bytes.write('arm64');
  w.flush();
} finally {
  w.close();
}
const r = map('arm64.dat');
try {
  s.readBack = r.bytes.toString();
} finally {
  r.close();
}
console.log(JSON.stringify({ chosen: defaultBackend().name, file, ...s }));
