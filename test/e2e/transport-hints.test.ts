// Issue 15 from the command line (dist/cli/index.js): signs of life on stderr (never on stdout, so
// --json stays parseable), a pasted /api/2.0/mlflow suffix accepted with a note, and a missing
// model's closest registered names. Local servers only: the real MLflow server, one that accepts
// and never answers, a refused port.
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../scripts/run-action.mjs';
import { cli, policyFile } from '../support/cli-process.js';
import { freeLoopbackPort, startSilentServer } from '../support/net-fixtures.mjs';
import { policyFor, seed, uniqueModel, usePython } from '../support/registry-fixture.js';

const { py, url } = usePython();

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** Quick transport settings: short attempts, one retry. */
const QUICK = ['--request-timeout', '0.3', '--retries', '1', '--retry-deadline', '5'];

describe('signs of life and hints from the CLI', () => {
  it('a server that never answers: each retry is a line on stderr, nothing of it on stdout with --json', async () => {
    const s = await startSilentServer();
    stops.push(s.stop);
    const policy = await policyFile(policyFor('m'));
    const run = await cli(['evaluate', '--policy', policy, '--version', '1', '--json', ...QUICK], {
      MLFLOW_TRACKING_URI: s.url,
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        `GET ${s.url}/api/2\\.0/mlflow/\\S+: attempt 1 of 2 failed: no answer within 0\\.3 s \\(UND_ERR_HEADERS_TIMEOUT\\); trying again in [\\d.]+ s`,
      ),
    );
    expect(run.stdout).not.toMatch(/attempt \d of|trying again|still waiting/);
  });

  it('connection refused: the retries are said on stderr', async () => {
    const port = await freeLoopbackPort();
    const run = await cli(
      ['evaluate', '--policy', await policyFile(policyFor('m')), '--version', '1', '--json', ...QUICK],
      { MLFLOW_TRACKING_URI: `http://127.0.0.1:${port}` },
    );
    expect(run.stderr).toContain('attempt 1 of 2 failed: connection refused (ECONNREFUSED); trying again in');
    expect(run.stderr).toContain('connection refused (is the server running, and is the port right?)');
    expect(run.stdout).not.toContain('trying again');
  });

  it('the Action says each retry in the runner log, and the step fails with exit 3', async () => {
    const port = await freeLoopbackPort();
    const run = await runAction({
      inputs: {
        'tracking-uri': `http://127.0.0.1:${port}`,
        policy: 'policy.yml',
        version: '1',
        retries: '1',
        'request-timeout': '1',
        'retry-deadline': '5',
      },
      files: { 'policy.yml': policyFor('m') },
    });
    expect(run.code).toBe(3); // the registry is unreachable
    expect(run.stdout).toMatch(
      new RegExp(
        `GET http://127\\.0\\.0\\.1:${port}/api/2\\.0/mlflow/\\S+: attempt 1 of 2 failed: connection refused \\(ECONNREFUSED\\); trying again in [\\d.]+ s`,
      ),
    );
    expect(run.outputs['error-kind']).toBe('registry');
  });

  it('a tracking URI pasted with /api/2.0/mlflow/ works, and says what it used', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await cli(['evaluate', '--policy', await policyFile(policyFor(model)), '--version', '2', '--json'], {
      MLFLOW_TRACKING_URI: `${url}/api/2.0/mlflow/`,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`MLFLOW_TRACKING_URI: ${url}/api/2.0/mlflow/ ends with /api/2.0/mlflow: using ${url}`);
    expect(JSON.parse(run.stdout)).toMatchObject({ decision: 'passed', version: '2' });
  });

  it('a model name with a typo: the error names the closest registered name', async () => {
    const model = uniqueModel('zx-hint-model');
    await seed(py(), model);
    const typo = model.replace('hint', 'hnit');
    const run = await cli(['evaluate', '--policy', await policyFile(policyFor(typo)), '--version', '1'], {
      MLFLOW_TRACKING_URI: url,
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      `model "${typo}" does not exist in the registry at ${url}; the closest registered name is "${model}"`,
    );
  });
});
