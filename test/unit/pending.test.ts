import { describe, expect, it } from 'vitest';
import { LEGACY_LEDGER } from '../../src/core/tags.js';
import { likePrefix, modelSearch, pendingVersions } from '../../src/core/pending.js';
import type { ModelVersion } from '../../src/core/registry-model.js';
import { recordTags } from './builders.js';

const v = (version: string, stage = 'None', tags: Record<string, string> = {}, status = 'READY'): ModelVersion => ({
  name: 'm',
  version,
  stage,
  status,
  tags,
  aliases: [],
});

describe('pending versions', () => {
  const versions = [
    v('1', 'Archived'),
    v('2', 'Production'),
    v('3'),
    // Rejected for stage:Production only: still undecided for any other target.
    v('4', 'None', recordTags({ target: 'stage:Production', decision: 'rejected', previous: ['2'] })),
    v('5', 'None', {}, 'PENDING_REGISTRATION'),
    v('6'),
  ];
  it('READY, newer than the holder, undecided; newest first', () => {
    expect(
      pendingVersions(versions, { stage: 'Production', archiveExisting: true }, {}, false).map((x) => x.version),
    ).toEqual(['6', '3']);
  });
  it('force takes decided versions too', () => {
    expect(
      pendingVersions(versions, { stage: 'Production', archiveExisting: true }, {}, true).map((x) => x.version),
    ).toEqual(['6', '4', '3']);
  });
  it('the alias holder counts as the holder (v4, decided for stage:Production only, is pending for the alias)', () => {
    expect(
      pendingVersions(versions, { alias: 'champion', archiveExisting: true }, { champion: '3' }, false).map(
        (x) => x.version,
      ),
    ).toEqual(['6', '4']);
  });
  it('with no holder every READY version undecided for the target is pending', () => {
    expect(
      pendingVersions(versions, { alias: 'champion', archiveExisting: true }, {}, false).map((x) => x.version),
    ).toEqual(['6', '4', '3', '2', '1']);
    expect(
      pendingVersions(versions.slice(2), { stage: 'Production', archiveExisting: true }, {}, false).map(
        (x) => x.version,
      ),
    ).toEqual(['6', '3']);
  });
});

describe('pending for a target: undecided by the record for that target', () => {
  const production = { stage: 'Production' as const, archiveExisting: true };
  const staging = { stage: 'Staging' as const, archiveExisting: false };
  it('a version the staging gate promoted is pending for the production gate, not for the staging gate', () => {
    const staged = v('1', 'Staging', recordTags({ target: 'stage:Staging', decision: 'promoted', previous: [] }));
    expect(pendingVersions([staged], production, {}, false).map((x) => x.version)).toEqual(['1']);
    // For the staging gate it is the holder itself, and decided.
    expect(pendingVersions([staged], staging, {}, false)).toEqual([]);
    expect(pendingVersions([{ ...staged, stage: 'None' }], staging, {}, false)).toEqual([]);
  });
  it('a begun record counts as undecided; any decision (and the single-record layout) as decided', () => {
    const versions = [
      v('1', 'None', recordTags({ target: 'stage:Production', previous: [], ruleHash: 'sha256:1' })),
      v('2', 'None', recordTags({ target: 'stage:Production', decision: 'superseded', previous: [] })),
      v('3', 'None', recordTags({ target: 'stage:Production', decision: 'rolled-back', previous: [] })),
      v('4', 'None', { [LEGACY_LEDGER.decision]: 'rejected', [LEGACY_LEDGER.target]: 'stage:Production' }),
      v('5', 'None', { [LEGACY_LEDGER.decision]: 'rejected', [LEGACY_LEDGER.target]: 'stage:Staging' }),
      v('6', 'None', recordTags({ target: 'alias:champion+stage:Production', decision: 'rejected', previous: [] })),
    ];
    expect(pendingVersions(versions, production, {}, false).map((x) => x.version)).toEqual(['6', '5', '1']);
    expect(
      pendingVersions(versions, { stage: 'Production', alias: 'champion', archiveExisting: true }, {}, false).map(
        (x) => x.version,
      ),
    ).toEqual(['5', '4', '3', '2', '1']);
  });
});

describe('models input', () => {
  it('matches globs exactly after the LIKE prefilter (where _ and % are wildcards)', () => {
    expect(likePrefix('churn_*')).toBe('churn_');
    expect(likePrefix('fraud')).toBe('fraud');
    const s = modelSearch(['churn_*', 'fraud']);
    expect(s.names).toEqual(['fraud']);
    expect(s.prefixes).toEqual(['churn_']);
    expect(['churn_a', 'churnXb', 'churn_b', 'other'].filter((n) => s.wanted(n, 'churn_'))).toEqual([
      'churn_a',
      'churn_b',
    ]);
  });

  it('searches each prefix once, none inside another, so no model comes from two searches', () => {
    const s = modelSearch(['ab*', 'a*x', 'b?', 'abc*', 'b*', 'c']);
    expect(s.prefixes).toEqual(['a', 'b']);
    expect(s.wanted('abz', 'a')).toBe(true); // ab*
    expect(s.wanted('aqx', 'a')).toBe(true); // a*x
    expect(s.wanted('aqy', 'a')).toBe(false); // LIKE found it; no glob matches
    expect(s.wanted('bq', 'a')).toBe(false); // not the prefix searched
    expect(modelSearch(['*', 'x*']).prefixes).toEqual(['']);
  });

  it('keeps exact names to themselves: gated as given (a missing one is reported), never again from a search', () => {
    const s = modelSearch(['fraud', 'fr*', 'fraud']);
    expect(s.names).toEqual(['fraud']);
    expect(s.wanted('fraud', 'fr')).toBe(false);
    expect(s.wanted('fraud2', 'fr')).toBe(true);
  });
});
