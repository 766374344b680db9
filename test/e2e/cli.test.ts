// The command-line interface (dist/cli/index.js, the package's bin) against the real server.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cli, policyFile } from '../support/cli-process.js';
import { policyFor, seed, stagesOf, uniqueModel, usePython } from '../support/registry-fixture.js';

const { py, url } = usePython();

describe('the CLI', () => {
  it('evaluate: a readable table, exit 1 on a rejection, exit 0 on a pass, nothing written', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const policy = await policyFile(policyFor(model));
    const bad = await cli(['evaluate', '--policy', policy, '--version', '3'], { MLFLOW_TRACKING_URI: url });
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain(`${model} v3: REJECTED`);
    expect(bad.stdout).toMatch(/accuracy\s+0\.87\s+>= 0\.9\s+❌ fail/);
    expect(bad.stdout).toContain('Would write (promote):');
    const good = await cli(['evaluate', '--policy', policy, '--version', '2', '--json'], { MLFLOW_TRACKING_URI: url });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ decision: 'passed', version: '2', wrote: false });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Staging', '3': 'None' });
  });

  it('promote writes, with the same engine as the Action', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await cli([
      'promote',
      '--policy',
      await policyFile(policyFor(model)),
      '--version',
      '2',
      '--tracking-uri',
      url,
    ]);
    expect(run.code, run.stderr).toBe(0);
    // Each write printed once: as it is made (stderr), then counted in the report, not listed again.
    const move = `move ${model} v2 to stage Production (archiving the versions there now)`;
    expect(run.stderr).toContain(`Wrote: ${move}`);
    expect((run.stdout + run.stderr).split(move).length - 1).toBe(1);
    expect(run.stdout).toMatch(/\d+ registry writes made \(each printed above as "Wrote:" when made\)/);
    expect(run.stdout).not.toContain('Written:');
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });
  });

  it('distinct exit codes: 2 for a bad policy (with file:line:col) or input, 3 for an unreachable registry', async () => {
    const badPolicy = await policyFile('metrics:\n  accuracy: "=> 0.9"\n');
    const policy = await cli(['evaluate', '--policy', badPolicy, '--model', 'm', '--tracking-uri', url]);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain(`${badPolicy}:2:13: metrics.accuracy: unknown operator "=>"`);
    const input = await cli(['evaluate', '--policy', badPolicy, '--version', 'abc', '--tracking-uri', url]);
    expect(input.code).toBe(2);
    expect(input.stderr).toContain('input error: input "version" is "abc"');
    const down = await cli([
      'evaluate',
      '--policy',
      await policyFile(policyFor('m')),
      '--tracking-uri',
      'http://127.0.0.1:9',
      '--tracking-token',
      'cli-secret-9',
    ]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('registry error: GET http://127.0.0.1:9/api/2.0/mlflow/');
    expect(down.stderr + down.stdout).not.toContain('cli-secret-9');
    const usage = await cli(['deploy']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command "deploy"');
  });

  it('every mode from the command line: audit of a hand-moved holder, plan then apply, rollback, history', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const policy = await policyFile(policyFor(model));
    const env = { MLFLOW_TRACKING_URI: url, USER: 'cli-tester' };
    // v1 was put in Production by the seed, not by the gate: the audit says so, and fails.
    const handMoved = await cli(['audit', '--policy', policy], env);
    expect(handMoved.code, handMoved.stderr).toBe(1);
    expect(handMoved.stdout).toContain(`${model} v1: REJECTED`);
    expect(handMoved.stdout).toContain('it was moved there by hand or by another tool');
    expect(handMoved.stderr).toContain('hold a version the ledger does not account for');

    // plan writes the file and nothing else; apply makes exactly those changes.
    const dir = path.dirname(policy);
    const planPath = path.join(dir, 'plan.json');
    const plan = await cli(['plan', '--policy', policy, '--version', '2', '--plan', planPath], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain(`Plan written to ${planPath}`);
    expect(JSON.parse(await fs.readFile(planPath, 'utf8'))).toMatchObject({ model, version: '2', decision: 'passed' });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Staging', '3': 'None' });
    const apply = await cli(['apply', '--policy', policy, '--version', '2', '--plan', planPath, '--json'], env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(JSON.parse(apply.stdout)).toMatchObject({ decision: 'promoted', version: '2', wrote: true });
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });

    // Now the gate put the holder there: the audit passes.
    const audited = await cli(['audit', '--policy', policy, '--json'], env);
    expect(audited.code, audited.stderr).toBe(0);
    expect(JSON.parse(audited.stdout)).toMatchObject({ decision: 'passed', results: [{ model, decision: 'passed' }] });

    // Rollback needs no policy file when the target is given; history shows both entries.
    const back = await cli(
      ['rollback', '--model', model, '--target', 'stage:Production', '--reason', 'bad EU predictions', '--force'],
      env,
    );
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(`${model} v1: ROLLED BACK: v2 withdrawn, v1 restored`);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'Archived', '3': 'None' });
    const history = await cli(['history', '--model', model, '--json'], env);
    expect(history.code, history.stderr).toBe(0);
    expect(
      JSON.parse(history.stdout).map((h: { version: string; decision: string }) => [h.version, h.decision]),
    ).toEqual([
      ['1', 'restored'],
      ['2', 'promoted'],
    ]);
  });

  it('a scheduled run over --models, and the inputs that make no sense together', async () => {
    const family = uniqueModel('cli-sched');
    const [a, b] = [`${family}-a`, `${family}-b`];
    await seed(py(), a, [{ metrics: { accuracy: 0.95, f1: 0.9 } }]);
    await seed(py(), b, [{ metrics: { accuracy: 0.5, f1: 0.5 } }]);
    const policy = await policyFile('metrics:\n  accuracy: ">= 0.9"\n');
    const env = { MLFLOW_TRACKING_URI: url };
    const run = await cli(['promote', '--policy', policy, '--models', a, '--models', `${family}-b*`, '--json'], env);
    expect(run.code, run.stderr).toBe(1); // b had only rejected candidates
    const out = JSON.parse(run.stdout) as { decision: string; results: Array<{ model: string; decision: string }> };
    expect(out.decision).toBe('promoted');
    expect(out.results.map((r) => [r.model, r.decision])).toEqual([
      [a, 'promoted'],
      [b, 'rejected'],
    ]);
    expect(await stagesOf(py(), a)).toEqual({ '1': 'Production' });
    const nonsense = await cli(['plan', '--policy', policy, '--models', a], env);
    expect(nonsense.code).toBe(2);
    expect(nonsense.stderr).toContain('input "models" gates many models, which mode "plan" does not do (input "mode")');
  });

  it('--help lists every mode and every flag', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const mode of ['evaluate', 'promote', 'lint', 'plan', 'apply', 'rollback', 'history', 'audit']) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${mode} `, 'm'));
    }
    const action = await fs.readFile(path.resolve('action.yml'), 'utf8');
    const inputs = [...action.split('outputs:')[0]!.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!);
    expect(inputs.length).toBeGreaterThan(30);
    for (const input of inputs.filter((i) => i !== 'mode')) {
      expect(help.stdout, input).toMatch(new RegExp(`--(no-)?${input}\\b`));
    }
  });
});
