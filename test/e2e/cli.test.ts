// The command-line interface (dist/cli/index.js, the package's bin) against the real server.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { policyFor, seed, stagesOf, uniqueModel, usePython } from '../support/registry-fixture.js';

const { py, url } = usePython();
const CLI = path.resolve('dist/cli/index.js');

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

async function policyFile(text: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gate-cli-'));
  const file = path.join(dir, 'policy.yml');
  await fs.writeFile(file, text);
  return file;
}

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
    expect(run.stdout).toContain('Written:');
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
});
