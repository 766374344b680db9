/**
 * Rollback: put back the version that held a target before the current one (from
 * the ledger), or a given one, in one step. Pure: it is given the registry state.
 */
import { appendHistory, type HistoryEntry } from './history.js';
import { newRecord, recordFor, recordOp, recordsOf, type LedgerContext, type LedgerRecord } from './ledger.js';
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
  /** The history rebuilt from the records (core/history.ts rebuildHistory), newest first. */
  history: HistoryEntry[];
  /**
   * The policy's previous_alias for this alias target, when a policy was read: serves where the
   * records do not say (records of the single-record layout carry none).
   */
  previousAlias?: string;
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
  if (holder) refuseHalf(s, holder);
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
    const record = recordFor(restore.tags, key);
    const held = ['promoted', 'restored', 'rolled-back'].includes(record?.decision ?? '');
    if (!held && !s.history.some((h) => h.version === restore.version && h.target === key))
      refusals.push('the gate never promoted it to this target');
    if (record?.decision === 'rolled-back')
      refusals.push(`it was itself rolled back${record.reason ? ` ("${record.reason}")` : ''}`);
    // Its verdict for this target is its record's; the version-wide tag only where the record does not say.
    const passed = record && !record.legacy ? held : restore.tags[TAGS.validation] === 'passed';
    if (!passed)
      refusals.push(
        record && !record.legacy
          ? `it never passed validation for ${key} (its record says ${record.decision ?? 'begun'})`
          : `it never passed validation (${TAGS.validation}=${restore.tags[TAGS.validation] ?? 'unset'})`,
      );
  }
  if (refusals.length > 0) {
    throw new Error(
      `refusing to restore version ${restore.version} of "${s.model}" to ${where}: ${refusals.join('; ')}${restore.status === 'READY' ? '. Set force: true to restore it anyway' : ''}`,
    );
  }

  return rollbackPlan(s, restore, current, false);
}

/**
 * A target promoted in one step (`alias:champion+stage:Production`) is rolled back in one step:
 * rolling back one half would leave the other half's holder without a record that says so.
 */
function refuseHalf(s: RollbackState, holder: ModelVersion): void {
  const key = targetKey(s.target);
  if (recordFor(holder.tags, key)) return;
  const parts = key.split('+');
  const whole = recordsOf(holder.tags).find(
    (r) => r.target !== key && parts.every((p) => r.target.split('+').includes(p)),
  );
  if (whole)
    throw new Error(
      `v${holder.version} was promoted to ${whole.target} in one step; roll back that target as a whole (input "target": ${whole.target}). Nothing was changed`,
    );
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
  const restoredBefore = recordFor(restore.tags, key);
  const previousAlias = s.target.alias
    ? ((current ? recordFor(current.tags, key)?.previousAlias : undefined) ??
      restoredBefore?.previousAlias ??
      s.previousAlias)
    : undefined;
  const first = s.history[0];
  const historyDone =
    completing && first?.version === restore.version && first.decision === 'restored' && first.target === key;
  const restored: LedgerRecord = newRecord(
    { target: key, decision: 'restored', previous, reason: s.reason, ...(previousAlias ? { previousAlias } : {}) },
    ctx,
  );
  const plan: RegistryOp[] = [
    // The previous alias names the version that held the target before the restored one, never the
    // restored one itself (a rerun that finds the restore recorded has done this already).
    ...(previousAlias && !(completing && restoredBefore?.decision === 'restored')
      ? previousAliasWrites(s, previousAlias, restore, current, restoredBefore)
      : []),
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
    recordOp(model, restore.version, restored),
    // The withdrawn version is marked, so a scheduled gate does not promote it again until a new decision.
    ...(current
      ? [
          recordOp(
            model,
            current.version,
            newRecord(
              {
                target: key,
                decision: 'rolled-back',
                previous: recordFor(current.tags, key)?.previous ?? [],
                reason: s.reason,
                ...(previousAlias ? { previousAlias } : {}),
              },
              ctx,
            ),
          ),
        ]
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
 * The previous alias after a rollback: the version the restored one had replaced when it took the
 * target (its record, read before the rollback rewrites it), or no version at all (the alias is
 * removed) when there is none other than the restored and the withdrawn ones.
 */
function previousAliasWrites(
  s: RollbackState,
  previousAlias: string,
  restore: ModelVersion,
  current: ModelVersion | undefined,
  restoredBefore: LedgerRecord | undefined,
): RegistryOp[] {
  const wanted = (restoredBefore?.previous ?? [])
    .filter((v) => v !== restore.version && v !== current?.version && s.versions.some((x) => x.version === v))
    .sort(compareVersions)
    .at(-1);
  const now = s.aliases[previousAlias];
  if (wanted)
    return now === wanted ? [] : [{ kind: 'set-alias', model: s.model, alias: previousAlias, version: wanted }];
  return now === undefined ? [] : [{ kind: 'delete-alias', model: s.model, alias: previousAlias }];
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
  const record = recordFor(holder.tags, key);
  if (record?.decision === 'restored') {
    // Its record is written; the withdrawn version's may not be.
    const withdrawn = find(record.previous.at(-1));
    const whole = !withdrawn || recordFor(withdrawn.tags, key)?.decision === 'rolled-back';
    return whole ? undefined : { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
  }
  // The restore's history entry written, its record not (the record tags of one phase land apart).
  if (last?.version === holder.version && last.decision === 'restored') {
    const withdrawn = find(last.previous.at(-1));
    return { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
  }
  // No record of the restore: the ledger's latest entry is the version that had replaced the holder.
  if (last && last.version !== holder.version && last.previous.includes(holder.version)) {
    const withdrawn = find(last.version);
    return { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
  }
  return undefined;
}

/** The version the current holder replaced: its record for the target, else the history. */
function previousFromLedger(s: RollbackState, current: ModelVersion | undefined): string | undefined {
  if (!current) return undefined;
  const key = targetKey(s.target);
  const fromRecord = [...(recordFor(current.tags, key)?.previous ?? [])].sort(compareVersions).at(-1);
  if (fromRecord) return fromRecord;
  return s.history.find((h) => h.version === current.version && h.target === key)?.previous.at(-1);
}
