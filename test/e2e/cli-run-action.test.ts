// scripts/run-action.mjs as a command: the bundled Action (dist/index.js) run on a developer's
// machine as a runner runs it, inputs from flags and a .env file, against the real server.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnCollected } from '../../scripts/run-action.mjs';
import {
  policyFor,
  recordTag,
  seed,
  stagesOf,
  uniqueModel,
  usePython,
  versionsOf,
} from '../support/registry-fixture.js';

const { py, url } = usePython();
const SCRIPT = path.resolve('scripts/run-action.mjs');

async function checkout(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gate-checkout-'));
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  return dir;
}

const runScript = (args: string[], cwd: string) =>
  spawnCollected(process.execPath, [SCRIPT, ...args], {
    cwd,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], USER: 'local-debugger' },
  });

describe('node scripts/run-action.mjs', () => {
  it('runs dist/index.js with inputs from --input and --env-file, prints the log, outputs and summary', async () => {
    const model = uniqueModel('run-action-cli');
    await seed(py(), model);
    // The checkout: the policy at the input's default path (action.yml), a .env beside it.
    const dir = await checkout({
      '.github/promotion-policy.yml': policyFor(model),
      '.env': `# what the workflow's env: and with: blocks hold\nexport MLFLOW_TRACKING_URI=${url}\nmodel="${model}"\nINPUT_FAIL-ON-REJECT=true\n`,
    });
    const run = await runScript(['--env-file', '.env', '--input', 'mode=promote', '--input', 'version=2'], dir);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const move = `move ${model} v2 to stage Production (archiving the versions there now)`;
    // The Action's log, as it ran.
    expect(run.stdout).toContain(`Wrote: ${move}`);
    expect(run.stdout).toMatch(new RegExp(`Decision: promoted for ${model} v2 \\(\\d+ registry writes\\)`));
    // Then the outputs and the step summary, which lists the writes.
    expect(run.stdout).toMatch(/── Outputs \(\d+\) ──\n/);
    expect(run.stdout).toMatch(/^decision +promoted$/m);
    expect(run.stdout).toMatch(/^wrote +true$/m);
    const summary = run.stdout.split('── Step summary (GITHUB_STEP_SUMMARY, Markdown and HTML) ──\n')[1] ?? '';
    expect(summary).toContain('MLflow promotion gate');
    expect(summary).toContain('Registry changes made');
    expect(summary).toContain(move);
    expect(run.stdout).toMatch(/── Exit code 0 ──\n$/);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });
    // The ledger names who ran it locally, and no invented workflow run.
    const v2 = (await versionsOf(py(), model)).find((v) => v.version === '2')!;
    const record = recordTag(v2.tags, 'mlflow_gate.record.stage_Production');
    expect(record).toMatchObject({ decision: 'promoted', by: 'local-debugger' });
    expect(record?.['run_url']).toBeUndefined();
  });

  it('a rejection exits with the Action code; an input that does not exist is refused before anything runs', async () => {
    const model = uniqueModel('run-action-cli');
    await seed(py(), model);
    const dir = await checkout({ 'p.yml': policyFor(model) });
    const rejected = await runScript(
      ['--input', 'mode=evaluate', '--input', 'policy=p.yml', '--input', 'version=3', '--input', `tracking-uri=${url}`],
      dir,
    );
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toMatch(/^decision +rejected$/m);
    expect(rejected.stdout).toMatch(/── Exit code 1 ──\n$/);
    const typo = await runScript(['--input', 'modle=x'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--input modle: not an input of action.yml (inputs: ');
    expect(typo.stdout).toBe('');
  });
});
