// Plan on a pull request, apply after review: the plan file carries the writes and the
// state they were computed from; apply recomputes and refuses when either changed.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { runAction } from '../../scripts/run-action.mjs';
import { policyFor, seed, stagesOf, uniqueModel, usePython, versionsOf } from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();

const step = (model: string, inputs: Record<string, string>, policy = policyFor(model)) =>
  runAction({
    inputs: { 'tracking-uri': url, model, policy: POLICY_PATH, ...inputs },
    files: { [POLICY_PATH]: policy },
  });

describe('plan and apply', () => {
  it('plan writes nothing and records the operations; apply performs exactly those', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const plan = await step(model, { mode: 'plan', version: '2' });
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.outputs['decision']).toBe('passed');
    expect(await versionsOf(py(), model)).toEqual(before);
    const file = JSON.parse(readFileSync(plan.outputs['plan-path']!, 'utf8'));
    expect(file).toMatchObject({
      format: 'mlflow-promotion-gate/plan@1',
      model,
      version: '2',
      decision: 'passed',
      state: { candidateStage: 'Staging', holders: ['1'] },
    });
    expect(file.operations.at(-1)).toEqual({
      kind: 'transition-stage',
      model,
      version: '2',
      stage: 'Production',
      archiveExisting: true,
    });

    const apply = await step(model, { mode: 'apply', version: '2', plan: plan.outputs['plan-path']! });
    expect(apply.code, apply.stdout).toBe(0);
    expect(apply.outputs).toMatchObject({ decision: 'promoted', wrote: 'true' });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });
  });

  it('apply refuses with decision conflict when the holder changed since the plan, or the plan was edited', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const plan = await step(model, { mode: 'plan', version: '2' });
    const path = plan.outputs['plan-path']!;

    const edited = JSON.parse(readFileSync(path, 'utf8'));
    edited.operations = edited.operations.map((op: { kind: string; stage?: string }) =>
      op.kind === 'transition-stage' ? { ...op, stage: 'Staging' } : op,
    );
    const editedPath = `${path}.edited.json`;
    writeFileSync(editedPath, JSON.stringify(edited));
    const tampered = await step(model, { mode: 'apply', version: '2', plan: editedPath });
    expect(tampered.code).toBe(4);
    expect(tampered.outputs).toMatchObject({ decision: 'conflict', 'error-kind': 'conflict', wrote: 'false' });
    expect(tampered.stdout).toContain('refusing to apply the plan: the registry writes differ from the plan');

    await py().call('transition', { model, version: '3', stage: 'Production', archive_existing: false });
    const before = await versionsOf(py(), model);
    const stale = await step(model, { mode: 'apply', version: '2', plan: path });
    expect(stale.outputs).toMatchObject({ decision: 'conflict', 'error-kind': 'conflict' });
    expect(stale.stdout).toContain("the target's holder changed (was 1, now 1, 3)");
    expect(await versionsOf(py(), model)).toEqual(before);
  });
});
