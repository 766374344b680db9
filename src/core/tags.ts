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

/**
 * The audit ledger's tags. On each decided version, one record per target: a JSON tag named
 * RECORD_PREFIX and the target (core/ledger.ts recordKey). On the registered model, the history.
 */
export const LEDGER = {
  /** On the registered model: the last promotions and rollbacks, newest first (JSON); a cache of the records. */
  history: 'mlflow_gate.history',
} as const;

/** A version's record for one target is the tag `mlflow_gate.record.<target>` (core/ledger.ts recordKey). */
export const RECORD_PREFIX = 'mlflow_gate.record.';

/**
 * The single record per version that earlier builds wrote: read as the record of the target
 * it names (core/ledger.ts recordsOf), never written any more, never rewritten just to migrate.
 */
export const LEGACY_LEDGER = {
  decision: 'mlflow_gate.decision',
  target: 'mlflow_gate.target',
  previous: 'mlflow_gate.previous_version',
  at: 'mlflow_gate.decided_at',
  by: 'mlflow_gate.decided_by',
  runUrl: 'mlflow_gate.run_url',
  commit: 'mlflow_gate.commit',
  ruleHash: 'mlflow_gate.rule_hash',
  reason: 'mlflow_gate.reason',
  supersededBy: 'mlflow_gate.superseded_by',
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

/**
 * A ledger record's tag value stays within this many characters: the smallest limit of the
 * registries we serve (Databricks documents 1,000 for tags on Unity Catalog objects; MLflow
 * takes 5,000, and 100,000 from 3.1).
 */
export const MAX_RECORD_VALUE = 1000;
