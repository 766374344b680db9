// The command line's door (src/cli.ts main) without a server: what it says on a bad command
// line, the one JSON object --json prints on an error, and each write printed once.
import { describe, expect, it } from 'vitest';
import { ALL_FLAGS, BOOLEAN_FLAGS, LIST_FLAGS, STRING_FLAGS, main, renderTerminal } from '../../src/cli.js';
import { policyFile } from '../support/cli-process.js';
import type { Report } from '../../src/core/report.js';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  return { code, stdout, stderr };
}

describe('an unknown flag', () => {
  it('--dry-run: says that evaluate is the dry run and which flags exist, not parseArgs text; exit 2', async () => {
    const run = await cli(['promote', '--dry-run', '--model', 'm']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown flag --dry-run');
    expect(run.stderr).toContain('the command "evaluate" is the dry run (it decides and reports, and writes nothing)');
    expect(run.stderr).not.toContain('To specify a positional argument');
    expect(run.stderr).not.toContain('Unknown option');
    for (const flag of ['--policy', '--model', '--version', '--tracking-uri', '--json', '--fail-on-reject'])
      expect(run.stderr).toContain(`${flag},`);
    expect(run.stderr).toContain('(a switch also as --no-<name>)');
  });

  it('a misspelt flag names the nearest one; --dry_run and --noop read as dry runs too', async () => {
    const typo = await cli(['evaluate', '--polcy', 'p.yml']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown flag --polcy; did you mean --policy?');
    const eq = await cli(['evaluate', '--tracking-url=http://127.0.0.1:1']);
    expect(eq.stderr).toContain('unknown flag --tracking-url; did you mean --tracking-uri?');
    expect(eq.stderr).not.toContain('127.0.0.1:1');
    for (const flag of ['--dry_run', '--dryrun', '--noop', '--what-if']) {
      const dry = await cli(['promote', flag]);
      expect(dry.code, flag).toBe(2);
      expect(dry.stderr, flag).toContain(`unknown flag ${flag}; there is no dry-run flag: the command "evaluate"`);
    }
    const far = await cli(['evaluate', '--zzzzzzzz']);
    expect(far.stderr).toContain('unknown flag --zzzzzzzz\n');
    expect(far.stderr).not.toContain('did you mean');
  });

  it('a flag without its value: parseArgs says so, pointing at --help, without the whole help text', async () => {
    const run = await cli(['evaluate', '--model']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "Option '--model <value>' argument missing (mlflow-promotion-gate --help lists every flag)",
    );
    expect(run.stderr).not.toContain('Commands (the Action');
  });

  it('the list of flags is every flag parseArgs takes', () => {
    expect(ALL_FLAGS).toEqual([...STRING_FLAGS, ...LIST_FLAGS, ...BOOLEAN_FLAGS, 'json', 'help'].map((f) => `--${f}`));
    expect(new Set(ALL_FLAGS).size).toBe(ALL_FLAGS.length);
  });

  it('with --json: one JSON object on stdout, kind input', async () => {
    const run = await cli(['evaluate', '--dry-run', '--json']);
    expect(run.code).toBe(2);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ decision: 'error', errorKind: 'input', wrote: false });
    expect(out['error']).toContain('unknown flag --dry-run');
    const command = await cli(['deploy', '--json']);
    expect(command.code).toBe(2);
    expect(JSON.parse(command.stdout)).toMatchObject({ decision: 'error', errorKind: 'input' });
    expect(JSON.parse(command.stdout).error).toContain('unknown command "deploy"');
  });
});

describe('--json on an error', () => {
  it('an input error: one object with decision error, the kind and the redacted message; exit unchanged', async () => {
    const policy = await policyFile('metrics:\n  accuracy: ">= 0.9"\n');
    const secret = 'tok-unit-secret-77';
    const run = await cli([
      'evaluate',
      '--policy',
      policy,
      '--model',
      'm',
      '--version',
      secret,
      '--tracking-token',
      secret,
      '--tracking-uri',
      'http://127.0.0.1:9',
      '--json',
    ]);
    expect(run.code).toBe(2);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ decision: 'error', errorKind: 'input', wrote: false });
    expect(out['error']).toMatch(/^input "version" is "\*+"/);
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stderr).toContain('input error: input "version"');
  });

  it('a policy error: kind policy, every problem with its line and column', async () => {
    const policy = await policyFile('metrics:\n  accuracy: "=> 0.9"\n  f1: ">= 2 apples"\n');
    // lint needs no server: the policy is the error.
    const run = await cli(['lint', '--policy', policy, '--model', 'm', '--json']);
    expect(run.code).toBe(2);
    const out = JSON.parse(run.stdout) as {
      decision: string;
      errorKind: string;
      error: string;
      problems: Array<{ file: string; line: number; column: number; message: string }>;
    };
    expect(out.decision).toBe('error');
    expect(out.errorKind).toBe('policy');
    expect(out.error).toContain(`${policy}:2:13: metrics.accuracy: unknown operator "=>"`);
    expect(out.problems.length).toBeGreaterThanOrEqual(2);
    expect(out.problems[0]).toMatchObject({ file: policy, line: 2, column: 13 });
    // The text form is unchanged: the problems on stderr.
    expect(run.stderr).toContain(`${policy}:2:13: metrics.accuracy: unknown operator "=>"`);
  });

  it('without --json nothing goes to stdout on an error', async () => {
    const run = await cli(['evaluate', '--model', 'm', '--version', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });
});

describe('each write printed once', () => {
  const report: Report = {
    decision: 'promoted',
    mode: 'promote',
    model: 'churn',
    version: '2',
    modelUri: 'models:/churn/2',
    target: { stage: 'Production' },
    previousVersions: ['1'],
    wrote: true,
    checks: [],
    reasons: ['every check passed'],
    plan: ['move churn v2 to stage Production', 'set tag validation="passed" on churn v2'],
    applied: ['move churn v2 to stage Production', 'set tag validation="passed" on churn v2'],
    policy: 'p.yml',
  };

  it('writes printed live (Wrote:) are counted, not listed again', () => {
    const text = renderTerminal(report, new Set(report.applied));
    expect(text).toContain('2 registry writes made (each printed above as "Wrote:" when made)');
    expect(text).not.toContain('Written:');
    expect(text).not.toContain('move churn v2 to stage Production');
  });

  it('a write the registry shows that was not printed live is listed, once', () => {
    const text = renderTerminal(report, new Set([report.applied[0]!]));
    expect(text).toContain('1 registry write made');
    expect(text).toContain('Written:\n  set tag validation="passed" on churn v2');
    expect(text.split('move churn v2 to stage Production').length).toBe(1);
    const none = renderTerminal(report);
    expect(none).toContain('Written:\n  move churn v2 to stage Production\n  set tag validation="passed" on churn v2');
    expect(none).not.toContain('registry writes made');
  });
});
