/**
 * The pull-request comment: the decision, every check, the lineage and the plan, as
 * GitHub Markdown, bounded to GitHub's 65,536 characters. Pure.
 */
import { headline } from './headline.js';
import { checkRows, escapeCell, type Report } from './report.js';
import { MLFLOW_TAGS } from './tags.js';
import { describeTarget } from './target.js';

export const COMMENT_LIMIT = 65_536;

/** The hidden marker that finds this gate's comment again (one a model and gate). */
export function commentMarker(model: string, gate?: string): string {
  return `<!-- mlflow-promotion-gate: ${escapeCell(model)}${gate ? ` gate=${escapeCell(gate)}` : ''} -->`;
}

export function renderComment(report: Report, marker: string, limit = COMMENT_LIMIT): string {
  const e = escapeCell;
  const head = [
    marker,
    `### MLflow promotion gate: ${e(report.model)} v${e(report.version)} ${e(headline(report))}`,
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
        `- source commit: ${l.sourceCommit ? `\`${e(l.sourceCommit)}\`` : `not recorded (tag ${MLFLOW_TAGS.sourceCommit})`}`,
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
