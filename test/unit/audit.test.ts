import { describe, expect, it } from 'vitest';
import { auditHolder } from '../../src/core/audit.js';
import { LEDGER } from '../../src/core/tags.js';
import type { ModelVersion } from '../../src/core/registry-model.js';

const holder = (tags: Record<string, string>): ModelVersion => ({
  name: 'm',
  version: '4',
  stage: 'Production',
  status: 'READY',
  tags,
  aliases: [],
});
const target = { stage: 'Production' as const, archiveExisting: true };

describe('auditHolder', () => {
  it('a holder the gate promoted under the current rules is accounted for', () => {
    const tags = {
      [LEDGER.decision]: 'promoted',
      [LEDGER.target]: 'stage:Production',
      validation: 'passed',
      [LEDGER.ruleHash]: 'sha256:1',
    };
    expect(auditHolder(target, holder(tags), 'sha256:1')).toEqual([]);
    expect(auditHolder(target, holder(tags), 'sha256:2')).toEqual([
      "v4, which holds stage:Production, was promoted under other rules (sha256:1) than the current policy's (sha256:2)",
    ]);
  });
  it('a restored holder is accounted for', () => {
    expect(auditHolder(target, holder({ [LEDGER.decision]: 'restored', [LEDGER.target]: 'stage:Production' }))).toEqual(
      [],
    );
  });
  it('a holder with no entry, or an entry for another target, is flagged', () => {
    expect(auditHolder(target, holder({}))[0]).toContain(
      'has no ledger entry of a promotion or restore by the gate (mlflow_gate.decision=unset)',
    );
    expect(
      auditHolder(
        target,
        holder({ [LEDGER.decision]: 'promoted', [LEDGER.target]: 'stage:Staging', validation: 'passed' }),
      ),
    ).toEqual(['v4, which holds stage:Production, was promoted to stage:Staging, not to this one']);
  });
});
