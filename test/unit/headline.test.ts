// A decision's heading and headline: one definition (src/core/headline.ts), and every
// renderer shows it: the job summary, the schedule table, the PR comment, Slack.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commentMarker, renderComment } from '../../src/core/comment.js';
import { DECISIONS, type Decision } from '../../src/core/decide.js';
import { decisionWords, heading, headline, plainHeadline } from '../../src/core/headline.js';
import { slackMessage } from '../../src/core/notification.js';
import type { Report } from '../../src/core/report.js';
import { writeErrorSummary, writeReportSummary, writeScheduleSummary } from '../../src/github/report-writer.js';

const MARK = /^(✅|❌|⏭️|↩️|⚠️) /u;
/** The decision values a renderer that fell back to the raw value would show. */
const HYPHENATED = DECISIONS.filter((d) => d.includes('-'));

const report = (decision: Decision, over: Partial<Report> = {}): Report => ({
  decision,
  mode: decision === 'rolled-back' ? 'rollback' : 'promote',
  model: 'churn',
  version: '2',
  modelUri: 'models:/churn/2',
  target: { stage: 'Production' },
  previousVersions: ['3'],
  wrote: false,
  checks: [],
  reasons: ['because'],
  plan: [],
  applied: [],
  policy: 'p.yml',
  ...over,
});

/**
 * What a person reads as the decision is never a raw decision value: it starts with a mark (a
 * renderer falling back to the raw value has none) and holds no value's hyphenated form.
 */
function expectWords(text: string, d: Decision): void {
  expect(text, d).toMatch(MARK);
  for (const raw of HYPHENATED) expect(text, d).not.toContain(raw);
}

describe('one definition of what a decision is called', () => {
  it.each(DECISIONS)('%s: heading, headline and the terminal form are words, not the raw value', (d) => {
    const r = report(d);
    expectWords(heading(r), d);
    expectWords(headline(r), d);
    const plain = plainHeadline(r);
    // The terminal shouts the words (REJECTED, as it always has), never ALREADY-PROMOTED.
    for (const raw of HYPHENATED) expect(plain.toLowerCase()).not.toContain(raw);
    // The three forms are one definition: the same words, cased for their place.
    const w = decisionWords(r);
    expect(heading(r).toLowerCase()).toBe(headline(r).toLowerCase());
    expect(headline(r)).toBe(`${w.mark} ${w.label}${w.detail}`);
    expect(plain).toBe(`${w.label.toUpperCase()}${w.detail}`);
  });

  it('keeps the words the summary, the comment and the terminal showed', () => {
    expect(heading(report('promoted'))).toBe('✅ Promoted');
    expect(heading(report('rejected'))).toBe('❌ Rejected');
    expect(heading(report('passed'))).toBe('✅ Passed (nothing written)');
    expect(headline(report('rejected'))).toBe('❌ rejected');
    expect(headline(report('superseded'))).toBe('⚠️ superseded by another run');
    expect(plainHeadline(report('rejected'))).toBe('REJECTED');
    expect(plainHeadline(report('already-promoted'))).toBe('ALREADY PROMOTED');
  });

  it('a rollback names the version withdrawn and the version restored', () => {
    const r = report('rolled-back', { version: '2', previousVersions: ['3'] });
    expect(heading(r)).toBe('↩️ Rolled back: v3 withdrawn, v2 restored');
    expect(headline(r)).toBe('↩️ rolled back: v3 withdrawn, v2 restored');
    expect(plainHeadline(r)).toBe('ROLLED BACK: v3 withdrawn, v2 restored');
    // Nothing held the target: only the restored version to name.
    expect(heading(report('rolled-back', { previousVersions: [] }))).toBe('↩️ Rolled back: v2 restored');
    expect(heading({ decision: 'rolled-back' })).toBe('↩️ Rolled back');
  });
});

describe('every renderer shows the one definition', () => {
  let file: string;
  const summary = async (write: () => Promise<void>): Promise<string> => {
    writeFileSync(file, '');
    await write();
    return readFileSync(file, 'utf8');
  };
  const h2 = (html: string) => /<h2>(.*?)<\/h2>/su.exec(html)?.[1] ?? '';
  const after = (text: string, prefix: string) => text.slice(text.indexOf(prefix) + prefix.length);

  beforeAll(() => {
    file = join(mkdtempSync(join(tmpdir(), 'headline-')), 'summary.md');
    writeFileSync(file, '');
    process.env['GITHUB_STEP_SUMMARY'] = file;
  });

  it.each(DECISIONS)('%s: the job summary heading', async (d) => {
    const r = report(d);
    const title = after(h2(await summary(() => writeReportSummary(r, (t) => t))), 'MLflow promotion gate: ');
    expect(title).toBe(heading(r));
    expectWords(title, d);
  });

  it.each(DECISIONS)('%s: the schedule heading and its table cells', async (d) => {
    const html = await summary(() =>
      writeScheduleSummary([{ model: 'churn', candidate: '2', decision: d, reasons: ['because'] }], d, (t) => t),
    );
    const title = after(h2(html), 'MLflow promotion gate: ');
    expect(title).toBe(`${heading({ decision: d })} (1 models)`);
    expectWords(title, d);
    const cell = /<td>v2<\/td><td>(.*?)<\/td>/su.exec(html)?.[1] ?? '';
    expect(cell).toBe(heading({ decision: d, version: '2' }));
    expectWords(cell, d);
  });

  it('the error summary heading', async () => {
    const title = after(h2(await summary(() => writeErrorSummary('registry', 'down', [], (t) => t))), 'gate: ');
    expect(title).toBe(heading({ decision: 'error' }));
  });

  it.each(DECISIONS)('%s: the pull-request comment headline', (d) => {
    const r = report(d);
    const line = renderComment(r, commentMarker('churn')).split('\n')[1]!;
    const words = after(line, '### MLflow promotion gate: churn v2 ');
    expect(words).toBe(headline(r));
    expectWords(words, d);
  });

  it.each(DECISIONS)('%s: the Slack message', (d) => {
    const r = report(d);
    const w = decisionWords(r);
    const first = slackMessage(r).text.split('\n')[0]!;
    expect(first).toBe(`${w.mark} *churn* v2: *${w.label}${w.detail}* (stage Production)`);
    expectWords(first.replace(/\*/g, ''), d);
  });

  it('a rollback reads the same everywhere: which version was withdrawn, which restored', async () => {
    const r = report('rolled-back', { version: '2', previousVersions: ['3'] });
    const both = /v3 withdrawn, v2 restored/;
    expect(h2(await summary(() => writeReportSummary(r, (t) => t)))).toMatch(both);
    expect(renderComment(r, commentMarker('churn')).split('\n')[1]).toMatch(both);
    expect(slackMessage(r).text).toMatch(both);
  });
});
