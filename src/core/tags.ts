/**
 * The tag contract: the tags the gate writes on a version (its evidence), the
 * ledger's tags, the MLflow tags the gate reads, and MLflow's limit on a tag
 * value. One definition for every module that reads or writes a tag.
 */

/** Tag names the Action writes with its evidence: a stable, documented contract. */
export const TAGS = {
  validation: 'validation',
  checks: 'mlflow_gate.checks',
  failedChecks: 'mlflow_gate.failed_checks',
  policy: 'mlflow_gate.policy',
  /** On a copy made by promotion by copy: the models:/ URI of the version it was copied from. */
  copiedFrom: 'mlflow_gate.copied_from',
} as const;

/** The audit ledger's tags: on each decided version, and (history) on the registered model. */
export const LEDGER = {
  decision: 'mlflow_gate.decision',
  target: 'mlflow_gate.target',
  previous: 'mlflow_gate.previous_version',
  at: 'mlflow_gate.decided_at',
  by: 'mlflow_gate.decided_by',
  runUrl: 'mlflow_gate.run_url',
  commit: 'mlflow_gate.commit',
  ruleHash: 'mlflow_gate.rule_hash',
  reason: 'mlflow_gate.reason',
  /** On a version this run moved, found moved on by another run when it read back: the version that holds the target now. */
  supersededBy: 'mlflow_gate.superseded_by',
  /** On the registered model: the last promotions and rollbacks, newest first (JSON). */
  history: 'mlflow_gate.history',
} as const;

/** Every tag the gate owns starts with this, except `validation`. */
export const GATE_TAG_PREFIX = 'mlflow_gate.';

/** True for a tag the gate writes itself (its evidence or its ledger). */
export function isGateTag(key: string): boolean {
  return key === TAGS.validation || key.startsWith(GATE_TAG_PREFIX);
}

/** Tags MLflow itself sets on a run, which the gate reads. */
export const MLFLOW_TAGS = {
  /** The commit the run's code came from (set by mlflow.start_run in a git checkout). */
  sourceCommit: 'mlflow.source.git.commit',
} as const;

/** The commit a run's code came from, if MLflow recorded it. */
export function sourceCommitOf(run: { tags: Record<string, string> } | undefined): string | undefined {
  return run?.tags[MLFLOW_TAGS.sourceCommit];
}

/** MLflow refuses tag values over 5,000 characters. */
export const MAX_TAG_VALUE = 5000;

/** The ledger keeps a reason (a rollback's, a supersession's) to this many characters. */
export const MAX_REASON = 1000;
