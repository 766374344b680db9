/**
 * One gate run: load the policy, read the registry, decide, write, read back.
 * It takes its registry and its logger as arguments (as actions/cache's
 * restoreImpl takes its state provider), so the Action, the CLI and the tests
 * share this one implementation.
 */
import { decide, type Decision, type GateDecision, type Mode } from './core/decide.js';
import { GateError, InputError } from './core/errors.js';
import { loadPolicy, type Policy } from './core/policy.js';
import { byVersionNumber, describeOp, type ModelVersion, type Registry, type RegistryOp } from './core/registry-model.js';
import { buildReport, type Report } from './core/report.js';

export interface GateRequest {
  /** The model named by the input, if any; the policy's `model` otherwise. */
  model?: string;
  /** A version number, or `latest`. */
  version: string;
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
  registry: Registry;
  log: (message: string) => void;
}

export async function runGate(req: GateRequest, { registry, log }: GateDeps): Promise<GateOutcome> {
  // Every check on the inputs and the policy happens before the first request.
  const policy = loadPolicy(req.policyText, req.policyFile);
  const model = resolveModel(req.model, policy);
  const target = policy.target.stage;

  const [registered, versions] = await Promise.all([registry.getRegisteredModel(model), registry.searchModelVersions(model)]);
  if (!registered) throw new InputError(`model "${model}" does not exist in the registry at ${registry.url}`);
  const candidate = pickCandidate(model, req.version, versions);
  log(`Candidate: ${model} version ${candidate.version} (stage ${candidate.stage}, status ${candidate.status}, run ${candidate.runId ?? 'none'})`);

  const run = candidate.runId ? await registry.getRun(candidate.runId) : null;
  const holders = versions.filter((v) => v.stage.toLowerCase() === target.toLowerCase()).sort(byVersionNumber);
  const result = decide({ policy, model, mode: req.mode, candidate, holders, run: run ?? undefined });
  if (candidate.runId && !run) result.reasons.push(`run ${candidate.runId} of version ${candidate.version} was not found`);

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
    ...(run ? { run: { id: run.runId, status: run.status } } : {}),
  });
  return { report, policy, result };
}

function resolveModel(input: string | undefined, policy: Policy): string {
  if (input && policy.model && input !== policy.model) {
    throw new InputError(`input "model" is "${input}" but the policy ${policy.file} is for "${policy.model}"; remove one or make them agree`);
  }
  const model = input || policy.model;
  if (!model) throw new InputError(`no model named: set the input "model" or the key "model" in ${policy.file}`);
  return model;
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
