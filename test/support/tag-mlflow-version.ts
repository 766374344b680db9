// A setup file of the real-mlflow projects: every test records the MLflow version it ran
// against in the JSON report, so .ci/run can count tests per version.
import { beforeEach, inject } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    mlflow?: string;
  }
}

beforeEach(({ task }) => {
  task.meta.mlflow = inject('mlflowVersion');
});
