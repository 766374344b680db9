/**
 * Evaluation of a candidate's metrics against the policy's rules. Pure: it is
 * given the observed values and returns every check, never stopping at the first failure.
 */
import type { MetricRule } from './policy.js';
import { formatBound, formatNumber, satisfies, type Bound } from './thresholds.js';

/** pass; fail (a bound is not met); missing (a required metric is absent); warn (an optional metric is absent). */
export type Verdict = 'pass' | 'fail' | 'missing' | 'warn';

export interface Check {
  metric: string;
  /** The rule as written, e.g. ">= 0.9". */
  rule: string;
  /** The first bound (operator and threshold); all of them are in `bounds`. */
  operator: Bound['op'];
  threshold: number;
  bounds: Bound[];
  /** The value the run has, or null when it has none. */
  observed: number | null;
  verdict: Verdict;
  required: boolean;
  /** For a failed bound: how far the value is from meeting it. */
  shortfall?: number;
  message: string;
}

export interface Evaluation {
  /** True when no required check failed. */
  passed: boolean;
  checks: Check[];
  failed: Check[];
}

export function evaluateMetrics(rules: MetricRule[], observed: ReadonlyMap<string, number>): Evaluation {
  const checks = rules.map((rule) => checkRule(rule, observed.get(rule.metric)));
  const failed = checks.filter((c) => c.verdict === 'fail' || c.verdict === 'missing');
  return { passed: failed.length === 0, checks, failed };
}

function checkRule(rule: MetricRule, value: number | undefined): Check {
  const first = rule.bounds[0]!;
  const base = { metric: rule.metric, rule: rule.text, operator: first.op, threshold: first.value, bounds: rule.bounds, required: rule.required };
  if (value === undefined) {
    return rule.required
      ? { ...base, observed: null, verdict: 'missing', message: `${rule.metric} is missing from the run; the policy requires ${rule.text}` }
      : { ...base, observed: null, verdict: 'warn', message: `${rule.metric} is missing from the run; the rule is optional, so this is a warning` };
  }
  const broken = rule.bounds.find((b) => !satisfies(value, b));
  if (!broken) {
    return { ...base, observed: value, verdict: 'pass', message: `${rule.metric} = ${formatNumber(value)} meets ${rule.text}` };
  }
  if (Number.isNaN(value)) {
    return { ...base, observed: value, verdict: 'fail', message: `${rule.metric} is NaN, which meets no threshold (needs ${rule.text})` };
  }
  const shortfall = Math.abs(value - broken.value);
  const by = broken.op === '==' || broken.op === '!=' ? '' : ` by ${formatNumber(shortfall)}`;
  return {
    ...base,
    observed: value,
    verdict: 'fail',
    shortfall,
    message: `${rule.metric} = ${formatNumber(value)} fails ${formatBound(broken)}${by}`,
  };
}
