/**
 * One gate run: load the policy, read the registry, decide, write, read back.
 * It takes its registry and its logger as arguments (as actions/cache's
 * restoreImpl takes its state provider), so the Action, the CLI and the tests
 * share this one implementation.
 */
import { copyOf, decide, type Decision, type GateDecision, type Mode } from './core/decide.js';
import { GateError, InputError } from './core/errors.js';
import { evaluateMetrics, type Baseline, type MetricInventory, type Observations } from './core/evaluate.js';
import { summarizeHistory, type HistorySummary } from './core/history-summary.js';
import { historiesNeeded, inventory, observe } from './core/observe.js';
import { cachedHistory, rebuildHistory, type HistoryEntry } from './core/history.js';
import type { LedgerContext } from './core/ledger.js';
import { planRollback, type RollbackTarget } from './core/rollback.js';
import type { Provenance } from './core/eligibility.js';
import {
  fingerprint,
  stateChanges,
  planDifferences,
  plannedOperations,
  type PlanFile,
  type RegistryFingerprint,
} from './core/plan-file.js';
import type { Policy, PolicyFile, PolicySource } from './core/policy.js';
import { sourceCommitOf } from './core/tags.js';
import { describeTarget, targetKey } from './core/target.js';
import {
  readModel,
  type ModelState,
  modelUri,
  type ModelVersion,
  type Registry,
  type RegistryOp,
  type RunData,
} from './core/registry-model.js';
import { buildReport, lineageOf, type Report } from './core/report.js';
import { currentHolder, stageHolders } from './core/holders.js';
import { selectVersion, type VersionSelector } from './core/selector.js';
import { writeAndVerify } from './registry-writes.js';

export interface GateRequest {
  /** The model named by the input, if any; the policy's `model` otherwise. */
  model?: string;
  /** The candidate (in rollback: the version to restore; `latest`, the ledger's previous holder). */
  version: VersionSelector;
  /** The named gate of the policy to apply, if it defines several. */
  gate?: string;
  /** How long to wait for a PENDING_REGISTRATION candidate to become READY. */
  pendingTimeoutMs?: number;
  /** Who and where, for the ledger (the workflow run); the time defaults to now. */
  context?: LedgerContext;
  /** Promote only if this version (or `none`) holds the target now. */
  expectedHolder?: string;
  /** Let a stage target move a version down (Production → Staging): the input allow-demotion. */
  allowDemotion?: boolean;
  /** The model and its versions as the caller has just read them (a scheduled run): not fetched again. */
  prefetched?: ModelState & { model: string };
  /** Apply: the plan file made by mode plan. */
  planFile?: PlanFile;
  /** Rollback: the target (else the policy's), why, and whether to skip the safety checks. */
  rollback?: { target?: RollbackTarget; reason: string; force: boolean };
  mode: Mode;
  /** The policy, loaded once however many gates use it (a scheduled run hands every model the same one). */
  policy: PolicySource;
}

export const DEFAULT_PENDING_TIMEOUT_MS = 120_000;
const PENDING_POLL_MS = 2_000;

export interface GateOutcome {
  report: Report;
  /** Mode plan: the plan file to write. */
  planFile?: PlanFile;
  /** The rules applied (absent for a rollback by target alone). */
  policy?: Policy;
  result: GateDecision;
}

export interface GateDeps {
  /** Absent only in lint mode without a tracking server: the policy file alone is checked. */
  registry?: Registry;
  /** Answers whether a commit is reachable from the repository's default branch (candidate.source_commit). */
  isOnDefaultBranch?: (sha: string) => Promise<{ onDefaultBranch: boolean; defaultBranch: string }>;
  log: (message: string) => void;
}

export async function runGate(req: GateRequest, deps: GateDeps): Promise<GateOutcome> {
  if (req.mode === 'lint') return runLint(req, deps);
  if (req.mode === 'rollback') return runRollback(req, deps);
  if (req.mode === 'history') throw new InputError('mode "history" reads the ledger: use readHistory');
  if (req.mode === 'audit')
    throw new InputError('mode "audit" checks the holders of many models: use runScheduled (the input "models")');
  const { registry, log } = deps;
  if (!registry)
    throw new InputError('a tracking server is needed: set the input "tracking-uri" or MLFLOW_TRACKING_URI');
  // Every check on the inputs and the policy happens before the first request.
  const file = req.policy.load();
  const model = resolveModel(req.model, file.model, req.policy.file, file.modelPatterns.length > 0);
  const policy = file.resolve(model, req.gate);
  if (policy.target.model && !registry.supportsStages) {
    throw new InputError(
      `promotion by copy (target.model in ${req.policy.file}) is not supported on a Unity Catalog registry yet: Unity Catalog copies need its storage credentials flow`,
    );
  }
  if (policy.target.alias && !registry.supportsAliases) {
    throw new InputError(
      `the registry at ${registry.url} (Databricks' workspace registry) has stages only, but the policy ${req.policy.file} moves alias @${policy.target.alias}: aliases need Unity Catalog (registry-uri databricks-uc), or set target.stage and no target.alias`,
    );
  }
  if (policy.target.stage && !registry.supportsStages) {
    throw new InputError(
      `the registry at ${registry.url} (Unity Catalog) has aliases only, but the policy ${req.policy.file} promotes to stage ${policy.target.stage}${policy.target.alias ? ' as well' : ''}: set target.alias (e.g. champion) and no target.stage`,
    );
  }

  // Round trip 1: the model (with its aliases) and every version (stages are not searchable, so we
  // filter); for promotion by copy, the destination model and its versions as well.
  const destName = policy.target.model && policy.target.model !== model ? policy.target.model : undefined;
  const [{ registered, versions }, destRegistered, destVersions] = await Promise.all([
    req.prefetched && req.prefetched.model === model ? req.prefetched : readModel(registry, model),
    destName ? registry.getRegisteredModel(destName) : null,
    destName ? registry.searchModelVersions(destName) : [],
  ]);
  let candidate = selectVersion(model, req.version, versions, registered.aliases);
  if (candidate.status === 'PENDING_REGISTRATION')
    candidate = await waitForRegistration(registry, candidate, req.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS, log);
  log(
    `Candidate: ${model} version ${candidate.version} (stage ${candidate.stage}, status ${candidate.status}, run ${candidate.runId ?? 'none'})`,
  );
  // The target lives in the destination model when promoting by copy.
  const targetVersions = destName ? destVersions : versions;
  const targetAliases = destName ? (destRegistered?.aliases ?? {}) : registered.aliases;
  const destination = destName
    ? { model: destName, exists: destRegistered !== null, ...copyOf(destVersions, modelUri(model, candidate.version)) }
    : undefined;
  const holders = stageHolders(policy.target, targetVersions);
  const except = destination ? destination.copy?.version : candidate.version;
  const baselineHolder = policy.metrics.some((r) => r.compare)
    ? currentHolder(policy.target, targetVersions, targetAliases, except)
    : undefined;

  // Round trip 2, all at once: the candidate's run, the holder's run, and any metric histories.
  const [cand, base] = await Promise.all([
    readRun(registry, policy, candidate),
    baselineHolder ? readRun(registry, policy, baselineHolder) : undefined,
  ]);
  const baseline: Baseline | undefined =
    baselineHolder && base
      ? {
          version: baselineHolder.version,
          metrics: base.observed,
          ...(base.inventory ? { inventory: base.inventory } : {}),
        }
      : undefined;
  const provenance = policy.candidate.sourceCommit
    ? await checkProvenance(sourceCommitOf(cand.run), deps.isOnDefaultBranch)
    : undefined;
  const result = decide({
    policy,
    model,
    mode: req.mode,
    candidate,
    holders,
    modelAliases: targetAliases,
    run: cand.run,
    observed: cand.observed,
    ...(cand.inventory ? { inventory: cand.inventory } : {}),
    ...(baseline ? { baseline } : {}),
    ...(destination ? { destination } : {}),
    context: req.context ?? { now: new Date().toISOString() },
    history: cachedHistory(destName ? destRegistered?.tags : registered.tags),
    versions,
    ...(req.allowDemotion ? { allowDemotion: true } : {}),
    ...(provenance ? { provenance } : {}),
  });
  if (candidate.runId && !cand.run)
    result.reasons.push(`run ${candidate.runId} of version ${candidate.version} was not found`);

  const planned: Omit<PlanFile, 'format'> = {
    model,
    version: candidate.version,
    decision: result.decision === 'promoted' ? 'passed' : result.decision,
    operations: plannedOperations(result.plan),
    state: fingerprint(
      candidate,
      holders,
      policy.target.alias ? targetAliases[policy.target.alias] : undefined,
      targetKey(policy.target),
    ),
  };
  if (req.mode === 'apply') {
    if (!req.planFile) throw new InputError('mode "apply" needs the input "plan" (the file mode "plan" wrote)');
    const differences = planDifferences(req.planFile, planned);
    if (differences.length > 0)
      throw new GateError(
        'conflict',
        `refusing to apply the plan: ${differences.join('; ')}. Nothing was written; make a new plan.`,
      );
  }
  let decision: Decision = result.decision;
  let applied: RegistryOp[] = [];
  // already-promoted writes only what completes the ledger record of an earlier run that stopped half way.
  const writes =
    (req.mode === 'promote' || req.mode === 'apply') &&
    (decision === 'promoted' || decision === 'rejected' || decision === 'already-promoted') &&
    result.plan.length > 0;
  if (req.expectedHolder !== undefined && (req.mode === 'promote' || req.mode === 'apply')) {
    const holderNow = currentHolder(policy.target, targetVersions, targetAliases)?.version;
    if ((holderNow ?? 'none') !== req.expectedHolder) {
      throw new GateError(
        'conflict',
        `expected-holder is ${req.expectedHolder}, but ${holderNow ? `v${holderNow}` : 'nothing'} holds ${describeTarget(policy.target)}; nothing was written`,
      );
    }
  }
  if (writes) {
    await recheck(registry, model, candidate, destination?.model ?? model, policy, planned.state);
    const written = await writeAndVerify(registry, decision, result.plan, log, req.context?.clock);
    ({ decision, applied } = written);
    result.reasons.unshift(...written.reasons);
  }

  const report = buildReport({
    mode: req.mode,
    model,
    version: candidate.version,
    target: policy.target,
    policyFile: req.policy.file,
    result,
    decision,
    applied,
    ...(cand.run ? { run: { id: cand.run.runId, status: cand.run.status } } : {}),
    ...(cand.run ? { lineage: lineageOf(registry.url, model, candidate.version, cand.run)! } : {}),
  });
  return {
    report,
    policy,
    result,
    ...(req.mode === 'plan' ? { planFile: { format: 'mlflow-promotion-gate/plan@1', ...planned } } : {}),
  };
}

/**
 * Rollback: the version that held the target before the current one (from the ledger), or the
 * one asked for, goes back; the current one is withdrawn and marked. Works without a policy
 * file when the target is given.
 */
async function runRollback(req: GateRequest, { registry, log }: GateDeps): Promise<GateOutcome> {
  if (!registry)
    throw new InputError('a tracking server is needed: set the input "tracking-uri" or MLFLOW_TRACKING_URI');
  const rb = req.rollback ?? { reason: '', force: false };
  const file = req.policy.text ? req.policy.load() : undefined;
  const model = req.model || file?.model;
  if (!model) throw new InputError('rollback needs the model: set the input "model"');
  const policy = rb.target ? undefined : file?.resolve(model, req.gate);
  // The policy's previous_alias serves where the records do not name one (the single-record layout).
  const fromPolicy = policy ?? (file ? tryResolve(file, model, req.gate) : undefined);
  const target =
    rb.target ??
    (policy
      ? {
          ...(policy.target.stage ? { stage: policy.target.stage } : {}),
          ...(policy.target.alias ? { alias: policy.target.alias } : {}),
        }
      : undefined);
  if (!target)
    throw new InputError(
      'rollback needs the target: set the input "target" (e.g. stage:Production or alias:champion), or give the policy file',
    );
  if (!rb.reason.trim())
    throw new InputError('rollback needs a reason: set the input "reason" (it is recorded in the ledger)');
  if (target.stage && !registry.supportsStages)
    throw new InputError(`the registry at ${registry.url} has aliases only: roll back an alias`);
  if (target.alias && !registry.supportsAliases)
    throw new InputError(
      `the registry at ${registry.url} (Databricks' workspace registry) has stages only: roll back a stage`,
    );

  const { registered, versions } = await readModel(registry, model);
  let planned;
  try {
    planned = planRollback({
      model,
      target,
      versions,
      aliases: registered.aliases,
      history: rebuildHistory(versions, cachedHistory(registered.tags)),
      // The version to restore: a number as given (the plan says if it is gone), another selector resolved.
      ...(req.version.kind === 'number'
        ? { requested: req.version.version }
        : req.version.kind !== 'latest'
          ? { requested: selectVersion(model, req.version, versions, registered.aliases).version }
          : {}),
      reason: rb.reason.trim(),
      force: rb.force,
      ...(fromPolicy?.target.alias === target.alias && fromPolicy?.target.previousAlias
        ? { previousAlias: fromPolicy.target.previousAlias }
        : {}),
      context: req.context ?? { now: new Date().toISOString() },
    });
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  log(planned.reasons[0]!);
  const result: GateDecision = {
    decision: 'rolled-back',
    evaluation: { passed: true, checks: [], failed: [] },
    previousVersions: planned.current ? [planned.current.version] : [],
    plan: planned.plan,
    reasons: planned.reasons,
  };
  const { decision, applied, reasons } = await writeAndVerify(
    registry,
    'rolled-back',
    planned.plan,
    log,
    req.context?.clock,
  );
  result.reasons.unshift(...reasons);
  const report = buildReport({
    mode: 'rollback',
    model,
    version: planned.restore.version,
    target,
    policyFile: req.policy.file,
    result,
    decision,
    applied,
  });
  return { report, ...(policy ? { policy } : {}), result };
}

/**
 * Lint: the policy file is valid (every problem at once) and, given a server,
 * how the version that holds the target now fares under it: what a pull
 * request that changes the policy would change. Writes nothing.
 */
async function runLint(req: GateRequest, { registry, log }: GateDeps): Promise<GateOutcome> {
  const file = req.policy.load();
  const gates = req.gate ? [req.gate] : file.gates.length > 0 ? file.gates : [undefined];
  const model = req.model || file.model;
  const policy = file.resolve(model, gates[0]);
  for (const g of gates.slice(1)) file.resolve(model, g); // every gate must resolve
  const summary = `policy ${req.policy.file} is valid: ${policy.metrics.length} metric rule(s) for ${model ? `"${model}"` : 'any model'}${file.gates.length ? `, gates ${file.gates.join(', ')}` : ''}`;
  log(summary);
  const empty: Decision = 'passed';
  const lintResult = (version: string, result: GateDecision) =>
    ({
      report: buildReport({
        mode: 'lint',
        model: model ?? '',
        version,
        target: policy.target,
        policyFile: req.policy.file,
        result,
        decision: result.decision,
        applied: [],
      }),
      policy,
      result,
    }) satisfies GateOutcome;
  const nothing = (reason: string): GateOutcome =>
    lintResult('', {
      decision: empty,
      evaluation: { passed: true, checks: [], failed: [] },
      previousVersions: [],
      plan: [],
      reasons: [summary, reason],
    });

  if (!registry || !model)
    return nothing(
      registry ? 'no model named, so no holder was evaluated' : 'no tracking server given, so no holder was evaluated',
    );
  const { registered, versions } = await readModel(registry, model);
  const where = describeTarget(policy.target);
  const holder = currentHolder(policy.target, versions, registered.aliases);
  if (!holder) return nothing(`no version of "${model}" holds ${where}, so none was evaluated`);
  const { run, observed, inventory: has } = await readRun(registry, policy, holder);
  const evaluation = evaluateMetrics(policy.metrics, observed, undefined, has);
  const verdict = evaluation.passed
    ? `the holder v${holder.version} of ${where} passes this policy`
    : `the holder v${holder.version} of ${where} would NOT pass this policy`;
  return lintResult(holder.version, {
    decision: evaluation.passed ? 'passed' : 'rejected',
    evaluation,
    previousVersions: [],
    plan: [],
    reasons: [
      summary,
      verdict,
      ...evaluation.failed.map((c) => c.message),
      ...(run ? [] : [`v${holder.version} has no readable run`]),
    ],
  });
}

/** The policy for `model`, or none when it does not resolve (rollback by target needs no policy). */
function tryResolve(file: PolicyFile, model: string, gate?: string): Policy | undefined {
  try {
    return file.resolve(model, gate);
  } catch {
    return undefined;
  }
}

function resolveModel(
  input: string | undefined,
  fromPolicy: string | undefined,
  file: string,
  hasModelMap: boolean,
): string {
  if (input && fromPolicy && input !== fromPolicy) {
    throw new InputError(
      `input "model" is "${input}" but the policy ${file} is for "${fromPolicy}"; remove one or make them agree`,
    );
  }
  const model = input || fromPolicy;
  if (!model)
    throw new InputError(
      `no model named: set the input "model"${hasModelMap ? ' (the policy has rules for several models)' : ` or the key "model" in ${file}`}`,
    );
  return model;
}

/** A version's run and its metrics as the rules read them (with histories where a rule aggregates). */
async function readRun(
  registry: Registry,
  policy: Policy,
  version: ModelVersion,
): Promise<{ run: RunData | undefined; observed: Observations; inventory?: MetricInventory }> {
  if (!version.runId) return { run: undefined, observed: new Map() };
  const runId = version.runId;
  const keys = historiesNeeded(policy.metrics);
  const [run, loggedMetrics, ...histories] = await Promise.all([
    registry.getRun(runId),
    version.modelId ? registry.getLoggedModelMetrics(version.modelId) : null,
    ...keys.map((k) => summarizeHistory(registry.metricHistoryPages(runId, k))),
  ]);
  if (!run) return { run: undefined, observed: new Map() };
  const byKey = new Map<string, HistorySummary>(keys.map((k, i) => [k, histories[i]!]));
  const loggedModel =
    version.modelId && loggedMetrics ? { modelId: version.modelId, metrics: loggedMetrics } : undefined;
  return { run, observed: observe(policy.metrics, run, byKey, loggedModel), inventory: inventory(run, loggedModel) };
}

/** MLflow creates versions asynchronously on some registries: wait, bounded, for PENDING_REGISTRATION to end. */
async function waitForRegistration(
  registry: Registry,
  version: ModelVersion,
  timeoutMs: number,
  log: (m: string) => void,
): Promise<ModelVersion> {
  const deadline = Date.now() + timeoutMs;
  let current = version;
  log(
    `Version ${version.version} is PENDING_REGISTRATION; waiting up to ${Math.round(timeoutMs / 1000)} s for it to be READY`,
  );
  while (current.status === 'PENDING_REGISTRATION') {
    if (Date.now() >= deadline) {
      throw new GateError(
        'registry',
        `version ${version.version} of "${version.name}" was still PENDING_REGISTRATION after ${Math.round(timeoutMs / 1000)} s; run the gate again once it is READY`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(PENDING_POLL_MS, Math.max(0, deadline - Date.now()))));
    const next = await registry.getModelVersion(version.name, version.version);
    if (!next)
      throw new InputError(`version ${version.version} of "${version.name}" disappeared while it was being registered`);
    current = next;
  }
  return current;
}

async function checkProvenance(commit: string | undefined, ask: GateDeps['isOnDefaultBranch']): Promise<Provenance> {
  if (!commit) return {};
  if (!ask) return { commit, why: 'no github-token to ask the GitHub API with' };
  try {
    return { commit, ...(await ask(commit)) };
  } catch (err) {
    return { commit, why: (err as Error).message };
  }
}

/**
 * Just before writing: read the candidate and the target's holders again; if either changed
 * since the evaluation, stop with a conflict (MLflow has no compare-and-swap: a concurrency
 * group per model is still required; this narrows the window and reports a race it sees).
 */
async function recheck(
  registry: Registry,
  model: string,
  candidate: ModelVersion,
  targetModel: string,
  policy: Policy,
  before: RegistryFingerprint,
): Promise<void> {
  const [now, targetVersions, targetModelNow] = await Promise.all([
    registry.getModelVersion(model, candidate.version),
    policy.target.stage ? registry.searchModelVersions(targetModel) : Promise.resolve([]),
    policy.target.alias ? registry.getRegisteredModel(targetModel) : Promise.resolve(null),
  ]);
  if (!now)
    throw new GateError(
      'conflict',
      `version ${candidate.version} of "${model}" disappeared before the gate could write; nothing was written`,
    );
  const after = fingerprint(
    now,
    stageHolders(policy.target, targetVersions),
    policy.target.alias ? targetModelNow?.aliases[policy.target.alias] : undefined,
  );
  const changed = stateChanges(before, after, policy.target);
  if (changed.length > 0)
    throw new GateError(
      'conflict',
      `the registry changed while the gate was deciding: ${changed.join('; ')}. Nothing was written; run the gate again.`,
    );
}

/** `mode: history`: the model's history, newest first, rebuilt from its versions' records (one search). */
export async function readHistory(registry: Registry, model: string): Promise<HistoryEntry[]> {
  const { registered, versions } = await readModel(registry, model);
  return rebuildHistory(versions, cachedHistory(registered.tags));
}
