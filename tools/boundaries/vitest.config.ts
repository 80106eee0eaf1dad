import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // each test runs dependency-cruiser (~1-2 s of CPU) in a child process
    testTimeout: 300_000,
    hookTimeout: 60_000,
    maxConcurrency: Math.max(2, availableParallelism() + 1),
  },
});
