import { defineConfig } from 'vitest/config';

// forks: koffi is a native addon; one process per test file keeps its state (and any crash) contained.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000, pool: 'forks' } });
