import { describe, expect, it } from 'vitest';
import { parseSelector, skipFails } from '../../src/core/selector.js';
import type { Report } from '../../src/core/report.js';
import { overallDecision, reportVerdict, scheduledVerdict, type ModelResult } from '../../src/core/verdict.js';

const report = (over: Partial<Report>): Report =>
  ({
    decision: 'promoted',
    mode: 'promote',
    model: 'churn',
    version: '3',
    reasons: ['why'],
    ...over,
  }) as Report;
const skipped = report({ decision: 'skipped', reasons: ['it is FAILED_REGISTRATION'] });

describe('how a run ends, the same from both doors', () => {
  it('a skipped version fails the step only when it was asked for by itself (a number, run:)', () => {
    for (const [raw, code, level] of [
      ['3', 1, 'failed'],
      ['run:abc', 1, 'failed'],
      ['latest', 0, 'notice'],
      ['stage:Staging', 0, 'notice'],
      ['alias:challenger', 0, 'notice'],
    ] as const) {
      const { exitCode, verdict } = reportVerdict(skipped, {
        failOnReject: true,
        skipFails: skipFails(parseSelector(raw)),
      });
      expect([raw, exitCode, verdict?.level]).toEqual([raw, code, level]);
      expect(verdict?.message).toBe('churn v3 is not eligible, so it was skipped: it is FAILED_REGISTRATION');
    }
  });

  it('a rejection fails unless fail-on-reject is false (then a warning); superseded always fails; a promotion is quiet', () => {
    const rejected = report({ decision: 'rejected', reasons: ['accuracy 0.8 < 0.9'] });
    expect(reportVerdict(rejected, { failOnReject: true, skipFails: false })).toEqual({
      exitCode: 1,
      verdict: { level: 'failed', message: 'churn v3 was rejected by the policy: accuracy 0.8 < 0.9' },
    });
    expect(reportVerdict(rejected, { failOnReject: false, skipFails: false }).verdict?.level).toBe('warning');
    expect(reportVerdict(report({ decision: 'superseded' }), { failOnReject: false, skipFails: false })).toEqual({
      exitCode: 4,
      verdict: { level: 'failed', message: 'conflict: why' },
    });
    expect(reportVerdict(report({}), { failOnReject: true, skipFails: true })).toEqual({ exitCode: 0 });
  });

  it('a scheduled run: the first failed model sets the code; rejections fail unless allowed', () => {
    const r = (model: string, decision: ModelResult['decision'], extra: Partial<ModelResult> = {}): ModelResult => ({
      model,
      decision,
      wrote: false,
      reasons: [`${model} reason`],
      candidate: '2',
      ...extra,
    });
    const failed = scheduledVerdict([r('a', 'promoted'), r('b', 'error', { errorKind: 'input' }), r('c', 'rejected')], {
      failOnReject: true,
      audit: false,
    });
    expect(failed).toEqual({
      exitCode: 2,
      verdict: { level: 'failed', message: '1 of 3 model(s) failed: b: b reason' },
    });
    expect(scheduledVerdict([r('c', 'rejected')], { failOnReject: true, audit: true })).toEqual({
      exitCode: 1,
      verdict: {
        level: 'failed',
        message: '1 model(s) hold a version the ledger does not account for: c v2: c reason',
      },
    });
    expect(scheduledVerdict([r('c', 'rejected')], { failOnReject: false, audit: false }).exitCode).toBe(0);
    expect(overallDecision([r('a', 'rejected'), r('b', 'promoted')])).toBe('promoted');
    expect(overallDecision([r('a', 'already-promoted')])).toBe('already-promoted');
    expect(overallDecision([])).toBe('skipped');
  });
});
