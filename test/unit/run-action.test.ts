// scripts/run-action.mjs's command line: how flags, a .env file and the shell become the inputs
// and environment a runner would give the Action.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { commandLineOptions, parseEnvFile, renderRun } from '../../scripts/run-action.mjs';

describe('parseEnvFile', () => {
  it('reads NAME=VALUE lines, comments, export and quotes', () => {
    expect(
      parseEnvFile(
        '# a comment\n\nexport MLFLOW_TRACKING_URI=http://127.0.0.1:5000\nmodel="churn predictor"\nINPUT_VERSION=\'3\'\nreason="two\\nlines"\nnotify-on=promoted # trailing comment\nextra-headers=X-A: b=c\n',
      ),
    ).toEqual({
      MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000',
      model: 'churn predictor',
      INPUT_VERSION: '3',
      reason: 'two\nlines',
      'notify-on': 'promoted',
      'extra-headers': 'X-A: b=c',
    });
  });

  it('says which line it cannot read', () => {
    expect(() => parseEnvFile('model=a\nnot a line\n')).toThrow('line 2: expected NAME=VALUE, got "not a line"');
  });
});

describe('commandLineOptions', () => {
  it('inputs from flags, the file (by name or INPUT_*) and the shell; defaults from action.yml; the rest is environment', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gate-env-'));
    const file = path.join(dir, '.env');
    await fs.writeFile(
      file,
      'model=from-file\nINPUT_TRACKING-URI=http://127.0.0.1:1\nMLFLOW_TRACKING_TOKEN=t0k\nGITHUB_REPOSITORY=acme/x\n',
    );
    const parsed = await commandLineOptions(
      ['--env-file', file, '--input', 'model=from-flag', '--input', 'reason=a=b', '--workspace', dir],
      {
        USER: 'dev',
        INPUT_GATE: 'production',
        MLFLOW_TRACKING_USERNAME: 'u',
        AWS_SECRET_ACCESS_KEY: 'not passed on',
      },
    );
    expect(parsed.help).toBe(false);
    if (parsed.help) return;
    const { inputs, env, identity, workspace } = parsed.options;
    expect(inputs).toMatchObject({
      model: 'from-flag',
      reason: 'a=b',
      'tracking-uri': 'http://127.0.0.1:1',
      gate: 'production',
      policy: '.github/promotion-policy.yml',
      'fail-on-reject': 'true',
    });
    // An expression default is the runner's to evaluate: not filled in.
    expect(inputs['github-token']).toBeUndefined();
    expect(env).toEqual({ MLFLOW_TRACKING_TOKEN: 't0k', MLFLOW_TRACKING_USERNAME: 'u' });
    expect(identity).toEqual({ GITHUB_ACTOR: 'dev', GITHUB_REPOSITORY: 'acme/x' });
    expect(workspace).toBe(dir);
  });

  it('refuses a name that is no input, from a flag or the file', async () => {
    await expect(commandLineOptions(['--input', 'modle=x'], {})).rejects.toThrow(
      '--input modle: not an input of action.yml (inputs: tracking-uri,',
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gate-env-'));
    await fs.writeFile(path.join(dir, 'e'), 'polcy=p.yml\n');
    await expect(commandLineOptions(['--env-file', path.join(dir, 'e')], {})).rejects.toThrow(
      `--env-file ${path.join(dir, 'e')}: "polcy" is not an input of action.yml`,
    );
    await expect(commandLineOptions(['--input', 'model'], {})).rejects.toThrow('--input model: expected NAME=VALUE');
  });
});

describe('renderRun', () => {
  it('the outputs, one a line (a multi-line value indented), the summary and the exit code', () => {
    const text = renderRun({
      code: 1,
      stdout: '',
      stderr: '',
      outputs: { decision: 'rejected', reasons: 'a\nb' },
      outputFile: '',
      summary: '<h2>MLflow promotion gate</h2>\n',
      workspace: '/w',
      startedAt: 0,
      endedAt: 1,
    });
    expect(text).toContain('── Outputs (2) ──\ndecision  rejected\nreasons   a\n          b\n');
    expect(text).toContain(
      '── Step summary (GITHUB_STEP_SUMMARY, Markdown and HTML) ──\n<h2>MLflow promotion gate</h2>\n',
    );
    expect(text).toContain('── Exit code 1 ──');
  });
});
