// The gate (src/gate.ts with the real MLflow REST adapter) against a real MLflow
// server; the registry is read back with MLflow's own Python client.
import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/core/errors.js';
import { runGate } from '../../src/gate.js';
import { parsed, type TestGateRequest } from '../support/gate-request.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { rejectionOf } from '../support/errors.js';
import { policyFor, seed, stagesOf, uniqueModel, usePython, versionsOf } from '../support/registry-fixture.js';
import { policySource } from '../../src/core/policy.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();
const registry = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));
const log: string[] = [];
const gate = (model: string, over: TestGateRequest = {}) =>
  runGate(
    {
      mode: 'promote',
      policy: policySource(POLICY_PATH, policyFor(model)),
      ...parsed(over),
    },
    { registry, log: (m) => log.push(m) },
  );

const gateError = (p: Promise<unknown>) => rejectionOf(p, GateError);

describe('gate against a real MLflow server', () => {
  it('a passing candidate is promoted to Production and the old holder archived', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const { report } = await gate(model, { version: '2' });
    expect(report).toMatchObject({
      decision: 'promoted',
      version: '2',
      previousVersions: ['1'],
      wrote: true,
      modelUri: `models:/${model}/2`,
    });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });
    const v2 = (await versionsOf(py(), model)).find((v) => v.version === '2')!;
    expect(v2.tags).toMatchObject({
      validation: 'passed',
      'mlflow_gate.checks': 'accuracy=0.93 (>= 0.9) pass; f1=0.9 (>= 0.88) pass',
    });
    expect(v2.tags).not.toHaveProperty('mlflow_gate.failed_checks');
  });

  it('a failing candidate is tagged with its failed checks and keeps its stage', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const { report } = await gate(model, { version: '3' });
    expect(report.decision).toBe('rejected');
    expect(report.checks.map((c) => [c.metric, c.observed, c.verdict])).toEqual([
      ['accuracy', 0.87, 'fail'],
      ['f1', 0.9, 'pass'],
    ]);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Staging', '3': 'None' });
    const v3 = (await versionsOf(py(), model)).find((v) => v.version === '3')!;
    expect(v3.tags).toMatchObject({
      validation: 'failed',
      'mlflow_gate.failed_checks': 'accuracy = 0.87 fails >= 0.9 by 0.03',
    });
  });

  it('a metric the policy names but the run lacks fails that check as missing', async () => {
    const model = uniqueModel();
    await seed(py(), model, [{ metrics: { accuracy: 0.95 } }]);
    const { report } = await gate(model);
    expect(report.decision).toBe('rejected');
    expect(report.checks.find((c) => c.metric === 'f1')).toMatchObject({
      verdict: 'missing',
      observed: null,
      message: 'f1 is missing from the run; the policy requires >= 0.88',
    });
    expect((await versionsOf(py(), model))[0]!.tags['mlflow_gate.failed_checks']).toBe(
      'f1 is missing from the run; the policy requires >= 0.88',
    );
  });

  it('an unknown model is an input error naming the model and the server, and writes nothing', async () => {
    const model = uniqueModel('no-such-model');
    const err = await gateError(gate(model));
    expect(err.kind).toBe('input');
    // Then the closest registered names, or that none starts alike (test/integration/model-hints.test.ts).
    expect(err.message).toMatch(new RegExp(`^model "${model}" does not exist in the registry at ${url}(; |$)`));
    expect(await py().call('get_model', { model })).toBeNull();
  });

  it('an unknown version is an input error that lists the versions, and writes nothing', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const err = await gateError(gate(model, { version: '9' }));
    expect(err.kind).toBe('input');
    expect(err.message).toBe(`version 9 of model "${model}" does not exist; it has versions 1, 2, 3`);
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('evaluate mode decides and reports but writes nothing, for a pass and a reject', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const pass = await gate(model, { version: '2', mode: 'evaluate' });
    expect(pass.report).toMatchObject({ decision: 'passed', wrote: false, applied: [] });
    expect(pass.report.plan).toContain(`move ${model} v2 to stage Production (archiving the versions there now)`);
    const reject = await gate(model, { version: '3', mode: 'evaluate' });
    expect(reject.report).toMatchObject({ decision: 'rejected', wrote: false });
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('latest is the highest version number', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const { report } = await gate(model, { mode: 'evaluate' });
    expect(report.version).toBe('3');
  });

  it('a rerun converges: the second promote and the second reject write nothing', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    expect((await gate(model, { version: '2' })).report.decision).toBe('promoted');
    const again = await gate(model, { version: '2' });
    expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false });
    expect((await gate(model, { version: '3' })).report.wrote).toBe(true);
    const rejectAgain = await gate(model, { version: '3' });
    expect(rejectAgain.report).toMatchObject({ decision: 'rejected', wrote: false });
  });

  it('a version that failed and later passes loses its stale failure tags', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    await gate(model, { version: '3' });
    const lenient = policyFor(model).replace('>= 0.90', '>= 0.85');
    const { report } = await gate(model, { version: '3', policy: policySource(POLICY_PATH, lenient) });
    expect(report.decision).toBe('promoted');
    const v3 = (await versionsOf(py(), model)).find((v) => v.version === '3')!;
    expect(v3.current_stage).toBe('Production');
    expect(v3.tags['validation']).toBe('passed');
    expect(v3.tags).not.toHaveProperty('mlflow_gate.failed_checks');
  });

  it('archiving moves every version in the stage, and all are reported as previous versions', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { accuracy: 0.91, f1: 0.89 }, stage: 'Production' },
      { metrics: { accuracy: 0.92, f1: 0.89 } },
      { metrics: { accuracy: 0.95, f1: 0.95 } },
    ]);
    await py().call('transition', { model, version: '2', stage: 'Production', archive_existing: false });
    const { report } = await gate(model, { version: '3' });
    expect(report.previousVersions).toEqual(['1', '2']);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Archived', '3': 'Production' });
  });

  it('a bad policy fails before any request: the registry is not even asked', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const err = await gateError(
      gate(model, { policy: policySource(POLICY_PATH, 'model: x\nmetrics:\n  accuracy: "=> 0.9"\n') }),
    );
    expect(err.kind).toBe('policy');
    expect(err.message).toContain(`${POLICY_PATH}:3:13`);
    expect(await versionsOf(py(), model)).toEqual(before);
  });
});
