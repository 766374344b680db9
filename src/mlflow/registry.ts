/**
 * The Registry port over MLflow's REST API: maps the protos' JSON shapes
 * (mlflow/protos/model_registry.proto, service.proto) to the core's plain types.
 */
import { nearest } from '../core/closest.js';
import type { MetricPoint, ModelVersion, Registry, RegistryOp, RunData } from '../core/registry-model.js';
import { MlflowRestClient, RegistryError } from './rest-client.js';

interface ApiTag {
  key: string;
  value?: string;
}
interface ApiModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number | string;
  model_id?: string;
  current_stage?: string;
  status?: string;
  run_id?: string;
  source?: string;
  tags?: ApiTag[];
  /** Strings in MLflow; {alias, version} objects in Unity Catalog. */
  aliases?: Array<string | { alias: string }>;
}
interface ApiMetric {
  key: string;
  value: number | string;
  timestamp?: number | string;
  step?: number | string;
  dataset_digest?: string;
  dataset_name?: string;
}
interface ApiRun {
  info: { run_id: string; status?: string; experiment_id?: string; lifecycle_stage?: string };
  data?: { metrics?: ApiMetric[]; tags?: ApiTag[] };
  inputs?: { dataset_inputs?: Array<{ dataset?: { digest?: string } }> };
}

const PAGE = 1000;
/** metrics/get-history's max_results: points a page. */
const HISTORY_PAGE_SIZE = 25000;
/** A missing model's hint reads one page of names sharing its first characters, never more. */
const HINT_PAGE = 100;
const HINT_PREFIX = 3;
const HINT_NAMES = 3;

/**
 * Which registry API: MLflow's own; Databricks' workspace registry (MLflow's API, stages only: MLflow's
 * client refuses aliases there, DatabricksWorkspaceModelRegistryRestStore); or Databricks Unity Catalog
 * (aliases only).
 */
export type RegistryFlavor = 'mlflow' | 'databricks-workspace' | 'unity-catalog';

export class MlflowRegistry implements Registry {
  readonly supportsStages: boolean;
  readonly supportsAliases: boolean;
  private readonly prefix: string;

  /**
   * @param rest the model registry's server
   * @param tracking the tracking server, where runs and metrics live, if it is another one (MLFLOW_REGISTRY_URI differs)
   * @param flavor Unity Catalog's registry lives under /api/2.0/mlflow/unity-catalog/ and has no stages
   */
  constructor(
    private readonly rest: MlflowRestClient,
    private readonly tracking: MlflowRestClient = rest,
    flavor: RegistryFlavor = 'mlflow',
  ) {
    this.prefix = flavor === 'unity-catalog' ? 'unity-catalog/' : '';
    this.supportsStages = flavor !== 'unity-catalog';
    this.supportsAliases = flavor !== 'databricks-workspace';
  }

  get url(): string {
    return this.rest.baseUrl;
  }

  async getRegisteredModel(name: string) {
    const res = await orNull(
      this.rest.get<{
        registered_model: { name: string; aliases?: Array<{ alias: string; version: string }>; tags?: ApiTag[] };
      }>(`${this.prefix}registered-models/get`, { name }),
    );
    if (!res) return null;
    const m = res.registered_model;
    return {
      name: m.name,
      aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
      tags: tagsToRecord(m.tags),
    };
  }

  /**
   * On Unity Catalog no filter is sent: MLflow's own client refuses filter_string on its
   * search_registered_models (mlflow/store/_unity_catalog/registry/rest_store.py,
   * `_require_arg_unspecified("filter_string", ...)`), so the pages are read whole and the prefix
   * is kept here; the caller matches the names exactly either way.
   */
  async *searchModelNames(prefix: string): AsyncIterable<string[]> {
    const uc = !this.supportsStages;
    let pageToken: string | undefined;
    do {
      // In LIKE, _ and % are wildcards too: the caller matches the names exactly.
      const res = await this.rest.get<{ registered_models?: Array<{ name: string }>; next_page_token?: string }>(
        `${this.prefix}registered-models/search`,
        {
          ...(prefix && !uc ? { filter: `name LIKE ${likePattern(prefix, true)}` } : {}),
          max_results: 1000,
          page_token: pageToken,
        },
      );
      const names = (res.registered_models ?? []).map((m) => m.name);
      pageToken = res.next_page_token || undefined;
      yield uc && prefix ? names.filter((n) => n.startsWith(prefix)) : names;
    } while (pageToken);
  }

  /**
   * The registered names closest to `name`, a model that does not exist: from ONE bounded search, a
   * page of at most HINT_PAGE names starting (case-insensitively, ILIKE, in MLflow 2 and 3) with its
   * first HINT_PREFIX characters, ranked by edit distance (core/policy.ts `nearest`), then names that
   * contain it or that it contains. Never pages through the registry. `undefined` when no hint can be
   * had: on Unity Catalog (MLflow's own client refuses filter_string on its search_registered_models,
   * and a page of the whole metastore would say little), or when the search fails, which must never
   * hide the error the hint is for.
   */
  async similarModelNames(name: string): Promise<{ prefix: string; names: string[]; matched: number } | undefined> {
    if (!this.supportsStages || !name) return undefined;
    const prefix = name.slice(0, HINT_PREFIX);
    let found: string[];
    try {
      const res = await this.rest.get<{ registered_models?: Array<{ name: string }> }>(
        `${this.prefix}registered-models/search`,
        { filter: `name ILIKE ${likePattern(prefix, true)}`, max_results: HINT_PAGE },
      );
      found = (res.registered_models ?? []).map((m) => m.name).filter((n) => n !== name);
    } catch {
      return undefined;
    }
    const ranked: string[] = [];
    // `nearest` ignores case and keeps the first of equals: those written as asked come first.
    const alike = (n: string) => [...n].filter((c, i) => c === name[i]).length;
    let rest = [...found].sort((a, b) => alike(b) - alike(a));
    while (ranked.length < HINT_NAMES) {
      const best = nearest(name, rest);
      if (best === undefined) break;
      ranked.push(best);
      rest = rest.filter((n) => n !== best);
    }
    const lower = name.toLowerCase();
    for (const n of rest) {
      if (ranked.length >= HINT_NAMES) break;
      if (n.toLowerCase().includes(lower) || lower.includes(n.toLowerCase())) ranked.push(n);
    }
    return { prefix, names: ranked, matched: found.length };
  }

  /**
   * What to add to "model X does not exist in the registry at URL": the closest registered names
   * (similarModelNames), or that no name starts like it; '' when no hint can be had.
   */
  async missingModelHint(name: string): Promise<string> {
    const similar = await this.similarModelNames(name);
    if (!similar) return '';
    const { prefix, names, matched } = similar;
    if (matched === 0) return `; no registered model's name starts with "${prefix}" (case ignored)`;
    if (names.length === 0) return '';
    const quoted = names.map((n) => `"${n}"`).join(', ');
    return names.length === 1
      ? `; the closest registered name is ${quoted}`
      : `; the closest registered names are ${quoted}`;
  }

  async searchModelVersions(name: string): Promise<ModelVersion[]> {
    const out: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.rest.get<{ model_versions?: ApiModelVersion[]; next_page_token?: string }>(
        `${this.prefix}model-versions/search`,
        {
          filter: nameFilter(name),
          max_results: PAGE,
          page_token: pageToken,
        },
      );
      // The filter may be a LIKE, which matches more than the name: keep the name's own versions.
      out.push(...(res.model_versions ?? []).filter((v) => v.name === name).map(toModelVersion));
      pageToken = res.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion | null> {
    const res = await orNull(
      this.rest.get<{ model_version: ApiModelVersion }>(`${this.prefix}model-versions/get`, { name, version }),
    );
    return res ? toModelVersion(res.model_version) : null;
  }

  async getRun(runId: string): Promise<RunData | null> {
    const res = await orNull(this.tracking.get<{ run: ApiRun }>('runs/get', { run_id: runId }));
    if (!res) return null;
    const { info, data, inputs } = res.run;
    return {
      runId: info.run_id,
      ...(info.experiment_id ? { experimentId: info.experiment_id } : {}),
      // A deleted run (in MLflow's trash; runs/get still answers) is no run to promote from: its status
      // reads DELETED, so a run_status rule (FINISHED by default) makes the version ineligible.
      status: info.lifecycle_stage === 'deleted' ? 'DELETED' : (info.status ?? 'UNKNOWN'),
      metrics: new Map((data?.metrics ?? []).map((m) => [m.key, toPoint(m)])),
      tags: tagsToRecord(data?.tags),
      datasetDigests: [
        ...new Set((inputs?.dataset_inputs ?? []).flatMap((d) => (d.dataset?.digest ? [d.dataset.digest] : []))),
      ],
    };
  }

  async *metricHistoryPages(runId: string, key: string): AsyncIterable<MetricPoint[]> {
    let pageToken: string | undefined;
    do {
      const res = await this.tracking.get<{ metrics?: ApiMetric[]; next_page_token?: string }>('metrics/get-history', {
        run_id: runId,
        metric_key: key,
        max_results: HISTORY_PAGE_SIZE,
        page_token: pageToken,
      });
      pageToken = res.next_page_token || undefined;
      yield (res.metrics ?? []).map(toPoint);
    } while (pageToken);
  }

  async getLoggedModelMetrics(modelId: string): Promise<MetricPoint[] | null> {
    try {
      const res = await orNull(
        this.tracking.get<{ model: { data?: { metrics?: ApiMetric[] } } }>(
          `logged-models/${encodeURIComponent(modelId)}`,
          {},
        ),
      );
      return res ? (res.model.data?.metrics ?? []).map(toPoint) : null;
    } catch (err) {
      // A server without logged models (MLflow 2, some hosted registries): the run's metrics serve.
      if (err instanceof RegistryError && err.errorCode === 'ENDPOINT_NOT_FOUND') return null;
      throw err;
    }
  }

  /**
   * One write. Tags, aliases and stages land the same however often they are sent, so the
   * transport may retry them; creating a model or a version is not retried (a rerun finds them).
   */
  async apply(op: RegistryOp): Promise<{ version?: string }> {
    switch (op.kind) {
      case 'create-model':
        if (!this.supportsStages)
          throw new RegistryError('promotion by copy into a Unity Catalog model is not supported');
        await this.rest.post('registered-models/create', { name: op.model });
        return {};
      case 'copy-version': {
        if (!this.supportsStages)
          throw new RegistryError('promotion by copy into a Unity Catalog model is not supported');
        const res = await this.rest.post<{ model_version: ApiModelVersion }>('model-versions/create', {
          name: op.model,
          source: op.source,
          ...(op.runId ? { run_id: op.runId } : {}),
          tags: Object.entries(op.tags).map(([key, value]) => ({ key, value })),
        });
        return { version: String(res.model_version.version) };
      }
      case 'set-tag':
        await this.rest.post(
          `${this.prefix}model-versions/set-tag`,
          { name: op.model, version: op.version, key: op.key, value: op.value },
          REPEATABLE,
        );
        return {};
      case 'set-model-tag':
        await this.rest.post(
          `${this.prefix}registered-models/set-tag`,
          { name: op.model, key: op.key, value: op.value },
          REPEATABLE,
        );
        return {};
      case 'delete-tag':
        await this.rest.delete(
          `${this.prefix}model-versions/delete-tag`,
          { name: op.model, version: op.version, key: op.key },
          REPEATABLE,
        );
        return {};
      case 'transition-stage':
        if (!this.supportsStages)
          throw new RegistryError(`${this.rest.baseUrl} is a Unity Catalog registry, which has no stages`);
        await this.rest.post(
          'model-versions/transition-stage',
          {
            name: op.model,
            version: op.version,
            stage: op.stage,
            archive_existing_versions: op.archiveExisting,
          },
          REPEATABLE,
        );
        return {};
      case 'set-alias':
        // An upsert: moving an alias is one atomic write.
        await this.rest.post(
          `${this.prefix}registered-models/alias`,
          { name: op.model, alias: op.alias, version: op.version },
          REPEATABLE,
        );
        return {};
      case 'delete-alias':
        // Idempotent in effect: a repeat finds the alias gone (404), which is what was asked.
        try {
          await this.rest.delete(
            `${this.prefix}registered-models/alias`,
            { name: op.model, alias: op.alias },
            REPEATABLE,
          );
        } catch (err) {
          if (!(err instanceof RegistryError && err.status === 404)) throw err;
        }
        return {};
    }
  }
}

const REPEATABLE = { repeatable: true };

/** A 404 RESOURCE_DOES_NOT_EXIST means "not there", which callers handle; anything else is an error. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof RegistryError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw err;
  }
}

function toModelVersion(v: ApiModelVersion): ModelVersion {
  return {
    name: v.name,
    version: String(v.version),
    stage: v.current_stage ?? 'None',
    status: v.status ?? 'READY',
    ...(v.run_id ? { runId: v.run_id } : {}),
    ...(v.source ? { source: v.source } : {}),
    tags: tagsToRecord(v.tags),
    aliases: (v.aliases ?? []).map((a) => (typeof a === 'string' ? a : a.alias)),
    ...(v.creation_timestamp !== undefined ? { createdAt: Number(v.creation_timestamp) } : {}),
    ...(modelIdOf(v) ? { modelId: modelIdOf(v)! } : {}),
  };
}

/** MLflow 3 registers a logged model with source models:/m-<id>; the REST answer may omit model_id. */
function modelIdOf(v: ApiModelVersion): string | undefined {
  return v.model_id || /^models:\/(m-[0-9a-f]+)$/.exec(v.source ?? '')?.[1];
}

function toPoint(m: ApiMetric): MetricPoint {
  return {
    key: m.key,
    value: toDouble(m.value),
    timestamp: Number(m.timestamp ?? 0),
    step: Number(m.step ?? 0),
    ...(m.dataset_digest ? { datasetDigest: m.dataset_digest } : {}),
    ...(m.dataset_name ? { datasetName: m.dataset_name } : {}),
  };
}

function tagsToRecord(tags: ApiTag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? '']));
}

/** Protobuf JSON writes NaN and the infinities as strings. */
export function toDouble(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

/**
 * MLflow's search filter for one model name. MLflow's parser takes a string literal's text as is,
 * with no escapes (`'a\'b'` is not `a'b`, and `'a\b'` is `a\b`), so the name is quoted with a
 * quote character it does not contain. A name with both quote characters, or ending in a backslash
 * (which the tokenizer reads as escaping the closing quote), cannot be written as a literal: it is
 * searched with LIKE, those characters as `_`, and the caller keeps only the exact name.
 */
export function nameFilter(name: string): string {
  if (!name.endsWith('\\')) {
    if (!name.includes("'")) return `name='${name}'`;
    if (!name.includes('"')) return `name="${name}"`;
  }
  return `name LIKE ${likePattern(name, false)}`;
}

/**
 * A LIKE pattern (single-quoted) matching at least every name equal to `text` (or starting with it):
 * quotes and backslashes, which no literal can carry reliably, become `_`; `%` and `_` in the text
 * are wildcards there too. A prefilter only: callers compare names exactly.
 */
export function likePattern(text: string, prefix: boolean): string {
  return `'${text.replace(/['"\\]/g, '_')}${prefix ? '%' : ''}'`;
}
