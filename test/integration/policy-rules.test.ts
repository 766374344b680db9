// The policy language's rules that need the registry (compare with the holder,
// metric histories, eligibility, datasets, gates, lint) against a real MLflow server.
import { describe, expect, inject, it } from 'vitest';
import { runGate } from '../../src/gate.js';
import { parsed, type TestGateRequest } from '../support/gate-request.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { seed, stagesOf, uniqueModel, usePython, versionsOf } from '../support/registry-fixture.js';
import { policySource } from '../../src/core/policy.js';

const { py, url } = usePython();
const registry = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));
const gate = (model: string, policyText: string, over: TestGateRequest = {}) =>
  runGate(
    { model, mode: 'promote', policy: policySource('policy.yml', policyText), ...parsed(over) },
    { registry, log: () => {} },
  );

const COMPARE = `metrics:
  auc:
    min: 0.80
    compare:
      min_relative_change: 0.01
  log_loss:
    max: 0.35
    compare:
      max_regression: 0.02
`;

describe('policy rules against a real MLflow server', () => {
  it('compare reads the baseline from the real Production holder', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { auc: 0.9, log_loss: 0.3 }, stage: 'Production' },
      { metrics: { auc: 0.905, log_loss: 0.31 } }, // +0.56%: not enough
      { metrics: { auc: 0.92, log_loss: 0.33 } }, // +2.2%, 0.03 worse log_loss: too much
      { metrics: { auc: 0.92, log_loss: 0.31 } }, // passes both
    ]);
    const two = await gate(model, COMPARE, { version: '2' });
    expect(two.report.decision).toBe('rejected');
    expect(two.report.checks[0]).toMatchObject({
      metric: 'auc',
      observed: 0.905,
      baseline: { version: '1', value: 0.9 },
      verdict: 'fail',
    });
    expect(two.report.checks[0]!.message).toContain('needs to be at least 1% higher');
    const three = await gate(model, COMPARE, { version: '3' });
    expect(three.report.checks.map((c) => c.verdict)).toEqual(['pass', 'fail']);
    expect(three.report.checks[1]!.message).toContain('log_loss = 0.33 vs holder v1 = 0.3');
    const four = await gate(model, COMPARE, { version: '4' });
    expect(four.report).toMatchObject({ decision: 'promoted', previousVersions: ['1'] });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'None', '3': 'None', '4': 'Production' });
  });

  it('with no holder, compare passes with a note; require_baseline refuses', async () => {
    const model = uniqueModel();
    await seed(py(), model, [{ metrics: { auc: 0.85, log_loss: 0.3 } }]);
    const lax = await gate(model, COMPARE, { mode: 'evaluate' });
    expect(lax.report.decision).toBe('passed');
    expect(lax.report.checks[0]!.notes).toEqual(['no version holds the target, so the comparison passes']);
    const strict = await gate(
      model,
      COMPARE.replace('min_relative_change: 0.01', 'min_relative_change: 0.01\n      require_baseline: true'),
      { mode: 'evaluate' },
    );
    expect(strict.report.decision).toBe('rejected');
  });

  it('aggregates read the whole history through metrics/get-history', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      {
        metrics: {
          loss: [
            [0.9, 0],
            [0.2, 1],
            [0.1, 2],
          ],
          acc: [
            [0.6, 0],
            [0.9, 1],
            [0.95, 2],
          ],
        },
      },
    ]);
    const latest = await gate(model, 'metrics:\n  loss: "<= 0.5"\n  acc: ">= 0.9"\n', { mode: 'evaluate' });
    expect(latest.report.checks.map((c) => c.observed)).toEqual([0.1, 0.95]);
    const agg = await gate(
      model,
      'metrics:\n  loss:\n    max: 0.5\n    aggregate: max\n  acc:\n    min: 0.8\n    aggregate: mean\n',
      { mode: 'evaluate' },
    );
    expect(agg.report.checks[0]).toMatchObject({ observed: 0.9, verdict: 'fail' });
    expect(agg.report.checks[0]!.source).toMatch(/max of 3 steps/);
    expect(agg.report.checks[1]!.observed).toBeCloseTo((0.6 + 0.9 + 0.95) / 3, 12);
  });

  it('candidate rules make a version skipped, never tagged, and say why', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { accuracy: 0.95 }, stage: 'Staging', run_tags: { reviewed: 'true' } },
      { metrics: { accuracy: 0.95 } },
      { metrics: { accuracy: 0.95 }, stage: 'Staging', run_status: 'FAILED' },
      {
        metrics: { accuracy: 0.95 },
        stage: 'Staging',
        version_tags: { reviewed: 'true' },
        late_metrics: { accuracy: 0.99 },
      },
    ]);
    const policy =
      'candidate:\n  from_stage: Staging\n  tags:\n    reviewed: "true"\n  metrics_before_registration: true\nmetrics:\n  accuracy: ">= 0.9"\n';
    const before = await versionsOf(py(), model);
    const two = await gate(model, policy, { version: '2' });
    expect(two.report.decision).toBe('skipped');
    expect(two.report.reasons).toEqual(
      expect.arrayContaining([
        'version 2 is in stage None, but the policy promotes only from Staging',
        'version 2 (and its run) lacks the tag reviewed="true"',
      ]),
    );
    const three = await gate(model, policy, { version: '3' });
    expect(three.report.reasons.join('; ')).toMatch(/is FAILED, not FINISHED/);
    const four = await gate(model, policy, { version: '4' });
    expect(four.report.reasons.join('; ')).toMatch(/^accuracy was logged at .*, after version 4 was registered at /m);
    expect(await versionsOf(py(), model)).toEqual(before); // nothing written for a skipped version
    const one = await gate(model, policy, { version: '1' });
    expect(one.report.decision).toBe('promoted'); // the tag on the run counts
  });

  it("same_dataset compares the runs' dataset digests", async () => {
    const model = uniqueModel();
    const evalSet = {
      name: 'eval',
      rows: [
        [1, 2],
        [3, 4],
      ],
    };
    await seed(py(), model, [
      { metrics: { auc: 0.8 }, stage: 'Production', dataset: evalSet },
      { metrics: { auc: 0.9 }, dataset: { name: 'eval', rows: [[9, 9]] } },
      { metrics: { auc: 0.9 }, dataset: evalSet },
    ]);
    const policy =
      'metrics:\n  auc:\n    min: 0.5\n    compare:\n      min_absolute_change: 0.05\n      same_dataset: true\n';
    const other = await gate(model, policy, { version: '2', mode: 'evaluate' });
    expect(other.report.decision).toBe('rejected');
    expect(other.report.checks[0]!.message).toMatch(/were evaluated on different datasets/);
    const same = await gate(model, policy, { version: '3', mode: 'evaluate' });
    expect(same.report.decision).toBe('passed');
  });

  it('named gates: staging then production, each with its own target and rules', async () => {
    const model = uniqueModel();
    await seed(py(), model, [{ metrics: { accuracy: 0.85 } }]);
    const policy =
      'defaults:\n  metrics:\n    accuracy: ">= 0.8"\ngates:\n  staging:\n    target: {stage: Staging}\n  production:\n    candidate: {from_stage: Staging}\n    metrics:\n      accuracy: ">= 0.9"\n';
    expect((await gate(model, policy, { gate: 'staging' })).report.decision).toBe('promoted');
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Staging' });
    expect((await gate(model, policy, { gate: 'production' })).report.decision).toBe('rejected');
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Staging' });
  });

  it('lint evaluates the current holder under the policy and writes nothing', async () => {
    const model = uniqueModel();
    await seed(py(), model, [{ metrics: { accuracy: 0.91 }, stage: 'Production' }, { metrics: { accuracy: 0.99 } }]);
    const before = await versionsOf(py(), model);
    const ok = await gate(model, 'metrics:\n  accuracy: ">= 0.9"\n', { mode: 'lint' });
    expect(ok.report).toMatchObject({ decision: 'passed', version: '1', wrote: false });
    const tighter = await gate(model, 'metrics:\n  accuracy: ">= 0.95"\n', { mode: 'lint' });
    expect(tighter.report.decision).toBe('rejected');
    expect(tighter.report.reasons).toContain('the holder v1 of stage Production would NOT pass this policy');
    const offline = await runGate(
      {
        model,
        version: { kind: 'latest' },
        mode: 'lint',
        policy: policySource('p.yml', 'metrics:\n  accuracy: ">= 0.95"\n'),
      },
      { log: () => {} },
    );
    expect(offline.report.decision).toBe('passed');
    expect(offline.report.reasons[1]).toBe('no tracking server given, so no holder was evaluated');
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('on_reject tags are written with the rejection', async () => {
    const model = uniqueModel();
    await seed(py(), model, [{ metrics: { accuracy: 0.5 } }]);
    await gate(
      model,
      'metrics:\n  accuracy: ">= 0.9"\non_reject:\n  tags:\n    validation: failed\n    needs_review: "yes"\n',
    );
    expect((await versionsOf(py(), model))[0]!.tags).toMatchObject({ validation: 'failed', needs_review: 'yes' });
  });

  it.runIf(inject('mlflowVersion').startsWith('3.'))(
    "MLflow 3: a rule reads the logged model's metric on its dataset, and says so",
    async () => {
      const model = uniqueModel();
      await seed(py(), model, [
        {
          metrics: { accuracy: 0.5 },
          model_metrics: [
            { key: 'accuracy', value: 0.97, dataset: { name: 'train', rows: [[1, 1]] } },
            { key: 'accuracy', value: 0.91, dataset: { name: 'test', rows: [[2, 2]] } },
          ],
        },
      ]);
      const onTest = await gate(model, 'metrics:\n  accuracy:\n    min: 0.9\n    dataset: test\n', {
        mode: 'evaluate',
      });
      expect(onTest.report.checks[0]).toMatchObject({ observed: 0.91, verdict: 'pass' });
      expect(onTest.report.checks[0]!.source).toMatch(/^logged model m-[0-9a-f]+ \(step 0, dataset test\)$/);
      const onHoldout = await gate(model, 'metrics:\n  accuracy:\n    min: 0.9\n    dataset: holdout\n', {
        mode: 'evaluate',
      });
      expect(onHoldout.report.checks[0]).toMatchObject({ verdict: 'missing' });
    },
  );
});
