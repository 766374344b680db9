/**
 * The Action's front door: the inputs (through the input helper), the runner's log, outputs,
 * job summary and pull-request comment. The mode itself runs in dispatch.ts, which the CLI
 * calls too; this file only translates and renders.
 */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT_CODES, GateError, PolicyError } from './core/errors.js';
import type { Registry } from './core/registry-model.js';
import { safeLogText, secretSet, type Redactor, type SecretSet } from './core/redact.js';
import { commentMarker, renderComment } from './core/comment.js';
import { heading } from './core/headline.js';
import { formatHistoryLine, noHistory } from './core/history.js';
import { runMode } from './dispatch.js';
import { commentOnPullRequest } from './github/pr-comment.js';
import { forkWithoutServer, readSettings, secretInputs, withIdToken, type EventInfo } from './github/inputs.js';
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
import { ledgerContext, workspacePath } from './wiring.js';

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
      await writeSummary(
        core.summary
          .addHeading(`MLflow promotion gate: ${heading({ decision: 'skipped' })}`, 2)
          .addRaw(`<p>${why}</p>`, true),
      );
      return;
    }
    // github-oidc sign-in: the runner's OIDC token for the audience the sign-in asks (masked by core).
    const settings = withIdToken(
      readSettings((name) => core.getInput(name), process.env, event),
      (audience) => core.getIDToken(audience),
    );
    const context = ledgerContext();
    const outcome = await runMode(settings, {
      log: info,
      warn: (m) => core.warning(redact(m)),
      secrets,
      context,
      ...(deps.wrapRegistry ? { wrapRegistry: deps.wrapRegistry } : {}),
    });
    if (outcome.kind === 'history') {
      core.setOutput('decision', 'passed');
      core.setOutput('wrote', 'false');
      core.setOutput('model', outcome.model);
      core.setOutput('history', JSON.stringify(outcome.history));
      await writeHistorySummary(outcome.model, outcome.history, redact);
      info(outcome.history.length ? outcome.history.map(formatHistoryLine).join('\n') : noHistory(outcome.model));
    } else if (outcome.kind === 'scheduled') {
      const { results, decision } = outcome;
      core.setOutput('decision', decision);
      core.setOutput('wrote', String(results.some((r) => r.wrote)));
      core.setOutput('error-kind', results.find((r) => r.errorKind)?.errorKind ?? '');
      core.setOutput('results', redact(JSON.stringify(results)));
      await writeScheduleSummary(results, decision, redact);
      for (const r of results)
        info(`${r.model}: ${r.decision}${r.candidate ? ` (v${r.candidate})` : ''}: ${r.reasons.join('; ')}`);
    } else {
      const { report, planFile } = outcome;
      setReportOutputs(report, redact);
      if (planFile) core.setOutput('plan-path', await writeJsonFile('plan', planFile, redact, settings.planPath));
      core.setOutput('report-path', await writeJsonFile('report', report, redact));
      await writeReportSummary(report, redact, performance.now() - started);
      if (event.pullRequest && settings.githubToken) {
        const marker = commentMarker(report.model, settings.gate);
        await commentOnPullRequest(
          settings.githubToken,
          event.pullRequest.number,
          marker,
          redact(renderComment(report, marker)),
        );
      }
      info(
        `Decision: ${report.decision} for ${report.model} v${report.version}${report.wrote ? ` (${report.applied.length} registry writes)` : ' (no registry writes)'}`,
      );
    }
    const v = outcome.verdict;
    if (v) {
      if (v.level === 'failed') core.setFailed(redact(v.message));
      else if (v.level === 'warning') core.warning(redact(v.message));
      else core.notice(redact(v.message));
    }
    // After setFailed (which sets 1): the code says why, as the CLI's does.
    if (outcome.exitCode !== EXIT_CODES.ok) process.exitCode = outcome.exitCode;
  } catch (err) {
    await fail(err, redact);
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

/** A JSON file for later steps (the report, a plan): at `wanted` in the workspace, else in the runner's temp folder. */
async function writeJsonFile(what: string, data: unknown, redact: Redactor, wanted?: string): Promise<string> {
  const file = wanted
    ? workspacePath(wanted)
    : path.join(process.env['RUNNER_TEMP'] || tmpdir(), `mlflow-promotion-gate-${what}-${process.pid}.json`);
  await writeFile(file, redact(JSON.stringify(data, null, 2)));
  return file;
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
 * Masks every credential the inputs or the environment hold (before the inputs are validated:
 * a bad input may be the error) in the runner's log, and returns the redactor for outputs,
 * files and the summary. The CLI redacts the same set (secretInputs).
 */
function maskSecrets(): SecretSet {
  const set = secretSet();
  const add = (secret: string) => {
    core.setSecret(secret);
    set.add(secret);
  };
  secretInputs((name) => core.getInput(name), process.env).forEach(add);
  return { add, redact: set.redact };
}
