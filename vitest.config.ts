import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Generous: the tests never measure time, and a busy machine must not fail them.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'threads',
  },
});
