/**
 * The same engine as a command, for a person writing a policy at their terminal:
 *   mlflow-promotion-gate evaluate --policy p.yml --model churn --version 3
 * Flags are the Action's inputs (--tracking-uri, --model, ...); MLflow's environment
 * variables serve as in the Action. Exit codes: 0 done (promoted, passed, rolled back,
 * nothing to do), 1 rejected (or not eligible when asked by number), 2 bad input or
 * policy, 3 registry unreachable or refusing, 4 conflict.
 */
import { parseArgs } from 'node:util';
import { EXIT_CODES, GateError, PolicyError, formatProblem } from './core/errors.js';
import { makeRedactor, safeLogText, secretForms } from './core/redact.js';
import { checkRows, reportExitCode, type Report } from './core/report.js';
import { readHistory, runGate } from './gate.js';
import { readSettings } from './github/inputs.js';
import { connect, gateRequest, ledgerContext, readPolicy } from './wiring.js';
import { formatHistoryLine } from './core/ledger.js';

const COMMANDS = ['evaluate', 'lint', 'promote', 'rollback', 'history'] as const;
type Command = (typeof COMMANDS)[number];
export const EXIT = EXIT_CODES;

const STRING_FLAGS = [
  'tracking-uri',
  'tracking-token',
  'tracking-username',
  'tracking-password',
  'registry-uri',
  'tracking-server-cert-path',
  'tracking-client-cert-path',
  'extra-headers',
  'model',
  'version',
  'policy',
  'gate',
  'target',
  'reason',
  'expected-holder',
  'request-timeout',
  'retries',
  'retry-deadline',
] as const;

const HELP = `mlflow-promotion-gate <command> [flags]

Commands:
  evaluate   decide and report; write nothing (the default on a pull request)
  lint       check the policy file; with a server, how the current holder fares under it
  promote    decide, then write to the registry
  rollback   restore the previous holder of --target (or --version); needs --reason
  history    print the model's promotion history from the ledger

Flags (the Action's inputs; MLflow's environment variables apply as in the Action):
  --tracking-uri URL          MLflow server (else MLFLOW_TRACKING_URI)
  --tracking-token T          Bearer token (else MLFLOW_TRACKING_TOKEN)
  --tracking-username U, --tracking-password P   Basic auth (else MLFLOW_TRACKING_USERNAME/PASSWORD)
  --registry-uri URL          registry server, if another (else MLFLOW_REGISTRY_URI)
  --model NAME                registered model (else the policy's model)
  --version V                 number, latest, stage:S, alias:A or run:ID (default latest)
  --policy PATH               policy file (default .github/promotion-policy.yml)
  --gate NAME                 the policy's named gate
  --target stage:S|alias:A    rollback target
  --reason TEXT               rollback reason
  --force                     rollback: skip the safety checks
  --expected-holder V|none    promote only if this version holds the target now
  --request-timeout S         seconds for one attempt of a request (default 30)
  --retries N                 retries of a failed request that is safe to repeat (default 3)
  --retry-deadline S          seconds for one request with its retries (default 120)
  --json                      print the report as JSON
  -h, --help                  this text

Exit codes: 0 done, 1 rejected, 2 bad input or policy, 3 registry unreachable or refusing, 4 conflict or superseded.
`;

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((f) => [f, { type: 'string' as const }])),
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    err(`${(e as Error).message}\n\n${HELP}`);
    return EXIT.input;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(HELP);
    return EXIT.ok;
  }
  const command = positionals[0] as Command | undefined;
  if (!command || !COMMANDS.includes(command) || positionals.length > 1) {
    err(
      `${command ? `unknown command "${positionals.join(' ')}"` : 'no command given'}; one of ${COMMANDS.join(', ')}\n\n${HELP}`,
    );
    return EXIT.input;
  }
  const flags = values as Record<string, string | boolean | undefined>;
  const getInput = (name: string) =>
    name === 'mode'
      ? command
      : typeof flags[name] === 'string'
        ? (flags[name] as string)
        : flags[name] === true
          ? 'true'
          : '';
  const secrets = secretForms({
    token: getInput('tracking-token') || process.env['MLFLOW_TRACKING_TOKEN'],
    username: getInput('tracking-username') || process.env['MLFLOW_TRACKING_USERNAME'],
    password: getInput('tracking-password') || process.env['MLFLOW_TRACKING_PASSWORD'],
  });
  const forms = [...secrets];
  const redact = (t: string) => makeRedactor(forms)(t);
  try {
    const settings = readSettings(getInput, process.env);
    const optional = command === 'history' || (command === 'rollback' && settings.rollback.target);
    const policyText = optional
      ? await readPolicy(settings.policyPath).catch(() => '')
      : await readPolicy(settings.policyPath);
    const registry = settings.trackingUri
      ? await connect(settings, settings.trackingUri, { add: (s) => forms.push(s) })
      : undefined;
    if (command === 'history') {
      if (!registry || !settings.model) throw new GateError('input', 'history needs --model and a tracking server');
      const history = await readHistory(registry, settings.model);
      out(values.json ? `${JSON.stringify(history, null, 2)}\n` : history.map(formatHistoryLine).join('\n') + '\n');
      return EXIT.ok;
    }
    const { report } = await runGate(
      gateRequest(settings, policyText, {
        ...ledgerContext(),
        actor: process.env['GITHUB_ACTOR'] ?? process.env['USER'] ?? 'cli',
      }),
      { ...(registry ? { registry } : {}), log: (m) => err(`${safeLogText(redact(m))}\n`) },
    );
    out(redact(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderTerminal(report)));
    return reportExitCode(report, { failOnReject: true, askedByNumber: settings.version !== 'latest' });
  } catch (e) {
    if (e instanceof PolicyError) {
      err(`${e.problems.map((p) => redact(formatProblem(p))).join('\n')}\n`);
      return EXIT.policy;
    }
    const kind = e instanceof GateError ? e.kind : 'registry';
    err(`${kind} error: ${redact((e as Error).message)}\n`);
    return EXIT[kind];
  }
}

/** A readable table for a terminal. */
export function renderTerminal(report: Report): string {
  const rows = checkRows(report);
  const widths = rows[0]!.map((_, i) => Math.min(48, Math.max(...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    `${report.model || 'policy'}${report.version ? ` v${report.version}` : ''}: ${report.decision.toUpperCase()}`,
    '',
    ...(rows.length > 1
      ? [line(rows[0]!), line(rows[0]!.map((_, i) => '-'.repeat(widths[i]!))), ...rows.slice(1).map(line), '']
      : []),
    ...report.reasons.map((r) => `- ${r}`),
    ...(report.applied.length
      ? ['', 'Written:', ...report.applied.map((a) => `  ${a}`)]
      : report.plan.length
        ? ['', report.mode === 'promote' ? 'Planned:' : 'Would write (promote):', ...report.plan.map((p) => `  ${p}`)]
        : []),
    '',
  ].join('\n');
}
