import { describe, expect, it } from 'vitest';
import { evaluateMetrics } from '../../src/core/evaluate.js';
import { loadPolicy } from '../../src/core/policy.js';
import { formatNumber, parseThreshold, satisfies, type Bound } from '../../src/core/thresholds.js';
import { obs } from './builders.js';

const ulpUp = (x: number) => x + Math.abs(x) * Number.EPSILON || Number.MIN_VALUE;
const ulpDown = (x: number) => x - Math.abs(x) * Number.EPSILON || -Number.MIN_VALUE;
const rules = (yaml: string) => loadPolicy(yaml, 'p.yml').metrics;

describe('satisfies, at the boundary and one ulp either side', () => {
  const t = 0.9;
  const cases: Array<[Bound['op'], number, boolean, boolean, boolean]> = [
    // op, threshold, below, equal, above
    ['>=', t, false, true, true],
    ['>', t, false, false, true],
    ['<=', t, true, true, false],
    ['<', t, true, false, false],
    ['==', t, false, true, false],
    ['!=', t, true, false, true],
  ];
  it.each(cases)('%s %s', (op, value, below, equal, above) => {
    expect(ulpDown(value)).toBeLessThan(value);
    expect(ulpUp(value)).toBeGreaterThan(value);
    expect([
      satisfies(ulpDown(value), { op, value }),
      satisfies(value, { op, value }),
      satisfies(ulpUp(value), { op, value }),
    ]).toEqual([below, equal, above]);
  });
  it('NaN meets no bound, not even !=', () => {
    for (const op of ['>=', '>', '<=', '<', '==', '!='] as const) expect(satisfies(NaN, { op, value: 1 })).toBe(false);
  });
  it('infinities compare as numbers', () => {
    expect(satisfies(Infinity, { op: '>=', value: 0.9 })).toBe(true);
    expect(satisfies(-Infinity, { op: '<=', value: 50 })).toBe(true);
    expect(satisfies(Infinity, { op: '<=', value: 50 })).toBe(false);
  });
  it('negative and zero thresholds', () => {
    expect(satisfies(-0.5, { op: '>', value: -1 })).toBe(true);
    expect(satisfies(0, { op: '>=', value: -0 })).toBe(true);
  });
});

describe('parseThreshold', () => {
  it('reads operator and number with or without spaces', () => {
    expect(parseThreshold('>= 0.90')).toEqual({ op: '>=', value: 0.9 });
    expect(parseThreshold('<50')).toEqual({ op: '<', value: 50 });
    expect(parseThreshold(' != -1e-3 ')).toEqual({ op: '!=', value: -0.001 });
  });
  it('says what is wrong', () => {
    expect(parseThreshold('=> 1')).toEqual({ error: expect.stringContaining('unknown operator "=>"') });
    expect(parseThreshold('>= 1e999')).toEqual({ error: expect.stringContaining('not a finite number') });
    expect(parseThreshold('0.9')).toEqual({ error: expect.stringContaining('no operator') });
  });
  it('formats numbers without floating-point noise', () => {
    expect(formatNumber(0.9 - 0.87)).toBe('0.03');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('-Infinity');
  });
});

describe('evaluateMetrics', () => {
  const policy = rules('metrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n');

  it('passes when every threshold is met (the issue example: 0.93 and 0.90)', () => {
    const e = evaluateMetrics(policy, obs({ accuracy: 0.93, f1: 0.9 }));
    expect(e.passed).toBe(true);
    expect(e.checks.map((c) => [c.metric, c.operator, c.threshold, c.observed, c.verdict])).toEqual([
      ['accuracy', '>=', 0.9, 0.93, 'pass'],
      ['f1', '>=', 0.88, 0.9, 'pass'],
    ]);
  });

  it('fails with the shortfall (accuracy 0.87 is 0.03 short)', () => {
    const e = evaluateMetrics(policy, obs({ accuracy: 0.87, f1: 0.9 }));
    expect(e.passed).toBe(false);
    expect(e.failed).toHaveLength(1);
    expect(e.failed[0]!.message).toBe('accuracy = 0.87 fails >= 0.9 by 0.03');
    expect(e.failed[0]!.shortfall).toBeCloseTo(0.03, 12);
  });

  it('reports every failure at once, and a missing metric says it is missing', () => {
    const e = evaluateMetrics(policy, obs({ accuracy: 0.5 }));
    expect(e.failed.map((c) => c.verdict)).toEqual(['fail', 'missing']);
    expect(e.failed[1]!.message).toBe('f1 is missing from the run; the policy requires >= 0.88');
  });

  it('an optional metric that is missing is a warning, not a failure', () => {
    const e = evaluateMetrics(rules('metrics:\n  recall:\n    min: 0.5\n    required: false\n'), obs({}));
    expect(e.passed).toBe(true);
    expect(e.checks[0]!.verdict).toBe('warn');
  });

  it('lower is better: <= passes below and fails above', () => {
    const r = rules('metrics:\n  latency_p95_ms: "<= 50"\n');
    expect(evaluateMetrics(r, obs({ latency_p95_ms: 42 })).passed).toBe(true);
    const e = evaluateMetrics(r, obs({ latency_p95_ms: 51.5 }));
    expect(e.failed[0]!.message).toBe('latency_p95_ms = 51.5 fails <= 50 by 1.5');
  });

  it('between checks both ends', () => {
    const r = rules('metrics:\n  calib:\n    between: [0.4, 0.6]\n');
    expect([0.39, 0.4, 0.6, 0.61].map((v) => evaluateMetrics(r, obs({ calib: v })).passed)).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it('a NaN metric fails with a message that says so', () => {
    const e = evaluateMetrics(policy, obs({ accuracy: NaN, f1: 0.9 }));
    expect(e.failed[0]!.message).toContain('accuracy is NaN');
  });
});
