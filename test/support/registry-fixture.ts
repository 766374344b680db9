// What the integration and end-to-end tests share: MLflow's own Python client
// (one long-lived helper process per test file) and the demo registry layout.
import { afterAll, beforeAll, inject } from 'vitest';
import { MlflowPy } from '../../scripts/mlflow-local.mjs';
import { LEGACY_LEDGER } from '../../src/core/tags.js';

export interface PyVersion {
  version: string;
  current_stage: string;
  status: string;
  run_id: string;
  source: string;
  tags: Record<string, string>;
  aliases: string[];
}

export interface SeedVersion {
  metrics: Record<string, number | Array<[number, number]>>;
  stage?: 'Production' | 'Staging' | 'Archived' | null;
  version_tags?: Record<string, string>;
  run_tags?: Record<string, string>;
  run_status?: string;
  /** An input dataset logged with the run (mlflow.log_input of a numpy array). */
  dataset?: { name?: string; rows: number[][]; context?: string };
  /** MLflow 3: metrics of the logged model, each on a named dataset (log_metric with model_id and dataset). */
  model_metrics?: Array<{ key: string; value: number; step?: number; dataset: { name: string; rows: number[][] } }>;
  /** Aliases to point at this version. */
  aliases?: string[];
  /** Metrics logged after the version was registered. */
  late_metrics?: Record<string, number>;
}

export { CHURN, policyFor } from '../../scripts/demo-registry.mjs';
import { CHURN } from '../../scripts/demo-registry.mjs';

/** Starts MLflow's Python client for this test file; the returned getter gives it to tests. */
export function usePython(): { py: () => MlflowPy; url: string } {
  const url = inject('mlflowUrl');
  let py: MlflowPy | undefined;
  beforeAll(async () => {
    py = await MlflowPy.start({ python: inject('mlflowPython'), trackingUri: url });
  });
  afterAll(async () => {
    await py?.close();
  });
  return {
    url,
    py: () => {
      if (!py) throw new Error('the Python helper is not started');
      return py;
    },
  };
}

let counter = 0;
/** A model name no other test uses, so tests do not see each other's writes. */
export function uniqueModel(base = 'churn-predictor'): string {
  counter += 1;
  return `${base}-${process.pid}-${counter}`;
}

export async function seed(
  py: MlflowPy,
  model: string,
  versions: SeedVersion[] = CHURN,
): Promise<Array<{ version: string; run_id: string }>> {
  return py.call('seed_model', { model, versions });
}

export async function versionsOf(py: MlflowPy, model: string): Promise<PyVersion[]> {
  return py.call('search_versions', { model });
}

/** Stage of each version, by number: { '1': 'Archived', '2': 'Production', ... }. */
export async function stagesOf(py: MlflowPy, model: string): Promise<Record<string, string>> {
  return Object.fromEntries((await versionsOf(py, model)).map((v) => [v.version, v.current_stage]));
}

/**
 * A version's ledger record as its tag holds it: `tag` is the record's full tag name
 * (`mlflow_gate.record.stage_Production`), so a test states the layout's key, not only its
 * fields. Throws unless the value is compact JSON (as the gate writes it); undefined when absent.
 */
export function recordTag(tags: Record<string, string>, tag: string): Record<string, unknown> | undefined {
  const raw = tags[tag];
  if (raw === undefined) return undefined;
  const parsed = JSON.parse(raw) as Record<string, unknown>;
  if (JSON.stringify(parsed) !== raw) throw new Error(`${tag} is not compact JSON: ${raw}`);
  return parsed;
}

/** The tags of the single-record ledger layout a version carries (the gate reads them, never writes them). */
export function legacyLedgerTags(tags: Record<string, string>): string[] {
  return Object.keys(tags).filter((k) => (Object.values(LEGACY_LEDGER) as string[]).includes(k));
}
