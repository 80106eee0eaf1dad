import { defineConfig } from 'vitest/config';

// the first run on a machine without clang-14 may install it (apt-get, as root): a few tens of seconds
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 300_000 } });
