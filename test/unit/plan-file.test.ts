// The state fingerprint and what changed between two of them: one phrasing for apply
// (planDifferences) and for the re-check before a write (stateChanges, src/gate.ts).
import { describe, expect, it } from 'vitest';
import { fingerprint, planDifferences, stateChanges, type PlanFile } from '../../src/core/plan-file.js';
import { formatRecord, recordKey } from '../../src/core/ledger.js';
import { versionOf as v } from './builders.js';

const plan = (state: PlanFile['state']): PlanFile => ({
  format: 'mlflow-promotion-gate/plan@1',
  model: 'm',
  version: '3',
  decision: 'promoted',
  operations: [],
  state,
});

describe('the registry fingerprint', () => {
  it('sorts holders by version number and leaves out the gate’s own tags', () => {
    const f = fingerprint(
      v('3', 'Staging', { team: 'a', validation: 'passed', 'mlflow_gate.decision': 'rejected' }),
      [v('10', 'Production'), v('9', 'Production')],
      '10',
    );
    expect(f).toEqual({
      candidateStage: 'Staging',
      candidateTags: { team: 'a' },
      holders: ['9', '10'],
      aliasHolder: '10',
    });
  });

  it("holds the candidate's record for the target: apply refuses a plan another run's decision for that target has overtaken", () => {
    const record = formatRecord({ target: 'stage:Production', decision: 'rejected', previous: ['1'], at: 't' });
    const other = formatRecord({ target: 'stage:Staging', decision: 'promoted', previous: [], at: 't' });
    const before = fingerprint(
      v('3', 'Staging', { [recordKey('stage:Staging')]: other }),
      [],
      undefined,
      'stage:Production',
    );
    expect(before.candidateRecord).toBeUndefined();
    // A record for another target is no change for this one.
    const decided = v('3', 'Staging', { [recordKey('stage:Staging')]: other, [recordKey('stage:Production')]: record });
    const now = fingerprint(decided, [], undefined, 'stage:Production');
    expect(now.candidateRecord).toBe(record);
    const { format: _f, ...current } = plan(now);
    expect(planDifferences(plan(before), current)).toEqual([
      "the candidate's ledger record for the target changed (another run decided it since the plan)",
    ]);
    expect(planDifferences(plan(now), current)).toEqual([]);
  });
});

describe('stateChanges', () => {
  const before = fingerprint(v('3', 'Staging'), [v('1', 'Production')], undefined);

  it('is empty when neither the candidate nor the holders moved (the tags are the caller’s)', () => {
    expect(
      stateChanges(before, fingerprint(v('3', 'Staging', { team: 'b' }), [v('1', 'Production')], undefined)),
    ).toEqual([]);
  });

  it('phrases a moved candidate and a changed holder, naming the target when given', () => {
    const after = fingerprint(v('3', 'Production'), [v('1', 'Production'), v('3', 'Production')], 'x');
    expect(stateChanges(before, after)).toEqual([
      'the candidate moved from Staging to Production',
      "the target's holder changed (was 1, now 1, 3, x)",
    ]);
    expect(stateChanges(before, after, { stage: 'Production' })[1]).toBe(
      'the holder of stage Production changed (was 1, now 1, 3, x)',
    );
    expect(stateChanges(after, fingerprint(v('3', 'Production'), [], undefined), { alias: 'c' })[0]).toBe(
      'the holder of alias @c changed (was 1, 3, x, now none)',
    );
  });

  it('is what planDifferences says of the state, before the candidate’s tags', () => {
    const now = fingerprint(v('3', 'Staging', { team: 'b' }), [v('1', 'Production'), v('3', 'Production')], undefined);
    const { format: _f, ...current } = plan(now);
    expect(planDifferences(plan(before), current)).toEqual([
      ...stateChanges(before, now),
      "the candidate's tags changed",
    ]);
    expect(planDifferences(plan(before), current)[0]).toBe("the target's holder changed (was 1, now 1, 3)");
  });
});
