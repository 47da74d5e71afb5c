import { runConformance } from '@memmap/conformance';
import { backend } from '../src/index.js';

runConformance(backend, { module: '@memmap/backend-napi' });
