/**
 * The decision and the plan of registry changes for one candidate. Pure: given
 * the policy, the registry state that was read and the run's metrics, it says
 * what the gate decides and exactly which writes that takes.
 */
import { ineligibility, type Provenance } from './eligibility.js';
import {
  evaluateMetrics,
  type Baseline,
  type Check,
  type Evaluation,
  type MetricInventory,
  type Observations,
} from './evaluate.js';
import { appendHistory, type HistoryEntry } from './history.js';
import {
  completed,
  formatRecord,
  newRecord,
  recordFor,
  recordKey,
  recordOp,
  ruleHash,
  type LedgerContext,
  type LedgerRecord,
} from './ledger.js';
import { demotes } from './holders.js';
import type { Policy } from './policy.js';
import {
  byVersionNumber,
  compareVersions,
  modelUri,
  NEW_COPY,
  type ModelVersion,
  type RegistryOp,
  type RunData,
} from './registry-model.js';
import { LEDGER, MAX_TAG_VALUE, TAGS } from './tags.js';
import { describeTarget, targetKey } from './target.js';
import { formatNumber } from './thresholds.js';

/**
 * The one list of `decision` values, for every mode. README.md documents each;
 * add values only by extending this list there too.
 */
export const DECISIONS = [
  'promoted',
  'already-promoted',
  'passed',
  'rejected',
  'skipped',
  'rolled-back',
  'superseded',
  'conflict',
  'error',
] as const;
export type Decision = (typeof DECISIONS)[number];

/** promote: decide and write; evaluate: decide, write nothing; lint: check the policy (and the current holder against it). */
export type Mode = 'promote' | 'evaluate' | 'lint' | 'rollback' | 'audit' | 'history' | 'plan' | 'apply';

export interface GateState {
  policy: Policy;
  model: string;
  mode: Mode;
  candidate: ModelVersion;
  /** Every version now in the target stage (there may be several); empty when the target has no stage. */
  holders: ModelVersion[];
  /** The registered model's aliases (alias → version), from registered-models/get. */
  modelAliases: Record<string, string>;
  /**
   * Promotion by copy: the destination model, whether it exists, and the copy of the candidate
   * already there (from an earlier run). `holders` and `modelAliases` are then the destination's.
   */
  destination?: { model: string; exists: boolean; copy?: ModelVersion };
  /** When and by whom (the workflow run): with it, decisions are recorded in the ledger. */
  context?: LedgerContext;
  /** The target model's cached ledger history (its mlflow_gate.history tag), which a promotion rewrites. */
  history?: HistoryEntry[];
  /** Every version of the candidate's model: to say which stage a demotion leaves empty. */
  versions?: ModelVersion[];
  /** Let a stage target move a version down (Production → Staging): the input allow-demotion. */
  allowDemotion?: boolean;
  /** For candidate.source_commit: what GitHub said of the run's commit. */
  provenance?: Provenance;
  run: RunData | undefined;
  /** The candidate's metrics as the rules read them. */
  observed: Observations;
  /** Every metric the candidate has: a missing metric's message names the closest. */
  inventory?: MetricInventory;
  /** The holder that `compare` rules compare with, when there is one and a rule compares. */
  baseline?: Baseline;
}

export interface GateDecision {
  decision: Decision;
  evaluation: Evaluation;
  /** Versions other than the candidate that hold the target now. */
  previousVersions: string[];
  /** The registry writes this decision takes, in order: tags first, then the stage. */
  plan: RegistryOp[];
  /** Why, in sentences, for the report. */
  reasons: string[];
}

export function decide(state: GateState): GateDecision {
  const { policy, candidate, mode } = state;
  const { stage, alias, previousAlias } = policy.target;
  const dest = state.destination;
  // The version that is to hold the target: the candidate, or its copy in the destination model.
  const holderToBe = dest ? dest.copy : candidate;
  const aliasHolder = alias ? state.modelAliases[alias] : undefined;
  const previousVersions = [...new Set([...state.holders.map((h) => h.version), ...(aliasHolder ? [aliasHolder] : [])])]
    .filter((v) => v !== holderToBe?.version)
    .sort(compareVersions);
  const evaluation = evaluateMetrics(policy.metrics, state.observed, state.baseline, state.inventory);
  const reasons: string[] = [];

  if (candidate.status !== 'READY') {
    reasons.push(`version ${candidate.version} is ${candidate.status}, not READY`);
    return { decision: 'skipped', evaluation, previousVersions, plan: [], reasons };
  }
  if (!state.run) reasons.push(`version ${candidate.version} has no source run, so it has no metrics`);

  const inStage = !stage || (holderToBe !== undefined && holderToBe.stage.toLowerCase() === stage.toLowerCase());
  const hasAlias = !alias || (holderToBe !== undefined && aliasHolder === holderToBe.version);
  const target = targetKey(policy.target);
  const rule = ruleHash(policy);
  const targetModel = dest?.model ?? state.model;
  const ctx = state.context;
  // The record's begun form: what is known before the move (what it replaces, the rule), written
  // with the evidence, so a record a run left half written is completed with it.
  // A move this gate began (its record begun, no decision): a run stopped half way, after the
  // stage moved but before the alias did, say. What it replaces is what that run knew.
  const before = holderToBe ? recordFor(holderToBe.tags, target) : undefined;
  const resuming = before !== undefined && !before.decision;
  const begun: LedgerRecord = {
    target,
    previous: resuming ? before.previous : previousVersions,
    ruleHash: rule,
    ...(alias && previousAlias ? { previousAlias } : {}),
  };
  const recordWrites = (version: string, record: LedgerRecord): RegistryOp[] => {
    if (!ctx) return [];
    const first = state.history?.[0];
    const history: RegistryOp[] =
      first && first.version === version && first.target === target && first.decision === 'promoted'
        ? []
        : [
            {
              kind: 'set-model-tag',
              model: targetModel,
              key: LEDGER.history,
              value: appendHistory(state.history ?? [], {
                version,
                decision: 'promoted',
                target,
                previous: record.previous,
                at: record.at ?? ctx.now,
                by: record.by ?? 'unknown',
              }),
            },
          ];
    return [recordOp(targetModel, version, record), ...history];
  };

  if (holderToBe && inStage && hasAlias) {
    const what = dest ? `its copy ${dest.model} v${holderToBe.version}` : `version ${candidate.version}`;
    reasons.push(`${what} already holds ${describeTarget(policy.target)}; nothing to do`);
    if (!evaluation.passed)
      reasons.push(`note: it would not pass the policy now (${evaluation.failed.map((c) => c.message).join('; ')})`);
    const record = before;
    let plan: RegistryOp[] = [];
    if (record && !record.decision && ctx) {
      // Completing fills only what is absent: what it replaced and the rule stay as that run wrote them.
      plan = recordWrites(
        holderToBe.version,
        completed(record, newRecord({ target, decision: 'promoted', previous: record.previous, ruleHash: rule }, ctx)),
      );
      reasons.push(
        'an earlier run of this gate moved it but stopped before its ledger record was whole: completing that record',
      );
    } else if (!record) {
      reasons.push(
        `the ledger has no record of the gate putting it there (moved by hand or by another tool): nothing is written, and mode audit reports it`,
      );
    } else if (record.decision !== 'promoted' && record.decision !== 'restored') {
      reasons.push(
        `its ledger record for ${target} says ${record.decision}: nothing is written, and mode audit reports it`,
      );
    }
    return { decision: 'already-promoted', evaluation, previousVersions, plan, reasons };
  }

  // A gate never moves a version down, unless asked to: a version has one stage.
  const demotion = stage && !dest && demotes(candidate.stage, stage);
  if (demotion && !state.allowDemotion) {
    reasons.push(
      `v${candidate.version} holds stage:${candidate.stage}; this gate would take it out (a version has one stage, and ${stage} ranks below ${candidate.stage}). Nothing was written; set allow-demotion: true to move it anyway`,
    );
    return { decision: 'skipped', evaluation, previousVersions, plan: [], reasons };
  }

  // Resuming a move this gate began, the candidate may already have left the stage it came from.
  const rules = resuming ? { ...policy.candidate, fromStage: undefined } : policy.candidate;
  const notEligible = ineligibility(rules, candidate, state.run, state.observed, state.provenance);
  if (notEligible.length > 0) {
    return { decision: 'skipped', evaluation, previousVersions, plan: [], reasons: [...reasons, ...notEligible] };
  }

  const tagPlan = (desired: Record<string, string | null>) => planTags(state.model, candidate, desired);
  if (evaluation.passed) {
    reasons.push(`every required check passed (${evaluation.checks.length} checks)`);
    if (demotion) {
      const others = (state.versions ?? []).filter(
        (v) => v.version !== candidate.version && v.stage.toLowerCase() === candidate.stage.toLowerCase(),
      );
      reasons.push(
        others.length === 0
          ? `allow-demotion: v${candidate.version} moves down from ${candidate.stage} to ${stage}, and stage ${candidate.stage} is left empty`
          : `allow-demotion: v${candidate.version} moves down from ${candidate.stage} to ${stage}; stage ${candidate.stage} keeps v${others.map((v) => v.version).join(', v')}`,
      );
    }
    const model = targetModel;
    const version = holderToBe?.version ?? NEW_COPY;
    const source = modelUri(state.model, candidate.version);
    const begunTag = ctx ? { [recordKey(target)]: formatRecord(begun) } : {};
    const plan: RegistryOp[] = [
      ...tagPlan({
        [TAGS.validation]: 'passed',
        [TAGS.checks]: checksTag(evaluation.checks),
        [TAGS.policy]: policy.file,
        [TAGS.failedChecks]: null,
        ...(dest ? {} : begunTag),
      }),
      // By copy, the record lives on the copy: begun on a copy an earlier run made, or made with it.
      ...(dest?.copy ? planTags(dest.model, dest.copy, begunTag) : []),
      ...(dest && !dest.exists ? [{ kind: 'create-model', model } as const] : []),
      ...(dest && !dest.copy
        ? [
            {
              kind: 'copy-version',
              model,
              source,
              ...(candidate.runId ? { runId: candidate.runId } : {}),
              tags: { [TAGS.copiedFrom]: source, [TAGS.validation]: 'passed', ...begunTag },
            } as const,
          ]
        : []),
      // The old holder gets its handle before the alias moves, so it is never without one.
      ...(alias &&
      previousAlias &&
      aliasHolder &&
      aliasHolder !== version &&
      state.modelAliases[previousAlias] !== aliasHolder
        ? [{ kind: 'set-alias', model, alias: previousAlias, version: aliasHolder } as const]
        : []),
      ...(alias && !hasAlias ? [{ kind: 'set-alias', model, alias, version } as const] : []),
      ...(stage && !inStage
        ? [{ kind: 'transition-stage', model, version, stage, archiveExisting: policy.target.archiveExisting } as const]
        : []),
      ...(ctx ? recordWrites(version, newRecord({ ...begun, decision: 'promoted' }, ctx)) : []),
    ];
    return {
      decision: mode === 'promote' || mode === 'apply' ? 'promoted' : 'passed',
      evaluation,
      previousVersions,
      plan,
      reasons,
    };
  }

  reasons.push(...evaluation.failed.map((c) => c.message));
  const earlier = recordFor(candidate.tags, target);
  const recorded =
    earlier?.decision === 'rejected' &&
    earlier.ruleHash === rule &&
    earlier.previous.join(',') === previousVersions.join(',');
  const ledger =
    ctx && !recorded
      ? {
          [recordKey(target)]: formatRecord(
            newRecord({ target, decision: 'rejected', previous: previousVersions, ruleHash: rule }, ctx),
          ),
        }
      : {};
  const plan = tagPlan({
    ...policy.onReject.tags,
    ...ledger,
    [TAGS.validation]: 'failed',
    [TAGS.checks]: checksTag(evaluation.checks),
    [TAGS.failedChecks]: failedChecksTag(evaluation.failed),
    [TAGS.policy]: policy.file,
  });
  return { decision: 'rejected', evaluation, previousVersions, plan, reasons };
}

/** Only the tag writes that change something: a rerun over the same state plans nothing. */
export function planTags(model: string, version: ModelVersion, desired: Record<string, string | null>): RegistryOp[] {
  const ops: RegistryOp[] = [];
  for (const [key, value] of Object.entries(desired)) {
    const current = version.tags[key];
    if (value === null) {
      if (current !== undefined) ops.push({ kind: 'delete-tag', model, version: version.version, key });
    } else if (current !== value) {
      ops.push({ kind: 'set-tag', model, version: version.version, key, value });
    }
  }
  return ops;
}

/** `accuracy=0.93 (>= 0.9) pass; f1=missing (>= 0.88) missing`, bounded to MLflow's limit. */
export function checksTag(checks: Check[]): string {
  return clip(
    checks
      .map((c) => `${c.metric}=${c.observed === null ? 'missing' : formatNumber(c.observed)} (${c.rule}) ${c.verdict}`)
      .join('; '),
  );
}

export function failedChecksTag(failed: Check[]): string {
  return clip(failed.map((c) => c.message).join('; '));
}

const TRUNCATED = ' ... (truncated)';
function clip(text: string): string {
  return text.length <= MAX_TAG_VALUE ? text : text.slice(0, MAX_TAG_VALUE - TRUNCATED.length) + TRUNCATED;
}

/** The copy of `source` in the destination model made by an earlier run (by its ledger tag, or its source URI). */
export function copyOf(destVersions: ModelVersion[], source: string): { copy?: ModelVersion } {
  const copy = destVersions
    .filter((v) => v.tags[TAGS.copiedFrom] === source || v.source === source)
    .sort(byVersionNumber)
    .at(-1);
  return copy ? { copy } : {};
}
