/**
 * The command line's front door, for a person at a terminal or a job outside GitHub Actions:
 *   mlflow-promotion-gate evaluate --policy p.yml --model churn --version 3
 * The command is the Action's `mode`; every other input is a flag of the same name, read by
 * the same input helper, with MLflow's environment variables as in the Action. The mode runs
 * in dispatch.ts, as the Action's does: the same decisions, exit codes and redaction. This file
 * only translates flags and renders for a terminal.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT_CODES, GateError, PolicyError, formatProblem } from './core/errors.js';
import { formatHistoryLine, noHistory } from './core/history.js';
import { nearest } from './core/closest.js';
import { safeLogText, secretSet } from './core/redact.js';
import { plainHeadline } from './core/headline.js';
import { checkRows, type Report } from './core/report.js';
import type { ModelResult } from './core/verdict.js';
import { runMode, type Outcome } from './dispatch.js';
import { MODES, readSettings, secretInputs, withIdToken } from './github/inputs.js';
import { runnerIdToken } from './mlflow/databricks.js';
import { ledgerContext, workspacePath } from './wiring.js';
import type { Decision, Mode } from './core/decide.js';

export const EXIT = EXIT_CODES;

/** Every input of action.yml but `mode` (the command), as a flag; test/unit/cli-flags.test.ts holds them equal. */
export const STRING_FLAGS = [
  'tracking-uri',
  'tracking-token',
  'tracking-username',
  'tracking-password',
  'registry-uri',
  'databricks-host',
  'databricks-token',
  'databricks-client-id',
  'databricks-client-secret',
  'databricks-auth-type',
  'tracking-server-cert-path',
  'tracking-client-cert-path',
  'extra-headers',
  'model',
  'version',
  'gate',
  'policy',
  'target',
  'reason',
  'request-timeout',
  'retries',
  'retry-deadline',
  'expected-holder',
  'plan',
  'github-token',
  'slack-webhook-url',
  'webhook-url',
  'webhook-secret',
  'notify-on',
] as const;
/** Flags given as many times as there are values (the Action's one-a-line inputs). */
export const LIST_FLAGS = ['models'] as const;
export const BOOLEAN_FLAGS = [
  'tracking-insecure-tls',
  'force',
  'allow-demotion',
  'audit-rules',
  'fail-on-reject',
] as const;

const HELP = `mlflow-promotion-gate <command> [flags]

Commands (the Action's modes):
  evaluate   decide and report; write nothing (the Action's default on a pull request)
  promote    decide, then write to the registry
  lint       check the policy file; with a server, how the current holder fares under it
  plan       decide and write the registry changes to a file (--plan, default promotion-plan.json); write nothing
  apply      recompute, check that --plan still matches the registry, then make exactly those changes
  rollback   restore the previous holder of --target (or --version); needs --reason
  history    print the model's promotion history from the ledger
  audit      check that the holder of each model's target was put there by the gate; write nothing
  relay      relay MLflow registry webhooks to GitHub repository_dispatch (relay --help)
  webhook    create, list or test MLflow's registry webhook to the relay (webhook --help)
  With --models (or --version pending), evaluate and promote gate the pending versions of each model.

Server (MLflow's environment variables apply as in the Action):
  --tracking-uri URL          MLflow tracking server (else MLFLOW_TRACKING_URI); "databricks" for a workspace
  --tracking-token T          Bearer token (else MLFLOW_TRACKING_TOKEN)
  --tracking-username U, --tracking-password P   Basic auth (else MLFLOW_TRACKING_USERNAME/PASSWORD)
  --registry-uri URL          registry server, if another (else MLFLOW_REGISTRY_URI); "databricks-uc" for Unity Catalog
  --databricks-host URL       workspace URL (else DATABRICKS_HOST)
  --databricks-token T        workspace token (else DATABRICKS_TOKEN)
  --databricks-client-id ID, --databricks-client-secret S   OAuth machine-to-machine (else DATABRICKS_CLIENT_ID/SECRET)
  --databricks-auth-type T    pat, oauth-m2m or github-oidc (else DATABRICKS_AUTH_TYPE); github-oidc inside a
                              GitHub job exchanges its OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL) for the client id's;
                              DATABRICKS_CONFIG_PROFILE names a ~/.databrickscfg profile (DATABRICKS_CONFIG_FILE)
  --tracking-server-cert-path PEM, --tracking-client-cert-path PEM, --tracking-insecure-tls   TLS
  --extra-headers 'Name: value'   extra request headers, one a line (values are secrets: redacted)
  --request-timeout S         seconds for one attempt of a request (default 30)
  --retries N                 retries of a request that is safe to repeat (default 3)
  --retry-deadline S          seconds for one request with its retries (default 120)

What to gate:
  --model NAME                registered model (else the policy's model)
  --models PATTERN            a model name or glob; repeat for several (scheduled run, audit)
  --version V                 number, latest, pending, stage:S, alias:A or run:ID (default latest);
                              in rollback, the version to restore (latest: the previous holder, from the ledger)
  --policy PATH               policy file (default .github/promotion-policy.yml)
  --gate NAME                 the policy's named gate
  --expected-holder V|none    promote only if this version holds the target now
  --plan PATH                 plan: where to write the plan; apply: the plan to apply
  --target stage:S|alias:A    rollback target (else the policy's); alias:A+stage:S for both at once
  --reason TEXT               rollback reason (recorded in the ledger)
  --force                     rollback: skip the safety checks; scheduled: gate versions the ledger decided
  --allow-demotion            let a stage target move a version down (Production to Staging)
  --audit-rules               audit: also flag holders promoted under other rules
  --no-fail-on-reject         exit 0 on a rejection

Reporting:
  --github-token T            to check candidate.source_commit against the default branch
  --slack-webhook-url URL, --webhook-url URL, --webhook-secret S, --notify-on LIST   notifications
  --json                      print the report (or the results) as JSON
  -h, --help                  this text

Exit codes: 0 done, 1 rejected, 2 bad input or policy, 3 registry unreachable or refusing, 4 conflict or superseded.
`;

const DEFAULT_PLAN = 'promotion-plan.json';

/** Every flag's name, as typed (`--tracking-uri`), for the message on a flag that does not exist. */
export const ALL_FLAGS = [...STRING_FLAGS, ...LIST_FLAGS, ...BOOLEAN_FLAGS, 'json', 'help'].map((f) => `--${f}`);

/** Flags people reach for when they want a run that writes nothing: that run is the `evaluate` command. */
const DRY_RUN_LIKE = /^-*(dry[-_]?run|dry|no[-_]?op|what[-_]?if|simulate|preview|no[-_]?write)$/i;

/** The line a live write is logged with (src/registry-writes.ts); the terminal report then does not list it again. */
const LIVE_WRITE = /^Wrote: (.*?)(?: \(v\d+\))?$/;

/**
 * What to say about a command line node:util's parseArgs refused. An unknown flag names the
 * nearest flag that exists (and `evaluate`, for a dry-run flag), then every flag; any other
 * problem (a flag without its value, a value given to a switch) is parseArgs' own message,
 * pointing at --help.
 */
export function usageProblem(error: Error & { code?: string }, argv: string[]): string {
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return `${error.message} (mlflow-promotion-gate --help lists every flag)`;
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? argv.find((a) => a.startsWith('-')) ?? '';
  const flag = quoted.split('=')[0]!;
  const bare = flag.replace(/^-+/, '');
  const hints: string[] = [];
  if (DRY_RUN_LIKE.test(bare))
    hints.push(
      'there is no dry-run flag: the command "evaluate" is the dry run (it decides and reports, and writes nothing), e.g. mlflow-promotion-gate evaluate --policy p.yml --version 3',
    );
  else {
    const near = nearest(bare, ALL_FLAGS.map((f) => f.slice(2)).concat(BOOLEAN_FLAGS.map((f) => `no-${f}`)));
    if (near) hints.push(`did you mean --${near}?`);
  }
  return [
    `unknown flag ${flag}${hints.length ? `; ${hints.join('; ')}` : ''}`,
    `The flags are: ${ALL_FLAGS.join(', ')} (a switch also as --no-<name>); mlflow-promotion-gate --help says what each does.`,
  ].join('\n');
}

/** The one JSON object `--json` prints on an error: the shape of the Action's `report` output on an error. */
export function jsonError(kind: string, message: string, extra: { wrote?: boolean; problems?: unknown[] } = {}) {
  return {
    decision: kind === 'conflict' ? 'conflict' : 'error',
    errorKind: kind,
    error: message,
    wrote: extra.wrote ?? false,
    ...(extra.problems ? { problems: extra.problems } : {}),
  };
}

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  // Not a mode of the Action: its own flags (src/relay-commands.ts), loaded only for these commands.
  if (argv[0] === 'relay') return (await import('./relay-commands.js')).relayCommand(argv.slice(1), out, err);
  if (argv[0] === 'webhook') return (await import('./relay-commands.js')).webhookCommand(argv.slice(1), out, err);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((f) => [f, { type: 'string' as const }])),
        ...Object.fromEntries(LIST_FLAGS.map((f) => [f, { type: 'string' as const, multiple: true }])),
        ...Object.fromEntries(BOOLEAN_FLAGS.map((f) => [f, { type: 'boolean' as const }])),
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    const problem = usageProblem(e as Error, argv);
    // The flags are unreadable, but --json may still be among them: a script gets its one object.
    if (argv.includes('--json')) out(`${JSON.stringify(jsonError('input', problem), null, 2)}\n`);
    err(`${problem}\n`);
    return EXIT.input;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(HELP);
    return EXIT.ok;
  }
  const command = positionals[0];
  if (!command || !(MODES as readonly string[]).includes(command) || positionals.length > 1) {
    const problem = `${command ? `unknown command "${positionals.join(' ')}"` : 'no command given'}; one of ${MODES.join(', ')}`;
    if (values.json) out(`${JSON.stringify(jsonError('input', problem), null, 2)}\n`);
    err(`${problem}\n\n${HELP}`);
    return EXIT.input;
  }
  const flags = values as Record<string, string | string[] | boolean | undefined>;
  // The flags as the Action's inputs: a list is one a line, a boolean true or false.
  const getInput = (name: string): string => {
    if (name === 'mode') return command;
    const v = flags[name];
    return Array.isArray(v) ? v.join('\n') : typeof v === 'boolean' ? String(v) : (v ?? '');
  };
  // The same secrets as the Action masks, redacted from everything printed.
  const secrets = secretSet(secretInputs(getInput, process.env));
  const redact = secrets.redact;
  // The writes printed as they were made ("Wrote: ..."): the report below does not list them again.
  const shownLive = new Set<string>();
  try {
    // github-oidc sign-in inside a GitHub job: the runner's OIDC token, asked for directly.
    const settings = withIdToken(readSettings(getInput, process.env), runnerIdToken(process.env));
    const outcome = await runMode(settings, {
      log: (m) => {
        const live = LIVE_WRITE.exec(m);
        if (live) shownLive.add(live[1]!).add(m.slice('Wrote: '.length));
        err(`${safeLogText(redact(m))}\n`);
      },
      warn: (m) => err(`warning: ${safeLogText(redact(m))}\n`),
      secrets,
      context: { ...ledgerContext(), actor: process.env['GITHUB_ACTOR'] ?? process.env['USER'] ?? 'cli' },
    });
    if (outcome.kind === 'report' && outcome.planFile) {
      const file = workspacePath(settings.planPath ?? DEFAULT_PLAN);
      await writeFile(file, redact(JSON.stringify(outcome.planFile, null, 2)));
      err(`Plan written to ${file}; apply it with: mlflow-promotion-gate apply --plan ${file}\n`);
    }
    out(
      redact(
        values.json
          ? `${JSON.stringify(jsonOf(outcome), null, 2)}\n`
          : renderOutcome(outcome, settings.mode, shownLive),
      ),
    );
    if (outcome.kind === 'history' && outcome.history.length === 0 && values.json) err(`${noHistory(outcome.model)}\n`);
    if (outcome.verdict?.level === 'failed') err(`${redact(outcome.verdict.message)}\n`);
    return outcome.exitCode;
  } catch (e) {
    const kind = e instanceof GateError ? e.kind : 'registry';
    const message = redact((e as Error).message);
    if (values.json) {
      const problems =
        e instanceof PolicyError ? e.problems.map((p) => ({ ...p, message: redact(p.message) })) : undefined;
      const wrote = e instanceof GateError && e.wrote;
      out(
        `${redact(JSON.stringify(jsonError(kind, message, { wrote, ...(problems ? { problems } : {}) }), null, 2))}\n`,
      );
    }
    if (e instanceof PolicyError) {
      err(`${e.problems.map((p) => redact(formatProblem(p))).join('\n')}\n`);
      return EXIT.policy;
    }
    err(`${kind} error: ${message}\n`);
    return EXIT[kind];
  }
}

function jsonOf(outcome: Outcome): unknown {
  if (outcome.kind === 'report') return outcome.report;
  if (outcome.kind === 'history') return outcome.history;
  return { decision: outcome.decision, results: outcome.results };
}

function renderOutcome(outcome: Outcome, mode: Mode, shownLive: ReadonlySet<string>): string {
  if (outcome.kind === 'report') return renderTerminal(outcome.report, shownLive);
  if (outcome.kind === 'history') {
    return outcome.history.length
      ? `${outcome.history.map(formatHistoryLine).join('\n')}\n`
      : `${noHistory(outcome.model)}\n`;
  }
  return renderResults(outcome.results, outcome.decision, mode);
}

/** A scheduled run or an audit: one line a model. */
function renderResults(results: ModelResult[], decision: Decision, mode: Mode): string {
  const lines = results.map(
    (r) =>
      `${r.model}${r.candidate ? ` v${r.candidate}` : ''}: ${plainHeadline(r)}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`,
  );
  return [`${mode} over ${results.length} model(s): ${plainHeadline({ decision })}`, '', ...lines, ''].join('\n');
}

/**
 * A readable table for a terminal. `shownLive` holds the writes already printed as they were
 * made (the "Wrote:" lines on stderr): each write is printed once, so those are counted, not
 * listed again; a write the registry shows that was not printed live is listed.
 */
export function renderTerminal(report: Report, shownLive: ReadonlySet<string> = new Set()): string {
  const unshown = report.applied.filter((a) => !shownLive.has(a));
  const live = report.applied.length - unshown.length;
  const rows = checkRows(report);
  const widths = rows[0]!.map((_, i) => Math.min(48, Math.max(...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    `${report.model || 'policy'}${report.version ? ` v${report.version}` : ''}: ${plainHeadline(report)}`,
    '',
    ...(rows.length > 1
      ? [line(rows[0]!), line(rows[0]!.map((_, i) => '-'.repeat(widths[i]!))), ...rows.slice(1).map(line), '']
      : []),
    ...report.reasons.map((r) => `- ${r}`),
    ...(report.applied.length
      ? [
          '',
          ...(live
            ? [`${live} registry write${live === 1 ? '' : 's'} made (each printed above as "Wrote:" when made)`]
            : []),
          ...(unshown.length ? ['Written:', ...unshown.map((a) => `  ${a}`)] : []),
        ]
      : report.plan.length
        ? ['', report.mode === 'promote' ? 'Planned:' : 'Would write (promote):', ...report.plan.map((p) => `  ${p}`)]
        : []),
    '',
  ].join('\n');
}
