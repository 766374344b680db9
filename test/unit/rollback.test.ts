// planRollback (pure): a normal rollback, and one that an earlier run left half done
// (found by the fault sweep: a rerun rolled back a second time instead of finishing).
import { describe, expect, it } from 'vitest';
import { ledgerTags, type HistoryEntry } from '../../src/core/ledger.js';
import { LEDGER } from '../../src/core/tags.js';
import { planRollback, type RollbackState } from '../../src/core/rollback.js';
import type { ModelVersion, RegistryOp } from '../../src/core/registry-model.js';

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
  ...ledgerTags(
    { decision: 'promoted', target: KEY, previous: previous ? [previous] : [] },
    { ...ctx, now: 'earlier' },
  ),
});
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
    expect(p.plan).toContainEqual(expect.objectContaining({ version: '1', key: LEDGER.decision, value: 'restored' }));
    expect(p.plan).toContainEqual(
      expect.objectContaining({ version: '2', key: LEDGER.decision, value: 'rolled-back' }),
    );
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
    expect(keysOn(p.plan, '1')).toContain(LEDGER.decision);
    expect(p.plan).toContainEqual(expect.objectContaining({ version: '1', key: LEDGER.previous, value: '2' }));
  });

  it('after a rollback that moved the alias only and wrote part of its record, a rerun finishes the move and the record', () => {
    const partial = {
      ...promotedTags(''),
      [LEDGER.decision]: 'restored',
      [LEDGER.target]: KEY,
      [LEDGER.previous]: '2',
    };
    const p = planRollback(
      state([v('1', 'Archived', partial), v('2', 'Production', promotedTags('1'))], { champion: '1' }, [promotedV2]),
    );
    expect(p.restore.version).toBe('1');
    expect(p.plan.filter((op) => op.kind === 'set-alias' || op.kind === 'transition-stage')).toEqual([
      { kind: 'transition-stage', model: 'm', version: '1', stage: 'Production', archiveExisting: true },
    ]);
    expect(p.plan).toContainEqual(
      expect.objectContaining({ version: '2', key: LEDGER.decision, value: 'rolled-back' }),
    );
  });

  it('after a finished rollback, a rerun is refused: the withdrawn version was itself rolled back', () => {
    const restored = {
      validation: 'passed',
      ...ledgerTags({ decision: 'restored', target: KEY, previous: ['2'], reason: 'bad predictions' }, ctx),
    };
    const withdrawn = {
      validation: 'passed',
      ...ledgerTags({ decision: 'rolled-back', target: KEY, previous: [], reason: 'bad predictions' }, ctx),
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
