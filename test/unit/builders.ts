// Small builders of the core's inputs for unit tests.
import type { Observations } from '../../src/core/evaluate.js';
import type { MetricPoint, RunData } from '../../src/core/registry-model.js';

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
