// Issue 15: a missing metric's message names the closest metrics that exist and where (the run,
// the logged model and its dataset), and metrics_before_registration says why MLflow 3's
// evaluate-after-registering is always late.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import { ineligibility } from '../../src/core/eligibility.js';
import { evaluateMetrics, MAX_SUGGESTIONS, type MetricInventory } from '../../src/core/evaluate.js';
import { inventory, observe } from '../../src/core/observe.js';
import { closest, nearest } from '../../src/core/closest.js';
import { loadPolicy } from '../../src/core/policy.js';
import type { MetricPoint, ModelVersion } from '../../src/core/registry-model.js';
import { obs, runData } from './builders.js';

const rules = (yaml: string) => loadPolicy(yaml, 'p.yml').metrics;
const EVALUATE_NAMES = ['accuracy_score', 'f1_score', 'precision_score', 'recall_score', 'roc_auc', 'log_loss'];
/** What MLflow 3's mlflow.models.evaluate(..., model_type="classifier", model_id=...) leaves: on the logged model (dataset test) and on the run. */
const evaluated: MetricInventory = {
  run: { runId: 'r1', metrics: EVALUATE_NAMES.map((key) => ({ key })) },
  loggedModel: { modelId: 'm-abc', metrics: EVALUATE_NAMES.map((key) => ({ key, dataset: 'test' })) },
};
const messageOf = (yaml: string, inv: MetricInventory | undefined, values: Record<string, number> = {}) =>
  evaluateMetrics(rules(yaml), obs(values), undefined, inv).checks[0]!.message;

describe('a missing metric names the closest metrics that exist, and where', () => {
  it('accuracy, when mlflow.models.evaluate logged accuracy_score on the logged model (dataset test) and the run', () => {
    expect(messageOf('metrics:\n  accuracy: ">= 0.9"\n', evaluated)).toBe(
      'accuracy is missing; the logged model m-abc has accuracy_score (dataset test); the run r1 has accuracy_score; the policy requires >= 0.9',
    );
  });

  it('f1 names f1_score, recall names recall_score, auc names roc_auc', () => {
    expect(messageOf('metrics:\n  f1: ">= 0.8"\n', evaluated)).toContain(
      'the logged model m-abc has f1_score (dataset test)',
    );
    expect(messageOf('metrics:\n  recall: ">= 0.8"\n', evaluated)).toContain('m-abc has recall_score (dataset test)');
    expect(messageOf('metrics:\n  auc: ">= 0.8"\n', evaluated)).toContain('m-abc has roc_auc (dataset test)');
  });

  it('the other way round: accuracy_score, when the run logged accuracy by hand', () => {
    const inv: MetricInventory = { run: { runId: 'r1', metrics: [{ key: 'accuracy' }, { key: 'loss' }] } };
    expect(messageOf('metrics:\n  accuracy_score: ">= 0.9"\n', inv)).toBe(
      'accuracy_score is missing; the run r1 has accuracy; the policy requires >= 0.9',
    );
  });

  it('a typo: acuracy, when the run has accuracy', () => {
    const inv: MetricInventory = { run: { runId: 'r1', metrics: [{ key: 'accuracy' }, { key: 'f1' }] } };
    expect(messageOf('metrics:\n  acuracy: ">= 0.9"\n', inv)).toBe(
      'acuracy is missing; the run r1 has accuracy; the policy requires >= 0.9',
    );
    // Case counts in MLflow's keys: Accuracy is not accuracy, but it is what was meant.
    expect(messageOf('metrics:\n  Accuracy: ">= 0.9"\n', inv)).toContain('the run r1 has accuracy');
  });

  it('dataset: test, when the metric exists only without a dataset: says so', () => {
    const inv: MetricInventory = { run: { runId: 'r1', metrics: [{ key: 'accuracy' }] } };
    expect(messageOf('metrics:\n  accuracy:\n    min: 0.9\n    dataset: test\n', inv)).toBe(
      'accuracy is missing on dataset test; the run r1 has accuracy (no dataset recorded); the policy requires >= 0.9 (on test)',
    );
  });

  it('dataset: test, when the metric exists only on other datasets: names them', () => {
    const inv: MetricInventory = {
      run: { runId: 'r1', metrics: [] },
      loggedModel: {
        modelId: 'm-abc',
        metrics: [
          { key: 'accuracy', dataset: 'train' },
          { key: 'accuracy', dataset: 'validation' },
        ],
      },
    };
    expect(messageOf('metrics:\n  accuracy:\n    min: 0.9\n    dataset: test\n', inv)).toBe(
      'accuracy is missing on dataset test; the logged model m-abc has accuracy (datasets train, validation); the policy requires >= 0.9 (on test)',
    );
  });

  it('the exact name comes first, then the closest names', () => {
    const inv: MetricInventory = {
      run: { runId: 'r1', metrics: [{ key: 'accuracy' }] },
      loggedModel: { modelId: 'm-abc', metrics: [{ key: 'accuracy_score', dataset: 'test' }] },
    };
    expect(messageOf('metrics:\n  accuracy:\n    min: 0.9\n    dataset: test\n', inv)).toBe(
      'accuracy is missing on dataset test; the logged model m-abc has accuracy_score (dataset test); the run r1 has accuracy (no dataset recorded); the policy requires >= 0.9 (on test)',
    );
  });

  it('an aggregate rule reads the run history, not the logged model: says so when only the model has it', () => {
    const inv: MetricInventory = {
      run: { runId: 'r1', metrics: [] },
      loggedModel: { modelId: 'm-abc', metrics: [{ key: 'loss', dataset: 'test' }] },
    };
    expect(messageOf('metrics:\n  loss:\n    max: 0.5\n    aggregate: mean\n', inv)).toContain(
      "the logged model m-abc has loss (dataset test) (aggregate: mean reads the run's history, not the logged model)",
    );
  });

  it(`names at most ${MAX_SUGGESTIONS} metrics, closest first, and at most ${MAX_SUGGESTIONS} datasets of each`, () => {
    const keys = ['val_accuracy', 'test_accuracy', 'balanced_accuracy', 'top_k_accuracy', 'accuracy_1'];
    const inv: MetricInventory = { run: { runId: 'r1', metrics: keys.map((key) => ({ key })) } };
    expect(messageOf('metrics:\n  accuracy: ">= 0.9"\n', inv)).toBe(
      'accuracy is missing; the run r1 has accuracy_1, val_accuracy, test_accuracy; the policy requires >= 0.9',
    );
    const datasets: MetricInventory = {
      loggedModel: {
        modelId: 'm-abc',
        metrics: ['a', 'b', 'c', 'd', 'e'].map((dataset) => ({ key: 'accuracy_score', dataset })),
      },
    };
    expect(messageOf('metrics:\n  accuracy: ">= 0.9"\n', datasets)).toBe(
      'accuracy is missing; the logged model m-abc has accuracy_score (datasets a, b, c and 2 more); the policy requires >= 0.9',
    );
  });

  it('nothing close: the message is as before', () => {
    const inv: MetricInventory = { run: { runId: 'r1', metrics: [{ key: 'latency_ms' }, { key: 'tp' }] } };
    expect(messageOf('metrics:\n  f1: ">= 0.88"\n', inv)).toBe(
      'f1 is missing from the run; the policy requires >= 0.88',
    );
    expect(messageOf('metrics:\n  f1: ">= 0.88"\n', undefined)).toBe(
      'f1 is missing from the run; the policy requires >= 0.88',
    );
  });

  it('an optional rule warns with the same hint', () => {
    expect(messageOf('metrics:\n  precision:\n    min: 0.5\n    required: false\n', evaluated)).toBe(
      'precision is missing; the logged model m-abc has precision_score (dataset test); the run r1 has precision_score; the rule is optional, so this is a warning',
    );
  });

  it('the holder lacks a compared metric: names what it has, and says to evaluate it with model_id=', () => {
    const policy = rules('metrics:\n  accuracy_score:\n    min: 0.8\n    compare:\n      max_regression: 0.02\n');
    const candidate = new Map([
      ['accuracy_score', { value: 0.9, datasets: [], source: 'logged model m-new (step 0, dataset test)' }],
    ]);
    const holder: MetricInventory = { run: { runId: 'r0', metrics: [{ key: 'accuracy' }] } };
    const e = evaluateMetrics(policy, candidate, { version: '1', metrics: obs({ accuracy: 0.9 }), inventory: holder });
    expect(e.failed[0]!.message).toBe(
      'accuracy_score: the holder v1 has no value for accuracy_score to compare with; its run r0 has accuracy; evaluate the holder the same way (mlflow.models.evaluate with model_id= its logged model) so it has accuracy_score',
    );
  });
});

describe('inventory: what the run and the logged model have', () => {
  const point = (key: string, datasetName?: string): MetricPoint => ({
    key,
    value: 1,
    timestamp: 1,
    step: 0,
    ...(datasetName ? { datasetName } : {}),
  });
  it("keeps the logged model's metrics on a named dataset, once each, and every run metric", () => {
    const run = runData({ accuracy_score: 0.9, loss: 0.2 }, { runId: 'r1' });
    // MLflow 3 logs evaluate's metrics twice, and copies the run's (no dataset) at log_model time.
    const metrics = [
      point('accuracy_score', 'test'),
      point('accuracy_score', 'test'),
      point('loss'),
      point('f1_score', 'train'),
    ];
    expect(inventory(run, { modelId: 'm-1', metrics })).toEqual({
      run: { runId: 'r1', metrics: [{ key: 'accuracy_score' }, { key: 'loss' }] },
      loggedModel: {
        modelId: 'm-1',
        metrics: [
          { key: 'accuracy_score', dataset: 'test' },
          { key: 'f1_score', dataset: 'train' },
        ],
      },
    });
  });
  it('from observe to the message: the MLflow 3 evaluate layout', () => {
    const run = runData({ accuracy_score: 0.92 }, { runId: 'r1' });
    const loggedModel = { modelId: 'm-1', metrics: [point('accuracy_score', 'test')] };
    const r = rules('metrics:\n  accuracy: ">= 0.9"\n');
    const e = evaluateMetrics(r, observe(r, run, new Map(), loggedModel), undefined, inventory(run, loggedModel));
    expect(e.failed[0]!.message).toBe(
      'accuracy is missing; the logged model m-1 has accuracy_score (dataset test); the run r1 has accuracy_score; the policy requires >= 0.9',
    );
  });
});

describe('decide passes the inventory to the evaluation', () => {
  it("a rejection's reasons name the closest metric", () => {
    const policy = loadPolicy('model: m\nmetrics:\n  accuracy: ">= 0.90"\n', 'p.yml');
    const v: ModelVersion = {
      name: 'm',
      version: '3',
      stage: 'None',
      status: 'READY',
      runId: 'r1',
      tags: {},
      aliases: [],
    };
    const d = decide({
      policy,
      model: 'm',
      mode: 'evaluate',
      candidate: v,
      holders: [],
      modelAliases: {},
      run: runData({ accuracy_score: 0.93 }, { runId: 'r1' }),
      observed: obs({}),
      inventory: evaluated,
    });
    expect(d.decision).toBe('rejected');
    expect(d.reasons).toContain(
      'accuracy is missing; the logged model m-abc has accuracy_score (dataset test); the run r1 has accuracy_score; the policy requires >= 0.9',
    );
  });
});

describe('closest (nearest generalised)', () => {
  it('a typo, or the same name with a word more or less at an underscore', () => {
    expect(closest('acuracy', ['f1', 'accuracy'])).toEqual(['accuracy']);
    expect(closest('f1', EVALUATE_NAMES)).toEqual(['f1_score']);
    expect(closest('auc', EVALUATE_NAMES)).toEqual(['roc_auc']);
    expect(closest('accuracy_score', ['score', 'accuracy', 'precision'])).toEqual(['accuracy']);
    expect(closest('val_loss', ['val', 'loss'])).toEqual([]);
  });
  it('fewest edits first, at most `limit`, never the word itself, and not a whole short word replaced', () => {
    expect(closest('loss', ['log_loss', 'los', 'loss', 'val_loss'], 2)).toEqual(['los', 'log_loss']);
    expect(closest('f1', ['tp', 'fn', 'f1'])).toEqual(['fn']);
    expect(closest('f1', ['tp', 'ab'])).toEqual([]);
  });
  it('nearest is its first', () => {
    expect(nearest('metircs', ['version', 'metrics'])).toBe('metrics');
    expect(nearest('relative_change', ['min_relative_change', 'max_regression'])).toBe('min_relative_change');
  });
});

describe('metrics_before_registration and MLflow 3 evaluate', () => {
  it('gives both times, where the metric came from, and why evaluate-after-registering is always late', () => {
    const strict = loadPolicy('candidate:\n  metrics_before_registration: true\nmetrics:\n  a: ">= 0"\n', 'p.yml');
    const v: ModelVersion = {
      name: 'm',
      version: '3',
      stage: 'None',
      status: 'READY',
      tags: {},
      aliases: [],
      createdAt: 5000,
    };
    const late = new Map([
      [
        'accuracy_score',
        { value: 1, timestamp: 6000, datasets: [], source: 'logged model m-1 (step 0, dataset test)' },
      ],
    ]);
    const reasons = ineligibility(strict.candidate, v, runData({}), late);
    expect(reasons[0]).toBe(
      'accuracy_score was logged at 1970-01-01T00:00:06.000Z (logged model m-1 (step 0, dataset test)), after version 3 was registered at 1970-01-01T00:00:05.000Z',
    );
    expect(reasons[1]).toMatch(
      /MLflow 3's mlflow\.models\.evaluate run on a registered model \(register, then evaluate\) always logs them later/,
    );
    expect(reasons[1]).toContain('evaluate the logged model before registering it');
    expect(reasons).toHaveLength(2);
  });
});

describe("README's worked example of gating mlflow.models.evaluate output", () => {
  it('its policy loads, reading accuracy_score and f1_score on dataset test, compared on the same dataset', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Gating `mlflow.models.evaluate` output'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const policy = loadPolicy(yaml, 'README.md');
    expect(policy.target).toMatchObject({ alias: 'champion' });
    expect(policy.metrics.map((r) => [r.metric, r.dataset, r.compare?.sameDataset ?? false])).toEqual([
      ['accuracy_score', 'test', true],
      ['f1_score', 'test', false],
      ['log_loss', 'test', false],
    ]);
  });
});
