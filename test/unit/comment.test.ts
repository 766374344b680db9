import { describe, expect, it } from 'vitest';
import { commentMarker, COMMENT_LIMIT, renderComment } from '../../src/core/comment.js';
import type { Report } from '../../src/core/report.js';

const report = (checks: Report['checks']): Report => ({
  decision: 'rejected',
  mode: 'evaluate',
  model: 'churn|<b>',
  version: '3',
  modelUri: 'models:/churn/3',
  target: { stage: 'Production' },
  previousVersions: ['2'],
  wrote: false,
  checks,
  reasons: ['`rm -rf` | <script>alert(1)</script>\nsecond line'],
  plan: ['set tag validation="failed" on churn v3'],
  applied: [],
  policy: '.github/promotion-policy.yml',
  lineage: {
    runId: 'abc',
    experimentId: '1',
    runUrl: 'http://mlflow/#/experiments/1/runs/abc',
    versionUrl: 'http://mlflow/#/models/churn/versions/3',
    sourceCommit: 'deadbeef',
  },
});
const check = (metric: string): Report['checks'][number] => ({
  metric,
  rule: '>= 0.9',
  operator: '>=',
  threshold: 0.9,
  observed: 0.5,
  verdict: 'fail',
  required: true,
  message: `${metric} = 0.5 fails >= 0.9 by 0.4`,
  notes: [],
});

describe('the pull-request comment', () => {
  it('escapes hostile metric names, tag values and reasons', () => {
    const body = renderComment(report([check('val|acc<script>`x`\n')]), commentMarker('churn|<b>'));
    expect(body.startsWith('<!-- mlflow-promotion-gate: churn&#124;&lt;b&gt; -->')).toBe(true);
    expect(body).not.toContain('<script>');
    expect(body).toContain('| val&#124;acc&lt;script&gt;&#96;x&#96;  | 0.5 |');
    expect(body).toContain('- &#96;rm -rf&#96; &#124; &lt;script&gt;alert(1)&lt;/script&gt; second line');
    expect(body).toContain('- source commit: `deadbeef`');
  });

  it("stays within GitHub's 65,536 characters, folding the checks into <details>", () => {
    const many = Array.from({ length: 3000 }, (_, i) => check(`metric_with_a_rather_long_name_${i}`));
    const body = renderComment(report(many), commentMarker('m'));
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/<details><summary>3000 checks \(\d+ not shown: see the job summary\)<\/summary>/);
    expect(body).toContain('**Registry changes that promote mode would make**');
  });
});
