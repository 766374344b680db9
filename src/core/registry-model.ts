/**
 * The registry as the core sees it: plain data, normalised by the MLflow
 * client adapter from MLflow's REST shapes (mlflow/protos/model_registry.proto).
 */
import { InputError } from './errors.js';

export type VersionStatus = 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';

export interface ModelVersion {
  name: string;
  /** MLflow sends version numbers as strings; so do we. */
  version: string;
  /** None, Staging, Production or Archived. */
  stage: string;
  status: VersionStatus | string;
  runId?: string;
  source?: string;
  tags: Record<string, string>;
  aliases: string[];
  /** creation_timestamp: when the version was registered (ms since the epoch). */
  createdAt?: number;
  /** MLflow 3: the logged model the version points at (model_id, or source models:/m-...). */
  modelId?: string;
}

/** One logged value of a metric. NaN and the infinities are numbers here. */
export interface MetricPoint {
  key?: string;
  value: number;
  timestamp: number;
  step: number;
  /** MLflow 3 records the dataset a metric was computed on. */
  datasetDigest?: string;
  datasetName?: string;
}

export interface RunData {
  runId: string;
  experimentId?: string;
  /** RUNNING, SCHEDULED, FINISHED, FAILED or KILLED. */
  status: string;
  /** The point MLflow's runs/get reports for each key (its latest step). */
  metrics: Map<string, MetricPoint>;
  tags: Record<string, string>;
  /** Digests of the run's dataset inputs (MLflow 2 and 3). */
  datasetDigests: string[];
}

/** A registry write, as planned by the core and performed by the client adapter. */
export type RegistryOp =
  /** `record`: a ledger tag, written after the structural writes (it records what they did). */
  | { kind: 'set-tag'; model: string; version: string; key: string; value: string; record?: true }
  | { kind: 'set-model-tag'; model: string; key: string; value: string }
  | { kind: 'delete-tag'; model: string; version: string; key: string }
  | { kind: 'transition-stage'; model: string; version: string; stage: string; archiveExisting: boolean }
  | { kind: 'set-alias'; model: string; alias: string; version: string }
  | { kind: 'delete-alias'; model: string; alias: string }
  | { kind: 'create-model'; model: string }
  /** A new version of `model` whose source is another version's models:/ URI; later ops name it NEW_COPY. */
  | { kind: 'copy-version'; model: string; source: string; runId?: string; tags: Record<string, string> };

/** Stands for the version number a copy-version op creates, in the ops after it. */
export const NEW_COPY = 'new copy';

export function describeOp(op: RegistryOp): string {
  switch (op.kind) {
    case 'set-tag':
      return `set tag ${op.key}=${JSON.stringify(op.value.length > 80 ? op.value.slice(0, 77) + '...' : op.value)} on ${op.model} v${op.version}`;
    case 'delete-tag':
      return `delete tag ${op.key} from ${op.model} v${op.version}`;
    case 'set-model-tag':
      return `set tag ${op.key} on the registered model ${op.model}`;
    case 'transition-stage':
      return `move ${op.model} ${op.version === NEW_COPY ? 'the new copy' : `v${op.version}`} to stage ${op.stage}${op.archiveExisting ? ' (archiving the versions there now)' : ''}`;
    case 'set-alias':
      return `point alias @${op.alias} of ${op.model} at ${op.version === NEW_COPY ? 'the new copy' : `v${op.version}`}`;
    case 'delete-alias':
      return `remove alias @${op.alias} of ${op.model}`;
    case 'create-model':
      return `create the registered model ${op.model}`;
    case 'copy-version':
      return `copy ${op.source} into ${op.model} as a new version`;
  }
}

/** Compares version numbers, oldest first (they are strings in MLflow's API: "10" comes after "9"). */
export function compareVersions(a: string, b: string): number {
  return Number(a) - Number(b);
}

/** Compares model versions by their number, oldest first. */
export function byVersionNumber(a: { version: string }, b: { version: string }): number {
  return compareVersions(a.version, b.version);
}

export function modelUri(model: string, version: string): string {
  return `models:/${model}/${version}`;
}

/** A registered model: its aliases (alias → version) and its tags. */
export interface RegisteredModel {
  name: string;
  aliases: Record<string, string>;
  tags: Record<string, string>;
}

/** What the gate needs of a registry. The MLflow REST adapter implements it; tests may pass another. */
export interface Registry {
  /** Where it is, for messages (never with credentials). */
  readonly url: string;
  /** False for registries with aliases only (Databricks Unity Catalog). */
  readonly supportsStages: boolean;
  /** False for registries with stages only (Databricks' workspace registry: aliases need Unity Catalog). */
  readonly supportsAliases: boolean;
  /** null when the model does not exist. */
  getRegisteredModel(name: string): Promise<RegisteredModel | null>;
  /** Optional: what to add to "model X does not exist" (the closest registered names); '' for none. */
  missingModelHint?(name: string): Promise<string>;
  /** Names of the registered models whose name starts with `prefix` (LIKE is only a prefilter), page by page as the registry answers them: a page is asked for only when the one before has been consumed. */
  searchModelNames(prefix: string): AsyncIterable<string[]>;
  /** Every version of the model, all pages. */
  searchModelVersions(name: string): Promise<ModelVersion[]>;
  /** null when the version does not exist (or was deleted). */
  getModelVersion(name: string, version: string): Promise<ModelVersion | null>;
  /** null when the run does not exist. */
  getRun(runId: string): Promise<RunData | null>;
  /** Every logged point of one metric of a run, page by page as the registry answers them: a page is asked for only when the one before has been consumed. */
  metricHistoryPages(runId: string, key: string): AsyncIterable<MetricPoint[]>;
  /** MLflow 3: the metrics of a logged model (several per key, by dataset); null when it does not exist. */
  getLoggedModelMetrics(modelId: string): Promise<MetricPoint[] | null>;
  /** Performs one write; a copy-version answers the number of the version it created. */
  apply(op: RegistryOp): Promise<{ version?: string }>;
}

/** The model as every mode reads it first (one round trip): the registered model, with its aliases and tags, and every version. */
export interface ModelState {
  registered: RegisteredModel;
  versions: ModelVersion[];
}

/** The model and its versions; an input error when it does not exist, with the adapter's hint (the closest registered names) if it has one. */
export async function readModel(registry: Registry, model: string): Promise<ModelState> {
  const [registered, versions] = await Promise.all([
    registry.getRegisteredModel(model),
    registry.searchModelVersions(model),
  ]);
  if (registered) return { registered, versions };
  const hint = await (registry.missingModelHint?.(model) ?? Promise.resolve('')).catch(() => '');
  throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}${hint}`);
}
