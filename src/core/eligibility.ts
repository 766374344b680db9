/**
 * Eligibility, not quality: a version that fails these rules is skipped, never
 * tagged validation=failed. Pure.
 */
import type { Observations } from './evaluate.js';
import type { CandidateRules } from './policy.js';
import type { ModelVersion, RunData } from './registry-model.js';

/** What the GitHub API said of the source run's commit (provenance.ts asks it). */
export interface Provenance {
  commit?: string;
  /** True when reachable from the default branch; undefined when it could not be checked. */
  onDefaultBranch?: boolean;
  defaultBranch?: string;
  why?: string;
}

/** Why the version is not eligible; empty when it is. */
export function ineligibility(
  rules: CandidateRules,
  version: ModelVersion,
  run: RunData | undefined,
  observed: Observations,
  provenance?: Provenance,
): string[] {
  const reasons: string[] = [];
  const v = `version ${version.version}`;
  if (rules.fromStage && version.stage.toLowerCase() !== rules.fromStage.toLowerCase()) {
    reasons.push(`${v} is in stage ${version.stage}, but the policy promotes only from ${rules.fromStage}`);
  }
  if (rules.runStatus !== 'any') {
    if (!run) reasons.push(`${v} has no source run, so its run status cannot be ${rules.runStatus}`);
    else if (run.status !== rules.runStatus)
      reasons.push(`the source run ${run.runId} of ${v} is ${run.status}, not ${rules.runStatus}`);
  }
  for (const [key, want] of Object.entries(rules.tags)) {
    const have = version.tags[key] ?? run?.tags[key];
    if (have !== want)
      reasons.push(
        `${v} (and its run) ${have === undefined ? 'lacks the tag' : `has ${key}=${JSON.stringify(have)}, not the tag`} ${key}=${JSON.stringify(want)}`,
      );
  }
  if (rules.metricsBeforeRegistration && version.createdAt !== undefined) {
    let late = false;
    for (const [metric, o] of observed) {
      if (o.timestamp !== undefined && o.timestamp > version.createdAt) {
        late = true;
        reasons.push(
          `${metric} was logged at ${iso(o.timestamp)} (${o.source}), after ${v} was registered at ${iso(version.createdAt)}`,
        );
      }
    }
    if (late) reasons.push(LATE_EVALUATION);
  }
  if (rules.sourceCommit === 'on_default_branch') {
    const commit = provenance?.commit;
    if (!commit)
      reasons.push(`the source run of ${v} has no mlflow.source.git.commit tag, so its provenance cannot be checked`);
    else if (provenance?.onDefaultBranch === undefined)
      reasons.push(
        `could not check whether commit ${commit} is on the default branch: ${provenance?.why ?? 'no answer'}`,
      );
    else if (!provenance.onDefaultBranch)
      reasons.push(
        `the source commit ${commit} of ${v} is not reachable from the default branch${provenance.defaultBranch ? ` ${provenance.defaultBranch}` : ''}: it was trained from an unreviewed branch`,
      );
  }
  return reasons;
}

/** Why an MLflow 3 evaluation is always late, and what to do instead. */
export const LATE_EVALUATION =
  "candidate.metrics_before_registration: true skips a version whose metrics were logged after it was registered; MLflow 3's mlflow.models.evaluate run on a registered model (register, then evaluate) always logs them later, so every version evaluated that way is skipped: evaluate the logged model before registering it (log_model without registered_model_name, evaluate with model_id=, then mlflow.register_model), or set metrics_before_registration: false";

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
