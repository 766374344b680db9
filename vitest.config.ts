import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.js';

/** The suites that run against a real MLflow server, once per MLflow major version. */
const REAL = ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    // A test time-out says a test hung, not how fast it should be: the real suites' tests run the
    // Action (a Node process) and MLflow's client (a Python process) several times, which on a
    // 2-core machine with other suites beside them takes several times as long as alone.
    testTimeout: 180_000,
    // The real project's globalSetup may build the venv from scratch (~50-60 s) before the server starts.
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    // Two files at once on the 2-core CI machine (the default is one less than the cores): the real
    // suites mostly wait on MLflow and on the processes they start, so one file at a time left the
    // machine idle and made .ci/run 36 minutes; the suites hold under that load (they passed beside
    // two CPU-bound loops).
    maxWorkers: 2,
    // Longest file first across both MLflow projects, so the two workers finish together.
    sequence: { sequencer: LongestFirst },
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'real-mlflow3',
          include: REAL,
          // Starts one real MLflow server (and builds the Python venv if needed) per project.
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/tag-mlflow-version.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'real-mlflow2',
          include: REAL,
          // MLflow 3 only: the REST facts recorded for 3.x, the differential test against 3.x's
          // validate_evaluation_results, MLflow's basic-auth app (the 2.22 venv has no auth extra), the
          // concurrency test (its PostgreSQL driver, psycopg2-binary, is in the mlflow3 lock only), and the
          // benchmark's smoke run (the benchmark runs against MLflow 3 and its .venv/mlflow3), and the venv builder (it builds
          // its own one-package venvs, the same whichever server runs).
          exclude: [
            'test/integration/mlflow-infra.test.ts',
            'test/integration/differential.test.ts',
            'test/integration/basic-auth-server.test.ts',
            'test/e2e/auth.test.ts',
            'test/integration/concurrency.test.ts',
            'test/integration/bench-smoke.test.ts',
            'test/integration/venv-builder.test.ts',
            // Databricks sign-in against the recorder and databricks-sdk: no MLflow server is involved.
            'test/e2e/databricks-auth.test.ts',
            'test/integration/databricks-differential.test.ts',
            // No server is involved: a wrong policy or input must send no request (a loopback listener counts).
            'test/e2e/validation-first.test.ts',
            // MLflow 2.x has no webhooks (the 2.x message: test/e2e/webhook-cli.test.ts).
            'test/integration/relay-webhooks.test.ts',
          ],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/tag-mlflow-version.ts'],
        },
      },
    ],
  },
});
