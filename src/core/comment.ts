/**
 * The pull-request comment: the decision, every check, the lineage and the plan, as
 * GitHub Markdown, bounded to GitHub's 65,536 characters. Pure.
 */
import { checkRows, escapeCell, type Report } from './report.js';
import { describeTarget } from './policy.js';

export const COMMENT_LIMIT = 65_536;
const HEADLINE: Record<string, string> = {
  promoted: '✅ promoted',
  'already-promoted': '✅ already promoted',
  passed: '✅ would be promoted',
  rejected: '❌ rejected',
  skipped: '⏭️ skipped',
  'rolled-back': '↩️ rolled back',
  superseded: '⚠️ superseded by another run',
  conflict: '⚠️ conflict',
  error: '❌ error',
};

/** The hidden marker that finds this gate's comment again (one a model and gate). */
export function commentMarker(model: string, gate?: string): string {
  return `<!-- mlflow-promotion-gate: ${escapeCell(model)}${gate ? ` gate=${escapeCell(gate)}` : ''} -->`;
}

export function renderComment(report: Report, marker: string, limit = COMMENT_LIMIT): string {
  const e = escapeCell;
  const head = [
    marker,
    `### MLflow promotion gate: ${e(report.model)} v${e(report.version)} ${HEADLINE[report.decision] ?? e(report.decision)}`,
    '',
    `Target: **${e(describeTarget(report.target))}** · mode \`${e(report.mode)}\` · policy \`${e(report.policy)}\``,
    '',
  ];
  const [header, ...rows] = checkRows(report);
  const table = (rs: string[][]) => [
    `| ${header!.map(e).join(' | ')} |`,
    `|${header!.map(() => ' --- ').join('|')}|`,
    ...rs.map((r) => `| ${r.map(e).join(' | ')} |`),
  ];
  const l = report.lineage;
  const lineage = l
    ? [
        '',
        '**Lineage**',
        `- run ${l.runUrl ? `[\`${e(l.runId)}\`](${l.runUrl})` : `\`${e(l.runId)}\``}${l.experimentId ? ` in experiment \`${e(l.experimentId)}\`` : ''}`,
        `- source commit: ${l.sourceCommit ? `\`${e(l.sourceCommit)}\`` : 'not recorded (tag mlflow.source.git.commit)'}`,
        `- [model version in MLflow](${l.versionUrl})`,
      ]
    : [];
  const changes = report.applied.length > 0 ? report.applied : report.plan;
  const plan = [
    '',
    `**Registry changes ${report.applied.length > 0 ? 'made' : report.mode === 'promote' ? 'planned' : 'that promote mode would make'}**`,
    ...(changes.length ? changes.map((c) => `- ${e(c)}`) : ['- none']),
  ];
  const why = report.reasons.length ? ['', '**Why**', ...report.reasons.map((r) => `- ${e(r)}`)] : [];

  let body = [...head, ...table(rows), ...why, ...lineage, ...plan].join('\n');
  if (body.length <= limit) return body;
  // Too long: the checks fold into <details>, as many rows as fit, and the rest are counted.
  const fixed = [...head, ...why.slice(0, 6), ...lineage, ...plan.slice(0, 12)].join('\n');
  const room = limit - fixed.length - 400;
  const kept: string[][] = [];
  let used = 0;
  for (const r of rows) {
    const line = `| ${r.map(e).join(' | ')} |`.length + 1;
    if (used + line > room) break;
    kept.push(r);
    used += line;
  }
  const more = rows.length - kept.length;
  body = [
    ...head,
    `<details><summary>${rows.length} checks${more ? ` (${more} not shown: see the job summary)` : ''}</summary>`,
    '',
    ...table(kept),
    '',
    '</details>',
    ...why.slice(0, 6),
    ...lineage,
    ...plan.slice(0, 12),
  ].join('\n');
  return body.slice(0, limit);
}
