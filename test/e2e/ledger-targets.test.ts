// One version through several targets with the bundled Action (dist/index.js) run as a runner
// runs it (INPUT_* with dashes kept, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY): a staging gate, a
// production gate and an alias gate each write their own record; history, audit and reruns
// read each target's; allow-demotion is the only way a gate moves a version down. The registry
// is read back with MLflow's own client.
import { describe, expect, it } from 'vitest';
import { threeGates } from '../support/ledger-policies.js';
import { runAction } from '../../scripts/run-action.mjs';
import { parseRecord, recordKey } from '../../src/core/ledger.js';
import { seed, stagesOf, uniqueModel, usePython, versionsOf } from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();
const POLICY = threeGates();

const gate = (model: string, inputs: Record<string, string>) =>
  runAction({
    inputs: { 'tracking-uri': url, model, policy: POLICY_PATH, ...inputs },
    files: { [POLICY_PATH]: POLICY },
  });

describe('dist/index.js: one version, several targets', () => {
  it('staging, production, champion: three records; reruns write nothing; history and audit read them', async () => {
    const model = uniqueModel('ledger-e2e');
    await seed(py(), model, [{ metrics: { accuracy: 0.95 } }]);
    for (const name of ['staging', 'production', 'champion']) {
      const run = await gate(model, { version: '1', gate: name });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.outputs).toMatchObject({ decision: 'promoted', wrote: 'true' });
    }
    const [v1] = await versionsOf(py(), model);
    expect(v1!.current_stage).toBe('Production');
    expect((await py().call('get_model', { model })).aliases).toEqual({ champion: '1' });
    for (const target of ['stage:Staging', 'stage:Production', 'alias:champion'])
      expect(parseRecord(v1!.tags[recordKey(target)])).toMatchObject({
        target,
        decision: 'promoted',
        previous: [],
        by: expect.any(String),
        ruleHash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      });
    // Reruns of the production and champion gates: already promoted, nothing written, tags unchanged.
    for (const name of ['production', 'champion']) {
      const again = await gate(model, { version: '1', gate: name });
      expect(again.code, again.stdout).toBe(0);
      expect(again.outputs).toMatchObject({ decision: 'already-promoted', wrote: 'false' });
    }
    expect((await versionsOf(py(), model))[0]!.tags).toEqual(v1!.tags);
    // The audits of each target pass.
    for (const name of ['production', 'champion']) {
      const audit = await gate(model, { mode: 'audit', models: model, gate: name, model: '' });
      expect(audit.code, audit.stdout).toBe(0);
      expect(audit.outputs['decision']).toBe('passed');
    }
    // The history, rebuilt from the records: three promotions of v1, newest first.
    const history = await runAction({ inputs: { 'tracking-uri': url, model, mode: 'history' } });
    expect(history.code, history.stdout).toBe(0);
    expect(
      JSON.parse(history.outputs['history']!).map((h: { version: string; target: string }) => [h.version, h.target]),
    ).toEqual([
      ['1', 'alias:champion'],
      ['1', 'stage:Production'],
      ['1', 'stage:Staging'],
    ]);
  });

  it('the Production holder through the staging gate is skipped; allow-demotion moves it and says Production is left empty', async () => {
    const model = uniqueModel('ledger-e2e');
    await seed(py(), model, [{ metrics: { accuracy: 0.95 }, stage: 'Production' }]);
    const before = (await versionsOf(py(), model))[0]!.tags;
    const held = await gate(model, { version: '1', gate: 'staging' });
    expect(held.outputs).toMatchObject({ decision: 'skipped', wrote: 'false' });
    // Asked for by number, a version the gate skips fails the step.
    expect(held.code).toBe(1);
    expect(held.summary).toContain('v1 holds stage:Production; this gate would take it out');
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production' });
    expect((await versionsOf(py(), model))[0]!.tags).toEqual(before);

    const moved = await gate(model, { version: '1', gate: 'staging', 'allow-demotion': 'true' });
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    expect(moved.outputs).toMatchObject({ decision: 'promoted', wrote: 'true' });
    expect(JSON.parse(moved.outputs['report']!).reasons).toContainEqual(
      'allow-demotion: v1 moves down from Production to Staging, and stage Production is left empty',
    );
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Staging' });
  });

  it('allow-demotion is a boolean input: another value names the input', async () => {
    const model = uniqueModel('ledger-e2e');
    await seed(py(), model, [{ metrics: { accuracy: 0.95 }, stage: 'Production' }]);
    const bad = await gate(model, { version: '1', gate: 'staging', 'allow-demotion': 'sometimes' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/allow-demotion/);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production' });
  });
});
