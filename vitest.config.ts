import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores: engine tests (Wine, Chromium) are heavy, so files run two at a time at most.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
