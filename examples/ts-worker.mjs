// Worker entry for the TypeScript examples: new Worker(new URL('./ts-worker.mjs', import.meta.url),
// { workerData: { script: import.meta.url, ... } }) runs `script` in the Worker. Under tsx
// (npx tsx examples/...), tsx's loader is not active in Worker threads on every Node, so this plain
// JS entry registers it before importing the .ts file.
import { workerData } from 'node:worker_threads';

if (workerData.script.endsWith('.ts')) (await import('tsx/esm/api')).register();
await import(workerData.script);
