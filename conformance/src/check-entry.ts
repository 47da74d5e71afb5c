// The test file `memmap-conformance check` hands to vitest: it loads the backend named by
// MEMMAP_CHECK_MODULE and registers the whole suite against it.
import { resolveModuleUrl } from '@memmap/core';
import { runConformance } from './index.js';

const module = process.env.MEMMAP_CHECK_MODULE;
if (!module) throw new Error('MEMMAP_CHECK_MODULE is not set');
const exportName = process.env.MEMMAP_CHECK_EXPORT || 'backend';
const exports = await import(resolveModuleUrl(module));
const backend = exports[exportName] ?? exports.default;
if (!backend || typeof backend.map !== 'function') throw new Error(`${module} exports no backend named "${exportName}"`);
runConformance(backend, { module, exportName });
