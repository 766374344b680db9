/**
 * The Action's entry: read the settings, wire the adapters, run the gate,
 * report. It only dispatches; the logic lives in gate.ts and core/.
 */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT_CODES, GateError, InputError, PolicyError } from './core/errors.js';
import { reportExitCode } from './core/report.js';
import type { Registry } from './core/registry-model.js';
import { safeLogText, secretForms, secretSet, type Redactor, type SecretSet } from './core/redact.js';
import { readHistory, runGate } from './gate.js';
import { commentMarker, renderComment } from './core/comment.js';
import { commentOnPullRequest } from './github/pr-comment.js';
import { defaultBranchChecker } from './github/provenance.js';
import { loadPolicyFile } from './core/policy.js';
import { overallDecision, runScheduled, type ModelResult } from './schedule.js';
import { forkWithoutServer, parseHeaders, readSettings, type EventInfo } from './github/inputs.js';
import {
  writeSummary,
  annotateProblems,
  setErrorOutputs,
  setReportOutputs,
  writeErrorSummary,
  writeHistorySummary,
  writeReportSummary,
  writeScheduleSummary,
} from './github/report-writer.js';
import { connect, gateRequest, ledgerContext, readPolicy } from './wiring.js';
import { formatHistoryLine } from './core/ledger.js';
import { notify } from './notify.js';
import { parsePlanFile, type PlanFile } from './core/plan-file.js';

/** What a test may put around the adapters (as actions/cache's entry points pass their state provider). */
export interface ActionDeps {
  /** Wraps the registry adapter: the fault sweep's deliberately broken variant uses it. */
  wrapRegistry?: (registry: Registry) => Registry;
}

export async function run(deps: ActionDeps = {}): Promise<void> {
  const started = performance.now();
  const secrets = maskSecrets();
  const redact = secrets.redact;
  const info = logger(redact);
  try {
    const event = eventInfo();
    if (forkWithoutServer((name) => core.getInput(name), process.env, event)) {
      const why =
        'This pull request comes from a fork, which gets no secrets or variables: no tracking server is set, so the gate did not run. It runs on pull requests from this repository and after merge.';
      core.notice(why);
      core.setOutput('decision', 'skipped');
      core.setOutput('wrote', 'false');
      await writeSummary(core.summary.addHeading('MLflow promotion gate: ⏭️ Skipped', 2).addRaw(`<p>${why}</p>`, true));
      return;
    }
    const settings = readSettings((name) => core.getInput(name), process.env, event);
    // A rollback given its target needs no policy file (a dispatch job often does not check out the repository).
    const policyOptional = (settings.mode === 'rollback' && settings.rollback.target) || settings.mode === 'history';
    const policyText = policyOptional
      ? await readPolicy(settings.policyPath).catch(() => '')
      : await readPolicy(settings.policyPath);
    const connected = settings.trackingUri ? await connect(settings, settings.trackingUri, secrets) : undefined;
    const registry = connected && deps.wrapRegistry ? deps.wrapRegistry(connected) : connected;
    if (settings.mode === 'history') {
      const model = settings.model ?? (policyText ? loadPolicyFile(policyText, settings.policyPath).model : undefined);
      if (!model || !registry) throw new InputError('mode "history" needs the input "model" and a tracking server');
      const history = await readHistory(registry, model);
      core.setOutput('decision', 'passed');
      core.setOutput('wrote', 'false');
      core.setOutput('model', model);
      core.setOutput('history', JSON.stringify(history));
      await writeHistorySummary(model, history, redact);
      info(history.length ? history.map(formatHistoryLine).join('\n') : `no history recorded for ${model}`);
      return;
    }
    const many =
      settings.models.length > 0
        ? settings.models
        : settings.mode === 'audit' && settings.model
          ? [settings.model]
          : [];
    if (settings.mode === 'audit' && many.length === 0)
      throw new InputError('mode "audit" needs the input "models" (or "model")');
    if (
      many.length > 0 &&
      registry &&
      (settings.mode === 'promote' || settings.mode === 'evaluate' || settings.mode === 'audit')
    ) {
      const results = await runScheduled(
        {
          patterns: many,
          mode: settings.mode,
          auditRules: settings.auditRules,
          policyFile: settings.policyPath,
          policyText,
          ...(settings.gate ? { gate: settings.gate } : {}),
          force: settings.rollback.force,
          context: ledgerContext(),
        },
        { registry, log: info },
      );
      await reportScheduled(results, settings.failOnReject, redact, settings.mode === 'audit');
      return;
    }
    const { report, planFile } = await runGate(
      {
        ...gateRequest(settings, policyText, ledgerContext()),
        ...(settings.planPath ? { planFile: await readPlanFile(settings.planPath) } : {}),
      },
      {
        ...(registry ? { registry } : {}),
        log: info,
        ...(githubToken() ? { isOnDefaultBranch: defaultBranchChecker(githubToken()) } : {}),
      },
    );
    setReportOutputs(report, redact);
    if (planFile) core.setOutput('plan-path', await writeJsonFile('plan', planFile, redact));
    core.setOutput('report-path', await writeJsonFile('report', report, redact));
    await writeReportSummary(report, redact, performance.now() - started);
    await notify(report, settings.notify, ledgerContext(), (m) => core.warning(redact(m)));
    const token = githubToken();
    if (event.pullRequest && token) {
      await commentOnPullRequest(
        token,
        event.pullRequest.number,
        commentMarker(report.model, settings.gate),
        redact(renderComment(report, commentMarker(report.model, settings.gate))),
      );
    }
    info(
      `Decision: ${report.decision} for ${report.model} v${report.version}${report.wrote ? ` (${report.applied.length} registry writes)` : ' (no registry writes)'}`,
    );
    const exitCode = reportExitCode(report, {
      failOnReject: settings.failOnReject,
      askedByNumber: settings.version !== 'latest',
    });
    if (report.decision === 'rejected') {
      const why =
        report.mode === 'lint'
          ? `${report.reasons.join('; ')}`
          : `${report.model} v${report.version} was rejected by the policy: ${report.reasons.join('; ')}`;
      if (exitCode !== EXIT_CODES.ok) core.setFailed(redact(why));
      else core.warning(redact(why));
    }
    if (report.decision === 'skipped') {
      // A version asked for by number must be eligible; `latest` that is not yet eligible is only noted.
      const why = `${report.model} v${report.version} is not eligible, so it was skipped: ${report.reasons.join('; ')}`;
      if (exitCode !== EXIT_CODES.ok) core.setFailed(redact(why));
      else core.notice(redact(why));
    }
    if (report.decision === 'superseded')
      core.setFailed(redact(`conflict: ${report.reasons[0] ?? 'another run overtook this one'}`));
    // After setFailed (which sets 1): the code says why, as the CLI's does.
    if (exitCode !== EXIT_CODES.ok) process.exitCode = exitCode;
  } catch (err) {
    await fail(err, redact);
  }
}

/** Outputs, summary and the step's result for a scheduled run over many models. */
async function reportScheduled(
  results: ModelResult[],
  failOnReject: boolean,
  redact: Redactor,
  audit: boolean,
): Promise<void> {
  const decision = overallDecision(results);
  core.setOutput('decision', decision);
  core.setOutput('wrote', String(results.some((r) => r.wrote)));
  core.setOutput('error-kind', results.find((r) => r.errorKind)?.errorKind ?? '');
  core.setOutput('results', redact(JSON.stringify(results)));
  await writeScheduleSummary(results, decision, redact);
  const info = logger(redact);
  for (const r of results)
    info(`${r.model}: ${r.decision}${r.candidate ? ` (v${r.candidate})` : ''}: ${r.reasons.join('; ')}`);
  const errors = results.filter((r) => r.decision === 'error' || r.decision === 'superseded');
  const rejected = results.filter((r) => r.decision === 'rejected');
  if (errors.length > 0) {
    core.setFailed(
      redact(
        `${errors.length} of ${results.length} model(s) failed: ${errors.map((r) => `${r.model}: ${r.reasons[0] ?? ''}`).join('; ')}`,
      ),
    );
    process.exitCode = EXIT_CODES[errors[0]!.errorKind ?? 'registry'];
  } else if (rejected.length > 0 && failOnReject) {
    const what = audit ? 'hold a version the ledger does not account for' : 'had only rejected candidates';
    core.setFailed(
      redact(
        `${rejected.length} model(s) ${what}: ${rejected.map((r) => `${r.model} v${r.candidate}: ${r.reasons.join('; ')}`).join(' | ')}`,
      ),
    );
    process.exitCode = EXIT_CODES.rejected;
  }
}

/** The log, for text that holds registry values: redacted, and never read as a workflow command. */
function logger(redact: Redactor): (text: string) => void {
  return (text) => core.info(safeLogText(redact(text)));
}

async function fail(err: unknown, redact: Redactor): Promise<void> {
  const gateError = err instanceof GateError ? err : undefined;
  const kind = gateError?.kind ?? 'registry';
  const message = redact(
    gateError ? gateError.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`,
  );
  const problems = err instanceof PolicyError ? err.problems : [];
  try {
    annotateProblems(problems, redact);
    setErrorOutputs(kind, message, gateError?.wrote ?? false, redact);
    await writeErrorSummary(kind, message, problems, redact);
  } finally {
    core.setFailed(`${kind} error: ${message}`);
    process.exitCode = EXIT_CODES[kind];
  }
}

function githubToken(): string {
  return core.getInput('github-token').trim();
}

/** A JSON file for later steps (the report, a plan), in the runner's temp folder. */
async function writeJsonFile(what: string, data: unknown, redact: Redactor): Promise<string> {
  const file = path.join(process.env['RUNNER_TEMP'] || tmpdir(), `mlflow-promotion-gate-${what}-${process.pid}.json`);
  await writeFile(file, redact(JSON.stringify(data, null, 2)));
  return file;
}

async function readPlanFile(planPath: string): Promise<PlanFile> {
  const full = path.resolve(process.env['GITHUB_WORKSPACE'] ?? process.cwd(), planPath);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new InputError(
      `input "plan": ${planPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  try {
    return parsePlanFile(text, `input "plan" (${planPath})`);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

/** The triggering event, from the payload at GITHUB_EVENT_PATH (github.context reads the same). */
function eventInfo(): EventInfo {
  const name = process.env['GITHUB_EVENT_NAME'];
  let payload: {
    pull_request?: {
      number?: number;
      head?: { repo?: { fork?: boolean; full_name?: string } };
      base?: { repo?: { full_name?: string } };
    };
  } = {};
  try {
    const path = process.env['GITHUB_EVENT_PATH'];
    if (path) payload = JSON.parse(readFileSync(path, 'utf8')) as typeof payload;
  } catch {
    // no readable payload: not a pull request as far as we can tell
  }
  const pr = payload.pull_request;
  const fork =
    Boolean(pr?.head?.repo?.fork) ||
    (pr?.head?.repo?.full_name !== undefined && pr.head.repo.full_name !== pr.base?.repo?.full_name);
  return {
    ...(name ? { name } : {}),
    ...(pr?.number !== undefined ? { pullRequest: { number: pr.number, fork } } : {}),
  };
}

/**
 * Masks every credential the inputs or the environment hold (before the
 * inputs are validated: a bad input may be the error) in the runner's log, and
 * returns the redactor for outputs, files and the summary.
 */
function maskSecrets(): SecretSet {
  const env = (name: string) => process.env[name] ?? '';
  const sources = [
    {
      token: core.getInput('tracking-token'),
      username: core.getInput('tracking-username'),
      password: core.getInput('tracking-password'),
    },
    {
      token: env('MLFLOW_TRACKING_TOKEN'),
      username: env('MLFLOW_TRACKING_USERNAME'),
      password: env('MLFLOW_TRACKING_PASSWORD'),
    },
    {
      token: core.getInput('databricks-token'),
      username: core.getInput('databricks-client-id'),
      password: core.getInput('databricks-client-secret'),
    },
    {
      token: env('DATABRICKS_TOKEN'),
      username: env('DATABRICKS_CLIENT_ID'),
      password: env('DATABRICKS_CLIENT_SECRET'),
    },
  ];
  // Extra headers often carry credentials (identity-aware proxies): their values are secrets too.
  let headerValues: string[] = [];
  try {
    headerValues = Object.values(parseHeaders(core.getInput('extra-headers'))).filter((v) => v.length >= 4);
  } catch {
    // a malformed input is reported by readSettings
  }
  const notifySecrets = ['slack-webhook-url', 'webhook-url', 'webhook-secret', 'github-token']
    .map((n) => core.getInput(n).trim())
    .filter((v) => v.length >= 4);
  const forms = [
    ...headerValues,
    ...notifySecrets,
    ...sources.flatMap((s) => [
      ...secretForms({ token: s.token, password: s.password }),
      ...secretForms({ token: s.token.trim(), username: s.username.trim(), password: s.password }),
    ]),
  ];
  const set = secretSet();
  const add = (secret: string) => {
    core.setSecret(secret);
    set.add(secret);
  };
  new Set(forms).forEach(add);
  return { add, redact: set.redact };
}
