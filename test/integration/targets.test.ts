// Alias targets, alias and stage together, and the version selectors, against a real MLflow server.
import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/core/errors.js';
import { readHistory, runGate } from '../../src/gate.js';
import { recordKey } from '../../src/core/ledger.js';
import { parsed, type TestGateRequest } from '../support/gate-request.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { recordTag, seed, stagesOf, uniqueModel, usePython, versionsOf } from '../support/registry-fixture.js';
import { policySource } from '../../src/core/policy.js';

const { py, url } = usePython();
const registry = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));
const gate = (model: string, policyText: string, over: TestGateRequest = {}) =>
  runGate(
    { model, mode: 'promote', policy: policySource('policy.yml', policyText), ...parsed(over) },
    { registry, log: () => {} },
  );
const tagsOf = async (model: string, v: string) => (await versionsOf(py(), model)).find((x) => x.version === v)!.tags;
const aliasesOf = async (model: string): Promise<Record<string, string>> =>
  (await py().call('get_model', { model })).aliases;

const ALIAS = 'target:\n  alias: champion\n  previous_alias: previous-champion\nmetrics:\n  accuracy: ">= 0.9"\n';
const BOTH = 'target:\n  alias: champion\n  stage: Production\nmetrics:\n  accuracy: ">= 0.9"\n';

describe('targets and selectors against a real MLflow server', () => {
  it('alias mode moves @champion, gives the old holder @previous-champion, touches no stage', async () => {
    const model = uniqueModel();
    await seed(py(), model, [{ metrics: { accuracy: 0.91 }, aliases: ['champion'] }, { metrics: { accuracy: 0.95 } }]);
    const { report } = await gate(model, ALIAS, { version: '2' });
    expect(report).toMatchObject({ decision: 'promoted', previousVersions: ['1'], target: { alias: 'champion' } });
    expect(await aliasesOf(model)).toEqual({ champion: '2', 'previous-champion': '1' });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'None', '2': 'None' });
    const v2 = await tagsOf(model, '2');
    expect(recordTag(v2, 'mlflow_gate.record.alias_champion')).toEqual({
      target: 'alias:champion',
      decision: 'promoted',
      previous: ['1'],
      at: expect.any(String),
      by: 'unknown',
      rule_hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      previous_alias: 'previous-champion',
    });
    expect(Object.keys(v2).filter((k) => k.startsWith('mlflow_gate.record.'))).toEqual([
      'mlflow_gate.record.alias_champion',
    ]);
    // v1 was given @previous-champion; it has no record (the gate never decided it).
    expect(Object.keys(await tagsOf(model, '1')).filter((k) => k.startsWith('mlflow_gate.'))).toEqual([]);
    const again = await gate(model, ALIAS, { version: '2' });
    expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false });
    expect(await tagsOf(model, '2')).toEqual(v2);
  });

  it('compare reads the baseline from the alias holder', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { auc: 0.9 }, aliases: ['champion'] },
      { metrics: { auc: 0.95 }, stage: 'Production' },
      { metrics: { auc: 0.92 } },
    ]);
    const policy =
      'target:\n  alias: champion\nmetrics:\n  auc:\n    min: 0.5\n    compare:\n      min_absolute_change: 0.01\n';
    const { report } = await gate(model, policy, { version: '3', mode: 'evaluate' });
    expect(report.checks[0]).toMatchObject({ baseline: { version: '1', value: 0.9 }, verdict: 'pass' });
  });

  it('alias and stage together move both', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { accuracy: 0.91 }, stage: 'Production', aliases: ['champion'] },
      { metrics: { accuracy: 0.95 } },
    ]);
    const { report } = await gate(model, BOTH, { version: '2' });
    expect(report).toMatchObject({ decision: 'promoted', previousVersions: ['1'] });
    expect(await aliasesOf(model)).toEqual({ champion: '2' });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production' });
    // One target, one record: the combined key, not one record per half.
    const v2 = await tagsOf(model, '2');
    expect(recordTag(v2, 'mlflow_gate.record.alias_champion__stage_Production')).toMatchObject({
      target: 'alias:champion+stage:Production',
      decision: 'promoted',
      previous: ['1'],
    });
    expect(v2['mlflow_gate.record.stage_Production']).toBeUndefined();
    expect(v2['mlflow_gate.record.alias_champion']).toBeUndefined();
    const again = await gate(model, BOTH, { version: '2' });
    expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false });
  });

  it('selectors: stage:, alias:, run:, each naming what exists when nothing matches', async () => {
    const model = uniqueModel();
    const seeded = await seed(py(), model, [
      { metrics: { accuracy: 0.91 }, stage: 'Staging' },
      { metrics: { accuracy: 0.92 }, stage: 'Staging', aliases: ['challenger'] },
      { metrics: { accuracy: 0.93 } },
    ]);
    const pick = async (version: string) => (await gate(model, ALIAS, { version, mode: 'evaluate' })).report.version;
    expect(await pick('stage:Staging')).toBe('2');
    expect(await pick('alias:challenger')).toBe('2');
    expect(await pick(`run:${seeded[0]!.run_id}`)).toBe('1');
    const fail = async (version: string) => {
      try {
        await gate(model, ALIAS, { version, mode: 'evaluate' });
      } catch (err) {
        expect(err).toBeInstanceOf(GateError);
        return (err as GateError).message;
      }
      throw new Error('no error');
    };
    expect(await fail('stage:Production')).toBe(
      `no READY version of "${model}" is in stage Production; the versions are: v1 Staging, v2 Staging, v3 None`,
    );
    expect(await fail('alias:nope')).toBe(`model "${model}" has no alias @nope; its aliases are @challenger → v2`);
    expect(await fail('run:0000')).toBe(
      `no version of "${model}" was registered from run 0000; it has versions 1, 2, 3`,
    );
  });

  it('promotion by copy: a new version of the production model, linked to its origin, holding the alias; a rerun converges', async () => {
    const model = uniqueModel();
    const prod = `prod.${model}`;
    await seed(py(), model, [{ metrics: { accuracy: 0.95 } }, { metrics: { accuracy: 0.96 } }]);
    const policy = `target:\n  model: ${prod}\n  alias: champion\n  previous_alias: previous-champion\nmetrics:\n  accuracy: ">= 0.9"\n`;
    const first = await gate(model, policy, { version: '1' });
    expect(first.report).toMatchObject({ decision: 'promoted', wrote: true });
    expect(first.report.applied).toEqual(
      expect.arrayContaining([
        `create the registered model ${prod}`,
        `copy models:/${model}/1 into ${prod} as a new version`,
        `point alias @champion of ${prod} at v1`,
      ]),
    );
    const copies = await py().call('search_versions', { model: prod });
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({
      version: '1',
      source: `models:/${model}/1`,
      tags: { 'mlflow_gate.copied_from': `models:/${model}/1`, validation: 'passed' },
    });
    expect(await aliasesOf(prod)).toEqual({ champion: '1' });
    // The record lives on the copy, under a hashed key (the model name has a '.'), and names its target in full.
    const copyTarget = `model:${prod}+alias:champion`;
    const copyKey = recordKey(copyTarget);
    expect(copyKey).toMatch(/^mlflow_gate\.record\.model_prod_[\w-]+_[0-9a-f]{12}$/);
    expect(recordTag(copies[0].tags, copyKey)).toMatchObject({
      target: copyTarget,
      decision: 'promoted',
      previous: [],
    });
    expect(Object.keys((await py().call('search_versions', { model }))[0].tags)).not.toContain(copyKey);
    const again = await gate(model, policy, { version: '1' });
    expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false });
    const second = await gate(model, policy, { version: '2' });
    expect(second.report).toMatchObject({ decision: 'promoted', previousVersions: ['1'] });
    expect(await aliasesOf(prod)).toEqual({ champion: '2', 'previous-champion': '1' });
    const both = await py().call('search_versions', { model: prod });
    expect(both).toHaveLength(2);
    expect(recordTag(both.find((v: { version: string }) => v.version === '2').tags, copyKey)).toMatchObject({
      target: copyTarget,
      decision: 'promoted',
      previous: ['1'],
      previous_alias: 'previous-champion',
    });
    expect(await aliasesOf(model)).toEqual({}); // the development model is untouched
  });
});

describe('writes are guarded against a registry that changed', () => {
  it('expected-holder: a promotion stops with conflict when another version holds the target', async () => {
    const model = uniqueModel();
    await seed(py(), model, [{ metrics: { accuracy: 0.91 }, stage: 'Production' }, { metrics: { accuracy: 0.95 } }]);
    const policy = 'metrics:\n  accuracy: ">= 0.9"\n';
    const err = await gate(model, policy, { version: '2', expectedHolder: '5' }).catch((e: GateError) => e);
    expect(err).toBeInstanceOf(GateError);
    expect((err as GateError).kind).toBe('conflict');
    expect((err as GateError).message).toBe('expected-holder is 5, but v1 holds stage Production; nothing was written');
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'None' });
    expect((await gate(model, policy, { version: '2', expectedHolder: '1' })).report.decision).toBe('promoted');
  });

  it('a version moved into the target between the decision and the write is seen, and nothing is written', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { accuracy: 0.91 }, stage: 'Production' },
      { metrics: { accuracy: 0.95 } },
      { metrics: { accuracy: 0.5 } },
    ]);
    // Another process moves v3 to Production right after the gate has read the registry.
    let reads = 0;
    const racing = Object.create(registry) as typeof registry;
    racing.searchModelVersions = async (name: string) => {
      const versions = await registry.searchModelVersions(name);
      if (++reads === 1)
        await py().call('transition', { model, version: '3', stage: 'Production', archive_existing: false });
      return versions;
    };
    const err = await runGate(
      {
        model,
        version: { kind: 'number', version: '2' },
        mode: 'promote',
        policy: policySource('p.yml', 'metrics:\n  accuracy: ">= 0.9"\n'),
      },
      { registry: racing, log: () => {} },
    ).catch((e: GateError) => e);
    expect((err as GateError).kind).toBe('conflict');
    expect((err as GateError).message).toContain('the holder of stage Production changed (was 1, now 1, 3)');
    const v2 = (await py().call('search_versions', { model })).find((v: { version: string }) => v.version === '2');
    expect(v2.tags).toEqual({});
    expect(v2.current_stage).toBe('None');
  });

  it('a move another run overtook before the read-back is reported superseded, and the ledger says so', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { accuracy: 0.91 }, stage: 'Production' },
      { metrics: { accuracy: 0.95 } },
      { metrics: { accuracy: 0.96 } },
    ]);
    // Another run promotes v3 (archiving the rest) right after this run moved v2.
    const racing = Object.create(registry) as typeof registry;
    racing.apply = async (op) => {
      const done = await registry.apply(op);
      if (op.kind === 'transition-stage' && op.version === '2')
        await py().call('transition', { model, version: '3', stage: 'Production', archive_existing: true });
      return done;
    };
    const { report } = await runGate(
      {
        model,
        version: { kind: 'number', version: '2' },
        mode: 'promote',
        policy: policySource('p.yml', 'metrics:\n  accuracy: ">= 0.9"\n'),
        context: { now: '2026-11-26T07:00:00.000Z', actor: 'octocat' },
      },
      { registry: racing, log: () => {} },
    );
    expect(report).toMatchObject({ decision: 'superseded', errorKind: 'conflict', wrote: true });
    expect(report.reasons[0]).toContain(`${model} v2 was moved to stage Production, but when read back v3 held it`);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Archived', '3': 'Production' });
    const v2 = (await py().call('search_versions', { model })).find((v: { version: string }) => v.version === '2');
    expect(v2.tags['validation']).toBe('passed');
    expect(recordTag(v2.tags, 'mlflow_gate.record.stage_Production')).toEqual({
      target: 'stage:Production',
      decision: 'superseded',
      previous: ['1'],
      at: '2026-11-26T07:00:00.000Z',
      by: 'octocat',
      rule_hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      reason: 'v3 took stage Production while this run was writing (runs on one model must share a concurrency group)',
      superseded_by: '3',
    });
    // The history names no superseded version as promoted.
    expect((await readHistory(registry, model)).filter((h) => h.version === '2')).toEqual([]);
  });

  it('two runs that both landed in the stage settle on the highest version: the lower archives itself, the higher archives the other', async () => {
    for (const [mine, theirs] of [
      ['2', '3'],
      ['3', '2'],
    ] as const) {
      const model = uniqueModel();
      await seed(py(), model, [
        { metrics: { accuracy: 0.91 }, stage: 'Production' },
        { metrics: { accuracy: 0.95 } },
        { metrics: { accuracy: 0.96 } },
      ]);
      // The other run's transition lands beside this one's (MLflow's archive_existing_versions takes no lock).
      const racing = Object.create(registry) as typeof registry;
      racing.apply = async (op) => {
        const done = await registry.apply(op);
        if (op.kind === 'transition-stage' && op.version === mine)
          await py().call('transition', { model, version: theirs, stage: 'Production', archive_existing: false });
        return done;
      };
      const { report } = await runGate(
        {
          model,
          version: { kind: 'number', version: mine },
          mode: 'promote',
          policy: policySource('p.yml', 'metrics:\n  accuracy: ">= 0.9"\n'),
          context: { now: '2026-11-26T07:00:00.000Z', actor: 'octocat' },
        },
        { registry: racing, log: () => {} },
      );
      expect(report.decision).toBe(mine === '3' ? 'promoted' : 'superseded');
      expect(await stagesOf(py(), model)).toEqual({
        '1': 'Archived',
        [mine]: mine === '3' ? 'Production' : 'Archived',
        [theirs]: theirs === '3' ? 'Production' : 'Archived',
      });
      if (mine === '2') {
        const v2 = (await py().call('search_versions', { model })).find((v: { version: string }) => v.version === '2');
        expect(recordTag(v2.tags, 'mlflow_gate.record.stage_Production')).toMatchObject({
          target: 'stage:Production',
          decision: 'superseded',
          previous: ['1'],
          superseded_by: '3',
        });
        expect((await readHistory(registry, model)).filter((h) => h.version === '2')).toEqual([]);
      } else {
        const v3 = (await py().call('search_versions', { model })).find((v: { version: string }) => v.version === '3');
        expect(recordTag(v3.tags, 'mlflow_gate.record.stage_Production')).toMatchObject({
          decision: 'promoted',
          previous: ['1'],
        });
        expect((await readHistory(registry, model)).map((h) => [h.version, h.decision])).toEqual([['3', 'promoted']]);
      }
    }
  });
});
