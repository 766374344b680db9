// Issue 14: one version, several targets. The ledger keeps a record per (version, target) through
// staging → production → champion, stage + alias, rollbacks and tightened rules, against a real
// MLflow server (3.x and 2.22). The gate talks to MLflow through a recording proxy, so a rerun's
// requests are read off its log; the registry is seeded and read back with MLflow's own client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeGates } from '../support/ledger-policies.js';
import { isWrite, startFaultProxy } from '../../scripts/fault-proxy.mjs';
import { GateError, InputError } from '../../src/core/errors.js';
import { ruleHash } from '../../src/core/ledger.js';
import { loadPolicyFile, policySource } from '../../src/core/policy.js';
import type { LedgerContext } from '../../src/core/ledger.js';
import type { ModelResult } from '../../src/core/verdict.js';
import { readHistory, runGate } from '../../src/gate.js';
import { runScheduled } from '../../src/schedule.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { parsed, type TestGateRequest } from '../support/gate-request.js';
import { stagesOf, uniqueModel, usePython, versionsOf, type PyVersion } from '../support/registry-fixture.js';

const { py, url } = usePython();
let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
let registry: MlflowRegistry;
beforeAll(async () => {
  proxy = await startFaultProxy({ upstream: url });
  registry = new MlflowRegistry(new MlflowRestClient(proxy.url, { kind: 'none' }));
});
afterAll(async () => {
  await proxy?.close();
});

const RUN_URL = 'https://github.com/acme/models/actions/runs/7';
/** The time of step `n` of a test (minute n past noon), so every record says which run wrote it. */
const at = (n: number) => `2026-11-26T12:${String(n).padStart(2, '0')}:00.000Z`;
const ctx = (n: number): LedgerContext => ({ now: at(n), actor: 'octocat', runUrl: RUN_URL, sha: 'feedbeef' });

const gate = (model: string, policyText: string, over: TestGateRequest = {}) =>
  runGate(
    { model, mode: 'promote', policy: policySource('policy.yml', policyText), ...parsed(over) },
    { registry, log: () => {} },
  );
const rollback = (model: string, n: number, target: { stage?: string; alias?: string }, version?: string) =>
  runGate(
    {
      model,
      mode: 'rollback',
      policy: policySource('policy.yml', ''),
      context: ctx(n),
      rollback: { target, reason: `rollback ${n}`, force: false },
      ...parsed(version ? { version } : {}),
    },
    { registry, log: () => {} },
  );
const scheduled = async (
  model: string,
  policyText: string,
  mode: 'promote' | 'audit',
  over: { gate?: string; auditRules?: boolean; context?: LedgerContext } = {},
): Promise<ModelResult> => {
  const results = await runScheduled(
    { patterns: [model], mode, policy: policySource('policy.yml', policyText), force: false, ...over },
    { registry, log: () => {} },
  );
  expect(results).toHaveLength(1);
  return results[0]!;
};

/** Runs `what` with the proxy's log cleared; it must have read the registry and written nothing. */
async function readOnly<T>(what: () => Promise<T>): Promise<T> {
  proxy.reset();
  const out = await what();
  const requests = [...proxy.requests];
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter(isWrite).map((r) => `${r.method} ${r.path} ${r.body}`)).toEqual([]);
  return out;
}

/** Versions registered from runs, with MLflow's own client (stage, tags and aliases set by it too). */
const seed = (
  model: string,
  versions: Array<{
    metrics: Record<string, number>;
    stage?: string;
    version_tags?: Record<string, string>;
    aliases?: string[];
  }>,
): Promise<Array<{ version: string; run_id: string }>> =>
  py().call('seed_light', { model, experiment: 'ledger-targets', versions });

const versionOf = async (model: string, v: string): Promise<PyVersion> =>
  (await versionsOf(py(), model)).find((x) => x.version === v)!;
const aliasesOf = async (model: string): Promise<Record<string, string>> =>
  (await py().call('get_model', { model })).aliases;
/** The version's record tags, each parsed from its JSON, as MLflow's client reads them. */
const recordsOn = async (model: string, v: string): Promise<Record<string, unknown>> =>
  Object.fromEntries(
    Object.entries((await versionOf(model, v)).tags)
      .filter(([k]) => k.startsWith('mlflow_gate.record.'))
      .map(([k, value]) => [k, JSON.parse(value)]),
  );
const historyTag = async (model: string): Promise<string | undefined> =>
  (await py().call('get_model', { model })).tags['mlflow_gate.history'];
const hashOf = (policyText: string, model: string, gateName?: string) =>
  ruleHash(loadPolicyFile(policyText, 'policy.yml').resolve(model, gateName));
/** A record written by a promotion at step n. */
const promoted = (target: string, n: number, hash: string, previous: string[] = [], extra = {}) => ({
  target,
  decision: 'promoted',
  previous,
  at: at(n),
  by: 'octocat',
  run_url: RUN_URL,
  commit: 'feedbeef',
  rule_hash: hash,
  ...extra,
});
const STAGING = 'mlflow_gate.record.stage_Staging';
const PRODUCTION = 'mlflow_gate.record.stage_Production';
const CHAMPION = 'mlflow_gate.record.alias_champion';
const BOTH_KEY = 'mlflow_gate.record.alias_champion__stage_Production';

const GATES = threeGates();

describe('one version, several targets: staging → production → champion', () => {
  it('three gates promote v1, audits pass, every rerun writes nothing; v2 follows, and the stage rollback restores v1', async () => {
    const model = uniqueModel('ledger-flow');
    await seed(model, [{ metrics: { accuracy: 0.95 } }]);
    const hash = {
      staging: hashOf(GATES, model, 'staging'),
      production: hashOf(GATES, model, 'production'),
      champion: hashOf(GATES, model, 'champion'),
    };
    expect(new Set(Object.values(hash)).size).toBe(3);
    for (const h of Object.values(hash)) expect(h).toMatch(/^sha256:[0-9a-f]{16}$/);

    const steps = [
      ['staging', { stage: 'Staging' }],
      ['production', { stage: 'Production' }],
      ['champion', { alias: 'champion' }],
    ] as const;
    for (const [i, [name, target]] of steps.entries()) {
      const { report } = await gate(model, GATES, { version: '1', gate: name, context: ctx(i + 1) });
      expect(report).toMatchObject({ decision: 'promoted', version: '1', previousVersions: [], wrote: true, target });
    }
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production' });
    expect(await aliasesOf(model)).toEqual({ champion: '1' });

    // Three records on v1, one per target, read back with MLflow's client; no single-record tags.
    const v1 = await versionOf(model, '1');
    expect(await recordsOn(model, '1')).toEqual({
      [STAGING]: promoted('stage:Staging', 1, hash.staging),
      [PRODUCTION]: promoted('stage:Production', 2, hash.production),
      [CHAMPION]: promoted('alias:champion', 3, hash.champion),
    });
    expect(v1.tags[PRODUCTION]).toBe(
      `{"target":"stage:Production","decision":"promoted","previous":[],"at":"${at(2)}","by":"octocat","run_url":"${RUN_URL}","commit":"feedbeef","rule_hash":"${hash.production}"}`,
    );
    expect(v1.tags).toMatchObject({
      validation: 'passed',
      'mlflow_gate.checks': 'accuracy=0.95 (>= 0.9) pass',
      'mlflow_gate.policy': 'policy.yml',
    });
    expect(Object.keys(v1.tags).filter((k) => k.startsWith('mlflow_gate.decision'))).toEqual([]);

    // Audits of the production gate and the champion gate pass.
    for (const name of ['production', 'champion']) {
      const audit = await readOnly(() => scheduled(model, GATES, 'audit', { gate: name }));
      expect(audit).toEqual({
        model,
        candidate: '1',
        decision: 'passed',
        wrote: false,
        reasons: ['v1 accounted for by the ledger'],
      });
    }

    // Every rerun of every gate, by version and scheduled: no POST, PATCH or DELETE, wrote false.
    const before = await versionsOf(py(), model);
    const historyBefore = await historyTag(model);
    const staging = await readOnly(() => gate(model, GATES, { version: '1', gate: 'staging', context: ctx(10) }));
    expect(staging.report).toMatchObject({ decision: 'skipped', wrote: false, applied: [], plan: [] });
    expect(staging.report.reasons).toContain(
      'v1 holds stage:Production; this gate would take it out (a version has one stage, and Staging ranks below Production). Nothing was written; set allow-demotion: true to move it anyway',
    );
    for (const name of ['production', 'champion']) {
      const again = await readOnly(() => gate(model, GATES, { version: '1', gate: name, context: ctx(11) }));
      expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false, applied: [], plan: [] });
    }
    for (const name of ['staging', 'production', 'champion']) {
      const again = await readOnly(() => scheduled(model, GATES, 'promote', { gate: name, context: ctx(12) }));
      expect(again).toMatchObject({ decision: 'skipped', wrote: false });
    }
    expect(await versionsOf(py(), model)).toEqual(before);
    expect(await historyTag(model)).toBe(historyBefore);

    // v2 (registered only now, so the scheduled reruns above had nothing new) through the three gates.
    await seed(model, [{ metrics: { accuracy: 0.96 } }]);
    for (const [i, [name]] of steps.entries()) {
      const { report } = await gate(model, GATES, { version: '2', gate: name, context: ctx(i + 4) });
      expect(report).toMatchObject({
        decision: 'promoted',
        version: '2',
        previousVersions: name === 'staging' ? [] : ['1'],
        wrote: true,
      });
    }
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production' });
    expect(await aliasesOf(model)).toEqual({ champion: '2' });
    expect(await recordsOn(model, '2')).toEqual({
      [STAGING]: promoted('stage:Staging', 4, hash.staging),
      [PRODUCTION]: promoted('stage:Production', 5, hash.production, ['1']),
      [CHAMPION]: promoted('alias:champion', 6, hash.champion, ['1']),
    });

    // Rolling back stage:Production restores v1, the previous Production holder, although it was champion too.
    const back = await rollback(model, 7, { stage: 'Production' });
    expect(back.report).toMatchObject({ decision: 'rolled-back', version: '1', previousVersions: ['2'], wrote: true });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Archived' });
    expect(await aliasesOf(model)).toEqual({ champion: '2' });
    const restored = {
      target: 'stage:Production',
      previous: ['2'],
      at: at(7),
      by: 'octocat',
      run_url: RUN_URL,
      commit: 'feedbeef',
      reason: 'rollback 7',
    };
    expect(await recordsOn(model, '1')).toEqual({
      [STAGING]: promoted('stage:Staging', 1, hash.staging),
      [PRODUCTION]: { ...restored, decision: 'restored' },
      [CHAMPION]: promoted('alias:champion', 3, hash.champion),
    });
    expect(await recordsOn(model, '2')).toEqual({
      [STAGING]: promoted('stage:Staging', 4, hash.staging),
      [PRODUCTION]: { ...restored, decision: 'rolled-back', previous: ['1'] },
      [CHAMPION]: promoted('alias:champion', 6, hash.champion, ['1']),
    });

    // The history, rebuilt from the records and the cache, newest first.
    const history = await readHistory(registry, model);
    expect(history.map((h) => [h.at, h.version, h.decision, h.target, h.previous])).toEqual([
      [at(7), '1', 'restored', 'stage:Production', ['2']],
      [at(6), '2', 'promoted', 'alias:champion', ['1']],
      [at(5), '2', 'promoted', 'stage:Production', ['1']],
      [at(4), '2', 'promoted', 'stage:Staging', []],
      [at(3), '1', 'promoted', 'alias:champion', []],
      [at(2), '1', 'promoted', 'stage:Production', []],
      [at(1), '1', 'promoted', 'stage:Staging', []],
    ]);
    // After the rollback the production audit still passes (v1's record is a restore), and so does champion's.
    for (const [name, holder] of [
      ['production', '1'],
      ['champion', '2'],
    ] as const) {
      expect(await scheduled(model, GATES, 'audit', { gate: name })).toMatchObject({
        candidate: holder,
        decision: 'passed',
      });
    }
  });

  it('audit: a version with only a stage:Staging record, moved into Production by MLflow’s client, fails the production audit', async () => {
    const model = uniqueModel('ledger-byhand');
    await seed(model, [{ metrics: { accuracy: 0.95 } }]);
    expect((await gate(model, GATES, { version: '1', gate: 'staging', context: ctx(1) })).report.decision).toBe(
      'promoted',
    );
    await py().call('transition', { model, version: '1', stage: 'Production', archive_existing: false });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production' });
    const audit = await readOnly(() => scheduled(model, GATES, 'audit', { gate: 'production' }));
    expect(audit).toEqual({
      model,
      candidate: '1',
      decision: 'rejected',
      wrote: false,
      reasons: [
        'v1, which holds stage:Production, has no ledger record of the gate putting it there (it has records only for stage:Staging: promoted): it was moved there by hand or by another tool',
      ],
    });
    // A rerun of the production gate on it writes nothing either, and says why.
    const again = await readOnly(() => gate(model, GATES, { version: '1', gate: 'production', context: ctx(2) }));
    expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false });
    expect(again.report.reasons).toContain(
      'the ledger has no record of the gate putting it there (moved by hand or by another tool): nothing is written, and mode audit reports it',
    );
    expect(Object.keys(await recordsOn(model, '1'))).toEqual([STAGING]);
  });

  it('a scheduled production gate picks up the version the staging gate promoted', async () => {
    const model = uniqueModel('ledger-sched');
    await seed(model, [
      { metrics: { accuracy: 0.95 }, stage: 'Production' },
      { metrics: { accuracy: 0.96 } },
      { metrics: { accuracy: 0.97 } },
    ]);
    expect((await gate(model, GATES, { version: '2', gate: 'staging', context: ctx(1) })).report).toMatchObject({
      decision: 'promoted',
      previousVersions: [],
    });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Staging', '3': 'None' });
    // v3 is newer but never went through staging: the scheduled gate passes it over for v2.
    const first = await scheduled(model, GATES, 'promote', { gate: 'production', context: ctx(2) });
    expect(first).toMatchObject({ model, candidate: '2', decision: 'promoted', wrote: true });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });
    expect(await recordsOn(model, '2')).toEqual({
      [STAGING]: promoted('stage:Staging', 1, hashOf(GATES, model, 'staging')),
      [PRODUCTION]: promoted('stage:Production', 2, hashOf(GATES, model, 'production'), ['1']),
    });
    expect(await recordsOn(model, '3')).toEqual({});
    const second = await readOnly(() => scheduled(model, GATES, 'promote', { gate: 'production', context: ctx(3) }));
    expect(second).toEqual({
      model,
      candidate: '3',
      decision: 'skipped',
      wrote: false,
      reasons: ['version 3 is in stage None, but the policy promotes only from Staging'],
    });
  });

  it('the Production holder through the staging gate is skipped; with allow-demotion it moves and Production is left empty', async () => {
    const model = uniqueModel('ledger-demote');
    await seed(model, [{ metrics: { accuracy: 0.95 } }]);
    for (const [i, name] of ['staging', 'production'].entries())
      expect((await gate(model, GATES, { version: '1', gate: name, context: ctx(i + 1) })).report.decision).toBe(
        'promoted',
      );
    const before = await versionsOf(py(), model);
    const skipped = await readOnly(() => gate(model, GATES, { version: '1', gate: 'staging', context: ctx(3) }));
    expect(skipped.report).toMatchObject({ decision: 'skipped', wrote: false, applied: [] });
    expect(skipped.report.reasons).toEqual([
      'v1 holds stage:Production; this gate would take it out (a version has one stage, and Staging ranks below Production). Nothing was written; set allow-demotion: true to move it anyway',
    ]);
    expect(await versionsOf(py(), model)).toEqual(before);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production' });

    const moved = await gate(model, GATES, { version: '1', gate: 'staging', context: ctx(4), allowDemotion: true });
    expect(moved.report).toMatchObject({ decision: 'promoted', wrote: true });
    expect(moved.report.reasons).toContain(
      'allow-demotion: v1 moves down from Production to Staging, and stage Production is left empty',
    );
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Staging' });
    expect(((await recordsOn(model, '1'))[STAGING] as { at: string }).at).toBe(at(4));
    expect(await scheduled(model, GATES, 'audit', { gate: 'production' })).toMatchObject({
      decision: 'passed',
      reasons: ['nothing holds stage Production'],
    });
  });
});

describe('tightened rules', () => {
  const POLICY = 'metrics:\n  accuracy: ">= 0.9"\n';
  it('a rerun on the holder under tightened rules writes nothing, keeps its rule_hash, adds no history; audit-rules flags it', async () => {
    const model = uniqueModel('ledger-tight');
    await seed(model, [{ metrics: { accuracy: 0.95 } }]);
    expect((await gate(model, POLICY, { version: '1', context: ctx(1) })).report.decision).toBe('promoted');
    const hash = hashOf(POLICY, model);
    expect(await recordsOn(model, '1')).toEqual({ [PRODUCTION]: promoted('stage:Production', 1, hash) });
    const before = await versionsOf(py(), model);
    const historyBefore = await historyTag(model);
    expect(JSON.parse(historyBefore!)).toHaveLength(1);

    for (const [n, threshold, stillPasses] of [
      [2, '0.92', true],
      [3, '0.99', false],
    ] as const) {
      const tighter = `metrics:\n  accuracy: ">= ${threshold}"\n`;
      const tighterHash = hashOf(tighter, model);
      expect(tighterHash).not.toBe(hash);
      const again = await readOnly(() => gate(model, tighter, { version: '1', context: ctx(n) }));
      expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false, plan: [], applied: [] });
      expect(again.report.reasons[0]).toBe('version 1 already holds stage Production; nothing to do');
      expect(again.report.reasons.some((r) => r.startsWith('note: it would not pass the policy now'))).toBe(
        !stillPasses,
      );
      expect(await versionsOf(py(), model)).toEqual(before);
      expect(await historyTag(model)).toBe(historyBefore);
      expect((await readHistory(registry, model)).map((h) => [h.version, h.at])).toEqual([['1', at(1)]]);

      expect(await scheduled(model, tighter, 'audit')).toMatchObject({ decision: 'passed' });
      const byRules = await readOnly(() => scheduled(model, tighter, 'audit', { auditRules: true }));
      expect(byRules).toEqual({
        model,
        candidate: '1',
        decision: 'rejected',
        wrote: false,
        reasons: [
          `v1, which holds stage:Production, was promoted under other rules (${hash}) than the current policy's (${tighterHash})`,
        ],
      });
    }
    expect(await scheduled(model, POLICY, 'audit', { auditRules: true })).toMatchObject({ decision: 'passed' });
  });
});

describe('alias rollback', () => {
  const ALIAS = 'target:\n  alias: champion\n  previous_alias: previous-champion\nmetrics:\n  accuracy: ">= 0.9"\n';
  const BOTH = 'target:\n  alias: champion\n  stage: Production\nmetrics:\n  accuracy: ">= 0.9"\n';
  const distinct = (aliases: Record<string, string>) =>
    expect(aliases['champion']).not.toBe(aliases['previous-champion']);

  it('with previous_alias: champion and previous-champion never name the same version after a rollback', async () => {
    const model = uniqueModel('ledger-alias');
    await seed(model, [
      { metrics: { accuracy: 0.95 } },
      { metrics: { accuracy: 0.96 } },
      { metrics: { accuracy: 0.97 } },
    ]);
    for (const v of ['1', '2', '3'])
      expect((await gate(model, ALIAS, { version: v, context: ctx(Number(v)) })).report.decision).toBe('promoted');
    expect(await aliasesOf(model)).toEqual({ champion: '3', 'previous-champion': '2' });
    const hash = hashOf(ALIAS, model);
    expect(await recordsOn(model, '3')).toEqual({
      [CHAMPION]: promoted('alias:champion', 3, hash, ['2'], { previous_alias: 'previous-champion' }),
    });

    const back = await rollback(model, 4, { alias: 'champion' });
    expect(back.report).toMatchObject({ decision: 'rolled-back', version: '2', previousVersions: ['3'], wrote: true });
    const after = await aliasesOf(model);
    expect(after).toEqual({ champion: '2', 'previous-champion': '1' });
    distinct(after);
    const base = { target: 'alias:champion', at: at(4), by: 'octocat', run_url: RUN_URL, commit: 'feedbeef' };
    expect(await recordsOn(model, '2')).toEqual({
      [CHAMPION]: {
        ...base,
        decision: 'restored',
        previous: ['3'],
        reason: 'rollback 4',
        previous_alias: 'previous-champion',
      },
    });
    expect(await recordsOn(model, '3')).toEqual({
      [CHAMPION]: {
        ...base,
        decision: 'rolled-back',
        previous: ['2'],
        reason: 'rollback 4',
        previous_alias: 'previous-champion',
      },
    });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'None', '2': 'None', '3': 'None' });

    // Back to v1, which replaced nobody: previous-champion is removed rather than left on v1 or v2.
    const first = await rollback(model, 5, { alias: 'champion' }, '1');
    expect(first.report).toMatchObject({ decision: 'rolled-back', version: '1', previousVersions: ['2'] });
    expect(await aliasesOf(model)).toEqual({ champion: '1' });
  });

  it('a combined target rolls back whole; one half is refused naming alias:champion+stage:Production, nothing written', async () => {
    const model = uniqueModel('ledger-both');
    await seed(model, [{ metrics: { accuracy: 0.95 } }, { metrics: { accuracy: 0.96 } }]);
    for (const v of ['1', '2'])
      expect((await gate(model, BOTH, { version: v, context: ctx(Number(v)) })).report.decision).toBe('promoted');
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production' });
    expect(await aliasesOf(model)).toEqual({ champion: '2' });
    expect(await recordsOn(model, '2')).toEqual({
      [BOTH_KEY]: promoted('alias:champion+stage:Production', 2, hashOf(BOTH, model), ['1']),
    });

    const before = await versionsOf(py(), model);
    for (const half of [{ alias: 'champion' }, { stage: 'Production' }]) {
      const refused = await readOnly(() => rollback(model, 3, half).catch((e: GateError) => e));
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as GateError).message).toBe(
        'v2 was promoted to alias:champion+stage:Production in one step; roll back that target as a whole (input "target": alias:champion+stage:Production). Nothing was changed',
      );
    }
    expect(await versionsOf(py(), model)).toEqual(before);
    expect(await aliasesOf(model)).toEqual({ champion: '2' });

    const back = await rollback(model, 4, { alias: 'champion', stage: 'Production' });
    expect(back.report).toMatchObject({ decision: 'rolled-back', version: '1', previousVersions: ['2'], wrote: true });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Archived' });
    expect(await aliasesOf(model)).toEqual({ champion: '1' });
    expect(await recordsOn(model, '1')).toEqual({
      [BOTH_KEY]: {
        target: 'alias:champion+stage:Production',
        decision: 'restored',
        previous: ['2'],
        at: at(4),
        by: 'octocat',
        run_url: RUN_URL,
        commit: 'feedbeef',
        reason: 'rollback 4',
      },
    });
    expect(((await recordsOn(model, '2'))[BOTH_KEY] as { decision: string }).decision).toBe('rolled-back');
    // v1 now holds both halves under the combined record: one half is still refused.
    const half = await readOnly(() => rollback(model, 5, { alias: 'champion' }).catch((e: GateError) => e));
    expect((half as GateError).message).toBe(
      'v1 was promoted to alias:champion+stage:Production in one step; roll back that target as a whole (input "target": alias:champion+stage:Production). Nothing was changed',
    );
  });
});

describe('records of the single-record layout', () => {
  const POLICY = 'metrics:\n  accuracy: ">= 0.9"\n';
  const LEGACY = {
    'mlflow_gate.decision': 'promoted',
    'mlflow_gate.target': 'stage:Production',
    'mlflow_gate.decided_at': '2026-01-05T09:00:00.000Z',
    'mlflow_gate.decided_by': 'old-bot',
    'mlflow_gate.run_url': 'https://github.com/acme/models/actions/runs/1',
    'mlflow_gate.commit': 'cafe0001',
    'mlflow_gate.rule_hash': 'sha256:0123456789abcdef',
    validation: 'passed',
    'mlflow_gate.checks': 'accuracy=0.95 (>= 0.9) pass',
    'mlflow_gate.policy': 'policy.yml',
  };

  it('are read as the record of the target they name: a rerun writes nothing, audit passes, history and rollback read them', async () => {
    const model = uniqueModel('ledger-legacy');
    await seed(model, [{ metrics: { accuracy: 0.95 }, stage: 'Production', version_tags: LEGACY }]);
    const before = await versionsOf(py(), model);
    expect(before[0]!.tags).toEqual(LEGACY);

    const again = await readOnly(() => gate(model, POLICY, { version: '1', context: ctx(1) }));
    expect(again.report).toMatchObject({ decision: 'already-promoted', wrote: false, plan: [], applied: [] });
    expect(again.report.reasons).toEqual(['version 1 already holds stage Production; nothing to do']);
    const sched = await readOnly(() => scheduled(model, POLICY, 'promote', { context: ctx(2) }));
    expect(sched).toMatchObject({ decision: 'skipped', wrote: false });
    const audit = await readOnly(() => scheduled(model, POLICY, 'audit'));
    expect(audit).toEqual({
      model,
      candidate: '1',
      decision: 'passed',
      wrote: false,
      reasons: ['v1 accounted for by the ledger'],
    });
    expect(await versionsOf(py(), model)).toEqual(before);
    expect(await historyTag(model)).toBeUndefined();
    expect(await readHistory(registry, model)).toEqual([
      {
        version: '1',
        decision: 'promoted',
        target: 'stage:Production',
        previous: [],
        at: '2026-01-05T09:00:00.000Z',
        by: 'old-bot',
      },
    ]);

    // A new version replaces it (the new layout on v2, v1's legacy tags untouched); rollback restores v1 from them.
    await seed(model, [{ metrics: { accuracy: 0.96 } }]);
    const next = await gate(model, POLICY, { version: '2', context: ctx(3) });
    expect(next.report).toMatchObject({ decision: 'promoted', previousVersions: ['1'] });
    expect(await recordsOn(model, '2')).toEqual({
      [PRODUCTION]: promoted('stage:Production', 3, hashOf(POLICY, model), ['1']),
    });
    expect((await versionOf(model, '1')).tags).toEqual(LEGACY);
    const back = await rollback(model, 4, { stage: 'Production' });
    expect(back.report).toMatchObject({ decision: 'rolled-back', version: '1', previousVersions: ['2'] });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Archived' });
    expect(((await recordsOn(model, '1'))[PRODUCTION] as { decision: string }).decision).toBe('restored');
  });
});
