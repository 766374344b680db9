// Small builders of the core's inputs for unit tests.
import type { Observations } from '../../src/core/evaluate.js';
import { formatRecord, parseRecord, recordKey, type LedgerRecord } from '../../src/core/ledger.js';
import type { MetricPoint, ModelVersion, RegistryOp, RunData } from '../../src/core/registry-model.js';
import { RECORD_PREFIX } from '../../src/core/tags.js';

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

/** A version's record tags, one per record: `{ [recordKey(target)]: formatRecord(record) }`. */
export const recordTags = (...records: LedgerRecord[]): Record<string, string> =>
  Object.fromEntries(records.map((r) => [recordKey(r.target), formatRecord(r)]));

/** The record tags a plan writes, as records (in plan order), with whether each is the after-the-move record. */
export const recordsIn = (plan: RegistryOp[], version?: string) =>
  plan.flatMap((op) =>
    op.kind === 'set-tag' && op.key.startsWith(RECORD_PREFIX) && (version === undefined || op.version === version)
      ? [{ version: op.version, key: op.key, record: parseRecord(op.value), after: op.record === true }]
      : [],
  );
