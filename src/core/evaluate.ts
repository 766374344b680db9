/**
 * Evaluation of a candidate's metrics against the policy's rules, and against
 * the version that holds the target now. Pure: it is given the observed values
 * and returns every check, never stopping at the first failure.
 */
import { closest } from './closest.js';
import { describeCompare, type CompareRule, type MetricRule } from './policy.js';
import { formatBound, formatNumber, formatPercent, satisfies, type Bound } from './thresholds.js';

/** pass; fail (a bound or comparison is not met); missing (a required metric is absent); warn (an optional metric is absent). */
export type Verdict = 'pass' | 'fail' | 'missing' | 'warn';

/** A metric's value as the policy reads it, with where it came from. */
export interface Observed {
  value: number;
  /** When it was logged (ms since the epoch); the latest point for an aggregate. */
  timestamp?: number;
  /** Digests of the datasets it was computed on, where MLflow records them. */
  datasets: string[];
  /** For the report: e.g. "run 1a2b (step 3)" or "run 1a2b (mean of 10 steps)". */
  source: string;
}
export type Observations = ReadonlyMap<string, Observed>;

/** A metric that exists, by name, and the dataset it was computed on (when one is recorded). */
export interface MetricName {
  key: string;
  dataset?: string;
}

/**
 * Every metric a version has, by name: what a missing metric's message searches for the names
 * the author probably meant (observe.ts's `inventory` builds it from the run and the logged model).
 */
export interface MetricInventory {
  run?: { runId: string; metrics: MetricName[] };
  /** MLflow 3: the logged model's evaluation metrics (those on a named dataset). */
  loggedModel?: { modelId: string; metrics: MetricName[] };
}

/** The version that holds the target now, whose metrics `compare` rules read. */
export interface Baseline {
  version: string;
  metrics: Observations;
  /** What it has, to name the closest metrics when it lacks the one a rule compares. */
  inventory?: MetricInventory;
}

export interface Check {
  metric: string;
  /** The rule as written, e.g. ">= 0.9". */
  rule: string;
  /** The first bound (operator and threshold), if the rule has one; all of them are in `bounds`. */
  operator?: Bound['op'];
  threshold?: number;
  bounds: Bound[];
  /** The value the candidate has, or null when it has none. */
  observed: number | null;
  source?: string;
  /** For a compare rule: the holder and its value. */
  baseline?: { version: string; value: number | null };
  /** Candidate minus holder, and that relative to the holder's magnitude (null when the holder's value is 0). */
  change?: { absolute: number; relative: number | null };
  verdict: Verdict;
  required: boolean;
  /** For a failed bound: how far the value is from meeting it. */
  shortfall?: number;
  /** Why: every failed part of the rule, or what it met. */
  message: string;
  notes: string[];
}

export interface Evaluation {
  /** True when no required check failed. */
  passed: boolean;
  checks: Check[];
  failed: Check[];
}

/** MLflow's fallback for a relative change against a baseline of 0 (mlflow/models/evaluation/validation.py). */
export const ZERO_BASELINE_EPSILON = 1e-10;

/** A missing metric's message names at most this many metrics that exist. */
export const MAX_SUGGESTIONS = 3;

/**
 * @param inventory every metric the candidate has: a missing metric's message names the closest
 *   ones and where they are (run, logged model and dataset).
 */
export function evaluateMetrics(
  rules: MetricRule[],
  candidate: Observations,
  baseline?: Baseline,
  inventory?: MetricInventory,
): Evaluation {
  const checks = rules.map((rule) => checkRule(rule, candidate.get(rule.metric), baseline, inventory));
  const failed = checks.filter((c) => c.verdict === 'fail' || c.verdict === 'missing');
  return { passed: failed.length === 0, checks, failed };
}

function checkRule(
  rule: MetricRule,
  observed: Observed | undefined,
  baseline: Baseline | undefined,
  inventory: MetricInventory | undefined,
): Check {
  const first = rule.bounds[0];
  const base = {
    metric: rule.metric,
    rule: rule.text,
    ...(first ? { operator: first.op, threshold: first.value } : {}),
    bounds: rule.bounds,
    required: rule.required,
  };
  if (observed === undefined) {
    const hint = whatExists(rule, inventory);
    const missing = hint
      ? `${rule.metric} is missing${rule.dataset ? ` on dataset ${rule.dataset}` : ''}; ${hint}`
      : `${rule.metric} is missing from the run`;
    return rule.required
      ? {
          ...base,
          observed: null,
          verdict: 'missing',
          notes: [],
          message: `${missing}; the policy requires ${rule.text}`,
        }
      : {
          ...base,
          observed: null,
          verdict: 'warn',
          notes: [],
          message: `${missing}; the rule is optional, so this is a warning`,
        };
  }
  const value = observed.value;
  const failures: string[] = [];
  const notes: string[] = [];
  let shortfall: number | undefined;
  if (Number.isNaN(value)) {
    failures.push(`${rule.metric} is NaN, which meets no threshold`);
  } else {
    for (const b of rule.bounds) {
      if (satisfies(value, b)) continue;
      const gap = Math.abs(value - b.value);
      shortfall ??= gap;
      const by = b.op === '==' || b.op === '!=' ? '' : ` by ${formatNumber(gap)}`;
      failures.push(`${rule.metric} = ${formatNumber(value)} fails ${formatBound(b)}${by}`);
    }
  }
  let compared: Pick<Check, 'baseline' | 'change'> = {};
  if (rule.compare && !Number.isNaN(value)) {
    const result = compare(rule, rule.compare, observed, baseline);
    failures.push(...result.failures);
    notes.push(...result.notes);
    compared = result.fields;
  }
  const verdict: Verdict = failures.length > 0 ? 'fail' : 'pass';
  const message =
    failures.length > 0
      ? failures.join('; ')
      : `${rule.metric} = ${formatNumber(value)} meets ${rule.text}${notes.length ? ` (${notes.join('; ')})` : ''}`;
  return {
    ...base,
    observed: value,
    source: observed.source,
    ...compared,
    verdict,
    ...(shortfall !== undefined ? { shortfall } : {}),
    message,
    notes,
  };
}

function compare(
  rule: MetricRule,
  c: CompareRule,
  candidate: Observed,
  baseline: Baseline | undefined,
): { failures: string[]; notes: string[]; fields: Pick<Check, 'baseline' | 'change'> } {
  const m = rule.metric;
  if (!baseline) {
    return c.requireBaseline
      ? {
          failures: [`${m}: no version holds the target, and the policy requires one to compare with`],
          notes: [],
          fields: {},
        }
      : { failures: [], notes: ['no version holds the target, so the comparison passes'], fields: {} };
  }
  const held = baseline.metrics.get(m);
  if (!held || Number.isNaN(held.value)) {
    const hint = held ? '' : whatExists(rule, baseline.inventory, 'its');
    // The candidate's value came from an evaluation of its logged model: the holder needs one too.
    const evaluateIt =
      !held && candidate.source.startsWith('logged model ')
        ? `; evaluate the holder the same way (mlflow.models.evaluate with model_id= its logged model) so it has ${m}${rule.dataset ? ` on dataset ${rule.dataset}` : ''}`
        : '';
    return {
      failures: [
        `${m}: the holder v${baseline.version} has ${held ? 'NaN' : 'no value'} for ${m} to compare with${hint ? `; ${hint}` : ''}${evaluateIt}`,
      ],
      notes: [],
      fields: { baseline: { version: baseline.version, value: held ? held.value : null } },
    };
  }
  const gib = rule.greaterIsBetter ?? true;
  const v = candidate.value;
  const b = held.value;
  const relative = b === 0 ? null : (v - b) / Math.abs(b);
  const fields = { baseline: { version: baseline.version, value: b }, change: { absolute: v - b, relative } };
  const failures: string[] = [];
  const vs = `${m} = ${formatNumber(v)} vs holder v${baseline.version} = ${formatNumber(b)} (change ${signed(v - b)}${relative === null ? '' : `, ${relative >= 0 ? '+' : ''}${formatPercent(relative)}`})`;
  if (c.sameDataset) {
    const shared = candidate.datasets.filter((d) => held.datasets.includes(d));
    if (candidate.datasets.length === 0 || held.datasets.length === 0) {
      failures.push(
        `${m}: cannot tell whether candidate and holder were evaluated on the same dataset (no dataset recorded for the ${candidate.datasets.length === 0 ? 'candidate' : 'holder'})`,
      );
    } else if (shared.length === 0) {
      failures.push(
        `${m}: candidate and holder v${baseline.version} were evaluated on different datasets (${candidate.datasets.join(', ')} vs ${held.datasets.join(', ')})`,
      );
    }
  }
  // The same comparisons as MLflow's validate_evaluation_results, so the two agree where they overlap.
  if (c.minAbsoluteChange !== undefined) {
    const ok = gib ? v >= b + c.minAbsoluteChange : v <= b - c.minAbsoluteChange;
    if (!ok)
      failures.push(`${vs}; needs to be at least ${formatNumber(c.minAbsoluteChange)} ${gib ? 'higher' : 'lower'}`);
  }
  if (c.minRelativeChange !== undefined) {
    let ok: boolean;
    if (b === 0) ok = gib ? v >= b + ZERO_BASELINE_EPSILON : v <= b - ZERO_BASELINE_EPSILON;
    else ok = !((gib ? (v - b) / Math.abs(b) : (b - v) / Math.abs(b)) < c.minRelativeChange);
    if (!ok)
      failures.push(
        `${vs}; needs to be at least ${formatPercent(c.minRelativeChange)} ${gib ? 'higher' : 'lower'}${b === 0 ? ' (the holder is 0, so any improvement counts)' : ''}`,
      );
  }
  if (c.maxRegression !== undefined) {
    const ok = gib ? v >= b - c.maxRegression : v <= b + c.maxRegression;
    if (!ok) failures.push(`${vs}; may be at most ${formatNumber(c.maxRegression)} ${gib ? 'lower' : 'higher'}`);
  }
  const notes = failures.length === 0 ? [`${describeCompare(c, gib)}: ${vs.slice(m.length + 3)}`] : [];
  return { failures, notes, fields };
}

/**
 * Where the metrics closest to a missing one are, e.g. `the logged model m-1 has accuracy_score
 * (dataset test); the run r has accuracy_score`; empty when nothing is close. The rule's own name
 * comes first when it exists but not as the rule reads it (on another dataset, or with none).
 */
function whatExists(rule: MetricRule, inventory: MetricInventory | undefined, whose = 'the'): string {
  if (!inventory) return '';
  const places = [
    ...(inventory.loggedModel
      ? [
          {
            where: `${whose} logged model ${inventory.loggedModel.modelId}`,
            metrics: inventory.loggedModel.metrics,
          },
        ]
      : []),
    ...(inventory.run ? [{ where: `${whose} run ${inventory.run.runId}`, metrics: inventory.run.metrics }] : []),
  ];
  const keys = [...new Set(places.flatMap((p) => p.metrics.map((m) => m.key)))];
  const exact = keys.includes(rule.metric);
  const names = [...(exact ? [rule.metric] : []), ...closest(rule.metric, keys, MAX_SUGGESTIONS - (exact ? 1 : 0))];
  const parts: string[] = [];
  for (const place of places) {
    const listed = names.flatMap((name) => {
      const datasets = [...new Set(place.metrics.filter((m) => m.key === name).map((m) => m.dataset))];
      if (datasets.length === 0) return [];
      const named = datasets.filter((d): d is string => d !== undefined);
      const on =
        named.length > 0
          ? ` (dataset${named.length > 1 ? 's' : ''} ${bounded(named)})`
          : rule.dataset
            ? ' (no dataset recorded)'
            : '';
      return [`${name}${on}`];
    });
    if (listed.length > 0) parts.push(`${place.where} has ${listed.join(', ')}`);
  }
  if (parts.length === 0) return '';
  // The name is there, yet missing: an aggregate reads the run's history, never the logged model.
  const modelOnly =
    exact && rule.aggregate !== 'latest' && !(inventory.run?.metrics ?? []).some((m) => m.key === rule.metric);
  return `${parts.join('; ')}${modelOnly ? ` (aggregate: ${rule.aggregate} reads the run's history, not the logged model)` : ''}`;
}

function bounded(items: string[]): string {
  return items.length <= MAX_SUGGESTIONS
    ? items.join(', ')
    : `${items.slice(0, MAX_SUGGESTIONS).join(', ')} and ${items.length - MAX_SUGGESTIONS} more`;
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : ''}${formatNumber(n)}`;
}
