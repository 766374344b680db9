// The bundled Action (dist/index.js) run exactly as a runner runs it, against the
// real MLflow server; outputs, summary and the registry are read back.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runAction } from '../../scripts/run-action.mjs';
import { expectNeverPrinted } from '../support/secrets.js';
import {
  legacyLedgerTags,
  policyFor,
  recordTag,
  seed,
  stagesOf,
  uniqueModel,
  usePython,
  versionsOf,
} from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();
const TOKEN = 'mlflow-s3cret-token-e2e';

function gateRun(
  model: string,
  inputs: Record<string, string>,
  opts: { policy?: string; env?: Record<string, string> } = {},
) {
  return runAction({
    inputs: {
      'tracking-uri': url,
      'tracking-token': TOKEN,
      model,
      policy: POLICY_PATH,
      'fail-on-reject': 'true',
      ...inputs,
    },
    files: { [POLICY_PATH]: opts.policy ?? policyFor(model) },
    ...(opts.env ? { env: opts.env } : {}),
  });
}

const expectNoSecret = (run: Awaited<ReturnType<typeof runAction>>, secret = TOKEN) => expectNeverPrinted(run, secret);

describe('dist/index.js as a runner runs it', () => {
  it('promotes a passing version: outputs, summary and registry agree', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await gateRun(model, { version: '2' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      decision: 'promoted',
      wrote: 'true',
      'error-kind': '',
      model,
      version: '2',
      'previous-version': '1',
      'model-uri': `models:/${model}/2`,
    });
    const report = JSON.parse(run.outputs['report']!);
    expect(report.checks).toEqual([
      expect.objectContaining({ metric: 'accuracy', operator: '>=', threshold: 0.9, observed: 0.93, verdict: 'pass' }),
      expect.objectContaining({ metric: 'f1', operator: '>=', threshold: 0.88, observed: 0.9, verdict: 'pass' }),
    ]);
    expect(run.summary).toContain('MLflow promotion gate: ✅ Promoted');
    expect(run.summary).toMatch(/<td>accuracy<\/td><td>0\.93<\/td><td>&gt;= 0\.9<\/td><td>✅ pass<\/td>/);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });
    expectNoSecret(run);
  });

  it('rejects a failing version: the step fails, the version is tagged, its stage unchanged', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await gateRun(model, { version: '3' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({
      decision: 'rejected',
      wrote: 'true',
      'error-kind': '',
      'previous-version': '1',
    });
    expect(run.stdout).toContain(
      `::error::${model} v3 was rejected by the policy: accuracy = 0.87 fails >= 0.9 by 0.03`,
    );
    expect(run.summary).toContain('❌ Rejected');
    const v3 = (await versionsOf(py(), model)).find((v) => v.version === '3')!;
    expect(v3).toMatchObject({
      current_stage: 'None',
      tags: expect.objectContaining({
        validation: 'failed',
        'mlflow_gate.failed_checks': 'accuracy = 0.87 fails >= 0.9 by 0.03',
      }),
    });
    expectNoSecret(run);
  });

  it('fail-on-reject: false turns a rejection into a warning and a green step', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await gateRun(model, { version: '3', 'fail-on-reject': 'false' });
    expect(run.code).toBe(0);
    expect(run.outputs['decision']).toBe('rejected');
    expect(run.stdout).toContain('::warning::');
  });

  it('mode evaluate writes nothing', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const run = await gateRun(model, { version: '2', mode: 'evaluate' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'passed', wrote: 'false' });
    expect(run.summary).toContain('that promote mode would make');
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('with no version input and the model from the policy, it gates the latest version', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await runAction({
      inputs: { policy: POLICY_PATH, 'fail-on-reject': 'true' },
      files: { [POLICY_PATH]: policyFor(model) },
      env: { MLFLOW_TRACKING_URI: url },
    });
    expect(run.outputs).toMatchObject({ model, version: '3', decision: 'rejected' });
  });

  it('a bad policy is annotated at its line and column, and nothing is written', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const run = await gateRun(
      model,
      { version: '2' },
      { policy: `model: ${model}\nmetrics:\n  accuracy: "=> 0.90"\n  f1:\n    mni: 0.8\n` },
    );
    expect(run.code).toBe(2);
    expect(run.outputs).toMatchObject({ decision: 'error', 'error-kind': 'policy', wrote: 'false' });
    expect(run.stdout).toContain(
      `::error title=Policy error,file=${POLICY_PATH},line=3,endLine=3,col=13::metrics.accuracy: unknown operator "=>"`,
    );
    expect(run.stdout).toContain(
      `::error title=Policy error,file=${POLICY_PATH},line=5,endLine=5,col=5::unknown key "mni" in metrics.f1`,
    );
    expect(run.summary).toContain(`${POLICY_PATH}:5:5: unknown key &quot;mni&quot;`);
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('a missing policy file names the path', async () => {
    const run = await runAction({ inputs: { 'tracking-uri': url, policy: 'nope/policy.yml' } });
    expect(run.code).toBe(2);
    expect(run.outputs['error-kind']).toBe('policy');
    expect(run.stdout).toContain('policy file nope/policy.yml does not exist');
  });

  it('a wrong input names the input, and nothing is written', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const run = await gateRun(model, { version: 'abc' });
    expect(run.code).toBe(2);
    expect(run.outputs).toMatchObject({ decision: 'error', 'error-kind': 'input' });
    expect(run.stdout).toContain('::error::input error: input "version" is "abc"');
    const mismatch = await gateRun(model, { version: '2' }, { policy: policyFor('another-model') });
    expect(mismatch.outputs['error-kind']).toBe('input');
    expect(mismatch.stdout).toContain(
      `input "model" is "${model}" but the policy ${POLICY_PATH} is for "another-model"`,
    );
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('an unreachable server names the URL and the failure, never the token', async () => {
    const closed = 'http://127.0.0.1:9';
    const run = await runAction({
      inputs: { 'tracking-uri': closed, 'tracking-token': TOKEN, model: 'm', policy: POLICY_PATH },
      files: { [POLICY_PATH]: policyFor('m') },
    });
    expect(run.code).toBe(3);
    expect(run.outputs).toMatchObject({ decision: 'error', 'error-kind': 'registry' });
    // The model and its versions are read together: either may be the one that fails first.
    expect(run.stdout).toMatch(
      /::error::registry error: GET http:\/\/127\.0\.0\.1:9\/api\/2\.0\/mlflow\/(registered-models\/get\?name=m|model-versions\/search\?filter=name%253D%2527m%2527&max_results=1000) failed: connection refused/,
    );
    expectNoSecret(run);
  });

  it('a password from the environment is masked, with its base64 form, everywhere', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await gateRun(
      model,
      { version: '3', 'tracking-token': '' },
      { env: { MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: 'pa55-w0rd-e2e' } },
    );
    expect(run.outputs['decision']).toBe('rejected');
    expectNoSecret(run, 'pa55-w0rd-e2e');
    expectNoSecret(run, Buffer.from('alice:pa55-w0rd-e2e').toString('base64'));
  });

  it('mode lint checks the policy file alone, with no tracking server', async () => {
    const good = await runAction({
      inputs: { mode: 'lint', policy: POLICY_PATH },
      files: { [POLICY_PATH]: policyFor('churn-predictor') },
    });
    expect(good.code, good.stdout).toBe(0);
    expect(good.outputs).toMatchObject({ decision: 'passed', wrote: 'false' });
    expect(good.stdout).toContain(
      'policy .github/promotion-policy.yml is valid: 2 metric rule(s) for "churn-predictor"',
    );
    const bad = await runAction({
      inputs: { mode: 'lint', policy: POLICY_PATH },
      files: { [POLICY_PATH]: 'metrics:\n  acc: ">= 0.9"\n  acc: ">= 0.8"\n' },
    });
    expect(bad.code).toBe(2);
    expect(bad.outputs['error-kind']).toBe('policy');
    expect(bad.stdout).toContain(
      `::error title=Policy error,file=${POLICY_PATH},line=3,endLine=3,col=3::a key appears twice`,
    );
  });

  it('a version asked for by number that is not eligible fails the step as skipped, writing nothing', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const policy = `model: ${model}\ncandidate:\n  from_stage: Staging\nmetrics:\n  accuracy: ">= 0.90"\n`;
    const run = await gateRun(model, { version: '3' }, { policy });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ decision: 'skipped', wrote: 'false', 'error-kind': '' });
    expect(run.stdout).toContain(
      `::error::${model} v3 is not eligible, so it was skipped: version 3 is in stage None, but the policy promotes only from Staging`,
    );
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('the gate input picks a named gate of the policy', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const policy = `model: ${model}\ndefaults:\n  metrics:\n    accuracy: ">= 0.80"\ngates:\n  staging:\n    target: {stage: Staging, archive_existing: false}\n  production:\n    metrics:\n      accuracy: ">= 0.95"\n`;
    const none = await gateRun(model, { version: '3' }, { policy });
    expect(none.outputs['error-kind']).toBe('input');
    expect(none.stdout).toContain('defines the gates staging, production: set the input "gate"');
    const staging = await gateRun(model, { version: '3', gate: 'staging' }, { policy });
    expect(staging.outputs).toMatchObject({ decision: 'promoted' });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Staging', '3': 'Staging' });
  });

  it('the ledger records the workflow run; a workflow_dispatch rollback needs no policy file', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const promote = await gateRun(model, { version: '2' });
    expect(promote.outputs['decision']).toBe('promoted');
    const v2 = (await versionsOf(py(), model)).find((v) => v.version === '2')!;
    const record = recordTag(v2.tags, 'mlflow_gate.record.stage_Production')!;
    // The tag as the Action writes it: compact JSON, fields in the layout's order, none absent here.
    expect(v2.tags['mlflow_gate.record.stage_Production']).toBe(
      JSON.stringify({
        target: 'stage:Production',
        decision: 'promoted',
        previous: ['1'],
        at: record.at,
        by: 'octocat',
        run_url: 'https://github.com/acme/models/actions/runs/42',
        commit: '0123456789abcdef0123456789abcdef01234567',
        rule_hash: record.rule_hash,
      }),
    );
    expect(record.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(record.rule_hash).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(legacyLedgerTags(v2.tags)).toEqual([]);
    const dispatch = (inputs: Record<string, string>) =>
      runAction({
        inputs: {
          'tracking-uri': url,
          model,
          mode: 'rollback',
          target: 'stage:Production',
          reason: 'bad predictions in EU',
          ...inputs,
        },
        eventName: 'workflow_dispatch',
      });
    // v1 was put in Production by hand, never by the gate: refused unless forced.
    const refused = await dispatch({});
    expect(refused.code).toBe(2);
    expect(refused.outputs).toMatchObject({ decision: 'error', 'error-kind': 'input', wrote: 'false' });
    expect(refused.stdout).toContain('refusing to restore version 1');
    const forced = await dispatch({ force: 'true' });
    expect(forced.code, forced.stdout).toBe(0);
    expect(forced.outputs).toMatchObject({
      decision: 'rolled-back',
      version: '1',
      'previous-version': '2',
      wrote: 'true',
    });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Archived', '3': 'None' });
    const after = await versionsOf(py(), model);
    const recordOf = (v: string) =>
      recordTag(after.find((x) => x.version === v)!.tags, 'mlflow_gate.record.stage_Production');
    expect(recordOf('1')).toMatchObject({
      target: 'stage:Production',
      decision: 'restored',
      previous: ['2'],
      by: 'octocat',
      reason: 'bad predictions in EU',
    });
    expect(recordOf('2')).toMatchObject({
      decision: 'rolled-back',
      previous: ['1'],
      reason: 'bad predictions in EU',
    });
    expect(recordOf('2')!['rule_hash']).toBeUndefined();

    const history = await runAction({ inputs: { 'tracking-uri': url, model, mode: 'history' } });
    expect(history.code, history.stdout).toBe(0);
    expect(
      JSON.parse(history.outputs['history']!).map((h: { version: string; decision: string }) => [
        h.version,
        h.decision,
      ]),
    ).toEqual([
      ['1', 'restored'],
      ['2', 'promoted'],
    ]);
    expect(history.summary).toContain('<td>bad predictions in EU</td>');
  });

  it('history of a model the gate never moved says so, in the log and the summary', async () => {
    const model = uniqueModel('e2e-nohist');
    await seed(py(), model, [{ metrics: { accuracy: 0.95, f1: 0.9 } }]);
    const history = await runAction({ inputs: { 'tracking-uri': url, model, mode: 'history' } });
    expect(history.code, history.stdout).toBe(0);
    expect(history.outputs['history']).toBe('[]');
    const said = `no promotion history for model ${model}: the gate has not promoted or restored any of its versions`;
    expect(history.stdout).toContain(said);
    expect(history.summary).toContain(said);
    expect(history.summary).not.toContain('<table>');
  });

  it('a scheduled run over several models sets results, a table, and a decision for all of them', async () => {
    const family = uniqueModel('e2e-sched');
    await seed(py(), `${family}-a`, [{ metrics: { accuracy: 0.95, f1: 0.9 } }]);
    await seed(py(), `${family}-b`, [{ metrics: { accuracy: 0.5, f1: 0.9 } }]);
    const run = await runAction({
      inputs: {
        'tracking-uri': url,
        models: `${family}-*\n# comments are skipped\n`,
        policy: POLICY_PATH,
        'fail-on-reject': 'false',
      },
      files: { [POLICY_PATH]: 'models:\n  "*":\n    metrics:\n      accuracy: ">= 0.90"\n' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'promoted', wrote: 'true' });
    expect(
      JSON.parse(run.outputs['results']!).map((r: { model: string; decision: string }) => [r.model, r.decision]),
    ).toEqual([
      [`${family}-a`, 'promoted'],
      [`${family}-b`, 'rejected'],
    ]);
    expect(run.summary).toContain('(2 models)');
    expect(await stagesOf(py(), `${family}-a`)).toEqual({ '1': 'Production' });
  });

  it('on a pull request the default mode is evaluate: it reports, writes nothing, and leaves the report in a file', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const before = await versionsOf(py(), model);
    const pr = {
      pull_request: {
        number: 12,
        head: { repo: { fork: false, full_name: 'acme/models' } },
        base: { repo: { full_name: 'acme/models' } },
      },
    };
    const run = await runAction({
      inputs: { 'tracking-uri': url, model, version: '2', policy: POLICY_PATH },
      files: { [POLICY_PATH]: policyFor(model) },
      event: pr,
      eventName: 'pull_request',
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'passed', wrote: 'false' });
    expect(JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8'))).toEqual(JSON.parse(run.outputs['report']!));
    expect(await versionsOf(py(), model)).toEqual(before);
  });

  it('a pull request from a fork (no secrets, no variables) succeeds with one clear notice', async () => {
    const fork = {
      pull_request: {
        number: 13,
        head: { repo: { fork: true, full_name: 'stranger/models' } },
        base: { repo: { full_name: 'acme/models' } },
      },
    };
    const run = await runAction({
      inputs: { model: 'm', policy: POLICY_PATH },
      files: { [POLICY_PATH]: policyFor('m') },
      event: fork,
      eventName: 'pull_request',
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'skipped', wrote: 'false' });
    expect(run.stdout).toContain('::notice::This pull request comes from a fork, which gets no secrets or variables');
    expect(run.summary).toContain('comes from a fork');
  });

  it('hostile metric names and reasons are escaped in the summary; lineage and timing are shown', async () => {
    const model = uniqueModel();
    // MLflow refuses such metric keys, but a policy may name anything: it is then reported missing.
    const hostile = 'val|acc<script>`x`';
    await seed(py(), model, [{ metrics: { accuracy: 0.5 }, run_tags: { 'mlflow.source.git.commit': 'feedface' } }]);
    const policy = `model: ${model}\nmetrics:\n  accuracy: ">= 0.9"\n  "${hostile}": ">= 0.9"\n`;
    const run = await runAction({
      inputs: { 'tracking-uri': url, version: '1', policy: POLICY_PATH, mode: 'evaluate', 'fail-on-reject': 'false' },
      files: { [POLICY_PATH]: policy },
    });
    expect(run.outputs['decision'], run.stdout).toBe('rejected');
    expect(run.summary).not.toContain('<script>');
    expect(run.summary).toContain('val&#124;acc&lt;script&gt;&#96;x&#96;');
    expect(run.summary).toContain('source commit <code>feedface</code>');
    expect(run.summary).toMatch(/Took \d+\.\d\d s\./);
  });
});
