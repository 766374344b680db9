/**
 * Plan and apply: a plan file records the registry writes a decision takes and the
 * registry state it was computed from. Apply recomputes the decision from the policy on
 * its own ref and refuses unless both match (it never replays operations from a file a
 * pull request produced). Pure.
 */
import { compareVersions, type ModelVersion, type RegistryOp } from './registry-model.js';
import { isRecordTag, recordKey } from './ledger.js';
import { isGateTag, LEDGER } from './tags.js';
import { describeTarget, type TargetNames } from './target.js';

export interface PlanFile {
  format: 'mlflow-promotion-gate/plan@1';
  model: string;
  version: string;
  decision: string;
  /** The writes, without the ledger record (its time and author belong to the apply). */
  operations: RegistryOp[];
  /** What the plan was computed from. */
  state: RegistryFingerprint;
}

export interface RegistryFingerprint {
  candidateStage: string;
  /** The candidate's tags other than the gate's own. */
  candidateTags: Record<string, string>;
  /** Who holds the target: stage holders' versions, and the alias holder. */
  holders: string[];
  aliasHolder?: string;
  /** The candidate's ledger record for the target, as its tag holds it (absent: none). */
  candidateRecord?: string;
}

export function fingerprint(
  candidate: ModelVersion,
  holders: ModelVersion[],
  aliasHolder: string | undefined,
  target?: string,
): RegistryFingerprint {
  const record = target ? candidate.tags[recordKey(target)] : undefined;
  return {
    candidateStage: candidate.stage,
    candidateTags: Object.fromEntries(
      Object.entries(candidate.tags)
        .filter(([k]) => !isGateTag(k))
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
    holders: holders.map((h) => h.version).sort(compareVersions),
    ...(aliasHolder ? { aliasHolder } : {}),
    ...(record !== undefined ? { candidateRecord: record } : {}),
  };
}

/** The operations a plan file carries: the ledger record is left to the apply. */
export function plannedOperations(plan: RegistryOp[]): RegistryOp[] {
  return plan.filter(
    (op) =>
      !(op.kind === 'set-tag' && (op.record || isRecordTag(op.key))) &&
      !(op.kind === 'set-model-tag' && op.key === LEDGER.history),
  );
}

/** Reads a plan file's JSON, or says what is wrong with it. */
export function parsePlanFile(text: string, where: string): PlanFile {
  let data: Partial<PlanFile>;
  try {
    data = JSON.parse(text) as Partial<PlanFile>;
  } catch {
    throw new Error(`${where} is not JSON`);
  }
  if (
    data.format !== 'mlflow-promotion-gate/plan@1' ||
    !data.model ||
    !data.version ||
    !Array.isArray(data.operations) ||
    !data.state
  ) {
    throw new Error(`${where} is not a plan written by mode "plan" (format mlflow-promotion-gate/plan@1)`);
  }
  return data as PlanFile;
}

/** Why a plan cannot be applied now; empty when it can. */
export function planDifferences(file: PlanFile, now: Omit<PlanFile, 'format'>): string[] {
  const out: string[] = [];
  if (file.model !== now.model || file.version !== now.version)
    out.push(`the plan is for ${file.model} v${file.version}, not ${now.model} v${now.version}`);
  if (file.decision !== now.decision)
    out.push(`the plan says ${file.decision}, the policy on this ref says ${now.decision}`);
  if (JSON.stringify(file.operations) !== JSON.stringify(now.operations))
    out.push('the registry writes differ from the plan (the policy or the candidate changed)');
  out.push(...stateChanges(file.state, now.state));
  if (JSON.stringify(file.state.candidateTags) !== JSON.stringify(now.state.candidateTags))
    out.push("the candidate's tags changed");
  // Another run decided the candidate for this target since the plan (its record for it changed).
  if (file.state.candidateRecord !== now.state.candidateRecord)
    out.push("the candidate's ledger record for the target changed (another run decided it since the plan)");
  return out;
}

/**
 * How the registry moved between two fingerprints, in sentences: the candidate's stage, and
 * who holds the target (named when `target` is given). Empty when neither changed. The
 * candidate's tags are left to the caller: apply compares them, the re-check before a write does not.
 */
export function stateChanges(
  before: Pick<RegistryFingerprint, 'candidateStage' | 'holders' | 'aliasHolder'>,
  after: Pick<RegistryFingerprint, 'candidateStage' | 'holders' | 'aliasHolder'>,
  target?: TargetNames,
): string[] {
  const out: string[] = [];
  if (before.candidateStage !== after.candidateStage)
    out.push(`the candidate moved from ${before.candidateStage} to ${after.candidateStage}`);
  if (JSON.stringify(before.holders) !== JSON.stringify(after.holders) || before.aliasHolder !== after.aliasHolder) {
    const who = (f: typeof before) => [...f.holders, f.aliasHolder].filter(Boolean).join(', ') || 'none';
    out.push(
      `${target ? `the holder of ${describeTarget(target)}` : "the target's holder"} changed (was ${who(before)}, now ${who(after)})`,
    );
  }
  return out;
}
