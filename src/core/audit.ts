/**
 * Audit: was the target's holder put there by the gate? MLflow cannot stop a person
 * from moving a version in its UI; the ledger can tell. Pure.
 */
import { recordFor, recordsOf } from './ledger.js';
import type { Target } from './policy.js';
import type { ModelVersion } from './registry-model.js';
import { TAGS } from './tags.js';
import { targetKey } from './target.js';

/** Why the holder is not accounted for by its record for the target; empty when it is. */
export function auditHolder(target: Target, holder: ModelVersion, currentRuleHash?: string): string[] {
  const key = targetKey(target);
  const where = `v${holder.version}, which holds ${key}`;
  const record = recordFor(holder.tags, key);
  if (!record) {
    const others = recordsOf(holder.tags).filter((r) => r.decision);
    return [
      `${where}, has no ledger record of the gate putting it there${others.length ? ` (it has records only for ${others.map((r) => `${r.target}: ${r.decision}`).join(', ')})` : ''}: it was moved there by hand or by another tool`,
    ];
  }
  if (!record.decision)
    return [
      `${where}, has a ledger record a run began but did not finish (it stopped after the move): run the gate again to complete it`,
    ];
  if (record.decision !== 'promoted' && record.decision !== 'restored')
    return [
      `${where}, has a ledger record of ${record.decision}, not of a promotion or restore: it was moved there by hand or by another tool`,
    ];
  const reasons: string[] = [];
  // A record of the earlier single-record layout leaves the verdict to the version-wide tag.
  if (record.legacy && record.decision === 'promoted' && holder.tags[TAGS.validation] !== 'passed')
    reasons.push(`${where}, is not tagged ${TAGS.validation}=passed`);
  if (currentRuleHash && record.decision === 'promoted' && record.ruleHash !== currentRuleHash) {
    reasons.push(
      `${where}, was promoted under other rules (${record.ruleHash ?? 'none recorded'}) than the current policy's (${currentRuleHash})`,
    );
  }
  return reasons;
}
