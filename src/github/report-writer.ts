/**
 * Writes what the gate decided where GitHub shows it: step outputs, the job
 * summary and annotations. Everything passes through the redactor first.
 */
import * as core from '@actions/core';
import type { Decision } from '../core/decide.js';
import type { PolicyProblem } from '../core/errors.js';
import { heading } from '../core/headline.js';
import { noHistory, type HistoryEntry } from '../core/history.js';
import type { Redactor } from '../core/redact.js';
import { checkRows, escapeCell, type Report } from '../core/report.js';
import { describeTarget } from '../core/target.js';

export function setReportOutputs(report: Report, redact: Redactor): void {
  core.setOutput('decision', report.decision);
  core.setOutput('wrote', String(report.wrote));
  core.setOutput('error-kind', report.errorKind ?? '');
  core.setOutput('model', report.model);
  core.setOutput('version', report.version);
  core.setOutput('previous-version', report.previousVersions.join(','));
  core.setOutput('model-uri', report.modelUri);
  core.setOutput('report', redact(JSON.stringify(report)));
}

export function setErrorOutputs(kind: string, message: string, wrote: boolean, redact: Redactor): void {
  // A registry that changed under the gate is its own decision; every other failure is an error.
  core.setOutput('decision', kind === 'conflict' ? 'conflict' : 'error');
  core.setOutput('wrote', String(wrote));
  core.setOutput('error-kind', kind);
  core.setOutput(
    'report',
    redact(
      JSON.stringify({ decision: kind === 'conflict' ? 'conflict' : 'error', errorKind: kind, error: message, wrote }),
    ),
  );
}

export async function writeReportSummary(report: Report, redact: Redactor, elapsedMs?: number): Promise<void> {
  const e = (t: string) => escapeCell(redact(t));
  const s = core.summary
    .addHeading(`MLflow promotion gate: ${e(heading(report))}`, 2)
    .addRaw(
      `<p><b>${e(report.model)}</b> version <b>${e(report.version)}</b> → <b>${e(describeTarget(report.target))}</b> (mode ${e(report.mode)}, policy <code>${e(report.policy)}</code>)</p>`,
      true,
    );
  const [header, ...rows] = checkRows(report);
  s.addTable([header!.map((h) => ({ data: e(h), header: true })), ...rows.map((r) => r.map(e))]);
  if (report.reasons.length > 0) s.addRaw('<p><b>Why</b></p>', true).addList(report.reasons.map(e));
  if (report.applied.length > 0) s.addRaw('<p><b>Registry changes made</b></p>', true).addList(report.applied.map(e));
  else if (report.plan.length > 0)
    s.addRaw(
      `<p><b>Registry changes ${report.mode === 'promote' ? 'planned' : 'that promote mode would make'}</b> (none made)</p>`,
      true,
    ).addList(report.plan.map(e));
  else s.addRaw('<p>No registry changes.</p>', true);
  if (report.previousVersions.length > 0)
    s.addRaw(
      `<p>Previous holder(s) of ${e(describeTarget(report.target))}: ${e(report.previousVersions.join(', '))}</p>`,
      true,
    );
  const l = report.lineage;
  if (l) {
    const run = l.runUrl ? `<a href="${e(l.runUrl)}">${e(l.runId)}</a>` : e(l.runId);
    s.addRaw(
      `<p><b>Lineage</b>: run ${run}${l.experimentId ? ` in experiment ${e(l.experimentId)}` : ''}; source commit ${l.sourceCommit ? `<code>${e(l.sourceCommit)}</code>` : 'not recorded'}; <a href="${e(l.versionUrl)}">model version in MLflow</a></p>`,
      true,
    );
  }
  if (elapsedMs !== undefined) s.addRaw(`<p>Took ${(elapsedMs / 1000).toFixed(2)} s.</p>`, true);
  await writeSummary(s);
}

export async function writeErrorSummary(
  kind: string,
  message: string,
  problems: PolicyProblem[],
  redact: Redactor,
): Promise<void> {
  const e = (t: string) => escapeCell(redact(t));
  const s = core.summary
    .addHeading(`MLflow promotion gate: ${e(heading({ decision: 'error' }))}`, 2)
    .addRaw(
      `<p><b>${e(kind)} error</b>: ${e(problems.length > 0 ? `${problems.length} problem(s) in the policy` : message)}</p>`,
      true,
    );
  if (problems.length > 0) s.addList(problems.map((p) => e(`${p.file}:${p.line}:${p.column}: ${p.message}`)));
  await writeSummary(s);
}

/** GitHub shows at most 10 error annotations a step; the summary lists every problem. */
export function annotateProblems(problems: PolicyProblem[], redact: Redactor): void {
  for (const p of problems) {
    core.error(redact(p.message), {
      title: 'Policy error',
      file: p.file,
      startLine: p.line,
      startColumn: p.column,
      endLine: p.line,
    });
  }
}

/** The scheduled run's table: one row a model. */
export async function writeScheduleSummary(
  results: Array<{ model: string; candidate?: string; decision: Decision; reasons: string[] }>,
  decision: Decision,
  redact: Redactor,
): Promise<void> {
  const e = (t: string) => escapeCell(redact(t));
  const s = core.summary
    .addHeading(`MLflow promotion gate: ${e(heading({ decision }))} (${results.length} models)`, 2)
    .addTable([
      ['Model', 'Candidate', 'Decision', 'Why'].map((h) => ({ data: h, header: true })),
      ...results.map((r) => [
        e(r.model),
        e(r.candidate ? `v${r.candidate}` : '—'),
        e(heading({ decision: r.decision, ...(r.candidate ? { version: r.candidate } : {}) })),
        e(r.reasons.join('; ')),
      ]),
    ]);
  await writeSummary(s);
}

/** `mode: history`: the ledger's history of the model as a table. */
export async function writeHistorySummary(model: string, history: HistoryEntry[], redact: Redactor): Promise<void> {
  const e = (t: string) => escapeCell(redact(t));
  const s = core.summary.addHeading(`MLflow promotion gate: history of ${e(model)}`, 2);
  if (history.length === 0) {
    await writeSummary(s.addRaw(e(noHistory(model)), true));
    return;
  }
  s.addTable([
    ['When', 'Version', 'Decision', 'Target', 'Replaced', 'By', 'Reason'].map((h) => ({ data: h, header: true })),
    ...history.map((h) => [
      e(h.at),
      e(`v${h.version}`),
      e(h.decision),
      e(h.target),
      e(h.previous.map((p) => `v${p}`).join(', ') || '—'),
      e(h.by),
      e(h.reason ?? ''),
    ]),
  ]);
  await writeSummary(s);
}

/**
 * Writes the job summary; where the runner gives none (GITHUB_STEP_SUMMARY unset: a local run,
 * an old runner), says so once instead of failing the step.
 */
export async function writeSummary(s: typeof core.summary): Promise<void> {
  try {
    await s.write();
  } catch (err) {
    s.emptyBuffer();
    core.warning(`No job summary was written: ${(err as Error).message}`);
  }
}
