// Small builders of the core's inputs for unit tests.
import type { Observations } from '../../src/core/evaluate.js';
import type { MetricPoint, ModelVersion, RegistryOp, RunData } from '../../src/core/registry-model.js';

/** Observations from plain values: { accuracy: 0.93 }. */
export function obs(values: Record<string, number>, datasets: string[] = []): Observations {
  return new Map(Object.entries(values).map(([k, value]) => [k, { value, datasets, source: 'run r (step 0)' }]));
}

/** A FINISHED run with these latest values. */
export function runData(values: Record<string, number>, over: Partial<RunData> = {}): RunData {
  const metrics = new Map<string, MetricPoint>(
    Object.entries(values).map(([k, value]) => [k, { value, timestamp: 1000, step: 0 }]),
  );
  return { runId: 'r', status: 'FINISHED', metrics, tags: {}, datasetDigests: [], ...over };
}

/** A READY version of model `m`. */
export const versionOf = (version: string, stage = 'None', tags: Record<string, string> = {}): ModelVersion => ({
  name: 'm',
  version,
  stage,
  status: 'READY',
  tags,
  aliases: [],
});

/** A tag write on model `m`. */
export const tagOp = (version: string, key: string, value: string, record?: true): RegistryOp => ({
  kind: 'set-tag',
  model: 'm',
  version,
  key,
  value,
  ...(record ? { record } : {}),
});

/** A stage move of model `m`. */
export const moveOp = (version: string, stage = 'Production', archiveExisting = true): RegistryOp => ({
  kind: 'transition-stage',
  model: 'm',
  version,
  stage,
  archiveExisting,
});
