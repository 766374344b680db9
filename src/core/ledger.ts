/**
 * The audit ledger the gate keeps in the registry itself, as tags any MLflow client can read:
 * on each decided version, one record per target it was decided for (what was decided, replacing
 * whom, when, by whom, from which workflow run and commit, under which rule). Records are read
 * from both layouts: one JSON tag per target (`mlflow_gate.record.<target>`)
 * and the single record per version that earlier builds wrote (`mlflow_gate.decision`, `.target`, …), read as the
 * record of the target it names and never rewritten just to migrate. Pure: the caller gives the time.
 */
import { createHash } from 'node:crypto';
import type { Policy } from './policy.js';
import { LEGACY_LEDGER, MAX_RECORD_VALUE, RECORD_PREFIX } from './tags.js';

/** Where a decision was made: from the workflow run (github.context), and when. */
export interface LedgerContext {
  /** ISO 8601, UTC: when the run decided. */
  now: string;
  /**
   * The time now, when the records are written (the run's own clock): a record's `at` is when it
   * was written, after the move, so the history orders racing promotions as their moves landed.
   * Absent (tests with a fixed time): `now` serves.
   */
  clock?: () => string;
  actor?: string;
  runUrl?: string;
  sha?: string;
}

/** Values of a record's decision. */
export type LedgerDecision = 'promoted' | 'rejected' | 'restored' | 'rolled-back' | 'superseded';
const DECIDED: readonly LedgerDecision[] = ['promoted', 'rejected', 'restored', 'rolled-back', 'superseded'];

/**
 * One version's record for one target. Without a decision it is a promotion begun: written with
 * the evidence, before the move, with what is known then (what it replaces, the rule); the run
 * completes it after the move, and a rerun completes what a run that stopped left half written.
 */
export interface LedgerRecord {
  /** The target's key (core/target.ts targetKey): `stage:Production`, `alias:champion`, … */
  target: string;
  decision?: LedgerDecision;
  /** The versions that held the target before (oldest first). */
  previous: string[];
  at?: string;
  by?: string;
  runUrl?: string;
  commit?: string;
  ruleHash?: string;
  reason?: string;
  /** For an alias target: the alias the promotion pointed at the version it replaced. */
  previousAlias?: string;
  /** A race lost: the version that holds the target instead. */
  supersededBy?: string;
  /** Read from the single-record layout of earlier releases. */
  legacy?: true;
}

/** The record's fields as the tag's JSON names them, in the order they are written. */
const FIELDS = [
  ['target', 'target'],
  ['decision', 'decision'],
  ['previous', 'previous'],
  ['at', 'at'],
  ['by', 'by'],
  ['runUrl', 'run_url'],
  ['commit', 'commit'],
  ['ruleHash', 'rule_hash'],
  ['reason', 'reason'],
  ['previousAlias', 'previous_alias'],
  ['supersededBy', 'superseded_by'],
] as const satisfies ReadonlyArray<readonly [keyof LedgerRecord, string]>;

/** At most this many previous holders are kept (the newest), so a record always fits. */
const MAX_PREVIOUS = 20;
/** A record's reason is kept to this many characters. */
const MAX_RECORD_REASON = 400;

/**
 * The tag that carries a target's record: RECORD_PREFIX and the target key, `:` as `_` and `+` as
 * `__` (`stage:Production` → `mlflow_gate.record.stage_Production`; `alias:champion+stage:Production`
 * → `mlflow_gate.record.alias_champion__stage_Production`). The part after the prefix keeps to
 * letters, digits, `_` and `-`; a target with other characters (a copy into a model whose name has
 * `/`, `.` or spaces), a long one, or one whose names hold `__`, is kept readable as far as it goes
 * and made unique by a hash of the whole key. Readers match on the record's own `target` field.
 */
export function recordKey(target: string): string {
  const plain = target.replace(/\+/g, '__').replace(/:/g, '_');
  if (/^[\w-]+$/.test(plain) && plain.length <= 120 && !/__/.test(target)) return `${RECORD_PREFIX}${plain}`;
  const hash = createHash('sha256').update(target).digest('hex').slice(0, 12);
  return `${RECORD_PREFIX}${plain.replace(/[^\w-]+/g, '_').slice(0, 100)}_${hash}`;
}

/** True for a tag that carries a record (either layout). */
export function isRecordTag(key: string): boolean {
  return key.startsWith(RECORD_PREFIX) || (Object.values(LEGACY_LEDGER) as string[]).includes(key);
}

/**
 * The record as its tag's value: compact JSON in a fixed field order, at most MAX_RECORD_VALUE
 * characters (the reason is shortened first, then the oldest previous holders dropped).
 */
export function formatRecord(record: LedgerRecord): string {
  const json = (reasonLength: number, previous: number) => {
    const out: Record<string, unknown> = {};
    for (const [field, name] of FIELDS) {
      const value =
        field === 'previous'
          ? record.previous.slice(-previous)
          : field === 'reason'
            ? record.reason?.slice(0, reasonLength)
            : record[field];
      if (value !== undefined) out[name] = value;
    }
    return JSON.stringify(out);
  };
  let text = json(MAX_RECORD_REASON, MAX_PREVIOUS);
  for (let cut = 1; text.length > MAX_RECORD_VALUE && cut <= 5; cut++)
    text = json(MAX_RECORD_REASON >> cut, MAX_PREVIOUS >> cut);
  // A target that long (a copy into a Unity Catalog model with three 255-character names) leaves
  // room for the decision's own facts only: no reason, the newest previous holder.
  return text.length <= MAX_RECORD_VALUE ? text : json(0, 1).replace(/,"reason":""/, '');
}

/** A record tag's value, or undefined when it is not one (damaged, or written by something else). */
export function parseRecord(value: string | undefined): LedgerRecord | undefined {
  if (!value) return undefined;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(value) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || typeof data.target !== 'string') return undefined;
  const record: LedgerRecord = {
    target: data.target,
    previous: Array.isArray(data.previous) ? data.previous.filter((v): v is string => typeof v === 'string') : [],
  };
  for (const [field, name] of FIELDS) {
    if (field === 'target' || field === 'previous') continue;
    const v = data[name];
    if (typeof v !== 'string') continue;
    // A decision this build does not know (a later one's) is kept as it is: never taken for a begun record.
    if (field === 'decision') {
      if (v) record.decision = v as LedgerDecision;
    } else record[field] = v;
  }
  return record;
}

/** The record of the single-record layout, as the record of the target it names. */
function legacyRecord(tags: Record<string, string>): LedgerRecord | undefined {
  const target = tags[LEGACY_LEDGER.target];
  const decision = tags[LEGACY_LEDGER.decision];
  if (!target || !decision || !(DECIDED as readonly string[]).includes(decision)) return undefined;
  const optional = {
    at: tags[LEGACY_LEDGER.at],
    by: tags[LEGACY_LEDGER.by],
    runUrl: tags[LEGACY_LEDGER.runUrl],
    commit: tags[LEGACY_LEDGER.commit],
    ruleHash: tags[LEGACY_LEDGER.ruleHash],
    reason: tags[LEGACY_LEDGER.reason],
    supersededBy: tags[LEGACY_LEDGER.supersededBy],
  };
  return {
    target,
    decision: decision as LedgerDecision,
    previous: (tags[LEGACY_LEDGER.previous] ?? '').split(',').filter(Boolean),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    legacy: true,
  };
}

/** Every record a version carries, one per target (a record tag wins over the single-record layout). */
export function recordsOf(tags: Record<string, string>): LedgerRecord[] {
  const records = new Map<string, LedgerRecord>();
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(RECORD_PREFIX)) continue;
    const record = parseRecord(value);
    if (record && key === recordKey(record.target)) records.set(record.target, record);
  }
  const legacy = legacyRecord(tags);
  if (legacy && !records.has(legacy.target)) records.set(legacy.target, legacy);
  return [...records.values()];
}

/** The version's record for this target, if it has one. */
export function recordFor(tags: Record<string, string>, target: string): LedgerRecord | undefined {
  const own = parseRecord(tags[recordKey(target)]);
  if (own?.target === target) return own;
  const legacy = legacyRecord(tags);
  return legacy?.target === target ? legacy : undefined;
}

/** The version's record for this target when it is decided (any decision: a later build's too); undefined when none or begun. */
export function decidedFor(tags: Record<string, string>, target: string): LedgerRecord | undefined {
  const record = recordFor(tags, target);
  return record?.decision ? record : undefined;
}

/** A new record of a decision made now. */
export function newRecord(
  entry: Omit<LedgerRecord, 'at' | 'by' | 'runUrl' | 'commit' | 'legacy'>,
  ctx: LedgerContext,
): LedgerRecord {
  return {
    ...entry,
    at: ctx.now,
    by: ctx.actor ?? 'unknown',
    ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
    ...(ctx.sha ? { commit: ctx.sha } : {}),
  };
}

/** A begun record completed: its present fields kept as they are, the absent ones filled from `whole`. */
export function completed(begun: LedgerRecord, whole: LedgerRecord): LedgerRecord {
  const { legacy: _legacy, ...present } = begun;
  const filled: LedgerRecord = { ...whole };
  for (const [field, value] of Object.entries(present) as Array<[keyof LedgerRecord, unknown]>) {
    if (value !== undefined) (filled as unknown as Record<string, unknown>)[field] = value;
  }
  return filled;
}

/**
 * True when the tag value `now` holds the record `written`, or, when `written` is a begun record
 * (no decision), its completion: every field the begun record has, with the same value. A run
 * writes a record's tag twice (begun with the evidence, completed after the move), and a read-back
 * of the first write may see the second.
 */
export function holdsRecord(now: string | undefined, written: string): boolean {
  if (now === written) return true;
  const begun = parseRecord(written);
  const record = parseRecord(now);
  if (!begun || !record || begun.decision) return false;
  return FIELDS.every(([field]) =>
    field === 'previous'
      ? begun.previous.join(',') === record.previous.join(',')
      : begun[field] === undefined || begun[field] === record[field],
  );
}

/** The tag write of a record on a version; `record`: written after the moves it records. */
export function recordOp(
  model: string,
  version: string,
  record: LedgerRecord,
  opts: { record?: boolean } = {},
): { kind: 'set-tag'; model: string; version: string; key: string; value: string; record?: true } {
  return {
    kind: 'set-tag',
    model,
    version,
    key: recordKey(record.target),
    value: formatRecord(record),
    ...(opts.record === false ? {} : { record: true as const }),
  };
}

/** The record of a race lost: the version's record for the target says it was superseded, and by whom. */
export function supersededRecord(record: LedgerRecord, holder: string, where: string): LedgerRecord {
  return {
    ...record,
    decision: 'superseded',
    supersededBy: holder,
    reason: `v${holder} took ${where} while this run was writing (runs on one model must share a concurrency group)`,
  };
}

/**
 * A hash of the rules that applied to this model: the resolved policy, canonical
 * (sorted keys, no file name), so a comment-only edit of the policy file changes nothing.
 */
export function ruleHash(policy: Policy): string {
  const { file: _file, metrics, ...rules } = policy;
  // The order of rules in the file means nothing either.
  const sorted = [...metrics].sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  return `sha256:${createHash('sha256')
    .update(canonicalJson({ ...rules, metrics: sorted }))
    .digest('hex')
    .slice(0, 16)}`;
}

/**
 * JSON with object keys sorted and undefined members left out: the text a rule hash is taken of.
 * Built in one string, with no arrays of entries per object: a scheduled run hashes the rules of
 * every candidate, and this was the run's largest allocation (issue 18). The text must not change:
 * ledgers hold hashes of it (pinned in test/unit/ledger.test.ts).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]) ?? ''; // like Array.prototype.join: undefined as nothing
    }
    return out + ']';
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    let out = '{';
    for (const key of Object.keys(obj).sort()) {
      const v = obj[key];
      if (v === undefined) continue;
      if (out.length > 1) out += ',';
      out += JSON.stringify(key) + ':' + canonicalJson(v);
    }
    return out + '}';
  }
  return JSON.stringify(value);
}
