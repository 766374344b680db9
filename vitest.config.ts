import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts one real MLflow server (and builds the Python venv if needed) per run.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    // globalSetup may build the venv from scratch (~50-60 s) before the server starts.
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
