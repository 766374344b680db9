/**
 * One gate run: load the policy, read the registry, decide, write, read back.
 * It takes its registry and its logger as arguments (as actions/cache's
 * restoreImpl takes its state provider), so the Action, the CLI and the tests
 * share this one implementation.
 */
import { decide, type Decision, type GateDecision, type Mode } from './core/decide.js';
import { GateError, InputError } from './core/errors.js';
import { evaluateMetrics, type Baseline, type Observations } from './core/evaluate.js';
import { historiesNeeded, observe } from './core/observe.js';
import { loadPolicyFile, type Policy } from './core/policy.js';
import { byVersionNumber, describeOp, type MetricPoint, type ModelVersion, type Registry, type RegistryOp, type RunData } from './core/registry-model.js';
import { buildReport, type Report } from './core/report.js';

export interface GateRequest {
  /** The model named by the input, if any; the policy's `model` otherwise. */
  model?: string;
  /** A version number, or `latest`. */
  version: string;
  /** The named gate of the policy to apply, if it defines several. */
  gate?: string;
  mode: Mode;
  policyFile: string;
  policyText: string;
}

export interface GateOutcome {
  report: Report;
  policy: Policy;
  result: GateDecision;
}

export interface GateDeps {
  /** Absent only in lint mode without a tracking server: the policy file alone is checked. */
  registry?: Registry;
  log: (message: string) => void;
}

export async function runGate(req: GateRequest, deps: GateDeps): Promise<GateOutcome> {
  if (req.mode === 'lint') return runLint(req, deps);
  const { registry, log } = deps;
  if (!registry) throw new InputError('a tracking server is needed: set the input "tracking-uri" or MLFLOW_TRACKING_URI');
  // Every check on the inputs and the policy happens before the first request.
  const file = loadPolicyFile(req.policyText, req.policyFile);
  const model = resolveModel(req.model, file.model, req.policyFile, file.modelPatterns.length > 0);
  const policy = file.resolve(model, req.gate);
  const target = policy.target.stage;

  // Round trip 1: the model and every version (stages are not searchable, so we filter).
  const [registered, versions] = await Promise.all([registry.getRegisteredModel(model), registry.searchModelVersions(model)]);
  if (!registered) throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}`);
  const candidate = pickCandidate(model, req.version, versions);
  log(`Candidate: ${model} version ${candidate.version} (stage ${candidate.stage}, status ${candidate.status}, run ${candidate.runId ?? 'none'})`);
  const holders = versions.filter((v) => v.stage.toLowerCase() === target.toLowerCase()).sort(byVersionNumber);
  const baselineHolder = policy.metrics.some((r) => r.compare) ? holders.filter((h) => h.version !== candidate.version).at(-1) : undefined;

  // Round trip 2, all at once: the candidate's run, the holder's run, and any metric histories.
  const [cand, base] = await Promise.all([readRun(registry, policy, candidate), baselineHolder ? readRun(registry, policy, baselineHolder) : undefined]);
  const baseline: Baseline | undefined = baselineHolder && base ? { version: baselineHolder.version, metrics: base.observed } : undefined;
  const result = decide({ policy, model, mode: req.mode, candidate, holders, run: cand.run, observed: cand.observed, ...(baseline ? { baseline } : {}) });
  if (candidate.runId && !cand.run) result.reasons.push(`run ${candidate.runId} of version ${candidate.version} was not found`);

  let decision: Decision = result.decision;
  let applied: RegistryOp[] = [];
  if (req.mode === 'promote' && (decision === 'promoted' || decision === 'rejected') && result.plan.length > 0) {
    applied = await applyPlan(registry, result.plan, log);
    decision = await verify(registry, model, candidate.version, decision, result.plan);
  }

  const report = buildReport({
    mode: req.mode,
    model,
    version: candidate.version,
    targetStage: target,
    policyFile: req.policyFile,
    result,
    decision,
    applied,
    ...(cand.run ? { run: { id: cand.run.runId, status: cand.run.status } } : {}),
  });
  return { report, policy, result };
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
    ({ report: buildReport({ mode: 'lint', model: model ?? '', version, targetStage: policy.target.stage, policyFile: req.policyFile, result, decision: result.decision, applied: [] }), policy, result }) satisfies GateOutcome;
  const nothing = (reason: string): GateOutcome =>
    lintResult('', { decision: empty, evaluation: { passed: true, checks: [], failed: [] }, previousVersions: [], plan: [], reasons: [summary, reason] });

  if (!registry || !model) return nothing(registry ? 'no model named, so no holder was evaluated' : 'no tracking server given, so no holder was evaluated');
  const [registered, versions] = await Promise.all([registry.getRegisteredModel(model), registry.searchModelVersions(model)]);
  if (!registered) throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}`);
  const holder = versions.filter((v) => v.stage.toLowerCase() === policy.target.stage.toLowerCase()).sort(byVersionNumber).at(-1);
  if (!holder) return nothing(`no version of "${model}" is in ${policy.target.stage}, so none was evaluated`);
  const { run, observed } = await readRun(registry, policy, holder);
  const evaluation = evaluateMetrics(policy.metrics, observed);
  const verdict = evaluation.passed ? `the holder v${holder.version} of ${policy.target.stage} passes this policy` : `the holder v${holder.version} of ${policy.target.stage} would NOT pass this policy`;
  return lintResult(holder.version, {
    decision: evaluation.passed ? 'passed' : 'rejected',
    evaluation,
    previousVersions: [],
    plan: [],
    reasons: [summary, verdict, ...evaluation.failed.map((c) => c.message), ...(run ? [] : [`v${holder.version} has no readable run`])],
  });
}

function resolveModel(input: string | undefined, fromPolicy: string | undefined, file: string, hasModelMap: boolean): string {
  if (input && fromPolicy && input !== fromPolicy) {
    throw new InputError(`input "model" is "${input}" but the policy ${file} is for "${fromPolicy}"; remove one or make them agree`);
  }
  const model = input || fromPolicy;
  if (!model) throw new InputError(`no model named: set the input "model"${hasModelMap ? ' (the policy has rules for several models)' : ` or the key "model" in ${file}`}`);
  return model;
}

/** A version's run and its metrics as the rules read them (with histories where a rule aggregates). */
async function readRun(registry: Registry, policy: Policy, version: ModelVersion): Promise<{ run: RunData | undefined; observed: Observations }> {
  if (!version.runId) return { run: undefined, observed: new Map() };
  const runId = version.runId;
  const keys = historiesNeeded(policy.metrics);
  const [run, ...histories] = await Promise.all([registry.getRun(runId), ...keys.map((k) => registry.getMetricHistory(runId, k))]);
  if (!run) return { run: undefined, observed: new Map() };
  const byKey = new Map<string, MetricPoint[]>(keys.map((k, i) => [k, histories[i] ?? []]));
  return { run, observed: observe(policy.metrics, run, byKey) };
}

function pickCandidate(model: string, version: string, versions: ModelVersion[]): ModelVersion {
  const sorted = [...versions].sort(byVersionNumber);
  const existing = sorted.length > 0 ? `it has versions ${summariseVersions(sorted)}` : 'it has no versions';
  if (version === 'latest') {
    const latest = sorted.at(-1);
    if (!latest) throw new InputError(`model "${model}" has no versions to gate`);
    return latest;
  }
  const found = sorted.find((v) => v.version === version);
  if (!found) throw new InputError(`version ${version} of model "${model}" does not exist; ${existing}`);
  return found;
}

function summariseVersions(sorted: ModelVersion[]): string {
  const nums = sorted.map((v) => v.version);
  return nums.length <= 10 ? nums.join(', ') : `${nums.slice(0, 5).join(', ')}, ..., ${nums.slice(-3).join(', ')}`;
}

/**
 * Tags first (concurrently: MLflow has no batch call), then the stage. If a run
 * dies between the two, the version carries its verdict but keeps its stage,
 * and a rerun finds the tags in place and makes only the move.
 */
async function applyPlan(registry: Registry, plan: RegistryOp[], log: (m: string) => void): Promise<RegistryOp[]> {
  const tags = plan.filter((op) => op.kind !== 'transition-stage');
  const moves = plan.filter((op) => op.kind === 'transition-stage');
  const done: RegistryOp[] = [];
  const write = async (op: RegistryOp) => {
    await registry.apply(op);
    done.push(op);
    log(`Wrote: ${describeOp(op)}`);
  };
  try {
    const results = await Promise.allSettled(tags.map(write));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const op of moves) await write(op);
  } catch (err) {
    if (err instanceof GateError) {
      const made = done.length > 0 ? `Already written: ${done.map(describeOp).join('; ')}. ` : 'Nothing was written. ';
      throw new GateError(err.kind, `${err.message}. ${made}Running the gate again is safe: it converges.`, { wrote: done.length > 0 });
    }
    throw err;
  }
  return plan.filter((op) => done.includes(op)); // in plan order, whatever order the concurrent writes finished in
}

/** Reads the candidate back: the decision reported is what the registry holds, not what was asked. */
async function verify(registry: Registry, model: string, version: string, decision: Decision, plan: RegistryOp[]): Promise<Decision> {
  const after = await registry.getModelVersion(model, version);
  if (!after) throw new GateError('conflict', `version ${version} of "${model}" disappeared while the gate was writing to it`, { wrote: true });
  const wrong: string[] = [];
  for (const op of plan) {
    if (op.kind === 'transition-stage' && after.stage.toLowerCase() !== op.stage.toLowerCase()) wrong.push(`stage is ${after.stage}, not ${op.stage}`);
    if (op.kind === 'set-tag' && after.tags[op.key] !== op.value) wrong.push(`tag ${op.key} is ${JSON.stringify(after.tags[op.key] ?? null)}`);
    if (op.kind === 'delete-tag' && op.key in after.tags) wrong.push(`tag ${op.key} is still set`);
  }
  if (wrong.length > 0) {
    throw new GateError('conflict', `after writing, the registry does not hold what the gate decided for "${model}" v${version}: ${wrong.join('; ')}. Another process may be changing it.`, { wrote: true });
  }
  return decision;
}
