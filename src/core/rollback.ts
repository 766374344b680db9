/**
 * Rollback: put back the version that held a target before the current one (from
 * the ledger), or a given one, in one step. Pure: it is given the registry state.
 */
import { alreadyRecorded, appendHistory, ledgerTags, type HistoryEntry, type LedgerContext } from './ledger.js';
import { currentHolder, type TargetRef } from './holders.js';
import { compareVersions, type ModelVersion, type RegistryOp } from './registry-model.js';
import { LEDGER, TAGS } from './tags.js';
import { describeTarget, targetKey } from './target.js';

export type RollbackTarget = TargetRef;

export interface RollbackState {
  model: string;
  target: RollbackTarget;
  versions: ModelVersion[];
  aliases: Record<string, string>;
  history: HistoryEntry[];
  /** The version asked for; undefined: the previous holder, from the ledger. */
  requested?: string;
  reason: string;
  force: boolean;
  context: LedgerContext;
}

export interface RollbackPlan {
  /** The version that holds the target now, if any. */
  current?: ModelVersion;
  restore: ModelVersion;
  plan: RegistryOp[];
  reasons: string[];
}

/** The plan, or a refusal (an Error whose message says why and what to do). */
export function planRollback(s: RollbackState): RollbackPlan {
  const key = targetKey(s.target);
  const where = describeTarget(s.target);
  const holder = currentHolder(s.target, s.versions, s.aliases);
  const interrupted = s.requested === undefined ? interruptedRollback(s, holder) : undefined;
  if (interrupted) return rollbackPlan(s, interrupted.restore, interrupted.withdrawn, true);
  const current = holder;
  const wanted = s.requested ?? previousFromLedger(s, current);
  if (!wanted) {
    throw new Error(
      `the ledger records no version that held ${where} of "${s.model}" before ${current ? `v${current.version}` : 'now'}; give the version to restore (input "version")`,
    );
  }
  const restore = s.versions.find((v) => v.version === wanted);
  if (!restore)
    throw new Error(`version ${wanted} of "${s.model}" does not exist (it may have been deleted); nothing was changed`);
  if (current && current.version === restore.version)
    throw new Error(`version ${restore.version} already holds ${where}; nothing to roll back`);
  const refusals: string[] = [];
  if (restore.status !== 'READY') refusals.push(`it is ${restore.status}, not READY`);
  if (!s.force) {
    const promoted =
      ['promoted', 'restored', 'rolled-back'].includes(restore.tags[LEDGER.decision] ?? '') ||
      s.history.some((h) => h.version === restore.version && h.target === key);
    if (!promoted) refusals.push('the gate never promoted it to this target');
    if (restore.tags[LEDGER.decision] === 'rolled-back') {
      refusals.push(
        `it was itself rolled back${restore.tags[LEDGER.reason] ? ` ("${restore.tags[LEDGER.reason]}")` : ''}`,
      );
    }
    if (restore.tags[TAGS.validation] !== 'passed')
      refusals.push(`it never passed validation (${TAGS.validation}=${restore.tags[TAGS.validation] ?? 'unset'})`);
  }
  if (refusals.length > 0) {
    throw new Error(
      `refusing to restore version ${restore.version} of "${s.model}" to ${where}: ${refusals.join('; ')}${restore.status === 'READY' ? '. Set force: true to restore it anyway' : ''}`,
    );
  }

  return rollbackPlan(s, restore, current, false);
}

/**
 * The writes of a rollback: the moves (those not in place yet), the records of both versions,
 * the history. `completing`: an earlier rollback moved the target but stopped before its record
 * was whole; this run finishes it rather than rolling back once more.
 */
function rollbackPlan(
  s: RollbackState,
  restore: ModelVersion,
  current: ModelVersion | undefined,
  completing: boolean,
): RollbackPlan {
  const key = targetKey(s.target);
  const where = describeTarget(s.target);
  const ctx = s.context;
  const model = s.model;
  const previous = current ? [current.version] : [];
  const record = (version: string, tags: Record<string, string>): RegistryOp[] =>
    Object.entries(tags).map(
      ([k, value]) => ({ kind: 'set-tag', model, version, key: k, value, record: true }) as const,
    );
  const first = s.history[0];
  const historyDone =
    completing && first?.version === restore.version && first.decision === 'restored' && first.target === key;
  const plan: RegistryOp[] = [
    ...(s.target.alias && s.aliases[s.target.alias] !== restore.version
      ? [{ kind: 'set-alias', model, alias: s.target.alias, version: restore.version } as const]
      : []),
    ...(s.target.stage && restore.stage.toLowerCase() !== s.target.stage.toLowerCase()
      ? [
          {
            kind: 'transition-stage',
            model,
            version: restore.version,
            stage: s.target.stage,
            archiveExisting: true,
          } as const,
        ]
      : []),
    ...record(restore.version, ledgerTags({ decision: 'restored', target: key, previous, reason: s.reason }, ctx)),
    // The withdrawn version is marked, so a scheduled gate does not promote it again until a new decision.
    ...(current
      ? record(
          current.version,
          ledgerTags({ decision: 'rolled-back', target: key, previous: [], reason: s.reason }, ctx),
        )
      : []),
    ...(historyDone
      ? []
      : [
          {
            kind: 'set-model-tag',
            model,
            key: LEDGER.history,
            value: appendHistory(s.history, {
              version: restore.version,
              decision: 'restored',
              target: key,
              previous,
              at: ctx.now,
              by: ctx.actor ?? 'unknown',
              reason: s.reason,
            }),
          } as const,
        ]),
  ];
  const reasons = [
    completing
      ? `completing an earlier rollback that stopped half way: v${restore.version} holds ${where}${current ? ` in place of v${current.version}` : ''}; recording it: ${s.reason}`
      : `restoring v${restore.version} to ${where}${current ? `, withdrawing v${current.version}` : ''}: ${s.reason}`,
  ];
  return { ...(current ? { current } : {}), restore, plan, reasons };
}

/**
 * A rollback that moved the target (or part of it) but stopped before its record was whole: the
 * holder carries an unfinished `restored` record, or carries none while the ledger's latest entry
 * for the target is the version that had replaced it. Then this run completes that rollback.
 */
function interruptedRollback(
  s: RollbackState,
  holder: ModelVersion | undefined,
): { restore: ModelVersion; withdrawn?: ModelVersion } | undefined {
  if (!holder) return undefined;
  const key = targetKey(s.target);
  const find = (v: string | undefined) => (v ? s.versions.find((x) => x.version === v) : undefined);
  const last = s.history.find((h) => h.target === key);
  const begun =
    (holder.tags[LEDGER.decision] === 'restored' && holder.tags[LEDGER.target] === key) ||
    (last?.version === holder.version && last.decision === 'restored');
  if (begun) {
    // Which version it withdrew: its record says, else the history entry it wrote.
    const fromTag =
      holder.tags[LEDGER.decision] === 'restored'
        ? (holder.tags[LEDGER.previous] ?? '').split(',').filter(Boolean).at(-1)
        : undefined;
    const withdrawn = find(fromTag ?? (last?.version === holder.version ? last.previous.at(-1) : undefined));
    const previous = withdrawn ? [withdrawn.version] : [];
    // Whole: every tag there, with the values that tie the two versions together (the reason may be
    // another request's: this may be a new rollback, not a rerun).
    const whole = (tags: Record<string, string>, decision: 'restored' | 'rolled-back', prev: string[]) =>
      alreadyRecorded(tags, { decision, target: key, previous: prev }, s.context) && LEDGER.reason in tags;
    const recorded =
      whole(holder.tags, 'restored', previous) &&
      (!withdrawn || whole(withdrawn.tags, 'rolled-back', [])) &&
      last?.version === holder.version &&
      last.decision === 'restored';
    return recorded ? undefined : { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
  }
  // No record at all: the ledger's latest entry is the version that had replaced the holder.
  if (last && last.version !== holder.version && last.previous.includes(holder.version)) {
    const withdrawn = find(last.version);
    return { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
  }
  return undefined;
}

/** The version the current holder replaced: its ledger tag, else the model's history. */
function previousFromLedger(s: RollbackState, current: ModelVersion | undefined): string | undefined {
  if (!current) return undefined;
  const fromTag = (current.tags[LEDGER.previous] ?? '').split(',').filter(Boolean).sort(compareVersions).at(-1);
  if (fromTag) return fromTag;
  return s.history.find((h) => h.version === current.version && h.target === targetKey(s.target))?.previous.at(-1);
}
