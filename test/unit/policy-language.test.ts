import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ineligibility, LATE_EVALUATION } from '../../src/core/eligibility.js';
import { InputError, PolicyError } from '../../src/core/errors.js';
import { evaluateMetrics } from '../../src/core/evaluate.js';
import { matchesGlob } from '../../src/core/glob.js';
import { summarizePoints } from '../../src/core/history-summary.js';
import { historiesNeeded, observe } from '../../src/core/observe.js';
import { loadPolicy, loadPolicyFile } from '../../src/core/policy.js';
import type { ModelVersion } from '../../src/core/registry-model.js';
import { obs, runData } from './builders.js';

const FULL = readFileSync(new URL('../../examples/full-policy.yml', import.meta.url), 'utf8');

describe('the full policy of the policy-language issue, exactly as written', () => {
  const policy = loadPolicy(FULL, '.github/promotion-policy.yml');
  const rule = (m: string) => policy.metrics.find((r) => r.metric === m)!;

  it('keeps the issue text verbatim (but for the schema URL)', () => {
    expect(FULL).toContain('  latency_p95_ms: "<= 50"    # lower is better: inferred from the operator\n');
    expect(FULL).toContain('      max_regression: 0.02   # may be at most 0.02 worse than the current holder\n');
  });

  it('means what its comments say', () => {
    expect(policy.model).toBe('churn-predictor');
    expect(policy.target).toEqual({ stage: 'Production', archiveExisting: true });
    expect(policy.candidate).toEqual({
      fromStage: 'Staging',
      runStatus: 'FINISHED',
      tags: { reviewed: 'true' },
      metricsBeforeRegistration: false,
    });
    expect(rule('latency_p95_ms')).toMatchObject({ bounds: [{ op: '<=', value: 50 }], greaterIsBetter: false });
    expect(rule('accuracy').greaterIsBetter).toBe(true);
    expect(rule('auc')).toMatchObject({
      bounds: [{ op: '>=', value: 0.8 }],
      greaterIsBetter: true,
      compare: { minRelativeChange: 0.01, sameDataset: false, requireBaseline: false },
    });
    expect(rule('auc').text).toBe('>= 0.8 and at least 1% above the holder');
    expect(rule('log_loss')).toMatchObject({
      bounds: [{ op: '<=', value: 0.35 }],
      greaterIsBetter: false,
      compare: { maxRegression: 0.02 },
    });
    expect(rule('log_loss').text).toBe('<= 0.35 and at most 0.02 above the holder');
    expect(rule('recall')).toMatchObject({ required: false });
    expect(policy.onReject).toEqual({ tags: { validation: 'failed' } });
  });
});

describe('layers: defaults, gates and models', () => {
  const text = [
    'version: 1',
    'defaults:',
    '  metrics:',
    '    accuracy: ">= 0.8"',
    '    f1: ">= 0.7"',
    'gates:',
    '  staging:',
    '    target: {stage: Staging, archive_existing: false}',
    '  production:',
    '    candidate: {from_stage: Staging}',
    '    metrics:',
    '      accuracy: ">= 0.9"',
    'models:',
    '  fraud-detector:',
    '    metrics:',
    '      recall: ">= 0.95"',
    '  "churn-*":',
    '    metrics:',
    '      f1: ">= 0.85"',
    '  "*":',
    '    metrics:',
    '      f1: ">= 0.5"',
  ].join('\n');
  const file = loadPolicyFile(text, 'p.yml');
  const rules = (model: string, gate: string) =>
    Object.fromEntries(file.resolve(model, gate).metrics.map((r) => [r.metric, r.text]));

  it('lists gates and model patterns', () => {
    expect(file.gates).toEqual(['staging', 'production']);
    expect(file.modelPatterns).toEqual(['fraud-detector', 'churn-*', '*']);
  });

  it('a gate overrides the defaults key by key', () => {
    expect(file.resolve('x', 'staging').target).toEqual({ stage: 'Staging', archiveExisting: false });
    expect(file.resolve('x', 'production').target).toEqual({ stage: 'Production', archiveExisting: true });
    expect(file.resolve('x', 'production').candidate.fromStage).toBe('Staging');
    expect(rules('x', 'production').accuracy).toBe('>= 0.9');
    expect(rules('x', 'staging').accuracy).toBe('>= 0.8');
  });

  it('an exact name beats a pattern; among patterns the first in the file wins', () => {
    expect(rules('fraud-detector', 'production')).toEqual({ accuracy: '>= 0.9', f1: '>= 0.7', recall: '>= 0.95' });
    expect(rules('churn-predictor', 'staging')).toEqual({ accuracy: '>= 0.8', f1: '>= 0.85' });
    expect(rules('other', 'staging')).toEqual({ accuracy: '>= 0.8', f1: '>= 0.5' });
  });

  it('a policy with gates needs the gate input, and names the gates', () => {
    expect(() => file.resolve('x')).toThrow(InputError);
    expect(() => file.resolve('x')).toThrow('defines the gates staging, production: set the input "gate"');
    expect(() => file.resolve('x', 'prod')).toThrow(
      'input "gate" is "prod", but the policy p.yml defines only staging, production',
    );
    expect(() => loadPolicy('metrics:\n  a: ">1"\n', 'q.yml', { gate: 'staging' })).toThrow('defines no gates');
  });

  it('a model that no rule covers is a policy error at the models key', () => {
    const only = loadPolicyFile('models:\n  fraud:\n    metrics:\n      a: ">1"\n', 'p.yml');
    try {
      only.resolve('churn');
      throw new Error('resolved');
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).problems[0]).toMatchObject({
        line: 1,
        column: 1,
        message: 'no metric rules apply to model "churn"',
      });
    }
  });

  it('globs: * and ? only, everything else literal', () => {
    expect(matchesGlob('churn-*', 'churn-predictor')).toBe(true);
    expect(matchesGlob('churn-?', 'churn-12')).toBe(false);
    expect(matchesGlob('prod.churn_*', 'prodXchurn_a')).toBe(false);
    expect(matchesGlob('a[1]', 'a[1]')).toBe(true);
  });
});

describe('compare against the current holder', () => {
  const policy = (metrics: string) => loadPolicy(`metrics:\n${metrics}`, 'p.yml').metrics;
  const holder = (values: Record<string, number>, datasets: string[] = []) => ({
    version: '2',
    metrics: obs(values, datasets),
  });

  it('min_relative_change: 1% above the holder, at the boundary', () => {
    const r = policy('  auc:\n    min: 0.8\n    compare:\n      min_relative_change: 0.01\n');
    // (0.909 - 0.9) / 0.9 is 0.010000000000000009 in doubles: it passes, in MLflow too.
    expect(evaluateMetrics(r, obs({ auc: 0.909 }), holder({ auc: 0.9 })).passed).toBe(true);
    expect(evaluateMetrics(r, obs({ auc: 0.9089 }), holder({ auc: 0.9 })).passed).toBe(false);
    const check = evaluateMetrics(r, obs({ auc: 0.9089 }), holder({ auc: 0.9 })).checks[0]!;
    expect(check.baseline).toEqual({ version: '2', value: 0.9 });
    expect(check.change?.absolute).toBeCloseTo(0.0089, 12);
    expect(check.message).toBe(
      'auc = 0.9089 vs holder v2 = 0.9 (change +0.0089, +0.9889%); needs to be at least 1% higher',
    );
  });

  it('a baseline of 0 falls back to "any improvement", as MLflow does', () => {
    const r = policy('  gain:\n    greater_is_better: true\n    compare:\n      min_relative_change: 0.5\n');
    expect(evaluateMetrics(r, obs({ gain: 1e-9 }), holder({ gain: 0 })).passed).toBe(true);
    expect(evaluateMetrics(r, obs({ gain: 1e-11 }), holder({ gain: 0 })).passed).toBe(false);
  });

  it('a negative baseline keeps the direction right (relative to its magnitude)', () => {
    const r = policy('  r2:\n    greater_is_better: true\n    compare:\n      min_relative_change: 0.1\n');
    expect(evaluateMetrics(r, obs({ r2: -0.44 }), holder({ r2: -0.5 })).passed).toBe(true);
    // (-0.45 - -0.5) / 0.5 is 0.09999999999999998 in doubles: just short, in MLflow too.
    expect(evaluateMetrics(r, obs({ r2: -0.45 }), holder({ r2: -0.5 })).passed).toBe(false);
    expect(evaluateMetrics(r, obs({ r2: -0.55 }), holder({ r2: -0.5 })).passed).toBe(false);
  });

  it('lower is better: max_regression tolerates a little worse, not more', () => {
    const r = policy('  log_loss:\n    max: 0.35\n    compare:\n      max_regression: 0.02\n');
    expect(evaluateMetrics(r, obs({ log_loss: 0.32 }), holder({ log_loss: 0.3 })).passed).toBe(true);
    const e = evaluateMetrics(r, obs({ log_loss: 0.33 }), holder({ log_loss: 0.3 }));
    expect(e.passed).toBe(false);
    expect(e.failed[0]!.message).toContain('may be at most 0.02 higher');
  });

  it('min_absolute_change for lower-is-better must go down by that much', () => {
    const r = policy('  latency:\n    max: 100\n    compare:\n      min_absolute_change: 5\n');
    expect(evaluateMetrics(r, obs({ latency: 45 }), holder({ latency: 50 })).passed).toBe(true);
    expect(evaluateMetrics(r, obs({ latency: 46 }), holder({ latency: 50 })).passed).toBe(false);
  });

  it('with no holder the comparison passes with a note, unless require_baseline', () => {
    const lax = policy('  auc:\n    min: 0.8\n    compare:\n      min_relative_change: 0.01\n');
    const e = evaluateMetrics(lax, obs({ auc: 0.85 }));
    expect(e.passed).toBe(true);
    expect(e.checks[0]!.notes).toEqual(['no version holds the target, so the comparison passes']);
    const strict = policy(
      '  auc:\n    min: 0.8\n    compare:\n      min_relative_change: 0.01\n      require_baseline: true\n',
    );
    expect(evaluateMetrics(strict, obs({ auc: 0.85 })).failed[0]!.message).toBe(
      'auc: no version holds the target, and the policy requires one to compare with',
    );
  });

  it('a holder that lacks the metric fails the comparison', () => {
    const r = policy('  auc:\n    min: 0.8\n    compare:\n      min_relative_change: 0.01\n');
    expect(evaluateMetrics(r, obs({ auc: 0.85 }), holder({})).failed[0]!.message).toBe(
      'auc: the holder v2 has no value for auc to compare with',
    );
  });

  it('same_dataset compares dataset digests', () => {
    const r = policy('  auc:\n    min: 0.8\n    compare:\n      min_absolute_change: 0.01\n      same_dataset: true\n');
    expect(evaluateMetrics(r, obs({ auc: 0.9 }, ['d1']), holder({ auc: 0.85 }, ['d1'])).passed).toBe(true);
    expect(evaluateMetrics(r, obs({ auc: 0.9 }, ['d1']), holder({ auc: 0.85 }, ['d2'])).failed[0]!.message).toBe(
      'auc: candidate and holder v2 were evaluated on different datasets (d1 vs d2)',
    );
    expect(evaluateMetrics(r, obs({ auc: 0.9 }), holder({ auc: 0.85 }, ['d2'])).failed[0]!.message).toContain(
      'no dataset recorded for the candidate',
    );
  });
});

describe('aggregates over the metric history', () => {
  const rules = loadPolicy(
    'metrics:\n  loss:\n    max: 1\n    aggregate: max\n  acc:\n    min: 0\n    aggregate: mean\n  f1: ">= 0"\n',
    'p.yml',
  ).metrics;
  it('reads min, max or mean of the history, latest from runs/get', () => {
    expect(historiesNeeded(rules)).toEqual(['loss', 'acc']);
    const run = runData({ loss: 0.1, acc: 0.9, f1: 0.5 });
    const points = (vs: number[]) => vs.map((value, step) => ({ value, step, timestamp: 100 + step }));
    const o = observe(
      rules,
      run,
      new Map([
        ['loss', summarizePoints(points([0.9, 0.5, 0.1]))],
        ['acc', summarizePoints(points([0.7, 0.8, 0.9]))],
      ]),
    );
    expect(o.get('loss')).toMatchObject({ value: 0.9, timestamp: 102, source: 'run r (max of 3 steps)' });
    expect(o.get('acc')!.value).toBeCloseTo(0.8, 12);
    expect(o.get('f1')).toMatchObject({ value: 0.5, source: 'run r (step 0)' });
  });
  it("MLflow 3: the logged model's value on the rule's dataset beats the run's", () => {
    const r = loadPolicy(
      'metrics:\n  accuracy:\n    min: 0.9\n    dataset: test\n  f1: ">= 0"\n  auc: ">= 0"\n',
      'p.yml',
    ).metrics;
    const run = runData({ accuracy: 0.5, f1: 0.4, auc: 0.7 });
    const metrics = [
      { key: 'accuracy', value: 0.99, step: 0, timestamp: 1, datasetName: 'train', datasetDigest: 'dtrain' },
      { key: 'accuracy', value: 0.93, step: 0, timestamp: 1, datasetName: 'test', datasetDigest: 'dtest' },
      { key: 'f1', value: 0.8, step: 0, timestamp: 1, datasetName: 'test' },
      { key: 'f1', value: 0.85, step: 1, timestamp: 2, datasetName: 'test' },
      // MLflow 3 links a copy of the run's first metric values at log_model time, without a dataset: not used.
      { key: 'auc', value: 0.1, step: 0, timestamp: 0 },
    ];
    const o = observe(r, run, new Map(), { modelId: 'm-1', metrics });
    expect(o.get('accuracy')).toMatchObject({
      value: 0.93,
      datasets: ['dtest'],
      source: 'logged model m-1 (step 0, dataset test)',
    });
    expect(o.get('f1')).toMatchObject({ value: 0.85, source: 'logged model m-1 (step 1, dataset test)' });
    expect(o.get('auc')).toMatchObject({ value: 0.7, source: 'run r (step 0)' });
    expect(r[0]!.text).toBe('>= 0.9 (on test)');
  });

  it('a rule on a dataset with no value on it is missing', () => {
    const r = loadPolicy('metrics:\n  accuracy:\n    min: 0.9\n    dataset: holdout\n', 'p.yml').metrics;
    expect(
      observe(r, runData({ accuracy: 0.95 }), new Map(), {
        modelId: 'm-1',
        metrics: [{ key: 'accuracy', value: 1, step: 0, timestamp: 0, datasetName: 'test' }],
      }).size,
    ).toBe(0);
  });

  it('a metric with no history is missing', () => {
    expect(observe(rules, runData({}), new Map()).size).toBe(0);
  });
});

describe('eligibility', () => {
  const version = (over: Partial<ModelVersion> = {}): ModelVersion => ({
    name: 'm',
    version: '3',
    stage: 'Staging',
    status: 'READY',
    tags: {},
    aliases: [],
    createdAt: 5000,
    ...over,
  });
  const rules = loadPolicy(FULL, 'p.yml').candidate;

  it('an eligible version has no reasons', () => {
    expect(ineligibility(rules, version({ tags: { reviewed: 'true' } }), runData({}), obs({}))).toEqual([]);
  });
  it('says every reason at once', () => {
    const reasons = ineligibility(rules, version({ stage: 'None' }), runData({}, { status: 'RUNNING' }), obs({}));
    expect(reasons).toEqual([
      'version 3 is in stage None, but the policy promotes only from Staging',
      'the source run r of version 3 is RUNNING, not FINISHED',
      'version 3 (and its run) lacks the tag reviewed="true"',
    ]);
  });
  it('a tag on the run counts as well as on the version', () => {
    expect(ineligibility(rules, version(), runData({}, { tags: { reviewed: 'true' } }), obs({}))).toEqual([]);
  });
  it('metrics logged after registration make the version ineligible', () => {
    const strict = loadPolicy(
      'candidate:\n  metrics_before_registration: true\nmetrics:\n  a: ">= 0"\n',
      'p.yml',
    ).candidate;
    const late = new Map([['a', { value: 1, timestamp: 6000, datasets: [], source: 's' }]]);
    expect(ineligibility(strict, version(), runData({}), late)).toEqual([
      'a was logged at 1970-01-01T00:00:06.000Z (s), after version 3 was registered at 1970-01-01T00:00:05.000Z',
      LATE_EVALUATION,
    ]);
    const early = new Map([['a', { value: 1, timestamp: 4000, datasets: [], source: 's' }]]);
    expect(ineligibility(strict, version(), runData({}), early)).toEqual([]);
  });
});
