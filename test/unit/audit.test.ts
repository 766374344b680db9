import { describe, expect, it } from 'vitest';
import { auditHolder } from '../../src/core/audit.js';
import { LEGACY_LEDGER } from '../../src/core/tags.js';
import type { ModelVersion } from '../../src/core/registry-model.js';
import { recordTags } from './builders.js';

const holder = (tags: Record<string, string>): ModelVersion => ({
  name: 'm',
  version: '4',
  stage: 'Production',
  status: 'READY',
  tags,
  aliases: [],
});
const target = { stage: 'Production' as const, archiveExisting: true };
const PROD = 'stage:Production';

describe('auditHolder: the holder is accounted for by its record for the target', () => {
  it('a holder the gate promoted under the current rules is accounted for; under other rules, flagged', () => {
    const tags = recordTags({ target: PROD, decision: 'promoted', previous: ['3'], ruleHash: 'sha256:1', at: 't' });
    expect(auditHolder(target, holder(tags), 'sha256:1')).toEqual([]);
    expect(auditHolder(target, holder(tags))).toEqual([]);
    expect(auditHolder(target, holder(tags), 'sha256:2')).toEqual([
      "v4, which holds stage:Production, was promoted under other rules (sha256:1) than the current policy's (sha256:2)",
    ]);
    // The verdict is the record's: the version-wide validation tag (the latest verdict, maybe of another gate) is not read.
    expect(auditHolder(target, holder({ ...tags, validation: 'failed' }), 'sha256:1')).toEqual([]);
  });

  it('a restored holder is accounted for', () => {
    expect(auditHolder(target, holder(recordTags({ target: PROD, decision: 'restored', previous: ['5'] })))).toEqual(
      [],
    );
  });

  it('a holder with no record, or records only for other targets, is flagged, naming them', () => {
    expect(auditHolder(target, holder({}))).toEqual([
      'v4, which holds stage:Production, has no ledger record of the gate putting it there: it was moved there by hand or by another tool',
    ]);
    expect(
      auditHolder(
        target,
        holder({
          validation: 'passed',
          ...recordTags(
            { target: 'stage:Staging', decision: 'promoted', previous: [] },
            { target: 'alias:champion', decision: 'rejected', previous: ['2'] },
            { target: 'alias:challenger', previous: [] }, // begun only: not named
          ),
        }),
      ),
    ).toEqual([
      'v4, which holds stage:Production, has no ledger record of the gate putting it there (it has records only for stage:Staging: promoted, alias:champion: rejected): it was moved there by hand or by another tool',
    ]);
  });

  it('a record begun but not finished, or of another decision, is flagged', () => {
    expect(auditHolder(target, holder(recordTags({ target: PROD, previous: ['3'], ruleHash: 'sha256:1' })))).toEqual([
      'v4, which holds stage:Production, has a ledger record a run began but did not finish (it stopped after the move): run the gate again to complete it',
    ]);
    expect(auditHolder(target, holder(recordTags({ target: PROD, decision: 'rolled-back', previous: ['3'] })))).toEqual(
      [
        'v4, which holds stage:Production, has a ledger record of rolled-back, not of a promotion or restore: it was moved there by hand or by another tool',
      ],
    );
  });

  it('a record of the single-record layout: the target it names, and the version-wide validation tag, are checked', () => {
    const legacy = {
      [LEGACY_LEDGER.decision]: 'promoted',
      [LEGACY_LEDGER.target]: PROD,
      [LEGACY_LEDGER.ruleHash]: 'sha256:1',
    };
    expect(auditHolder(target, holder({ ...legacy, validation: 'passed' }), 'sha256:1')).toEqual([]);
    expect(auditHolder(target, holder(legacy), 'sha256:1')).toEqual([
      'v4, which holds stage:Production, is not tagged validation=passed',
    ]);
    expect(
      auditHolder(target, holder({ ...legacy, [LEGACY_LEDGER.target]: 'stage:Staging', validation: 'passed' })),
    ).toEqual([
      'v4, which holds stage:Production, has no ledger record of the gate putting it there (it has records only for stage:Staging: promoted): it was moved there by hand or by another tool',
    ]);
  });

  it('an alias target is audited against its own record', () => {
    const champion = { alias: 'champion', archiveExisting: true };
    const tags = recordTags({ target: 'alias:champion', decision: 'promoted', previous: [] });
    expect(auditHolder(champion, holder(tags))).toEqual([]);
    expect(auditHolder(target, holder(tags))[0]).toContain('(it has records only for alias:champion: promoted)');
  });
});
