// Scheduled promotion over several models against a real MLflow server: mixed outcomes,
// one model's failure not stopping the others, and a second run that writes nothing.
import { describe, expect, it } from 'vitest';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { runScheduled } from '../../src/schedule.js';
import { overallDecision } from '../../src/core/verdict.js';
import { recordTag, seed, stagesOf, uniqueModel, usePython, versionsOf } from '../support/registry-fixture.js';
import { policySource } from '../../src/core/policy.js';

const { py, url } = usePython();
const registry = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));

describe('scheduled promotion against a real MLflow server', () => {
  it('three models with mixed outcomes; the second run writes nothing', async () => {
    const family = uniqueModel('sched');
    const [good, bad, quiet] = [`${family}-good`, `${family}-bad`, `${family}-quiet`];
    await seed(py(), good, [
      { metrics: { accuracy: 0.91 }, stage: 'Production' },
      { metrics: { accuracy: 0.95 } },
      { metrics: { accuracy: 0.97 } },
    ]);
    await seed(py(), bad, [{ metrics: { accuracy: 0.5 } }]);
    await seed(py(), quiet, [{ metrics: { accuracy: 0.99 }, stage: 'Production' }]);
    const policy = `models:\n  "${family}-*":\n    metrics:\n      accuracy: ">= 0.9"\n  "${family}-bad":\n    metrics:\n      accuracy: ">= 0.9"\n      f1: ">= 0.5"\n`;
    const run = () =>
      runScheduled(
        {
          patterns: [`${family}-*`, `${family}-missing`],
          mode: 'promote',
          policy: policySource('p.yml', policy),
          force: false,
        },
        { registry, log: () => {} },
      );

    const first = await run();
    expect(first.map((r) => [r.model, r.decision, r.candidate ?? null])).toEqual([
      [bad, 'rejected', '1'],
      [good, 'promoted', '3'],
      [`${family}-missing`, 'error', null],
      [quiet, 'skipped', null],
    ]);
    // Then the closest registered names (the family's others), as test/integration/model-hints.test.ts shows.
    expect(first[2]!.reasons[0]).toMatch(
      new RegExp(`^model "${family}-missing" does not exist in the registry at ${url}(; |$)`),
    );
    expect(overallDecision(first)).toBe('error');
    // The newest passing version is promoted; the older pending one stays as it was.
    expect(await stagesOf(py(), good)).toEqual({ '1': 'Archived', '2': 'None', '3': 'Production' });
    const rejected = (await versionsOf(py(), bad))[0]!.tags;
    expect(recordTag(rejected, 'mlflow_gate.record.stage_Production')).toEqual({
      target: 'stage:Production',
      decision: 'rejected',
      previous: [],
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      by: 'unknown',
      rule_hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
    expect(rejected['validation']).toBe('failed');
    // The promoted version's record, and the older pending one, which the run left as it was.
    const good3 = (await versionsOf(py(), good)).find((v) => v.version === '3')!.tags;
    expect(recordTag(good3, 'mlflow_gate.record.stage_Production')).toMatchObject({
      decision: 'promoted',
      previous: ['1'],
    });
    expect((await versionsOf(py(), good)).find((v) => v.version === '2')!.tags).toEqual({});

    const snapshot = await Promise.all([good, bad, quiet].map((m) => versionsOf(py(), m)));
    const second = await run();
    expect(second.map((r) => [r.model, r.decision])).toEqual([
      [bad, 'skipped'],
      [good, 'skipped'],
      [`${family}-missing`, 'error'],
      [quiet, 'skipped'],
    ]);
    expect(second.some((r) => r.wrote)).toBe(false);
    expect(await Promise.all([good, bad, quiet].map((m) => versionsOf(py(), m)))).toEqual(snapshot);
  });

  it("audit flags a version moved to Production behind the gate's back", async () => {
    const family = uniqueModel('audit');
    const [gated, byHand] = [`${family}-gated`, `${family}-byhand`];
    await seed(py(), gated, [{ metrics: { accuracy: 0.95 } }]);
    await seed(py(), byHand, [{ metrics: { accuracy: 0.95 } }, { metrics: { accuracy: 0.2 } }]);
    const policy = 'metrics:\n  accuracy: ">= 0.9"\n';
    const gate = (mode: 'promote' | 'audit') =>
      runScheduled(
        { patterns: [`${family}-*`], mode, policy: policySource('p.yml', policy), force: false },
        { registry, log: () => {} },
      );
    await gate('promote');
    // Someone uses MLflow's own client to put v2, which the gate rejected, in Production.
    await py().call('transition', { model: byHand, version: '2', stage: 'Production', archive_existing: true });
    const audit = await gate('audit');
    expect(audit.map((r) => [r.model, r.decision])).toEqual([
      [byHand, 'rejected'],
      [gated, 'passed'],
    ]);
    expect(audit[0]!.reasons[0]).toBe(
      'v2, which holds stage:Production, has a ledger record of rejected, not of a promotion or restore: it was moved there by hand or by another tool',
    );
    expect(audit.some((r) => r.wrote)).toBe(false);
    // With audit-rules, a holder passed by other rules than today's is flagged too.
    const stricter = 'metrics:\n  accuracy: ">= 0.92"\n';
    const byRules = await runScheduled(
      { patterns: [gated], mode: 'audit', auditRules: true, policy: policySource('p.yml', stricter), force: false },
      { registry, log: () => {} },
    );
    expect(byRules[0]!.decision).toBe('rejected');
    expect(byRules[0]!.reasons[0]).toMatch(
      /was promoted under other rules \(sha256:[0-9a-f]+\) than the current policy's \(sha256:[0-9a-f]+\)/,
    );
  });
});
