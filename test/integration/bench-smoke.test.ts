// The benchmark harness (bench/run.mjs) still works: its smoke mode (1 run, 2 models x 2 versions,
// 0 ms latency, no skinny venv, no pip install) against this suite's MLflow server. It checks that
// every figure is produced and that the Action and the Python scripts leave the same registry state
// (and write each tag the same values on the way: the ledger record begun, then whole);
// the figures themselves are not asserted (a loaded test machine measures nothing worth quoting).
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { renderMarkdown, runBench, smokeOptions } from '../../bench/run.mjs';

describe('bench/run.mjs, smoke mode', () => {
  it('measures every way on one decision and a scheduled run, and the registry states agree', async () => {
    const log: string[] = [];
    const res = await runBench({
      ...smokeOptions(),
      url: inject('mlflowUrl'),
      python: inject('mlflowPython'),
      prefix: `bench-smoke-${randomBytes(4).toString('hex')}`,
      log: (m: string) => log.push(m),
    });
    expect(res.stateProblems).toEqual([]);
    expect(res.statesAgree).toBe(true);
    for (const way of ['action', 'mlflow', 'requests']) {
      const one = res.one[0][way];
      expect(one.ms, way).toBeGreaterThan(0);
      expect(one.firstRequestMs, way).toBeGreaterThan(0);
      // the same writes: 3 evidence tags and the begun ledger record, the transition, the whole record, the history tag
      expect(one.writes, way).toBe(7);
      expect(one.roundTrips, way).toBeGreaterThanOrEqual(one.roundTripsBeforeWrite);
      expect(one.log.length, way).toBe(one.requests);
      expect(res.sched[way]!.ms, way).toBeGreaterThan(0);
      expect(res.sched[way]!.requests, way).toBeGreaterThan(0);
    }
    // What every way wrote, concretely: the candidate's ledger record, begun before the move, then whole.
    const record = (tags: Record<string, string[]>) =>
      Object.entries(tags).filter(([tag]) => tag.endsWith(' v2 mlflow_gate.record.stage_Production'));
    const rule = JSON.parse(res.oneState.registry.versions[1].tags['mlflow_gate.record.stage_Production']).rule_hash;
    expect(rule).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(record(res.oneState.tagWrites).map(([, values]) => values)).toEqual([
      [
        `{"target":"stage:Production","previous":["1"],"rule_hash":"${rule}"}`,
        `{"target":"stage:Production","decision":"promoted","previous":["1"],"at":"<time>","by":"octocat","run_url":"https://github.com/acme/models/actions/runs/42","commit":"0123456789abcdef0123456789abcdef01234567","rule_hash":"${rule}"}`,
      ],
    ]);
    expect(res.oneState.registry.versions.map((v: { stage: string }) => v.stage)).toEqual([
      'Archived',
      'Production',
      'None',
    ]);
    expect(res.distBytes).toBeGreaterThan(0);
    expect(res.bareNodeMs).toBeGreaterThan(0);
    expect(res.pip).toBeNull();
    expect(renderMarkdown(res)).toContain('| one decision, cold start to exit, 0 ms latency |');
  }, 120_000);
});
