import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // The real project's globalSetup may build the venv from scratch (~50-60 s) before the server starts.
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'real-mlflow',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // Starts one real MLflow server (and builds the Python venv if needed) per run.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
