// Our verdicts agree with MLflow's own mlflow.validate_evaluation_results (from the
// MLflow in the test venv) wherever the two languages overlap: a threshold in the
// better direction, min_absolute_change and min_relative_change against a baseline.
import { describe, expect, it } from 'vitest';
import { evaluateMetrics } from '../../src/core/evaluate.js';
import type { MetricRule } from '../../src/core/policy.js';
import { usePython } from '../support/registry-fixture.js';

const { py } = usePython();

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  metric: string;
  greater_is_better: boolean;
  threshold?: number;
  min_absolute_change?: number;
  min_relative_change?: number;
  candidate: Record<string, number>;
  baseline: Record<string, number>;
}

function generate(n: number, seed: number): Case[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const gib = r() < 0.5;
    const baseline = pick([
      0,
      0,
      -0.5,
      -3,
      0.5,
      0.8,
      1,
      12.5,
      Math.round(r() * 1000) / 1000,
      -Math.round(r() * 100) / 10,
    ]);
    const mac = r() < 0.5 ? pick([0.01, 0.05, 0.1, 1, Math.round(r() * 100) / 1000 + 0.001]) : undefined;
    const mrc = r() < 0.5 ? pick([0.0, 0.01, 0.05, 0.1, 0.5, 1.0, Math.round(r() * 100) / 100]) : undefined;
    const threshold =
      r() < 0.5 || (mac === undefined && mrc === undefined)
        ? pick([baseline, baseline - 0.1, baseline + 0.1, 0, 0.9])
        : undefined;
    const sign = gib ? 1 : -1;
    // Candidates at and around every boundary the rules draw, and elsewhere.
    const candidate = pick([
      baseline,
      baseline + sign * (mac ?? 0.01),
      baseline + sign * (mac ?? 0.01) - sign * 1e-12,
      baseline + sign * (mrc ?? 0.01) * Math.abs(baseline),
      baseline + sign * 1e-10,
      baseline + sign * 1e-11,
      threshold ?? baseline,
      (threshold ?? baseline) - 1e-9,
      (threshold ?? baseline) + 1e-9,
      baseline + (r() - 0.5) * 2,
    ]);
    cases.push({
      metric: 'm',
      greater_is_better: gib,
      ...(threshold !== undefined ? { threshold } : {}),
      ...(mac !== undefined ? { min_absolute_change: mac } : {}),
      ...(mrc !== undefined ? { min_relative_change: mrc } : {}),
      candidate: { m: candidate },
      baseline: { m: baseline },
    });
  }
  return cases;
}

function ourVerdict(c: Case): boolean {
  const gib = c.greater_is_better;
  const hasCompare = c.min_absolute_change !== undefined || c.min_relative_change !== undefined;
  const rule: MetricRule = {
    metric: c.metric,
    bounds: c.threshold !== undefined ? [{ op: gib ? '>=' : '<=', value: c.threshold }] : [],
    required: true,
    greaterIsBetter: gib,
    aggregate: 'latest',
    ...(hasCompare
      ? {
          compare: {
            ...(c.min_absolute_change !== undefined ? { minAbsoluteChange: c.min_absolute_change } : {}),
            ...(c.min_relative_change !== undefined ? { minRelativeChange: c.min_relative_change } : {}),
            sameDataset: false,
            requireBaseline: false,
          },
        }
      : {}),
    text: 'generated',
  };
  const observe = (v: Record<string, number>) =>
    new Map(Object.entries(v).map(([k, value]) => [k, { value, datasets: [], source: 'generated' }]));
  return evaluateMetrics([rule], observe(c.candidate), { version: '1', metrics: observe(c.baseline) }).passed;
}

describe('differential: our verdicts against mlflow.validate_evaluation_results', () => {
  it('agrees on 400 generated cases, boundaries included', async () => {
    const cases = generate(400, 20261126);
    const theirs: boolean[] = await py().call('validate_thresholds', { cases });
    expect(theirs).toHaveLength(cases.length);
    const disagreements = cases
      .map((c, i) => ({ c, ours: ourVerdict(c), theirs: theirs[i] }))
      .filter((d) => d.ours !== d.theirs);
    expect(disagreements).toEqual([]);
    // The sample must exercise both verdicts and every kind of rule, or agreement proves little.
    const passes = theirs.filter(Boolean).length;
    expect(passes).toBeGreaterThan(60);
    expect(cases.length - passes).toBeGreaterThan(60);
    expect(cases.filter((c) => c.baseline['m'] === 0 && c.min_relative_change !== undefined).length).toBeGreaterThan(
      10,
    );
    expect(cases.filter((c) => c.baseline['m']! < 0 && c.min_relative_change !== undefined).length).toBeGreaterThan(10);
    expect(cases.filter((c) => !c.greater_is_better && c.min_absolute_change !== undefined).length).toBeGreaterThan(20);
  });
});
