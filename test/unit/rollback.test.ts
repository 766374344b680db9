// planRollback (pure): a normal rollback, and one that an earlier run left half done
// (found by the fault sweep: a rerun rolled back a second time instead of finishing).
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/core/history.js';
import { recordKey, type LedgerRecord } from '../../src/core/ledger.js';
import { planRollback, type RollbackState } from '../../src/core/rollback.js';
import type { ModelVersion, RegistryOp } from '../../src/core/registry-model.js';
import { recordsIn, recordTags } from './builders.js';

const ctx = {
  now: '2026-11-26T10:00:00.000Z',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/models/actions/runs/42',
  sha: 'abc123',
};
const KEY = 'alias:champion+stage:Production';
const v = (version: string, stage: string, tags: Record<string, string>): ModelVersion => ({
  name: 'm',
  version,
  stage,
  status: 'READY',
  runId: `r${version}`,
  tags,
  aliases: [],
});
const promotedTags = (previous: string) => ({
  validation: 'passed',
  ...recordTags({
    target: KEY,
    decision: 'promoted',
    previous: previous ? [previous] : [],
    at: 'earlier',
    by: 'octocat',
  }),
});
/** The record written now (the run's context) for `KEY`. */
const now = (r: Omit<LedgerRecord, 'target' | 'at' | 'by' | 'runUrl' | 'commit'>, target = KEY): LedgerRecord => ({
  target,
  ...r,
  at: ctx.now,
  by: 'octocat',
  runUrl: ctx.runUrl,
  commit: 'abc123',
});
const recordOn = (plan: RegistryOp[], version: string) => recordsIn(plan, version).map((w) => w.record);
const promotedV2: HistoryEntry = {
  version: '2',
  decision: 'promoted',
  target: KEY,
  previous: ['1'],
  at: 'earlier',
  by: 'octocat',
};
const state = (versions: ModelVersion[], aliases: Record<string, string>, history: HistoryEntry[]): RollbackState => ({
  model: 'm',
  target: { stage: 'Production', alias: 'champion' },
  versions,
  aliases,
  history,
  reason: 'bad predictions',
  force: false,
  context: ctx,
});
const keysOn = (plan: RegistryOp[], version: string) =>
  plan.flatMap((op) => (op.kind === 'set-tag' && op.version === version ? [op.key] : [])).sort();

describe('planRollback', () => {
  it('restores the version the holder replaced, withdraws the holder, and records both', () => {
    const p = planRollback(
      state([v('1', 'Archived', promotedTags('')), v('2', 'Production', promotedTags('1'))], { champion: '2' }, [
        promotedV2,
      ]),
    );
    expect(p.restore.version).toBe('1');
    expect(p.current?.version).toBe('2');
    expect(p.plan.filter((op) => op.kind === 'set-alias' || op.kind === 'transition-stage')).toEqual([
      { kind: 'set-alias', model: 'm', alias: 'champion', version: '1' },
      { kind: 'transition-stage', model: 'm', version: '1', stage: 'Production', archiveExisting: true },
    ]);
    expect(recordOn(p.plan, '1')).toEqual([now({ decision: 'restored', previous: ['2'], reason: 'bad predictions' })]);
    expect(recordOn(p.plan, '2')).toEqual([
      now({ decision: 'rolled-back', previous: ['1'], reason: 'bad predictions' }),
    ]);
    expect(recordsIn(p.plan).every((w) => w.after && w.key === recordKey(KEY))).toBe(true);
    const history = p.plan.find((op) => op.kind === 'set-model-tag');
    expect(history && JSON.parse(history.value)[0]).toEqual({
      version: '1',
      decision: 'restored',
      target: KEY,
      previous: ['2'],
      at: ctx.now,
      by: 'octocat',
      reason: 'bad predictions',
    });
  });

  it('after a rollback that moved the target but wrote no record, a rerun records it and does not roll back again', () => {
    const p = planRollback(
      state([v('1', 'Production', promotedTags('')), v('2', 'Archived', promotedTags('1'))], { champion: '1' }, [
        promotedV2,
      ]),
    );
    expect(p.restore.version).toBe('1');
    expect(p.current?.version).toBe('2');
    expect(p.reasons[0]).toMatch(/^completing an earlier rollback that stopped half way/);
    expect(p.plan.some((op) => op.kind === 'set-alias' || op.kind === 'transition-stage')).toBe(false);
    expect(keysOn(p.plan, '1')).toEqual([recordKey(KEY)]);
    expect(recordOn(p.plan, '1')).toEqual([now({ decision: 'restored', previous: ['2'], reason: 'bad predictions' })]);
    expect(recordOn(p.plan, '2')).toEqual([
      now({ decision: 'rolled-back', previous: ['1'], reason: 'bad predictions' }),
    ]);
  });

  it("after a rollback that moved the alias only and wrote the restored version's record, a rerun finishes the move and the withdrawn one's record", () => {
    const partial = {
      validation: 'passed',
      ...recordTags({ target: KEY, decision: 'restored', previous: ['2'], at: 'earlier', reason: 'bad predictions' }),
    };
    const p = planRollback(
      state([v('1', 'Archived', partial), v('2', 'Production', promotedTags('1'))], { champion: '1' }, [promotedV2]),
    );
    expect(p.restore.version).toBe('1');
    expect(p.plan.filter((op) => op.kind === 'set-alias' || op.kind === 'transition-stage')).toEqual([
      { kind: 'transition-stage', model: 'm', version: '1', stage: 'Production', archiveExisting: true },
    ]);
    expect(p.reasons[0]).toMatch(/^completing an earlier rollback that stopped half way/);
    expect(recordOn(p.plan, '2')).toEqual([
      now({ decision: 'rolled-back', previous: ['1'], reason: 'bad predictions' }),
    ]);
  });

  it("after a rollback whose withdrawn record and history entry landed but the restored version's record did not, a rerun completes it (found by the fault sweep)", () => {
    const withdrawn = {
      validation: 'passed',
      ...recordTags({
        target: KEY,
        decision: 'rolled-back',
        previous: ['1'],
        at: 'earlier',
        reason: 'bad predictions',
      }),
    };
    const restoredEntry: HistoryEntry = {
      version: '1',
      decision: 'restored',
      target: KEY,
      previous: ['2'],
      at: 'later',
      by: 'octocat',
      reason: 'bad predictions',
    };
    const p = planRollback(
      state([v('1', 'Production', promotedTags('')), v('2', 'Archived', withdrawn)], { champion: '1' }, [
        restoredEntry,
        promotedV2,
      ]),
    );
    expect(p.restore.version).toBe('1');
    expect(p.reasons[0]).toMatch(/^completing an earlier rollback that stopped half way/);
    expect(p.plan.filter((op) => op.kind === 'set-alias' || op.kind === 'transition-stage')).toEqual([]);
    expect(recordOn(p.plan, '1')).toEqual([now({ decision: 'restored', previous: ['2'], reason: 'bad predictions' })]);
  });

  it('after a finished rollback, a rerun is refused: the withdrawn version was itself rolled back', () => {
    const restored = {
      validation: 'passed',
      ...recordTags(now({ decision: 'restored', previous: ['2'], reason: 'bad predictions' })),
    };
    const withdrawn = {
      validation: 'passed',
      ...recordTags(now({ decision: 'rolled-back', previous: [], reason: 'bad predictions' })),
    };
    const history: HistoryEntry[] = [
      {
        version: '1',
        decision: 'restored',
        target: KEY,
        previous: ['2'],
        at: ctx.now,
        by: 'octocat',
        reason: 'bad predictions',
      },
      promotedV2,
    ];
    expect(() =>
      planRollback(state([v('1', 'Production', restored), v('2', 'Archived', withdrawn)], { champion: '1' }, history)),
    ).toThrow(/refusing to restore version 2 .* it was itself rolled back/);
  });

  it('names the whole target, in the words every message uses (describeTarget)', () => {
    const versions = [v('1', 'Archived', promotedTags('')), v('2', 'Production', promotedTags('1'))];
    const p = planRollback(state(versions, { champion: '2' }, [promotedV2]));
    expect(p.reasons[0]).toBe('restoring v1 to alias @champion and stage Production, withdrawing v2: bad predictions');
    expect(() => planRollback({ ...state(versions, { champion: '2' }, [promotedV2]), requested: '2' })).toThrow(
      'version 2 already holds alias @champion and stage Production; nothing to roll back',
    );
  });
});

describe('planRollback: an alias target with a previous alias', () => {
  const CHAMPION = 'alias:champion';
  const PREV = 'previous-champion';
  const promoted = (previous: string[]) =>
    recordTags({ target: CHAMPION, decision: 'promoted', previous, at: 'earlier', previousAlias: PREV });
  const aliasState = (
    versions: ModelVersion[],
    aliases: Record<string, string>,
    requested?: string,
  ): RollbackState => ({
    ...state(versions, aliases, []),
    target: { alias: 'champion' },
    ...(requested ? { requested } : {}),
  });
  const aliasOps = (plan: RegistryOp[]) => plan.filter((op) => op.kind === 'set-alias' || op.kind === 'delete-alias');
  /** The aliases once the plan's alias writes are made. */
  const after = (aliases: Record<string, string>, plan: RegistryOp[]) => {
    const out = { ...aliases };
    for (const op of aliasOps(plan)) {
      if (op.kind === 'set-alias') out[op.alias] = op.version;
      if (op.kind === 'delete-alias') delete out[op.alias];
    }
    return out;
  };

  it('champion back from v3 to v2: the previous alias moves to v1, the version v2 had replaced', () => {
    const aliases = { champion: '3', [PREV]: '2' };
    const versions = [v('1', 'None', promoted([])), v('2', 'None', promoted(['1'])), v('3', 'None', promoted(['2']))];
    const p = planRollback(aliasState(versions, aliases));
    expect(p.restore.version).toBe('2');
    expect(aliasOps(p.plan)).toEqual([
      { kind: 'set-alias', model: 'm', alias: PREV, version: '1' },
      { kind: 'set-alias', model: 'm', alias: 'champion', version: '2' },
    ]);
    expect(after(aliases, p.plan)).toEqual({ champion: '2', [PREV]: '1' });
    expect(recordOn(p.plan, '2')).toEqual([
      now({ decision: 'restored', previous: ['3'], reason: 'bad predictions', previousAlias: PREV }, CHAMPION),
    ]);
    expect(recordOn(p.plan, '3')).toEqual([
      now({ decision: 'rolled-back', previous: ['2'], reason: 'bad predictions', previousAlias: PREV }, CHAMPION),
    ]);
  });

  it("records of the single-record layout name no previous alias: the policy's previous_alias serves", () => {
    const legacy = (previous: string) => ({
      validation: 'passed',
      'mlflow_gate.decision': 'promoted',
      'mlflow_gate.target': CHAMPION,
      'mlflow_gate.previous_version': previous,
      'mlflow_gate.decided_at': 'earlier',
    });
    const aliases = { champion: '3', [PREV]: '2' };
    const versions = [v('1', 'None', legacy('')), v('2', 'None', legacy('1')), v('3', 'None', legacy('2'))];
    // Without the policy nothing says which alias is the previous one: it is left where it is.
    expect(after(aliases, planRollback(aliasState(versions, aliases)).plan)).toEqual({ champion: '2', [PREV]: '2' });
    const p = planRollback({ ...aliasState(versions, aliases), previousAlias: PREV });
    expect(after(aliases, p.plan)).toEqual({ champion: '2', [PREV]: '1' });
    expect(recordOn(p.plan, '2')).toEqual([
      now({ decision: 'restored', previous: ['3'], reason: 'bad predictions', previousAlias: PREV }, CHAMPION),
    ]);
  });

  it('when the restored version replaced none, the previous alias is removed', () => {
    const aliases = { champion: '3', [PREV]: '2' };
    const p = planRollback(aliasState([v('2', 'None', promoted([])), v('3', 'None', promoted(['2']))], aliases));
    expect(aliasOps(p.plan)).toEqual([
      { kind: 'delete-alias', model: 'm', alias: PREV },
      { kind: 'set-alias', model: 'm', alias: 'champion', version: '2' },
    ]);
    expect(after(aliases, p.plan)).toEqual({ champion: '2' });
    // Nothing to remove when the alias is not there.
    const bare = planRollback(
      aliasState([v('2', 'None', promoted([])), v('3', 'None', promoted(['2']))], { champion: '3' }),
    );
    expect(aliasOps(bare.plan)).toEqual([{ kind: 'set-alias', model: 'm', alias: 'champion', version: '2' }]);
  });

  it('never the same version as the alias: what the restored version replaced, unless that is the restored or withdrawn one, or gone', () => {
    const cases: Array<[string, ModelVersion[], Record<string, string>, string | undefined, Record<string, string>]> = [
      // v2 had replaced v3 (v3 took champion back later): the withdrawn version gets no handle.
      [
        'replaced the withdrawn',
        [v('2', 'None', promoted(['3'])), v('3', 'None', promoted(['2']))],
        { champion: '3', [PREV]: '2' },
        undefined,
        { champion: '2' },
      ],
      // v2 had replaced v1, which was deleted since.
      [
        'replaced a deleted one',
        [v('2', 'None', promoted(['1'])), v('3', 'None', promoted(['2']))],
        { champion: '3', [PREV]: '2' },
        undefined,
        { champion: '2' },
      ],
      // Asked for v1 explicitly, past v2: v1 had replaced none.
      [
        'asked for',
        [v('1', 'None', promoted([])), v('2', 'None', promoted(['1'])), v('3', 'None', promoted(['2']))],
        { champion: '3', [PREV]: '2' },
        '1',
        { champion: '1' },
      ],
      // The previous alias is on the right version already: not written again.
      [
        'in place',
        [v('1', 'None', promoted([])), v('2', 'None', promoted(['1'])), v('3', 'None', promoted(['2']))],
        { champion: '3', [PREV]: '1' },
        undefined,
        { champion: '2', [PREV]: '1' },
      ],
    ];
    for (const [name, versions, aliases, requested, expected] of cases) {
      const p = planRollback(aliasState(versions, aliases, requested));
      const result = after(aliases, p.plan);
      expect(result, name).toEqual(expected);
      expect(result[PREV], name).not.toBe(result.champion);
    }
    const inPlace = planRollback(aliasState(cases[3]![1], cases[3]![2]));
    expect(aliasOps(inPlace.plan)).toEqual([{ kind: 'set-alias', model: 'm', alias: 'champion', version: '2' }]);
  });
});

describe('planRollback: a target promoted in one step', () => {
  const versions = [v('1', 'Archived', promotedTags('')), v('2', 'Production', promotedTags('1'))];
  const base = state(versions, { champion: '2' }, [promotedV2]);

  it('the combined target alias:champion+stage:Production rolls both back', () => {
    const p = planRollback(base);
    expect(p.plan.filter((op) => op.kind === 'set-alias' || op.kind === 'transition-stage')).toEqual([
      { kind: 'set-alias', model: 'm', alias: 'champion', version: '1' },
      { kind: 'transition-stage', model: 'm', version: '1', stage: 'Production', archiveExisting: true },
    ]);
    expect(recordsIn(p.plan).map((w) => [w.version, w.key, w.record?.decision])).toEqual([
      ['1', 'mlflow_gate.record.alias_champion__stage_Production', 'restored'],
      ['2', 'mlflow_gate.record.alias_champion__stage_Production', 'rolled-back'],
    ]);
  });

  it('one half of it is refused, naming the combined key', () => {
    for (const target of [{ alias: 'champion' }, { stage: 'Production' }])
      expect(() => planRollback({ ...base, target })).toThrow(
        'v2 was promoted to alias:champion+stage:Production in one step; roll back that target as a whole (input "target": alias:champion+stage:Production). Nothing was changed',
      );
  });
});

describe("planRollback: the restored version's verdict for the target is its record's", () => {
  const PROD = 'stage:Production';
  const withdrawnV3 = v('3', 'Production', recordTags({ target: PROD, decision: 'promoted', previous: ['2'] }));
  const prodState = (restore: ModelVersion): RollbackState => ({
    ...state([restore, withdrawnV3], {}, []),
    target: { stage: 'Production' },
  });

  it('promoted to the target, it may be restored although its latest validation tag (another gate) failed', () => {
    const v2 = v('2', 'Archived', {
      validation: 'failed',
      ...recordTags({ target: PROD, decision: 'promoted', previous: [] }),
    });
    expect(planRollback(prodState(v2)).restore.version).toBe('2');
  });

  it('promoted only to another target, or rejected for this one, it is refused', () => {
    const staged = v('2', 'Archived', {
      validation: 'passed',
      ...recordTags({ target: 'stage:Staging', decision: 'promoted', previous: [] }),
    });
    expect(() => planRollback(prodState(staged))).toThrow(
      'refusing to restore version 2 of "m" to stage Production: the gate never promoted it to this target. Set force: true to restore it anyway',
    );
    const rejected = v('2', 'Archived', {
      validation: 'passed',
      ...recordTags({ target: PROD, decision: 'rejected', previous: [] }),
    });
    expect(() => planRollback(prodState(rejected))).toThrow(
      'refusing to restore version 2 of "m" to stage Production: the gate never promoted it to this target; it never passed validation for stage:Production (its record says rejected). Set force: true to restore it anyway',
    );
  });
});
