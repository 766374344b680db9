/**
 * Audit: was the target's holder put there by the gate? MLflow cannot stop a person
 * from moving a version in its UI; the ledger can tell. Pure.
 */
import type { Target } from './policy.js';
import type { ModelVersion } from './registry-model.js';
import { LEDGER, TAGS } from './tags.js';
import { targetKey } from './target.js';

/** Why the holder is not accounted for by the ledger; empty when it is. */
export function auditHolder(target: Target, holder: ModelVersion, currentRuleHash?: string): string[] {
  const key = targetKey(target);
  const t = holder.tags;
  const where = `v${holder.version}, which holds ${key}`;
  const decision = t[LEDGER.decision];
  if (decision !== 'promoted' && decision !== 'restored') {
    return [
      `${where}, has no ledger entry of a promotion or restore by the gate (${LEDGER.decision}=${decision ?? 'unset'}): it was moved there by hand or by another tool`,
    ];
  }
  const reasons: string[] = [];
  if (t[LEDGER.target] !== key)
    reasons.push(`${where}, was ${decision} to ${t[LEDGER.target] ?? 'another target'}, not to this one`);
  if (t[TAGS.validation] !== 'passed' && decision === 'promoted')
    reasons.push(`${where}, is not tagged ${TAGS.validation}=passed`);
  if (currentRuleHash && decision === 'promoted' && t[LEDGER.ruleHash] !== currentRuleHash) {
    reasons.push(
      `${where}, was promoted under other rules (${t[LEDGER.ruleHash] ?? 'none recorded'}) than the current policy's (${currentRuleHash})`,
    );
  }
  return reasons;
}
