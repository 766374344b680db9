/**
 * The audit ledger the gate keeps in the registry itself, as tags any MLflow
 * client can read: on each decided version, what was decided, about which
 * target, replacing whom, when, by whom, from which workflow run and commit,
 * with which observed values and under which rule; on the registered model, a
 * short history of promotions and rollbacks. Pure: the caller gives the time.
 */
import type { RegistryOp } from './registry-model.js';
import { createHash } from 'node:crypto';
import type { Policy } from './policy.js';
import { LEDGER, MAX_REASON, MAX_TAG_VALUE } from './tags.js';

/** Where a decision was made: from the workflow run (github.context), and when. */
export interface LedgerContext {
  /** ISO 8601, UTC. */
  now: string;
  actor?: string;
  runUrl?: string;
  sha?: string;
}

/** Values of mlflow_gate.decision on a version. */
export type LedgerDecision = 'promoted' | 'rejected' | 'restored' | 'rolled-back' | 'superseded';

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

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The ledger tags of one decision on one version. */
export function ledgerTags(
  entry: { decision: LedgerDecision; target: string; previous: string[]; ruleHash?: string; reason?: string },
  ctx: LedgerContext,
): Record<string, string> {
  return {
    [LEDGER.decision]: entry.decision,
    [LEDGER.target]: entry.target,
    [LEDGER.previous]: entry.previous.join(','),
    [LEDGER.at]: ctx.now,
    [LEDGER.by]: ctx.actor ?? 'unknown',
    ...(ctx.runUrl ? { [LEDGER.runUrl]: ctx.runUrl } : {}),
    ...(ctx.sha ? { [LEDGER.commit]: ctx.sha } : {}),
    ...(entry.ruleHash ? { [LEDGER.ruleHash]: entry.ruleHash } : {}),
    ...(entry.reason ? { [LEDGER.reason]: entry.reason.slice(0, MAX_REASON) } : {}),
  };
}

/**
 * The record of a race lost: this run moved `version` to the target, but by the time it read
 * back another run had moved `holder` there. The version's ledger says so.
 */
export function supersededRecord(model: string, version: string, holder: string, target: string): RegistryOp[] {
  return [
    { kind: 'set-tag', model, version, key: LEDGER.decision, value: 'superseded', record: true },
    { kind: 'set-tag', model, version, key: LEDGER.supersededBy, value: holder, record: true },
    {
      kind: 'set-tag',
      model,
      version,
      key: LEDGER.reason,
      value: `v${holder} took ${target} while this run was writing (runs on one model must share a concurrency group)`,
      record: true,
    },
  ];
}

/**
 * True when the version's ledger already records this decision (same decision, target and
 * rule) completely (every tag such a record has, given `ctx`): a rerun writes nothing. A record
 * a run left half written is not: the next run writes it whole.
 */
export function alreadyRecorded(
  tags: Record<string, string>,
  entry: { decision: LedgerDecision; target: string; ruleHash?: string; previous?: string[]; reason?: string },
  ctx?: LedgerContext,
): boolean {
  const same =
    tags[LEDGER.decision] === entry.decision &&
    tags[LEDGER.target] === entry.target &&
    (entry.ruleHash === undefined || tags[LEDGER.ruleHash] === entry.ruleHash) &&
    (entry.previous === undefined || tags[LEDGER.previous] === entry.previous.join(',')) &&
    (entry.reason === undefined || tags[LEDGER.reason] === entry.reason.slice(0, MAX_REASON));
  return (
    same &&
    (!ctx || Object.keys(ledgerTags({ ...entry, previous: entry.previous ?? [] }, ctx)).every((key) => key in tags))
  );
}

export interface HistoryEntry {
  /** The version that took the target. */
  version: string;
  decision: 'promoted' | 'restored';
  target: string;
  previous: string[];
  at: string;
  by: string;
  reason?: string;
}

/** Reads the model's history tag; a missing or damaged tag is an empty history. */
export function parseHistory(raw: string | undefined): HistoryEntry[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed)
      ? (parsed.filter(
          (e) => e && typeof e === 'object' && typeof (e as HistoryEntry).version === 'string',
        ) as HistoryEntry[])
      : [];
  } catch {
    return [];
  }
}

/** The history with a new entry first, as many entries as fit in MLflow's 5,000-character tag value (at most `max`). */
export function appendHistory(history: HistoryEntry[], entry: HistoryEntry, max = 20): string {
  let entries = [entry, ...history].slice(0, max);
  let text = JSON.stringify(entries);
  while (text.length > MAX_TAG_VALUE && entries.length > 1) {
    entries = entries.slice(0, -1);
    text = JSON.stringify(entries);
  }
  return text;
}

/** One history entry as a line for a log or a terminal. */
export function formatHistoryLine(h: HistoryEntry): string {
  return `${h.at}  v${h.version}  ${h.decision} to ${h.target}${h.previous.length ? ` (was v${h.previous.join(', v')})` : ''}  by ${h.by}${h.reason ? `: ${h.reason}` : ''}`;
}

/** The model's history, from its registered-model tags (absent when the model was not read). */
export function historyOf(modelTags: Record<string, string> | undefined): HistoryEntry[] {
  return parseHistory(modelTags?.[LEDGER.history]);
}
