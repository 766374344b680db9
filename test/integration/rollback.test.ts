// The ledger and one-step rollback against a real MLflow server, read back with MLflow's own Python client.
import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/core/errors.js';
import { readHistory, runGate } from '../../src/gate.js';
import { parsed, type TestGateRequest } from '../support/gate-request.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import {
  legacyLedgerTags,
  policyFor,
  recordTag,
  seed,
  stagesOf,
  uniqueModel,
  usePython,
  versionsOf,
} from '../support/registry-fixture.js';
import { policySource } from '../../src/core/policy.js';

const { py, url } = usePython();
const registry = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));
const context = {
  now: '2026-11-26T12:00:00.000Z',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/models/actions/runs/7',
  sha: 'feedbeef',
};
const gate = (model: string, over: TestGateRequest = {}) =>
  runGate(
    {
      model,
      mode: 'promote',
      policy: policySource('policy.yml', policyFor(model)),
      context,
      ...parsed(over),
    },
    { registry, log: () => {} },
  );
const rollback = (
  model: string,
  reason: string,
  over: TestGateRequest = {},
  target: { stage?: string; alias?: string } = { stage: 'Production' },
) =>
  gate(model, {
    mode: 'rollback',
    policy: policySource('policy.yml', ''),
    rollback: { target, reason, force: false },
    ...over,
  });
/** The context of a run `minute` minutes after the first, so the history's order is the runs' order. */
const later = (minute: number) => ({ ...context, now: `2026-11-26T12:0${minute}:00.000Z` });
const tagsOf = async (model: string, v: string) => (await versionsOf(py(), model)).find((x) => x.version === v)!.tags;
const PRODUCTION = 'mlflow_gate.record.stage_Production';
const CHAMPION = 'mlflow_gate.record.alias_champion';
const PASSING = [
  { metrics: { accuracy: 0.91, f1: 0.89 } },
  { metrics: { accuracy: 0.92, f1: 0.9 } },
  { metrics: { accuracy: 0.93, f1: 0.9 } },
];

describe('ledger and rollback against a real MLflow server', () => {
  it('promote v2 then v3; roll back to v2 from the ledger; roll back again to an explicit version', async () => {
    const model = uniqueModel();
    await seed(py(), model, PASSING);
    await gate(model, { version: '2' });
    await gate(model, { version: '3', context: later(1) });
    const promoted = await tagsOf(model, '3');
    expect(promoted).toMatchObject({
      validation: 'passed',
      'mlflow_gate.checks': 'accuracy=0.93 (>= 0.9) pass; f1=0.9 (>= 0.88) pass',
    });
    const rule = recordTag(promoted, PRODUCTION)!.rule_hash;
    expect(rule).toMatch(/^sha256:[0-9a-f]{16}$/);
    // The whole record, in the layout's field order (compact JSON, absent fields omitted).
    expect(promoted[PRODUCTION]).toBe(
      JSON.stringify({
        target: 'stage:Production',
        decision: 'promoted',
        previous: ['2'],
        at: later(1).now,
        by: 'octocat',
        run_url: context.runUrl,
        commit: 'feedbeef',
        rule_hash: rule,
      }),
    );
    expect(recordTag(await tagsOf(model, '2'), PRODUCTION)).toMatchObject({ decision: 'promoted', previous: [] });
    expect(legacyLedgerTags(promoted)).toEqual([]);

    const back = await rollback(model, 'v3 breaks the fraud dashboard', { context: later(2) });
    expect(back.report).toMatchObject({ decision: 'rolled-back', version: '2', previousVersions: ['3'], wrote: true });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'None', '2': 'Production', '3': 'Archived' });
    // The withdrawn version keeps what it had replaced; the restored one names what it replaced.
    expect(recordTag(await tagsOf(model, '3'), PRODUCTION)).toEqual({
      target: 'stage:Production',
      decision: 'rolled-back',
      previous: ['2'],
      at: later(2).now,
      by: 'octocat',
      run_url: context.runUrl,
      commit: 'feedbeef',
      reason: 'v3 breaks the fraud dashboard',
    });
    const restored = await tagsOf(model, '2');
    expect(recordTag(restored, PRODUCTION)).toEqual({
      target: 'stage:Production',
      decision: 'restored',
      previous: ['3'],
      at: later(2).now,
      by: 'octocat',
      run_url: context.runUrl,
      commit: 'feedbeef',
      reason: 'v3 breaks the fraud dashboard',
    });
    expect(Object.keys(restored).filter((k) => k.startsWith('mlflow_gate.record.'))).toEqual([PRODUCTION]);

    const history = JSON.parse((await py().call('get_model', { model })).tags['mlflow_gate.history']);
    expect(history.map((h: { version: string; decision: string }) => [h.version, h.decision])).toEqual([
      ['2', 'restored'],
      ['3', 'promoted'],
      ['2', 'promoted'],
    ]);
    // mode: history rebuilds it from the records, the cache keeping the promotions the records no longer show.
    expect((await readHistory(registry, model)).map((h) => [h.version, h.decision, h.previous, h.at])).toEqual([
      ['2', 'restored', ['3'], later(2).now],
      ['3', 'promoted', ['2'], later(1).now],
      ['2', 'promoted', [], context.now],
    ]);

    // A scheduled gate does not put the withdrawn version back on its own; an explicit, forced rollback can.
    const refused = await rollback(model, 'try v3 again').catch((e: GateError) => e);
    expect((refused as GateError).message).toContain('refusing to restore version 3');
    expect((refused as GateError).message).toContain('it was itself rolled back ("v3 breaks the fraud dashboard")');
    const again = await rollback(model, 'dashboard fixed', {
      rollback: { target: { stage: 'Production' }, reason: 'dashboard fixed', force: true },
      version: '3',
      context: later(3),
    });
    expect(again.report).toMatchObject({ decision: 'rolled-back', version: '3' });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'None', '2': 'Archived', '3': 'Production' });
    expect(recordTag(await tagsOf(model, '3'), PRODUCTION)).toMatchObject({
      decision: 'restored',
      previous: ['2'],
      at: later(3).now,
      reason: 'dashboard fixed',
    });
    // v2's record keeps what it had replaced when it was restored.
    expect(recordTag(await tagsOf(model, '2'), PRODUCTION)).toMatchObject({
      decision: 'rolled-back',
      previous: ['3'],
      reason: 'dashboard fixed',
    });
    expect((await readHistory(registry, model)).map((h) => [h.version, h.decision])).toEqual([
      ['3', 'restored'],
      ['2', 'restored'],
      ['3', 'promoted'],
      ['2', 'promoted'],
    ]);
  });

  it('refuses a version that was never promoted, and one that does not exist, changing nothing', async () => {
    const model = uniqueModel();
    await seed(py(), model, PASSING);
    await gate(model, { version: '2' });
    const before = await versionsOf(py(), model);
    const never = await rollback(model, 'why not', { version: '1' }).catch((e: GateError) => e);
    expect(never).toBeInstanceOf(GateError);
    expect((never as GateError).message).toBe(
      `refusing to restore version 1 of "${model}" to stage Production: the gate never promoted it to this target; it never passed validation (validation=unset). Set force: true to restore it anyway`,
    );
    const missing = await rollback(model, 'why not', { version: '9' }).catch((e: GateError) => e);
    expect((missing as GateError).message).toBe(
      `version 9 of "${model}" does not exist (it may have been deleted); nothing was changed`,
    );
    const noPrevious = await rollback(model, 'why not').catch((e: GateError) => e);
    expect((noPrevious as GateError).message).toContain('the ledger records no version that held stage Production');
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('alias rollback moves the alias back', async () => {
    const model = uniqueModel();
    await seed(py(), model, PASSING);
    const policy = policySource('policy.yml', `target:\n  alias: champion\nmetrics:\n  accuracy: ">= 0.9"\n`);
    await gate(model, { version: '1', policy });
    await gate(model, { version: '2', policy, context: later(1) });
    expect(recordTag(await tagsOf(model, '2'), CHAMPION)).toMatchObject({
      target: 'alias:champion',
      decision: 'promoted',
      previous: ['1'],
    });
    const back = await rollback(model, 'latency regression', { context: later(2) }, { alias: 'champion' });
    expect(back.report).toMatchObject({ decision: 'rolled-back', version: '1', previousVersions: ['2'] });
    expect((await py().call('get_model', { model })).aliases).toEqual({ champion: '1' });
    const [v1, v2] = await Promise.all([tagsOf(model, '1'), tagsOf(model, '2')]);
    expect(recordTag(v1, CHAMPION)).toMatchObject({
      decision: 'restored',
      previous: ['2'],
      reason: 'latency regression',
    });
    expect(recordTag(v2, CHAMPION)).toMatchObject({ decision: 'rolled-back', previous: ['1'] });
    // An alias target's records are not a stage's.
    expect(v1[PRODUCTION]).toBeUndefined();
  });
});
