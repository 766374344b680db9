/**
 * The history of a model's promotions and rollbacks. The versions' records are the truth: the
 * history is rebuilt from them (one search of the versions), and the registered model's
 * `mlflow_gate.history` tag is a cache of the last entries, which keeps what the records no
 * longer show (a version's promotion, once it was rolled back). Racing runs rewrite that tag in
 * turn, so an entry the records contradict (a promotion another run superseded) is left out. Pure.
 */
import { recordFor, recordsOf } from './ledger.js';
import { compareVersions, type ModelVersion } from './registry-model.js';
import { LEDGER, MAX_TAG_VALUE } from './tags.js';

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
  return formatHistory([entry, ...history.filter((h) => !sameEntry(h, entry))], max);
}

/** The history tag's value: the first entries, as many as fit in 5,000 characters (at most `max`). */
export function formatHistory(history: HistoryEntry[], max = 20): string {
  let entries = history.slice(0, max);
  let text = JSON.stringify(entries);
  while (text.length > MAX_TAG_VALUE && entries.length > 1) {
    entries = entries.slice(0, -1);
    text = JSON.stringify(entries);
  }
  return text;
}

/** One history entry as a line for a log or a terminal. */
/** What `history` says of a model the gate never promoted nor restored. */
export function noHistory(model: string): string {
  return `no promotion history for model ${model}: the gate has not promoted or restored any of its versions`;
}

export function formatHistoryLine(h: HistoryEntry): string {
  return `${h.at}  v${h.version}  ${h.decision} to ${h.target}${h.previous.length ? ` (was v${h.previous.join(', v')})` : ''}  by ${h.by}${h.reason ? `: ${h.reason}` : ''}`;
}

/** The cached history, from the registered model's tags (absent when the model was not read). */
export function cachedHistory(modelTags: Record<string, string> | undefined): HistoryEntry[] {
  return parseHistory(modelTags?.[LEDGER.history]);
}

function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.version === b.version && a.target === b.target && a.decision === b.decision && a.at === b.at;
}

/**
 * The history, newest first: every promotion and restore the versions' records show, and the
 * cached entries they do not contradict (an entry whose version's record for that target says
 * it was superseded is a race the version lost, not a promotion).
 */
export function rebuildHistory(versions: ModelVersion[], cache: HistoryEntry[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const v of versions) {
    for (const r of recordsOf(v.tags)) {
      if ((r.decision !== 'promoted' && r.decision !== 'restored') || !r.at) continue;
      entries.push({
        version: v.version,
        decision: r.decision,
        target: r.target,
        previous: r.previous,
        at: r.at,
        by: r.by ?? 'unknown',
        ...(r.reason && r.decision === 'restored' ? { reason: r.reason } : {}),
      });
    }
  }
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  for (const h of cache) {
    if (entries.some((e) => sameEntry(e, h))) continue;
    const now = byVersion.get(h.version);
    if (now && recordFor(now.tags, h.target)?.decision === 'superseded') continue;
    entries.push(h);
  }
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : compareVersions(b.version, a.version)));
}
