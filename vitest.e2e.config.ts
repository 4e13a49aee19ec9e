import { defineConfig } from 'vitest/config';

// The end-to-end suite: rebuilds the sample images with buildah (root) and runs the bundled CLI
// on them. Not part of `npm test`; run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 40 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
