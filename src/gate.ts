/**
 * One gate run: load the policy, read the registry, decide, write, read back.
 * It takes its registry and its logger as arguments (as actions/cache's
 * restoreImpl takes its state provider), so the Action, the CLI and the tests
 * share this one implementation.
 */
import { decide, TAGS, type Decision, type GateDecision, type Mode } from './core/decide.js';
import { GateError, InputError, type ErrorKind } from './core/errors.js';
import { evaluateMetrics, type Baseline, type Observations } from './core/evaluate.js';
import { historiesNeeded, observe } from './core/observe.js';
import {
  appendHistory,
  LEDGER,
  parseHistory,
  supersededRecord,
  type HistoryEntry,
  type LedgerContext,
} from './core/ledger.js';
import { planRollback, type RollbackTarget } from './core/rollback.js';
import type { Provenance } from './core/eligibility.js';
import {
  fingerprint,
  planDifferences,
  plannedOperations,
  type PlanFile,
  type RegistryFingerprint,
} from './core/plan-file.js';
import { describeTarget, loadPolicyFile, type Policy } from './core/policy.js';
import {
  byVersionNumber,
  describeOp,
  modelUri,
  NEW_COPY,
  type MetricPoint,
  type ModelVersion,
  type Registry,
  type RegistryOp,
  type RunData,
} from './core/registry-model.js';
import { buildReport, lineageOf, type Report } from './core/report.js';
import { currentHolder, stageHolders } from './core/holders.js';
import { selectVersion, type VersionSelector } from './core/selector.js';

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
  /** The model and its versions as the caller has just read them (a scheduled run): not fetched again. */
  prefetched?: {
    model: string;
    registered: Awaited<ReturnType<Registry['getRegisteredModel']>>;
    versions: ModelVersion[];
  };
  /** Apply: the plan file made by mode plan. */
  planFile?: PlanFile;
  /** Rollback: the target (else the policy's), why, and whether to skip the safety checks. */
  rollback?: { target?: RollbackTarget; reason: string; force: boolean };
  mode: Mode;
  policyFile: string;
  policyText: string;
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
  const file = loadPolicyFile(req.policyText, req.policyFile);
  const model = resolveModel(req.model, file.model, req.policyFile, file.modelPatterns.length > 0);
  const policy = file.resolve(model, req.gate);
  if (policy.target.model && !registry.supportsStages) {
    throw new InputError(
      `promotion by copy (target.model in ${req.policyFile}) is not supported on a Unity Catalog registry yet: Unity Catalog copies need its storage credentials flow`,
    );
  }
  if (policy.target.stage && !registry.supportsStages) {
    throw new InputError(
      `the registry at ${registry.url} (Unity Catalog) has aliases only, but the policy ${req.policyFile} promotes to stage ${policy.target.stage}${policy.target.alias ? ' as well' : ''}: set target.alias (e.g. champion) and no target.stage`,
    );
  }

  // Round trip 1: the model (with its aliases) and every version (stages are not searchable, so we
  // filter); for promotion by copy, the destination model and its versions as well.
  const destName = policy.target.model && policy.target.model !== model ? policy.target.model : undefined;
  const [registered, versions, destRegistered, destVersions] = await Promise.all([
    req.prefetched && req.prefetched.model === model ? req.prefetched.registered : registry.getRegisteredModel(model),
    req.prefetched && req.prefetched.model === model ? req.prefetched.versions : registry.searchModelVersions(model),
    destName ? registry.getRegisteredModel(destName) : null,
    destName ? registry.searchModelVersions(destName) : [],
  ]);
  if (!registered) throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}`);
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
    baselineHolder && base ? { version: baselineHolder.version, metrics: base.observed } : undefined;
  const provenance = policy.candidate.sourceCommit
    ? await checkProvenance(cand.run?.tags['mlflow.source.git.commit'], deps.isOnDefaultBranch)
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
    ...(baseline ? { baseline } : {}),
    ...(destination ? { destination } : {}),
    context: req.context ?? { now: new Date().toISOString() },
    history: parseHistory((destName ? destRegistered?.tags : registered.tags)?.[LEDGER.history]),
    ...(provenance ? { provenance } : {}),
  });
  if (candidate.runId && !cand.run)
    result.reasons.push(`run ${candidate.runId} of version ${candidate.version} was not found`);

  const planned: Omit<PlanFile, 'format'> = {
    model,
    version: candidate.version,
    decision: result.decision === 'promoted' ? 'passed' : result.decision,
    operations: plannedOperations(result.plan),
    state: fingerprint(candidate, holders, policy.target.alias ? targetAliases[policy.target.alias] : undefined),
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
    const written = await writeAndVerify(registry, decision, result.plan, log);
    ({ decision, applied } = written);
    result.reasons.unshift(...written.reasons);
  }

  const report = buildReport({
    mode: req.mode,
    model,
    version: candidate.version,
    target: policy.target,
    policyFile: req.policyFile,
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
  const file = req.policyText ? loadPolicyFile(req.policyText, req.policyFile) : undefined;
  const model = req.model || file?.model;
  if (!model) throw new InputError('rollback needs the model: set the input "model"');
  const policy = rb.target ? undefined : file?.resolve(model, req.gate);
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

  const [registered, versions] = await Promise.all([
    registry.getRegisteredModel(model),
    registry.searchModelVersions(model),
  ]);
  if (!registered) throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}`);
  let planned;
  try {
    planned = planRollback({
      model,
      target,
      versions,
      aliases: registered.aliases,
      history: parseHistory(registered.tags[LEDGER.history]),
      // The version to restore: a number as given (the plan says if it is gone), another selector resolved.
      ...(req.version.kind === 'number'
        ? { requested: req.version.version }
        : req.version.kind !== 'latest'
          ? { requested: selectVersion(model, req.version, versions, registered.aliases).version }
          : {}),
      reason: rb.reason.trim(),
      force: rb.force,
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
  const { decision, applied, reasons } = await writeAndVerify(registry, 'rolled-back', planned.plan, log);
  result.reasons.unshift(...reasons);
  const report = buildReport({
    mode: 'rollback',
    model,
    version: planned.restore.version,
    target,
    policyFile: req.policyFile,
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
  const file = loadPolicyFile(req.policyText, req.policyFile);
  const gates = req.gate ? [req.gate] : file.gates.length > 0 ? file.gates : [undefined];
  const model = req.model || file.model;
  const policy = file.resolve(model, gates[0]);
  for (const g of gates.slice(1)) file.resolve(model, g); // every gate must resolve
  const summary = `policy ${req.policyFile} is valid: ${policy.metrics.length} metric rule(s) for ${model ? `"${model}"` : 'any model'}${file.gates.length ? `, gates ${file.gates.join(', ')}` : ''}`;
  log(summary);
  const empty: Decision = 'passed';
  const lintResult = (version: string, result: GateDecision) =>
    ({
      report: buildReport({
        mode: 'lint',
        model: model ?? '',
        version,
        target: policy.target,
        policyFile: req.policyFile,
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
  const [registered, versions] = await Promise.all([
    registry.getRegisteredModel(model),
    registry.searchModelVersions(model),
  ]);
  if (!registered) throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}`);
  const where = describeTarget(policy.target);
  const holder = currentHolder(policy.target, versions, registered.aliases);
  if (!holder) return nothing(`no version of "${model}" holds ${where}, so none was evaluated`);
  const { run, observed } = await readRun(registry, policy, holder);
  const evaluation = evaluateMetrics(policy.metrics, observed);
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
): Promise<{ run: RunData | undefined; observed: Observations }> {
  if (!version.runId) return { run: undefined, observed: new Map() };
  const runId = version.runId;
  const keys = historiesNeeded(policy.metrics);
  const [run, loggedMetrics, ...histories] = await Promise.all([
    registry.getRun(runId),
    version.modelId ? registry.getLoggedModelMetrics(version.modelId) : null,
    ...keys.map((k) => registry.getMetricHistory(runId, k)),
  ]);
  if (!run) return { run: undefined, observed: new Map() };
  const byKey = new Map<string, MetricPoint[]>(keys.map((k, i) => [k, histories[i] ?? []]));
  const loggedModel =
    version.modelId && loggedMetrics ? { modelId: version.modelId, metrics: loggedMetrics } : undefined;
  return { run, observed: observe(policy.metrics, run, byKey, loggedModel) };
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
  const changed: string[] = [];
  if (after.candidateStage !== before.candidateStage)
    changed.push(`the candidate moved from ${before.candidateStage} to ${after.candidateStage}`);
  if (JSON.stringify(after.holders) !== JSON.stringify(before.holders) || after.aliasHolder !== before.aliasHolder) {
    changed.push(
      `the holder of ${describeTarget(policy.target)} changed (was ${[...before.holders, before.aliasHolder].filter(Boolean).join(', ') || 'none'}, now ${[...after.holders, after.aliasHolder].filter(Boolean).join(', ') || 'none'})`,
    );
  }
  if (changed.length > 0)
    throw new GateError(
      'conflict',
      `the registry changed while the gate was deciding: ${changed.join('; ')}. Nothing was written; run the gate again.`,
    );
}

/** The copy of `source` in the destination model made by an earlier run (by its ledger tag, or its source URI). */
function copyOf(destVersions: ModelVersion[], source: string): { copy?: ModelVersion } {
  const copy = destVersions
    .filter((v) => v.tags[TAGS.copiedFrom] === source || v.source === source)
    .sort(byVersionNumber)
    .at(-1);
  return copy ? { copy } : {};
}

/**
 * The writes, in phases, each one round trip (MLflow has no batch call, so a phase's writes go
 * together): the evidence tags (validation, checks); the structural writes (creating a model,
 * copying the version, the previous alias, then the alias and the stage together); last the
 * ledger record of what was done, together with the read-back of everything before it.
 * If a run dies between phases, the version carries its verdict but keeps its place, or has
 * moved without its record; a rerun finds what is in place (the copy by its tag) and makes
 * only what is missing. A write that fails is read back at once: if it landed all the same
 * (a lost answer), the run goes on. Never throws: returns the writes made (the new copy's
 * number in place of NEW_COPY, in plan order), the read-back of all but the record, and the
 * first failure, for the caller to read back.
 */
async function applyPlan(
  registry: Registry,
  plan: RegistryOp[],
  log: (m: string) => void,
): Promise<{
  done: RegistryOp[];
  attempted: RegistryOp[];
  back?: Awaited<ReturnType<typeof readBack>>;
  failure?: unknown;
}> {
  const isEvidence = (op: RegistryOp) => (op.kind === 'set-tag' && !op.record) || op.kind === 'delete-tag';
  const isRecord = (op: RegistryOp) => (op.kind === 'set-tag' && op.record === true) || op.kind === 'set-model-tag';
  const done: Array<{ index: number; op: RegistryOp }> = [];
  let copy: string | undefined;
  const resolved = (planned: RegistryOp) =>
    copy && 'version' in planned && planned.version === NEW_COPY ? { ...planned, version: copy } : planned;
  const inPlanOrder = () => [...done].sort((a, b) => a.index - b.index).map((d) => d.op);
  const write = async (planned: RegistryOp) => {
    const op = resolved(planned);
    let version: string | undefined;
    try {
      if (op.kind === 'set-model-tag' && op.key === LEDGER.history) await writeHistory(registry, op, log);
      else ({ version } = await registry.apply(op));
    } catch (err) {
      // An ambiguous failure (a reset, a timeout, a repeat that raced its first attempt): read
      // the write back; if it is in place, go on. A copy's number is unknown, so it cannot be.
      if (op.kind === 'copy-version') throw err;
      const check = await readBack(registry, [op])
        .then((r) => r.checks[0])
        .catch(() => undefined);
      if (!check || check.problem) throw err;
      log(`The answer to "${describeOp(op)}" was lost (${messageOf(err)}), but the registry shows it in place`);
    }
    if (op.kind === 'copy-version') copy = version;
    done.push({ index: plan.indexOf(planned), op });
    log(`Wrote: ${describeOp(op)}${op.kind === 'copy-version' && version ? ` (v${version})` : ''}`);
  };
  const together = async (ops: RegistryOp[]) => {
    const results = await Promise.allSettled(ops.map(write));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  let failure: unknown;
  let back: Awaited<ReturnType<typeof readBack>> | undefined;
  try {
    await together(plan.filter(isEvidence));
    for (const phase of structuralPhases(plan.filter((o) => !isEvidence(o) && !isRecord(o)))) await together(phase);
    [, back] = await Promise.all([together(plan.filter(isRecord)), readBack(registry, inPlanOrder())]);
  } catch (err) {
    failure = err;
  }
  // What may have landed: every planned write whose version is known (a copy never answered has none).
  const attempted = plan.map(resolved).filter((op) => !('version' in op) || op.version !== NEW_COPY);
  return { done: inPlanOrder(), attempted, ...(back ? { back } : {}), ...(failure !== undefined ? { failure } : {}) };
}

/**
 * The model's history tag: one value that every run rewrites from what it read, so racing runs
 * can clash (MLflow's tag upsert is not atomic: a concurrent first write answers 400). On a
 * failure it is read again, this run's entry is put first on what is there now, and written
 * once more; if that fails too, the run goes on with a warning: the versions' own ledger tags
 * are the record, the history only sums them up.
 */
async function writeHistory(
  registry: Registry,
  op: Extract<RegistryOp, { kind: 'set-model-tag' }>,
  log: (m: string) => void,
): Promise<void> {
  try {
    await registry.apply(op);
  } catch (err) {
    const entry = parseHistory(op.value)[0];
    try {
      const now = parseHistory((await registry.getRegisteredModel(op.model))?.tags[LEDGER.history]);
      const merged =
        entry && !now.some((h) => h.version === entry.version && h.at === entry.at && h.decision === entry.decision)
          ? appendHistory(now, entry)
          : undefined;
      if (merged) await registry.apply({ ...op, value: merged });
      log(`The history of ${op.model} was written again, onto what another run wrote (${messageOf(err)})`);
    } catch (again) {
      log(
        `Warning: the history tag of ${op.model} was not updated (${messageOf(again)}); the versions' ledger tags record the decision`,
      );
    }
  }
}

/**
 * The structural writes in round trips: each alone, but for the moves of one version (its
 * alias and its stage), which go together. The previous alias is for the old holder, so it
 * goes first: the old holder is never without a handle.
 */
function structuralPhases(ops: RegistryOp[]): RegistryOp[][] {
  const phases: RegistryOp[][] = [];
  for (const op of ops) {
    const last = phases.at(-1)?.[0];
    const isMove = (o: RegistryOp) => o.kind === 'set-alias' || o.kind === 'transition-stage';
    if (last && isMove(op) && isMove(last) && 'version' in last && last.version === op.version) phases.at(-1)!.push(op);
    else phases.push([op]);
  }
  return phases;
}

/** One planned write as the registry shows it afterwards: in effect, or what is there instead. */
interface ReadBack {
  op: RegistryOp;
  /** Set when the registry does not show the write. */
  problem?: string;
  /** For a move to a stage or alias that did not stick: the version that holds it now (another run's). */
  holderNow?: string;
  /** Not checked (the history tag): neither a problem nor evidence that anything landed. */
  unchecked?: true;
}

/**
 * Writes the plan, then reads back every version and model written: the decision reported is
 * what the registry holds, not what was asked. After a failed write (an error, a reset, a
 * timeout: the write may or may not have landed) it reads back too, and reports what it finds.
 * A move that another run overtook is `superseded`, and the version's ledger says so.
 */
async function writeAndVerify(
  registry: Registry,
  decision: Decision,
  plan: RegistryOp[],
  log: (m: string) => void,
): Promise<{ decision: Decision; applied: RegistryOp[]; reasons: string[] }> {
  const { done, attempted, back: readAlong, failure } = await applyPlan(registry, plan, log);
  let back: Awaited<ReturnType<typeof readBack>>;
  try {
    // After a failure, everything that may have landed is read back now.
    back = failure === undefined && readAlong ? readAlong : await readBack(registry, attempted);
  } catch (err) {
    const why = (err as Error).message;
    if (failure !== undefined) {
      throw new GateError(
        errorKind(failure),
        `${messageOf(failure)}. Reading the registry back failed too (${why}), so whether the other writes landed is unknown. ${alreadyWritten(done)}Running the gate again is safe: it converges.`,
        { wrote: true },
      );
    }
    throw new GateError(
      errorKind(err),
      `every write was answered, but reading them back failed: ${why}. Running the gate again is safe: it converges.`,
      { wrote: true },
    );
  }
  if (failure !== undefined) {
    // No race is settled here: a move that is not in place may simply not have landed.
    const wrong = back.checks.filter((c) => c.problem);
    const landed = back.checks.filter((c) => !c.problem && !c.unchecked).map((c) => c.op);
    if (wrong.length === 0) {
      log(`A write failed (${messageOf(failure)}), but reading the registry back shows every write in place`);
      return { decision, applied: attempted, reasons: [] };
    }
    const inPlace =
      landed.length > 0 ? `in place: ${landed.map(describeOp).join('; ')}` : 'none of the writes is in place';
    throw new GateError(
      errorKind(failure),
      `${messageOf(failure)}. Read back, ${inPlace}; missing: ${wrong.map((c) => c.problem).join('; ')}. Running the gate again is safe: it converges.`,
      {
        wrote: landed.length > 0,
      },
    );
  }
  // Every write was answered: a move that landed, or that another run overtook, is settled against racing runs.
  const move = moveOf(done);
  const moveChecks = back.checks.filter(
    (c) =>
      move &&
      'version' in c.op &&
      c.op.version === move.version &&
      (c.op.kind === 'transition-stage' || c.op.kind === 'set-alias'),
  );
  const moved = moveChecks.length > 0 && moveChecks.every((c) => !c.problem || c.holderNow !== undefined);
  const settled = move && moved ? await settle(registry, move, back.views.get(move.model), log) : undefined;
  const others = back.checks.filter((c) => c.problem && !moveChecks.includes(c));

  if (move && settled && settled.winner !== move.version) {
    // Overtaken: another run's version holds the target. This version's ledger says so.
    const target = [move.stage ? `stage ${move.stage}` : '', move.alias ? `alias @${move.alias}` : '']
      .filter(Boolean)
      .join(' and ');
    if (!settled.winner)
      throw new GateError(
        'conflict',
        `after writing, nothing holds ${target} of ${move.model}: another process is changing it. Running the gate again is safe: it converges.`,
        { wrote: true },
      );
    const record = supersededRecord(move.model, move.version, settled.winner, target);
    const written = await Promise.allSettled(record.map((op) => registry.apply(op)));
    const recorded = record.filter((_, i) => written[i]!.status === 'fulfilled');
    if (recorded.length < record.length)
      log(
        `Could not record the supersession on ${move.model} v${move.version}; the registry still shows it was overtaken`,
      );
    const why = `${move.model} v${move.version} was moved to ${target}, but when read back v${settled.winner} held it: another run promoted it meanwhile (give every run on this model one concurrency group)`;
    log(why);
    return {
      decision: 'superseded',
      applied: [...done, ...settled.writes, ...recorded],
      reasons: [why, ...others.map((c) => c.problem!)],
    };
  }
  if (others.length === 0) return { decision, applied: [...done, ...(settled?.writes ?? [])], reasons: [] };
  throw new GateError(
    'conflict',
    `after writing, the registry does not hold what the gate decided: ${others.map((c) => c.problem).join('; ')}. Another process may be changing it.`,
    { wrote: true },
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorKind(err: unknown): ErrorKind {
  return err instanceof GateError ? err.kind : 'registry';
}

function alreadyWritten(done: RegistryOp[]): string {
  return done.length > 0 ? `Answered: ${done.map(describeOp).join('; ')}. ` : '';
}

/** What the read-back saw of each model written: its versions (all, where a stage moved) and the model itself. */
interface ModelView {
  versions: ModelVersion[];
  registered?: { aliases: Record<string, string>; tags: Record<string, string> } | null;
}

/**
 * Reads back the versions and models the writes touched (all at once: one round trip), and
 * checks each write against them. Where a stage moved, every version of the model is read (one
 * search), so the holders of the stage are known too: racing runs can each land in a stage,
 * since MLflow's archive_existing_versions is no compare-and-swap.
 */
async function readBack(
  registry: Registry,
  ops: RegistryOp[],
): Promise<{ checks: ReadBack[]; views: Map<string, ModelView> }> {
  const searched = [...new Set(ops.flatMap((op) => (op.kind === 'transition-stage' ? [op.model] : [])))];
  const versionKeys = [
    ...new Set(
      ops.flatMap((op) =>
        'version' in op && op.kind !== 'set-alias' && !searched.includes(op.model)
          ? [`${op.model}\u0000${op.version}`]
          : [],
      ),
    ),
  ];
  const modelNames = [
    ...new Set(
      ops.flatMap((op) =>
        op.kind === 'set-alias' || op.kind === 'set-model-tag' || op.kind === 'create-model' ? [op.model] : [],
      ),
    ),
  ];
  const [searches, versions, models] = await Promise.all([
    Promise.all(searched.map((m) => registry.searchModelVersions(m))),
    Promise.all(versionKeys.map((k) => registry.getModelVersion(...(k.split('\u0000') as [string, string])))),
    Promise.all(modelNames.map((m) => registry.getRegisteredModel(m))),
  ]);
  const views = new Map<string, ModelView>();
  const view = (m: string) => views.get(m) ?? views.set(m, { versions: [] }).get(m)!;
  searched.forEach((m, i) => (view(m).versions = searches[i]!));
  versionKeys.forEach((k, i) => {
    const v = versions[i];
    if (v) view(v.name).versions.push(v);
  });
  modelNames.forEach((m, i) => (view(m).registered = models[i] ?? null));
  const versionOf = (model: string, version: string) => views.get(model)?.versions.find((v) => v.version === version);
  const modelOf = (model: string) => views.get(model)?.registered;
  const checks: ReadBack[] = [];
  for (const op of ops) {
    if (op.kind === 'create-model') {
      checks.push(modelOf(op.model) ? { op } : { op, problem: `model ${op.model} does not exist` });
      continue;
    }
    if (op.kind === 'set-alias') {
      const now = modelOf(op.model)?.aliases[op.alias];
      checks.push(
        now === op.version
          ? { op }
          : {
              op,
              problem: `alias @${op.alias} of ${op.model} points at ${now ? `v${now}` : 'nothing'}, not v${op.version}`,
              ...(now ? { holderNow: now } : {}),
            },
      );
      continue;
    }
    if (op.kind === 'set-model-tag') {
      // The history is a summary of the versions' own ledger tags, which racing runs rewrite in
      // turn: it is written best effort (see writeHistory), never a reason to doubt a decision.
      if (op.key === LEDGER.history) checks.push({ op, unchecked: true });
      else
        checks.push(
          modelOf(op.model)?.tags[op.key] === op.value
            ? { op }
            : { op, problem: `tag ${op.key} of the registered model ${op.model} is not as written` },
        );
      continue;
    }
    if (op.kind === 'copy-version') {
      checks.push({ op }); // its number came back with the answer; its tags are checked by their own writes
      continue;
    }
    const after = versionOf(op.model, op.version);
    if (!after) {
      checks.push({ op, problem: `${op.model} v${op.version} disappeared` });
      continue;
    }
    if (op.kind === 'transition-stage') {
      if (after.stage.toLowerCase() === op.stage.toLowerCase()) {
        checks.push({ op });
        continue;
      }
      // Another run's move overtook this one: who holds the stage now?
      const holder = views
        .get(op.model)!
        .versions.filter((v) => v.stage.toLowerCase() === op.stage.toLowerCase())
        .sort(byVersionNumber)
        .at(-1);
      checks.push({
        op,
        problem: `${op.model} v${op.version} is in stage ${after.stage}, not ${op.stage}`,
        ...(holder ? { holderNow: holder.version } : {}),
      });
      continue;
    }
    if (op.kind === 'set-tag')
      checks.push(
        after.tags[op.key] === op.value
          ? { op }
          : {
              op,
              problem: `tag ${op.key} of ${op.model} v${op.version} is ${JSON.stringify(after.tags[op.key] ?? null)}`,
            },
      );
    if (op.kind === 'delete-tag')
      checks.push(
        op.key in after.tags ? { op, problem: `tag ${op.key} of ${op.model} v${op.version} is still set` } : { op },
      );
  }
  return { checks, views };
}

/** The version this plan moves into the target (its stage, its alias), if it moves one. */
function moveOf(
  ops: RegistryOp[],
): { model: string; version: string; stage?: string; archiveExisting?: boolean; alias?: string } | undefined {
  const transition = ops.find(
    (op): op is Extract<RegistryOp, { kind: 'transition-stage' }> =>
      op.kind === 'transition-stage' && op.stage.toLowerCase() !== 'archived',
  );
  const aliasOp = ops.filter((op): op is Extract<RegistryOp, { kind: 'set-alias' }> => op.kind === 'set-alias').at(-1);
  const version = transition?.version ?? aliasOp?.version;
  if (!version || version === NEW_COPY) return undefined;
  const model = transition?.model ?? aliasOp!.model;
  const alias = aliasOp && aliasOp.version === version ? aliasOp.alias : undefined;
  return {
    model,
    version,
    ...(transition ? { stage: transition.stage, archiveExisting: transition.archiveExisting } : {}),
    ...(alias ? { alias } : {}),
  };
}

/**
 * After a move, settles a race: MLflow has no compare-and-swap, so runs that moved at the same
 * moment can each land (an alias is one value, the last writer's; a stage can end with several
 * versions in it). Every run applies one rule to what it reads back: the alias holder wins when
 * the target has an alias, else the highest version in the stage. The winner archives the
 * others left in the stage (or, holding the alias but archived by a racer, takes the stage back);
 * a loser still in the stage archives itself. Archiving is idempotent, so runs that settle the
 * same race together agree.
 */
async function settle(
  registry: Registry,
  move: NonNullable<ReturnType<typeof moveOf>>,
  view: ModelView | undefined,
  log: (m: string) => void,
): Promise<{ winner?: string; writes: RegistryOp[] }> {
  const versions = view?.versions ?? [];
  const inStage = move.stage
    ? versions
        .filter((v) => v.stage.toLowerCase() === move.stage!.toLowerCase())
        .sort(byVersionNumber)
        .map((v) => v.version)
    : [];
  const winner = move.alias ? view?.registered?.aliases[move.alias] : inStage.at(-1);
  const writes: RegistryOp[] = [];
  const to = (version: string, stage: string, archiveExisting: boolean): RegistryOp => ({
    kind: 'transition-stage',
    model: move.model,
    version,
    stage,
    archiveExisting,
  });
  // A stage that keeps several versions (archive_existing: false) has no race to settle.
  if (move.stage && !move.archiveExisting) {
    const kept = move.alias ? winner : inStage.includes(move.version) ? move.version : inStage.at(-1);
    return { ...(kept ? { winner: kept } : {}), writes };
  }
  if (move.stage && winner === move.version) {
    if (!inStage.includes(move.version)) writes.push(to(move.version, move.stage, true));
    else writes.push(...inStage.filter((v) => v !== move.version).map((v) => to(v, 'Archived', false)));
  } else if (move.stage && inStage.includes(move.version)) {
    writes.push(to(move.version, 'Archived', false));
  }
  if (writes.length > 0) {
    log(
      `Runs raced on ${move.model}: ${inStage.length ? `v${inStage.join(', v')} in stage ${move.stage}` : `nothing in stage ${move.stage}`}${move.alias ? `, @${move.alias} on ${winner ? `v${winner}` : 'nothing'}` : ''}; settling: ${writes.map(describeOp).join('; ')}`,
    );
    const results = await Promise.allSettled(writes.map((op) => registry.apply(op)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed)
      throw new GateError(
        errorKind(failed.reason),
        `settling a race with another run failed: ${messageOf(failed.reason)}. Running the gate again is safe: it converges.`,
        { wrote: true },
      );
  }
  return { ...(winner ? { winner } : {}), writes };
}

/** `mode: history`: the model's ledger history, newest first. */
export async function readHistory(registry: Registry, model: string): Promise<HistoryEntry[]> {
  const registered = await registry.getRegisteredModel(model);
  if (!registered) throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}`);
  return parseHistory(registered.tags[LEDGER.history]);
}
