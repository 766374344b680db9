// The benchmark harness (bench/run.mjs) still works: its smoke mode (1 run, 2 models x 2 versions,
// 0 ms latency, no skinny venv, no pip install) against this suite's MLflow server. It checks that
// every figure is produced and that the Action and the Python scripts leave the same registry state
// (and write each tag the same values on the way: the ledger record begun, then whole);
// the figures themselves are not asserted (a loaded test machine measures nothing worth quoting).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { renderEvaluateMarkdown, renderMarkdown, runBench, runEvaluateBench, smokeOptions } from '../../bench/run.mjs';
import { renderScaleMarkdown, runScale, smokeScaleOptions } from '../../bench/scale.mjs';
import { renderHistoryMarkdown, runHistory, smokeHistoryOptions } from '../../bench/history.mjs';
import { renderExitWaitMarkdown, runExitWait } from '../../bench/exit-wait.mjs';
import { PARTS, renderStartupAnatomyMarkdown, runStartupAnatomy } from '../../bench/startup-anatomy.mjs';

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

  it('the evaluate job: the Action in mode evaluate and evaluate_mlflow.py decide alike and write nothing', async () => {
    const res = await runEvaluateBench({
      runs: 1,
      latencies: [0],
      url: inject('mlflowUrl'),
      python: inject('mlflowPython'),
      prefix: `bench-smoke-eval-${randomBytes(4).toString('hex')}`,
      log: () => {},
    });
    expect(res.problems).toEqual([]);
    for (const way of ['action', 'python'] as const) {
      const r = res.byLatency[0][way];
      expect(r.ms, way).toBeGreaterThan(0);
      expect(r.firstRequestMs, way).toBeGreaterThan(0);
      expect(r.requests, way).toBeGreaterThan(0);
    }
    expect(renderEvaluateMarkdown(res)).toContain('| wall, cold start to exit | 0 ms |');
  }, 60_000);

  it('the scaling series: snapshots seeded once, a fresh copy per run, evaluate and audit over every model', async () => {
    const cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-smoke-cache-'));
    try {
      const opts = { ...smokeScaleOptions(), python: inject('mlflowPython'), cacheDir, log: () => {} };
      const res = await runScale(opts);
      const row = (mode: string) => res.rows.find((r) => r.mode === mode)!;
      // 2 models: v1 holds Production (model 0 with a ledger record, model 1 moved by hand), v2 passes, v3 fails
      expect(row('evaluate').decisions).toEqual({ passed: 2 });
      expect(row('audit').decisions).toEqual({ passed: 1, rejected: 1 });
      for (const mode of ['evaluate', 'audit']) {
        expect(row(mode).writes, mode).toBe(0);
        expect(row(mode).repeatedReads, mode).toBe(0);
        expect(row(mode).requests, mode).toBeGreaterThan(2);
        expect(row(mode).ms, mode).toBeGreaterThan(0);
      }
      expect(res.timing[2]!.seeded).toBe(true);
      expect(renderScaleMarkdown(res)).toContain('| evaluate | 2 × 3 | 0 ms |');
      // the second time the snapshot is reused: no server is started to seed it
      const again = await runScale({ ...opts, seedOnly: true });
      expect(again.timing[2]).toMatchObject({ seeded: false, seedSeconds: res.timing[2]!.seedSeconds });
    } finally {
      await fs.rm(cacheDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('the metric-history series: aggregate mean, the Action and get_metric_history agree', async () => {
    const res = await runHistory({
      ...smokeHistoryOptions(),
      url: inject('mlflowUrl'),
      python: inject('mlflowPython'),
      prefix: `bench-smoke-hist-${randomBytes(4).toString('hex')}`,
      log: () => {},
    });
    expect(res.problems).toEqual([]);
    const [r] = res.rows;
    // the mean passes and the last step (0.85) would not: a pass proves the whole history was read
    expect([r.action.decision, r.python.decision]).toEqual(['passed', 'passed']);
    expect(r.action.byEndpoint['GET metrics/get-history']).toBeGreaterThan(0);
    expect(renderHistoryMarkdown(res)).toContain('| 1,000 | 0 ms |');
  }, 60_000);

  it('the exit wait: the Action in mode evaluate, with and without the tier-up budget, beside node -e 0', async () => {
    const res = await runExitWait({ runs: 1, url: inject('mlflowUrl'), python: inject('mlflowPython'), log: () => {} });
    expect(res.rows.map((r) => r.name)).toEqual([
      'Action',
      'Action, --wasm-tiering-budget=1000000000 (diagnostic)',
      'node -e 0',
    ]);
    for (const r of res.rows) {
      // the exit event comes before the process is gone, and after the last answer
      expect(r.exitEvent, r.name).toBeGreaterThan(0);
      expect(r.ms, r.name).toBeGreaterThan(r.exitEvent);
    }
    // the Action read the registry (answers seen by the preload); bare node sent nothing
    expect(res.samples['Action']![0]!.lastAnswer).toBeGreaterThan(0);
    expect(res.rows[2]!.afterLastAnswer).toBeUndefined();
    expect(renderExitWaitMarkdown(res)).toContain('| node -e 0 |');
  }, 90_000);
});

describe('bench/startup-anatomy.mjs', () => {
  it('profiles a cold Action run to its first request and puts every sample in a part', async () => {
    const res = await runStartupAnatomy({ runs: 1 });
    const [sample] = res.samples;
    const parts = PARTS.map((p) => sample![p]!);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(sample!.total, 6);
    // the bundle is compiled and our code runs before the first request; the profile stops there
    expect(sample!['compile the bundle']).toBeGreaterThan(0);
    expect(sample!['run our code']).toBeGreaterThan(0);
    expect(sample!.total).toBeLessThan(sample!.spawnToFirst);
    expect(renderStartupAnatomyMarkdown(res)).toContain('| compile the bundle |');
  }, 60_000);
});
