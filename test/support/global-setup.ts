// vitest globalSetup: one real MLflow tracking server for the whole test run.
//
// Builds/reuses the hash-locked venv (.venv/mlflow3), starts `mlflow server` on a
// free port of 127.0.0.1 and provides its URL and the venv's python to tests
// (`inject('mlflowUrl')`, `inject('mlflowPython')`). Any failure throws, so the run
// fails with the reason: integration tests never skip.
import type { TestProject } from 'vitest/node';
import { ensureMlflowVenv, startMlflowServer } from '../../scripts/mlflow-local.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the real MLflow server, e.g. http://127.0.0.1:41234 (no trailing slash). */
    mlflowUrl: string;
    /** Absolute path of the venv python that has mlflow + scikit-learn installed. */
    mlflowPython: string;
    /** The MLflow version the server runs, e.g. 3.17.2. */
    mlflowVersion: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (message: string) => console.error(message);
  // The project's name says which MLflow it runs against: real-mlflow3 or real-mlflow2.
  const flavor = project.name.replace(/^real-/, '');
  const python = await ensureMlflowVenv({ flavor, log });
  const server = await startMlflowServer({ python, log });
  const version = (await (await fetch(`${server.url}/version`)).text()).trim();
  log(`[${project.name}] MLflow ${version} at ${server.url}`);
  project.provide('mlflowUrl', server.url);
  project.provide('mlflowPython', python);
  project.provide('mlflowVersion', version);
  return async () => {
    await server.stop();
  };
}
