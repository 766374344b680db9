/**
 * Eligibility, not quality: a version that fails these rules is skipped, never
 * tagged validation=failed. Pure.
 */
import type { Observations } from './evaluate.js';
import type { CandidateRules } from './policy.js';
import type { ModelVersion, RunData } from './registry-model.js';

/** Why the version is not eligible; empty when it is. */
/** What the GitHub API said of the source run's commit (provenance.ts asks it). */
export interface Provenance {
  commit?: string;
  /** True when reachable from the default branch; undefined when it could not be checked. */
  onDefaultBranch?: boolean;
  defaultBranch?: string;
  why?: string;
}

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
    for (const [metric, o] of observed) {
      if (o.timestamp !== undefined && o.timestamp > version.createdAt) {
        reasons.push(
          `${metric} was logged at ${iso(o.timestamp)}, after ${v} was registered at ${iso(version.createdAt)}`,
        );
      }
    }
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

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
