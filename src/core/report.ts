/**
 * The report: the whole decision as data (the `report` output) and the rows
 * the job summary shows. Pure.
 */
import type { Check } from './evaluate.js';
import type { Decision, GateDecision, Mode } from './decide.js';
import type { ErrorKind } from './errors.js';
import { describeOp, modelUri, type RegistryOp } from './registry-model.js';
import { sourceCommitOf } from './tags.js';
import { formatNumber, formatPercent } from './thresholds.js';

export interface Report {
  decision: Decision;
  mode: Mode;
  model: string;
  version: string;
  modelUri: string;
  target: { stage?: string; alias?: string };
  previousVersions: string[];
  wrote: boolean;
  checks: Array<
    Omit<Check, 'bounds' | 'observed' | 'baseline' | 'change'> & {
      observed: number | string | null;
      baseline?: { version: string; value: number | string | null };
      change?: { absolute: number | string; relative: number | string | null };
    }
  >;
  reasons: string[];
  /** The writes the decision takes; `applied` says which were made. */
  plan: string[];
  applied: string[];
  policy: string;
  run?: { id: string; status: string };
  /** Where the candidate came from, with links to the MLflow UI. */
  lineage?: { runId: string; experimentId?: string; sourceCommit?: string; runUrl?: string; versionUrl: string };
  errorKind?: ErrorKind;
  error?: string;
}

export function buildReport(args: {
  mode: Mode;
  model: string;
  version: string;
  target: { stage?: string; alias?: string };
  policyFile: string;
  result: GateDecision;
  decision: Decision;
  applied: RegistryOp[];
  run?: { id: string; status: string };
  lineage?: Report['lineage'];
}): Report {
  const { result } = args;
  return {
    decision: args.decision,
    mode: args.mode,
    model: args.model,
    version: args.version,
    modelUri: modelUri(args.model, args.version),
    target: {
      ...(args.target.stage ? { stage: args.target.stage } : {}),
      ...(args.target.alias ? { alias: args.target.alias } : {}),
    },
    previousVersions: result.previousVersions,
    wrote: args.applied.length > 0,
    checks: result.evaluation.checks.map(({ bounds: _b, observed, baseline, change, ...c }) => ({
      ...c,
      observed: jsonNumber(observed),
      ...(baseline ? { baseline: { version: baseline.version, value: jsonNumber(baseline.value) } } : {}),
      ...(change ? { change: { absolute: jsonNumber(change.absolute)!, relative: jsonNumber(change.relative) } } : {}),
    })),
    reasons: result.reasons,
    plan: result.plan.map(describeOp),
    applied: args.applied.map(describeOp),
    policy: args.policyFile,
    ...(args.run ? { run: args.run } : {}),
    ...(args.lineage ? { lineage: args.lineage } : {}),
    // Overtaken by another run: the registry changed under the gate.
    ...(args.decision === 'superseded' ? { errorKind: 'conflict' as const } : {}),
  };
}

/** The candidate's lineage and MLflow UI links (MLflow's UI routes: #/experiments/ID/runs/RUN, #/models/NAME/versions/V). */
export function lineageOf(
  serverUrl: string,
  model: string,
  version: string,
  run?: { runId: string; experimentId?: string; tags: Record<string, string> },
): NonNullable<Report['lineage']> | undefined {
  if (!run) return undefined;
  const commit = sourceCommitOf(run);
  return {
    runId: run.runId,
    ...(run.experimentId
      ? { experimentId: run.experimentId, runUrl: `${serverUrl}/#/experiments/${run.experimentId}/runs/${run.runId}` }
      : {}),
    ...(commit ? { sourceCommit: commit } : {}),
    versionUrl: `${serverUrl}/#/models/${encodeURIComponent(model)}/versions/${version}`,
  };
}

/** JSON has no NaN or Infinity: write them as MLflow does, as strings. */
function jsonNumber(n: number | null): number | string | null {
  return n === null || Number.isFinite(n) ? n : formatNumber(n);
}

const MARK: Record<Check['verdict'], string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  missing: '❌ missing',
  warn: '⚠️ missing (optional)',
};

/** The checks table: a header row, then one row a check, as plain text cells (the adapter escapes them). */
export function checkRows(report: Pick<Report, 'checks'>): string[][] {
  const num = (v: number | string | null | undefined) =>
    v === null || v === undefined ? '—' : typeof v === 'number' ? formatNumber(v) : v;
  const withCompare = report.checks.some((c) => c.baseline);
  return [
    ['Metric', 'Candidate', 'Rule', ...(withCompare ? ['Holder', 'Change'] : []), 'Verdict', 'Detail'],
    ...report.checks.map((c) => [
      c.metric,
      num(c.observed),
      c.rule,
      ...(withCompare
        ? [
            c.baseline ? `v${c.baseline.version}: ${num(c.baseline.value)}` : '—',
            c.change
              ? `${signed(c.change.absolute)}${typeof c.change.relative === 'number' ? ` (${c.change.relative >= 0 ? '+' : ''}${formatPercent(c.change.relative)})` : ''}`
              : '—',
          ]
        : []),
      MARK[c.verdict],
      c.message,
    ]),
  ];
}

function signed(v: number | string): string {
  return typeof v === 'number' ? `${v >= 0 ? '+' : ''}${formatNumber(v)}` : v;
}

/** Escapes text for an HTML table cell or a Markdown line of the job summary. */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/\r?\n/g, ' ');
}
