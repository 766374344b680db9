// An in-memory Registry (the port of src/core/registry-model.ts) that behaves like MLflow's
// model registry where the write protocol relies on it, with faults to inject:
// - transition-stage canonicalises the stage (None, Staging, Production, Archived, any case), and
//   with archive_existing_versions moves every other version in that stage to Archived (only
//   Staging and Production may archive: else MLflow answers 500); a version has one stage;
// - an alias is an upsert, on an existing version; tags are upserts; deleting a missing tag is a no-op;
// - a missing model or version answers 404 RESOURCE_DOES_NOT_EXIST (MlflowRegistry's reads turn it
//   into null, its writes throw it), creating a model that exists 400 RESOURCE_ALREADY_EXISTS;
// - model-versions/create numbers the new version one past the highest.
// test/integration/memory-registry.test.ts runs the same operations against it and against a real
// server through MlflowRegistry and compares the states, so it cannot drift from MLflow unnoticed.
import type { MetricPoint, ModelVersion, Registry, RegistryOp, RunData } from '../../src/core/registry-model.js';
import { RegistryError } from '../../src/mlflow/rest-client.js';

export interface MemoryVersion {
  stage: string;
  status?: string;
  source?: string;
  runId?: string;
  tags: Record<string, string>;
}

export interface MemoryModel {
  tags: Record<string, string>;
  aliases: Record<string, string>;
  versions: Record<string, MemoryVersion>;
}

/** The whole registry: models by name. The same shape `stateOf` reads through any Registry. */
export type MemoryState = Record<string, MemoryModel>;

/**
 * A fault on a write: `refuse` errors and does not land (a 503); `lose` lands, then the answer is
 * lost (a reset after forwarding); `error-after` lands and answers an error (a 400, as a repeat
 * racing its first attempt gets from MLflow's non-atomic tag upsert).
 */
export type WriteFault = 'refuse' | 'lose' | 'error-after';

interface PendingFault {
  match: (op: RegistryOp) => boolean;
  fault: WriteFault;
  times: number;
}

type ReadMethod = 'getRegisteredModel' | 'searchModelVersions' | 'getModelVersion';

const STAGES = ['None', 'Staging', 'Production', 'Archived'];

export class MemoryRegistry implements Registry {
  readonly url = 'memory://registry';
  readonly supportsStages = true;
  readonly supportsAliases = true;
  private models = new Map<string, MemoryModel>();
  private faults: PendingFault[] = [];
  private readFaults: Array<{ method: ReadMethod; times: number }> = [];
  /** Every write asked for, in order, with what happened to it. */
  readonly writes: Array<{ op: RegistryOp; fault?: WriteFault; error?: string }> = [];
  /** Called after a write lands (before its answer): another run's writes can go here (a race). */
  afterWrite?: (op: RegistryOp, registry: MemoryRegistry) => void;

  constructor(state: MemoryState = {}) {
    for (const [name, m] of Object.entries(structuredClone(state))) this.models.set(name, m);
  }

  /** The next `times` writes that `match` get `fault`. */
  failWrite(match: (op: RegistryOp) => boolean, fault: WriteFault, times = 1): this {
    this.faults.push({ match, fault, times });
    return this;
  }

  /** The next `times` calls of `method` fail (a reset). */
  failRead(method: ReadMethod, times = 1): this {
    this.readFaults.push({ method, times });
    return this;
  }

  /** A copy of the whole state. */
  state(): MemoryState {
    return structuredClone(Object.fromEntries(this.models));
  }

  async getRegisteredModel(name: string) {
    this.read('getRegisteredModel');
    const m = this.models.get(name);
    return m ? { name, aliases: { ...m.aliases }, tags: { ...m.tags } } : null;
  }

  async *searchModelNames(prefix: string): AsyncIterable<string[]> {
    yield [...this.models.keys()].filter((n) => n.startsWith(prefix)).sort();
  }

  async searchModelVersions(name: string): Promise<ModelVersion[]> {
    this.read('searchModelVersions');
    const m = this.models.get(name);
    // MLflow 3's model-versions/search answers no aliases (model-versions/get does).
    return m ? Object.keys(m.versions).map((v) => ({ ...this.version(name, m, v), aliases: [] })) : [];
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion | null> {
    this.read('getModelVersion');
    const m = this.models.get(name);
    return m?.versions[version] ? this.version(name, m, version) : null;
  }

  async getRun(_runId: string): Promise<RunData | null> {
    return null;
  }

  async *metricHistoryPages(_runId: string, _key: string): AsyncIterable<MetricPoint[]> {}

  async getLoggedModelMetrics(_modelId: string): Promise<MetricPoint[] | null> {
    return null;
  }

  async apply(op: RegistryOp): Promise<{ version?: string }> {
    const i = this.faults.findIndex((f) => f.match(op));
    const fault = i >= 0 ? this.faults[i]!.fault : undefined;
    if (i >= 0 && --this.faults[i]!.times <= 0) this.faults.splice(i, 1);
    if (fault === 'refuse') {
      this.writes.push({ op, fault, error: '503' });
      throw new RegistryError(`${op.kind} answered 503`, 503);
    }
    let result: { version?: string };
    try {
      result = this.land(op);
    } catch (err) {
      this.writes.push({ op, ...(fault ? { fault } : {}), error: (err as Error).message });
      throw err;
    }
    this.writes.push({ op, ...(fault ? { fault } : {}) });
    this.afterWrite?.(op, this);
    if (fault === 'lose') throw new RegistryError(`${op.kind} failed: ECONNRESET: other side closed`);
    if (fault === 'error-after')
      throw new RegistryError(
        `${op.kind} answered 400: INVALID_PARAMETER_VALUE: a concurrent write of the same key`,
        400,
        'INVALID_PARAMETER_VALUE',
      );
    return result;
  }

  /** A write as MLflow makes it, with no fault (also for a racing run's writes in afterWrite). */
  land(op: RegistryOp): { version?: string } {
    switch (op.kind) {
      case 'create-model':
        if (this.models.has(op.model))
          throw error(400, 'RESOURCE_ALREADY_EXISTS', `Registered Model (name=${op.model}) already exists.`);
        this.models.set(op.model, { tags: {}, aliases: {}, versions: {} });
        return {};
      case 'copy-version': {
        const m = this.model(op.model);
        const next = String(Math.max(0, ...Object.keys(m.versions).map(Number)) + 1);
        m.versions[next] = {
          stage: 'None',
          status: 'READY',
          source: op.source,
          ...(op.runId ? { runId: op.runId } : {}),
          tags: { ...op.tags },
        };
        return { version: next };
      }
      case 'set-tag':
        this.versionOf(op.model, op.version).tags[op.key] = op.value;
        return {};
      case 'delete-tag':
        delete this.versionOf(op.model, op.version).tags[op.key];
        return {};
      case 'set-model-tag':
        this.model(op.model).tags[op.key] = op.value;
        return {};
      case 'set-alias':
        this.versionOf(op.model, op.version);
        this.model(op.model).aliases[op.alias] = op.version;
        return {};
      case 'delete-alias':
        // As MlflowRegistry answers it: MLflow's 404 (the alias gone, or the model) is what was asked.
        delete this.models.get(op.model)?.aliases[op.alias];
        return {};
      case 'transition-stage': {
        const stage = STAGES.find((s) => s.toLowerCase() === op.stage.toLowerCase());
        if (!stage)
          throw error(
            400,
            'INVALID_PARAMETER_VALUE',
            `Invalid Model Version stage: ${op.stage}. Value must be one of None, Staging, Production, Archived.`,
          );
        // MLflow refuses it with an internal error (500, no error code; the transport retries it).
        if (op.archiveExisting && stage !== 'Staging' && stage !== 'Production')
          throw new RegistryError(`transition-stage answered 500, 3 times (out of retries)`, 500);
        const m = this.model(op.model);
        const target = this.versionOf(op.model, op.version);
        if (op.archiveExisting)
          for (const [v, other] of Object.entries(m.versions))
            if (v !== op.version && other.stage === stage) other.stage = 'Archived';
        target.stage = stage;
        return {};
      }
    }
  }

  private read(method: ReadMethod): void {
    const i = this.readFaults.findIndex((f) => f.method === method);
    if (i < 0) return;
    if (--this.readFaults[i]!.times <= 0) this.readFaults.splice(i, 1);
    throw new RegistryError(`${method} failed: ECONNRESET: other side closed`);
  }

  private model(name: string): MemoryModel {
    const m = this.models.get(name);
    if (!m) throw error(404, 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
    return m;
  }

  private versionOf(name: string, version: string): MemoryVersion {
    const v = this.model(name).versions[version];
    if (!v) throw error(404, 'RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`);
    return v;
  }

  private version(name: string, m: MemoryModel, version: string): ModelVersion {
    const v = m.versions[version]!;
    return {
      name,
      version,
      stage: v.stage,
      status: v.status ?? 'READY',
      ...(v.runId ? { runId: v.runId } : {}),
      ...(v.source ? { source: v.source } : {}),
      tags: { ...v.tags },
      aliases: Object.entries(m.aliases)
        .filter(([, held]) => held === version)
        .map(([a]) => a),
    };
  }
}

function error(status: number, code: string, message: string): RegistryError {
  return new RegistryError(`answered ${status}: ${code}: ${message}`, status, code);
}

/**
 * The state of `models` as read through any Registry: what the differential test compares. A
 * version's aliases are read with getModelVersion (MLflow 3's search answers none; the model's
 * alias map is what the protocol reads).
 */
export async function stateOf(registry: Registry, models: string[]): Promise<Record<string, MemoryModel | null>> {
  const out: Record<string, MemoryModel | null> = {};
  for (const name of models) {
    const m = await registry.getRegisteredModel(name);
    if (!m) {
      out[name] = null;
      continue;
    }
    const versions = await registry.searchModelVersions(name);
    const got = await Promise.all(versions.map((v) => registry.getModelVersion(name, v.version)));
    out[name] = {
      tags: m.tags,
      aliases: m.aliases,
      versions: Object.fromEntries(
        versions.map((v, i) => [
          v.version,
          { stage: v.stage, status: v.status, tags: v.tags, aliases: [...(got[i]?.aliases ?? [])].sort() },
        ]),
      ),
    } as MemoryModel;
  }
  return out;
}
