import { describe, expect, it } from 'vitest';
import { LEDGER } from '../../src/core/tags.js';
import { likePrefix, matchModels, pendingVersions } from '../../src/core/pending.js';
import type { ModelVersion } from '../../src/core/registry-model.js';

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
    v('4', 'None', { [LEDGER.decision]: 'rejected' }),
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
  it('the alias holder counts as the holder', () => {
    expect(
      pendingVersions(versions, { alias: 'champion', archiveExisting: true }, { champion: '3' }, false).map(
        (x) => x.version,
      ),
    ).toEqual(['6']);
  });
  it('with no holder every undecided READY version is pending', () => {
    expect(
      pendingVersions(versions, { alias: 'champion', archiveExisting: true }, {}, false).map((x) => x.version),
    ).toEqual(['6', '3', '2', '1']);
  });
});

describe('models input', () => {
  it('matches globs exactly after the LIKE prefilter (where _ and % are wildcards)', () => {
    expect(likePrefix('churn_*')).toBe('churn_');
    expect(likePrefix('fraud')).toBe('fraud');
    expect(matchModels(['churn_*', 'fraud'], ['churn_a', 'churnXb', 'churn_b', 'other'])).toEqual([
      'churn_a',
      'churn_b',
      'fraud',
    ]);
  });
});
