import { describe, expect, it } from 'vitest';
import {
  appendHistory,
  cachedHistory,
  formatHistoryLine,
  parseHistory,
  rebuildHistory,
  type HistoryEntry,
} from '../../src/core/history.js';
import { LEDGER, LEGACY_LEDGER, MAX_TAG_VALUE } from '../../src/core/tags.js';
import { targetKey } from '../../src/core/target.js';
import { recordTags, versionOf } from './builders.js';

const PROD = 'stage:Production';
const STAGING = 'stage:Staging';
const CHAMPION = 'alias:champion';

describe('the history tag', () => {
  it("keeps the newest first and fits MLflow's 5,000-character limit", () => {
    let text = '';
    for (let i = 1; i <= 60; i++) {
      text = appendHistory(parseHistory(text), {
        version: String(i),
        decision: 'promoted',
        target: targetKey({ alias: 'champion' }),
        previous: [String(i - 1)],
        at: new Date(i * 1e9).toISOString(),
        by: 'a-rather-long-actor-name',
      });
      expect(text.length).toBeLessThanOrEqual(MAX_TAG_VALUE);
    }
    const h = parseHistory(text);
    expect(h[0]!.version).toBe('60');
    expect(h.length).toBeGreaterThan(5);
    expect(h.length).toBeLessThanOrEqual(20);
  });

  it('a damaged tag reads as an empty history', () => {
    expect(parseHistory('{not json')).toEqual([]);
    expect(parseHistory('[1, {"version": "2"}]')).toEqual([{ version: '2' }]);
    expect(cachedHistory(undefined)).toEqual([]);
    expect(cachedHistory({ [LEDGER.history]: '[{"version":"2"}]' })).toEqual([{ version: '2' }]);
  });

  it('one entry as a line', () => {
    expect(
      formatHistoryLine({
        version: '3',
        decision: 'restored',
        target: PROD,
        previous: ['4'],
        at: 't',
        by: 'me',
        reason: 'bad',
      }),
    ).toBe('t  v3  restored to stage:Production (was v4)  by me: bad');
  });
});

describe('rebuildHistory: the records are the truth, the tag a cache', () => {
  const entry = (
    version: string,
    target: string,
    at: string,
    previous: string[] = [],
    by = 'octocat',
  ): HistoryEntry => ({
    version,
    decision: 'promoted',
    target,
    previous,
    at,
    by,
  });

  it('every promotion and restore of every version and target, newest first; other records are no entries', () => {
    const versions = [
      versionOf(
        '1',
        'Production',
        recordTags(
          { target: STAGING, decision: 'promoted', previous: [], at: 't1', by: 'octocat' },
          { target: PROD, decision: 'promoted', previous: [], at: 't2', by: 'octocat' },
          { target: CHAMPION, decision: 'promoted', previous: [], at: 't3', by: 'octocat', reason: 'not kept' },
        ),
      ),
      versionOf('2', 'Archived', recordTags({ target: PROD, decision: 'rejected', previous: ['1'], at: 't4' })),
      versionOf('3', 'None', recordTags({ target: PROD, previous: ['1'] })), // begun: no entry yet
      versionOf(
        '4',
        'None',
        recordTags({ target: CHAMPION, decision: 'restored', previous: ['1'], at: 't5', by: 'alice', reason: 'bad' }),
      ),
      // The single-record layout of earlier releases counts too.
      versionOf('5', 'Archived', {
        [LEGACY_LEDGER.decision]: 'promoted',
        [LEGACY_LEDGER.target]: PROD,
        [LEGACY_LEDGER.previous]: '0',
        [LEGACY_LEDGER.at]: 't0',
        [LEGACY_LEDGER.by]: 'bob',
      }),
    ];
    expect(rebuildHistory(versions, [])).toEqual([
      { version: '4', decision: 'restored', target: CHAMPION, previous: ['1'], at: 't5', by: 'alice', reason: 'bad' },
      entry('1', CHAMPION, 't3'),
      entry('1', PROD, 't2'),
      entry('1', STAGING, 't1'),
      entry('5', PROD, 't0', ['0'], 'bob'),
    ]);
  });

  it('a cached entry of a version whose record for that target says superseded is dropped; for another target, kept', () => {
    const versions = [
      versionOf('3', 'Archived', {
        ...recordTags(
          { target: PROD, decision: 'superseded', previous: ['2'], supersededBy: '4', at: 't2' },
          { target: STAGING, decision: 'promoted', previous: [], at: 't1' },
        ),
      }),
      versionOf('4', 'Production', recordTags({ target: PROD, decision: 'promoted', previous: ['2'], at: 't3' })),
    ];
    // The loser of the race wrote the history tag last: it names v3 as promoted and lost v4's entry.
    const cache = [entry('3', PROD, 't2', ['2']), entry('3', CHAMPION, 't0')];
    expect(rebuildHistory(versions, cache)).toEqual([
      { version: '4', decision: 'promoted', target: PROD, previous: ['2'], at: 't3', by: 'unknown' },
      { version: '3', decision: 'promoted', target: STAGING, previous: [], at: 't1', by: 'unknown' },
      entry('3', CHAMPION, 't0'),
    ]);
  });

  it('a cached entry of a version later rolled back is kept: its record no longer shows the promotion', () => {
    const versions = [
      versionOf(
        '2',
        'Production',
        recordTags({ target: PROD, decision: 'restored', previous: ['3'], at: 't3', by: 'alice', reason: 'bad' }),
      ),
      versionOf(
        '3',
        'Archived',
        recordTags({ target: PROD, decision: 'rolled-back', previous: ['2'], at: 't3', by: 'alice', reason: 'bad' }),
      ),
    ];
    const cache = [entry('3', PROD, 't2', ['2']), entry('2', PROD, 't1', ['1'])];
    expect(rebuildHistory(versions, cache)).toEqual([
      { version: '2', decision: 'restored', target: PROD, previous: ['3'], at: 't3', by: 'alice', reason: 'bad' },
      entry('3', PROD, 't2', ['2']),
      entry('2', PROD, 't1', ['1']),
    ]);
  });

  it('an entry both in the records and in the cache is listed once; a version no longer there keeps its cached entry', () => {
    const versions = [
      versionOf(
        '2',
        'Production',
        recordTags({ target: PROD, decision: 'promoted', previous: ['1'], at: 't2', by: 'octocat' }),
      ),
    ];
    const cache = [entry('2', PROD, 't2', ['1']), entry('1', PROD, 't1')];
    expect(rebuildHistory(versions, cache)).toEqual([entry('2', PROD, 't2', ['1']), entry('1', PROD, 't1')]);
    // Promoted again later (a new `at`): two entries, not one.
    expect(rebuildHistory(versions, [entry('2', PROD, 't0', ['1'])]).map((h) => h.at)).toEqual(['t2', 't0']);
  });

  it('entries at the same moment: the higher version first', () => {
    const versions = [
      versionOf('9', 'None', recordTags({ target: PROD, decision: 'promoted', previous: [], at: 't' })),
      versionOf('10', 'None', recordTags({ target: PROD, decision: 'promoted', previous: [], at: 't' })),
    ];
    expect(rebuildHistory(versions, []).map((h) => h.version)).toEqual(['10', '9']);
  });
});
