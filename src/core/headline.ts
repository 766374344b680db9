/**
 * What a decision is called where a person reads it: the job summary, the schedule
 * table, the pull-request comment, the Slack message and the terminal. One
 * definition for every value of DECISIONS; a rollback names both versions. Pure.
 */
import type { Decision } from './decide.js';

/** What a headline is made from: a decision, and for a rollback the versions it swapped. */
export interface Decided {
  decision: Decision;
  /** The version decided on (for a rollback, the one restored). */
  version?: string;
  /** The versions it replaced (for a rollback, the one withdrawn). */
  previousVersions?: readonly string[];
}

/** A decision in words: a mark, the decision itself (lower case), and what follows it (with its separator). */
export interface DecisionWords {
  mark: string;
  label: string;
  detail: string;
}

const WORDS: Record<Decision, Omit<DecisionWords, 'detail'> & { detail?: string }> = {
  promoted: { mark: '✅', label: 'promoted' },
  'already-promoted': { mark: '✅', label: 'already promoted' },
  passed: { mark: '✅', label: 'passed', detail: ' (nothing written)' },
  rejected: { mark: '❌', label: 'rejected' },
  skipped: { mark: '⏭️', label: 'skipped' },
  'rolled-back': { mark: '↩️', label: 'rolled back' },
  superseded: { mark: '⚠️', label: 'superseded', detail: ' by another run' },
  conflict: { mark: '⚠️', label: 'conflict' },
  error: { mark: '❌', label: 'error' },
};

export function decisionWords(d: Decided): DecisionWords {
  const { mark, label, detail = '' } = WORDS[d.decision];
  return { mark, label, detail: d.decision === 'rolled-back' ? rollbackDetail(d) : detail };
}

/** `: v3 withdrawn, v2 restored` (the withdrawn version first: it is what the rollback was for). */
function rollbackDetail(d: Decided): string {
  const parts = [
    ...(d.previousVersions?.length ? [`v${d.previousVersions.join(', v')} withdrawn`] : []),
    ...(d.version ? [`v${d.version} restored`] : []),
  ];
  return parts.length ? `: ${parts.join(', ')}` : '';
}

/** On its own, as a heading: `✅ Promoted`, `↩️ Rolled back: v3 withdrawn, v2 restored`. */
export function heading(d: Decided): string {
  const w = decisionWords(d);
  return `${w.mark} ${w.label.charAt(0).toUpperCase()}${w.label.slice(1)}${w.detail}`;
}

/** After the model and version it is about: `churn v3 ❌ rejected`, `churn v2 ↩️ rolled back: v3 withdrawn, v2 restored`. */
export function headline(d: Decided): string {
  const w = decisionWords(d);
  return `${w.mark} ${w.label}${w.detail}`;
}

/** For a terminal, without marks: `REJECTED`, `ALREADY PROMOTED`, `ROLLED BACK: v3 withdrawn, v2 restored`. */
export function plainHeadline(d: Decided): string {
  const w = decisionWords(d);
  return `${w.label.toUpperCase()}${w.detail}`;
}
