// Every example workflow's `with:` block, run by dist/index.js against the real server
// (an example that is only schema-valid is not an example that runs). Expressions are
// filled in as a runner would; model names are made unique so tests do not collide.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { runAction } from '../../scripts/run-action.mjs';
import { seed, stagesOf, uniqueModel, usePython } from '../support/registry-fixture.js';

const { py, url } = usePython();
const root = new URL('../../', import.meta.url);
const POLICY = readFileSync(new URL('examples/promotion-policy.yml', root), 'utf8');

/** The `with:` block of our step in an example workflow, expressions filled in, model names renamed. */
function withBlock(
  file: string,
  values: Record<string, string>,
  rename: (text: string) => string,
): Record<string, string> {
  const wf = parse(readFileSync(new URL(`examples/workflows/${file}`, root), 'utf8')) as {
    jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
  };
  const step = Object.values(wf.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.startsWith('mlflow-promotion-gate/mlflow-promotion-gate'))!;
  return Object.fromEntries(
    Object.entries(step.with ?? {}).map(([k, v]) => [
      k,
      rename(
        String(v).replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_m, expr: string) => {
          if (!(expr in values)) throw new Error(`${file}: no test value for \${{ ${expr} }}`);
          return values[expr]!;
        }),
      ),
    ]),
  );
}

describe('the example workflows, run as a runner runs them', () => {
  it('promote.yml, pull-request.yml and rollback.yml, in the order a team uses them', async () => {
    const model = uniqueModel();
    const rename = (t: string) => t.replace(/churn-predictor/g, model);
    await seed(py(), model, [
      { metrics: { accuracy: 0.91, f1: 0.89 }, stage: 'Production' },
      { metrics: { accuracy: 0.93, f1: 0.9 } },
      { metrics: { accuracy: 0.95, f1: 0.92 } },
    ]);
    const files = { '.github/promotion-policy.yml': rename(POLICY) };
    const values = (version: string) => ({
      'vars.MLFLOW_TRACKING_URI': url,
      'secrets.MLFLOW_TRACKING_TOKEN': 'example-token',
      'inputs.version': version,
      'inputs.reason': 'v3 misroutes EU traffic',
    });

    for (const version of ['2', '3']) {
      const run = await runAction({ inputs: withBlock('promote.yml', values(version), rename), files });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs['decision']).toBe('promoted');
    }
    const lint = await runAction({
      inputs: withBlock('pull-request.yml', values(''), rename),
      files,
      eventName: 'pull_request',
    });
    expect(lint.code, lint.stdout).toBe(0);
    expect(lint.outputs).toMatchObject({ decision: 'passed', version: '3', wrote: 'false' });

    const rollback = await runAction({ inputs: withBlock('rollback.yml', values(''), rename) }); // no checkout: no policy file
    expect(rollback.code, rollback.stdout).toBe(0);
    expect(rollback.outputs).toMatchObject({ decision: 'rolled-back', version: '2', 'previous-version': '3' });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'Archived' });
  });

  it('scheduled.yml gates the pending versions of every model its patterns match', async () => {
    const family = uniqueModel('ex');
    const rename = (t: string) =>
      t
        .replace(/churn-\*/g, `${family}-churn-*`)
        .replace(/fraud-detector/g, `${family}-fraud`)
        .replace(/churn-predictor/g, `${family}-churn-x`);
    await seed(py(), `${family}-churn-a`, [{ metrics: { accuracy: 0.95, f1: 0.9 } }]);
    await seed(py(), `${family}-fraud`, [{ metrics: { accuracy: 0.5, f1: 0.9 } }]);
    const policy = 'metrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n';
    const run = await runAction({
      inputs: withBlock(
        'scheduled.yml',
        { 'vars.MLFLOW_TRACKING_URI': url, 'secrets.MLFLOW_TRACKING_TOKEN': 'example-token' },
        rename,
      ),
      files: { '.github/promotion-policy.yml': policy },
      eventName: 'schedule',
    });
    expect(run.code, run.stdout).toBe(0);
    expect(
      JSON.parse(run.outputs['results']!).map((r: { model: string; decision: string }) => [r.model, r.decision]),
    ).toEqual([
      [`${family}-churn-a`, 'promoted'],
      [`${family}-fraud`, 'rejected'],
    ]);
  });
});
