import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Each file opens its own database (a PGlite instance, or a schema on the PostgreSQL server).
    fileParallelism: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
