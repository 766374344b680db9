// Issue 15: gating what MLflow 3's mlflow.models.evaluate logs, against a real MLflow 3 server.
// Real scikit-learn classifiers, logged and evaluated as MLflow's docs teach (seed_evaluated in
// test/support/mlflow_helper.py); no metric is logged by hand. MLflow 2 has no logged models
// (and evaluate has no model_id=), so its project skips this file.
import { describe, expect, inject, it } from 'vitest';
import { formatNumber } from '../../src/core/thresholds.js';
import { runGate } from '../../src/gate.js';
import { parsed, type TestGateRequest } from '../support/gate-request.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { uniqueModel, usePython, versionsOf } from '../support/registry-fixture.js';
import { policySource } from '../../src/core/policy.js';

const { py, url } = usePython();
const registry = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));
const gate = (model: string, policyText: string, over: TestGateRequest = {}) =>
  runGate(
    { model, mode: 'evaluate', policy: policySource('policy.yml', policyText), ...parsed(over) },
    { registry, log: () => {} },
  );

interface Evaluated {
  version: string;
  run_id: string;
  model_id: string;
  /** What mlflow.models.evaluate returned. */
  metrics: Record<string, number>;
  created_at: number;
}
const evaluated = (
  model: string,
  args: { seed?: number; register?: 'before' | 'after'; evaluate?: boolean; aliases?: string[] } = {},
): Promise<Evaluated> => py().call('seed_evaluated', { model, ...args });

/** A threshold just below (or above) a value, printed as the policy would have it. */
const below = (v: number) => (Math.floor(v * 1000) / 1000 - 0.001).toFixed(3);
const above = (v: number) => (Math.ceil(v * 1000) / 1000 + 0.001).toFixed(3);

describe.runIf(inject('mlflowVersion').startsWith('3.'))('MLflow 3: gating mlflow.models.evaluate output', () => {
  it('evaluate logs accuracy_score, f1_score, precision_score, recall_score on the logged model, dataset test', async () => {
    const model = uniqueModel('evaluated');
    const v = await evaluated(model, { seed: 1 });
    // The names README.md lists, as MLflow 3 logs them for a binary classifier.
    expect(Object.keys(v.metrics).sort()).toEqual([
      'accuracy_score',
      'example_count',
      'f1_score',
      'false_negatives',
      'false_positives',
      'log_loss',
      'precision_recall_auc',
      'precision_score',
      'recall_score',
      'roc_auc',
      'score',
      'true_negatives',
      'true_positives',
    ]);
    expect(v.model_id).toMatch(/^m-[0-9a-f]+$/);
    const acc = v.metrics['accuracy_score']!;
    const f1 = v.metrics['f1_score']!;
    expect(acc).toBeGreaterThan(0.6); // a real model, better than chance
    expect(acc).toBeLessThan(0.99); // and not perfect, so a threshold above it exists

    const rule = (name: string, min: string) => `  ${name}:\n    min: ${min}\n    dataset: test\n`;
    const pass = await gate(model, `metrics:\n${rule('accuracy_score', below(acc))}${rule('f1_score', below(f1))}`);
    expect(pass.report.decision).toBe('passed');
    expect(pass.report.checks.map((c) => [c.metric, c.observed])).toEqual([
      ['accuracy_score', acc],
      ['f1_score', f1],
    ]);
    expect(pass.report.checks[0]!.source).toBe(`logged model ${v.model_id} (step 0, dataset test)`);

    const fail = await gate(model, `metrics:\n${rule('accuracy_score', above(acc))}${rule('f1_score', below(f1))}`);
    expect(fail.report.decision).toBe('rejected');
    expect(fail.report.checks.map((c) => c.verdict)).toEqual(['fail', 'pass']);
    expect(fail.report.checks[0]!.message).toMatch(
      new RegExp(`^accuracy_score = ${formatNumber(acc)} fails >= ${Number(above(acc))} by `.replace(/\./g, '\\.')),
    );
  });

  it('a policy written with accuracy and f1 is rejected, naming accuracy_score and f1_score on the logged model and dataset', async () => {
    const model = uniqueModel('evaluated');
    const v = await evaluated(model, { seed: 2 });
    const { report } = await gate(model, 'metrics:\n  accuracy: ">= 0.5"\n  f1: ">= 0.5"\n', { mode: 'promote' });
    expect(report.decision).toBe('rejected');
    expect(report.checks.map((c) => c.message)).toEqual([
      `accuracy is missing; the logged model ${v.model_id} has accuracy_score (dataset test); the run ${v.run_id} has accuracy_score; the policy requires >= 0.5`,
      `f1 is missing; the logged model ${v.model_id} has f1_score (dataset test); the run ${v.run_id} has f1_score; the policy requires >= 0.5`,
    ]);
    // The same words reach the registry, for whoever opens the version in MLflow's UI.
    const tags = (await versionsOf(py(), model))[0]!.tags;
    expect(tags['mlflow_gate.failed_checks']).toContain(
      `accuracy is missing; the logged model ${v.model_id} has accuracy_score (dataset test)`,
    );

    const typo = await gate(model, 'metrics:\n  acuracy_score:\n    min: 0.5\n    dataset: test\n');
    expect(typo.report.checks[0]!.message).toContain(
      `the logged model ${v.model_id} has accuracy_score (dataset test)`,
    );
    const otherDataset = await gate(model, 'metrics:\n  accuracy_score:\n    min: 0.5\n    dataset: holdout\n');
    expect(otherDataset.report.checks[0]!.message).toBe(
      `accuracy_score is missing on dataset holdout; the logged model ${v.model_id} has accuracy_score (dataset test); the run ${v.run_id} has accuracy_score (no dataset recorded); the policy requires >= 0.5 (on holdout)`,
    );
  });

  it('compare with same_dataset reads the champion from its logged model; a champion never evaluated is named with the fix', async () => {
    const policy =
      'target:\n  alias: champion\nmetrics:\n  accuracy_score:\n    min: 0.6\n    dataset: test\n    compare:\n      max_regression: 0.02\n      same_dataset: true\n';
    const model = uniqueModel('evaluated');
    const champion = await evaluated(model, { seed: 3, aliases: ['champion'] });
    const challenger = await evaluated(model, { seed: 3 });
    const { report } = await gate(model, policy, { version: challenger.version, mode: 'promote' });
    expect(report.decision).toBe('promoted');
    expect(report.checks[0]).toMatchObject({
      observed: challenger.metrics['accuracy_score'],
      baseline: { version: champion.version, value: champion.metrics['accuracy_score'] },
      verdict: 'pass',
    });

    // A champion never evaluated: its run logged `accuracy` by hand, as before MLflow 3.
    const old = uniqueModel('evaluated');
    const hand = await evaluated(old, { seed: 3, evaluate: false, aliases: ['champion'] });
    const next = await evaluated(old, { seed: 3 });
    const rejected = await gate(old, policy, { version: next.version });
    expect(rejected.report.decision).toBe('rejected');
    expect(rejected.report.checks[0]!.message).toBe(
      `accuracy_score: the holder v${hand.version} has no value for accuracy_score to compare with; its run ${hand.run_id} has accuracy (no dataset recorded); evaluate the holder the same way (mlflow.models.evaluate with model_id= its logged model) so it has accuracy_score on dataset test`,
    );
    // Evaluated as the README says, on the same data, the champion has the metric on its logged model.
    const now = (await py().call('evaluate_version', {
      model: old,
      version: hand.version,
      seed: 3,
    })) as { model_id: string; metrics: Record<string, number> };
    expect(now.model_id).toBe(hand.model_id);
    const compared = await gate(old, policy, { version: next.version, mode: 'promote' });
    expect(compared.report.decision).toBe('promoted');
    expect(compared.report.checks[0]!.baseline).toEqual({
      version: hand.version,
      value: now.metrics['accuracy_score'],
    });
  });

  it('metrics_before_registration: register then evaluate is skipped with both times; evaluate then register is eligible', async () => {
    const policy =
      'candidate:\n  metrics_before_registration: true\nmetrics:\n  accuracy_score:\n    min: 0.5\n    dataset: test\n';
    const model = uniqueModel('evaluated');
    const late = await evaluated(model, { seed: 4, register: 'before' });
    const early = await evaluated(model, { seed: 4, register: 'after' });
    const skipped = await gate(model, policy, { version: late.version });
    expect(skipped.report.decision).toBe('skipped');
    const registered = new Date(late.created_at).toISOString();
    expect(skipped.report.reasons[0]).toMatch(
      new RegExp(
        `^accuracy_score was logged at \\S+Z \\(logged model ${late.model_id} \\(step 0, dataset test\\)\\), after version ${late.version} was registered at ${registered.replace(/\./g, '\\.')}$`,
      ),
    );
    expect(skipped.report.reasons[1]).toContain("MLflow 3's mlflow.models.evaluate run on a registered model");
    const eligible = await gate(model, policy, { version: early.version });
    expect(eligible.report.decision).toBe('passed');
  });
});
