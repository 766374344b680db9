import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/core/errors.js';
import { parseHistory } from '../../src/core/history.js';
import { formatRecord, recordKey, recordOp, type LedgerRecord } from '../../src/core/ledger.js';
import { LEDGER } from '../../src/core/tags.js';
import { NEW_COPY, type ModelVersion, type RegistryOp } from '../../src/core/registry-model.js';
import {
  answeredOutcome,
  attemptedWrites,
  checkWrites,
  failedOutcome,
  failureOf,
  lostRace,
  mergedHistory,
  moveOf,
  moveToSettle,
  otherProblems,
  readBackView,
  readPlan,
  settlement,
  settledHistory,
  stampRecords,
  unreadOutcome,
  writePhases,
  type ReadBackView,
} from '../../src/core/write-protocol.js';
import { tagOp as tag, moveOp as move, versionOf as v } from './builders.js';

const alias = (a: string, version: string, model = 'm'): RegistryOp => ({
  kind: 'set-alias',
  model,
  alias: a,
  version,
});
const history: RegistryOp = {
  kind: 'set-model-tag',
  model: 'm',
  key: LEDGER.history,
  value: JSON.stringify([
    { version: '3', decision: 'promoted', target: 'stage:Production', previous: ['2'], at: 't', by: 'a' },
  ]),
};
const view = (versions: ModelVersion[], aliases?: Record<string, string>): ReadBackView =>
  new Map([['m', { versions, ...(aliases ? { registered: { aliases, tags: {} } } : {}) }]]);

const BOTH = 'alias:champion+stage:Production';
const BEGUN: LedgerRecord = { target: BOTH, previous: ['2'], ruleHash: 'sha256:1', previousAlias: 'previous' };
const WHOLE: LedgerRecord = { ...BEGUN, decision: 'promoted', at: 't', by: 'a', runUrl: 'https://x/runs/1' };
/** A promotion of v3 to stage Production and @champion, v2 holding both, @previous for the old holder. */
const PLAN: RegistryOp[] = [
  tag('3', 'validation', 'passed'),
  tag('3', 'mlflow_gate.checks', 'accuracy=0.95 (>= 0.9) pass'),
  { kind: 'delete-tag', model: 'm', version: '3', key: 'mlflow_gate.failed_checks' },
  tag('3', recordKey(BOTH), formatRecord(BEGUN)),
  alias('previous', '2'),
  alias('champion', '3'),
  move('3'),
  recordOp('m', '3', WHOLE),
  history,
];

describe('the phases of a plan', () => {
  it('evidence (the begun record with it) first; then the previous alias alone, then the alias and stage of one version together; the record last', () => {
    const phases = writePhases(PLAN);
    expect(phases.evidence).toEqual(PLAN.slice(0, 4));
    expect(phases.structural).toEqual([[PLAN[4]], [PLAN[5], PLAN[6]]]);
    expect(phases.record).toEqual(PLAN.slice(7));
    expect(phases.record[0]).toEqual(tag('3', recordKey(BOTH), formatRecord(WHOLE), true));
  });

  it('promotion by copy: the model, the copy, then the moves of the copy', () => {
    const create: RegistryOp = { kind: 'create-model', model: 'd' };
    const copy: RegistryOp = { kind: 'copy-version', model: 'd', source: 'models:/m/3', tags: {} };
    const moves = [alias('champion', NEW_COPY, 'd'), { ...move(NEW_COPY), model: 'd' }];
    expect(writePhases([create, copy, ...moves]).structural).toEqual([[create], [copy], moves]);
  });

  it('the moves of two versions are two round trips', () => {
    expect(writePhases([move('3'), move('2', 'Archived', false)]).structural).toHaveLength(2);
  });

  it('a copy never answered is not among the writes that may have landed; one answered is, by its number', () => {
    const plan = [alias('champion', NEW_COPY, 'd'), tag('3', 'validation', 'passed')];
    expect(attemptedWrites(plan, undefined)).toEqual([plan[1]]);
    expect(attemptedWrites(plan, '7')).toEqual([alias('champion', '7', 'd'), plan[1]]);
  });
});

describe('the reads of a read-back', () => {
  it('a moved stage is one search of the model (its versions are not read one by one); aliases and model tags read the model', () => {
    expect(readPlan(PLAN)).toEqual({ searches: ['m'], versions: [], models: ['m'] });
  });

  it('tags alone read each version once', () => {
    expect(readPlan([tag('3', 'a', '1'), tag('3', 'b', '2'), tag('2', 'a', '1')])).toEqual({
      searches: [],
      versions: [
        { model: 'm', version: '3' },
        { model: 'm', version: '2' },
      ],
      models: [],
    });
  });

  it('the answers make one view by model; a missing model is null, a missing version absent', () => {
    const plan = readPlan([tag('3', 'a', '1'), tag('9', 'a', '1'), { kind: 'create-model', model: 'd' }]);
    const views = readBackView(plan, { searches: [], versions: [v('3'), null], models: [null] });
    expect(views.get('m')).toEqual({ versions: [v('3')] });
    expect(views.get('d')).toEqual({ versions: [], registered: null });
  });
});

describe('each write checked against the read-back', () => {
  it('every write in place', () => {
    const views = view(
      [
        v('2', 'Archived'),
        v('3', 'Production', { validation: 'passed', 'mlflow_gate.checks': 'accuracy=0.95 (>= 0.9) pass' }),
      ],
      { champion: '3', previous: '2' },
    );
    const evidenceAndMoves = PLAN.slice(0, 7).filter((op) => !('key' in op && op.key === recordKey(BOTH)));
    const checks = checkWrites(evidenceAndMoves, views);
    expect(checks).toHaveLength(6);
    expect(checks.filter((c) => c.problem)).toEqual([]);
  });

  it('a removed alias is in place when the model no longer has it; the read-back reads the model', () => {
    const drop: RegistryOp = { kind: 'delete-alias', model: 'm', alias: 'previous-champion' };
    expect(readPlan([drop])).toEqual({ searches: [], versions: [], models: ['m'] });
    expect(checkWrites([drop], view([v('2')], { champion: '2' }))).toEqual([{ op: drop }]);
    expect(checkWrites([drop], view([v('2')], { champion: '2', 'previous-champion': '2' }))).toEqual([
      { op: drop, problem: 'alias @previous-champion of m still points at v2' },
    ]);
  });

  it('a move overtaken names the version holding the stage or the alias now', () => {
    const checks = checkWrites(
      [alias('champion', '3'), move('3')],
      view([v('3', 'Archived'), v('4', 'Production'), v('5', 'Production')], { champion: '5' }),
    );
    expect(checks).toEqual([
      { op: checks[0]!.op, problem: 'alias @champion of m points at v5, not v3', holderNow: '5' },
      { op: checks[1]!.op, problem: 'm v3 is in stage Archived, not Production', holderNow: '5' },
    ]);
  });

  it('a move that did not land, with nothing in the target, has no holder', () => {
    const [check] = checkWrites([move('3')], view([v('3', 'Staging')]));
    expect(check).toMatchObject({ problem: 'm v3 is in stage Staging, not Production' });
    expect(check).not.toHaveProperty('holderNow');
  });

  it('the history is never checked; a tag still set, a tag not as written and a version gone are problems', () => {
    const checks = checkWrites(
      [history, { kind: 'delete-tag', model: 'm', version: '3', key: 'k' }, tag('3', 'a', '1'), tag('9', 'a', '1')],
      new Map([['m', { versions: [v('3', 'None', { k: 'x', a: '2' })], registered: { aliases: {}, tags: {} } }]]),
    );
    expect(checks.map((c) => c.problem ?? (c.unchecked ? 'unchecked' : 'ok'))).toEqual([
      'unchecked',
      'tag k of m v3 is still set',
      'tag a of m v3 is "2"',
      'm v9 disappeared',
    ]);
  });
});

describe('the move of a plan', () => {
  it('the version moved into the stage, with its alias', () => {
    expect(moveOf(PLAN)).toEqual({
      model: 'm',
      version: '3',
      stage: 'Production',
      archiveExisting: true,
      alias: 'champion',
    });
  });

  it('archiving is no move; a previous alias is not the move; a copy not yet numbered has none', () => {
    expect(moveOf([move('2', 'Archived', false)])).toBeUndefined();
    expect(moveOf([alias('previous', '2'), alias('champion', '3')])).toEqual({
      model: 'm',
      version: '3',
      alias: 'champion',
    });
    expect(moveOf([alias('champion', NEW_COPY)])).toBeUndefined();
  });

  it('a race is settled after a move that landed or was overtaken, not after one that did not land', () => {
    const m = moveOf([move('3')]);
    expect(moveToSettle(m, checkWrites([move('3')], view([v('3', 'Production')])))).toEqual(m);
    expect(moveToSettle(m, checkWrites([move('3')], view([v('3', 'Archived'), v('4', 'Production')])))).toEqual(m);
    expect(moveToSettle(m, checkWrites([move('3')], view([v('3', 'Staging')])))).toBeUndefined();
  });
});

describe('the race rule', () => {
  const stageMove = { model: 'm', version: '3', stage: 'Production', archiveExisting: true };
  const both = { ...stageMove, alias: 'champion' };
  const archive = (version: string) => move(version, 'Archived', false);

  it('the highest version in the stage wins and archives the others', () => {
    expect(
      settlement(stageMove, { versions: [v('2', 'Production'), v('3', 'Production'), v('1', 'Production')] }),
    ).toEqual({
      winner: '3',
      writes: [archive('1'), archive('2')],
    });
  });

  it('a lower version still in the stage archives itself, and has lost', () => {
    const settled = settlement(stageMove, { versions: [v('3', 'Production'), v('4', 'Production')] });
    expect(settled).toEqual({ winner: '4', writes: [archive('3')] });
    // Without the record this run wrote (none in the writes given), a record of the move alone.
    expect(lostRace(stageMove, settled)).toEqual({
      record: [
        tag(
          '3',
          'mlflow_gate.record.stage_Production',
          '{"target":"stage:Production","decision":"superseded","previous":[],"reason":"v4 took stage Production while this run was writing (runs on one model must share a concurrency group)","superseded_by":"4"}',
          true,
        ),
      ],
      why: 'm v3 was moved to stage Production, but when read back v4 held it: another run promoted it meanwhile (give every run on this model one concurrency group)',
    });
  });

  it("the loser's record is the one this run wrote for the target, marked superseded, by whom and why", () => {
    const settled = settlement(both, {
      versions: [v('3', 'Production'), v('4', 'Production')],
      registered: { aliases: { champion: '4' }, tags: {} },
    });
    expect(settled.winner).toBe('4');
    const lost = lostRace(both, settled, PLAN);
    expect(lost).toEqual({
      record: [
        recordOp('m', '3', {
          ...WHOLE,
          decision: 'superseded',
          supersededBy: '4',
          reason:
            'v4 took alias @champion and stage Production while this run was writing (runs on one model must share a concurrency group)',
        }),
      ],
      why: expect.stringMatching(
        /^m v3 was moved to alias @champion and stage Production, but when read back v4 held it/,
      ),
    });
    // The begun record (evidence) is not taken for the one written after the move.
    const begunOnly = lostRace(both, settled, PLAN.slice(0, 7));
    expect(begunOnly && 'record' in begunOnly && JSON.parse((begunOnly.record[0] as { value: string }).value)).toEqual({
      target: BOTH,
      decision: 'superseded',
      previous: [],
      reason:
        'v4 took alias @champion and stage Production while this run was writing (runs on one model must share a concurrency group)',
      superseded_by: '4',
    });
  });

  it('with an alias, the alias holder wins: holding it but archived by a racer, it takes the stage back', () => {
    expect(
      settlement(both, {
        versions: [v('3', 'Archived'), v('4', 'Production')],
        registered: { aliases: { champion: '3' }, tags: {} },
      }),
    ).toEqual({ winner: '3', writes: [move('3')] });
  });

  it('with an alias held by another version, a version in the stage archives itself even if it is the highest', () => {
    expect(
      settlement(both, {
        versions: [v('2', 'Production'), v('3', 'Production')],
        registered: { aliases: { champion: '2' }, tags: {} },
      }),
    ).toEqual({ winner: '2', writes: [archive('3')] });
  });

  it('a stage that keeps several versions has no race', () => {
    const keep = { ...stageMove, archiveExisting: false };
    expect(settlement(keep, { versions: [v('3', 'Production'), v('4', 'Production')] })).toEqual({
      winner: '3',
      writes: [],
    });
  });

  it('nothing holding the target after the writes is a conflict that wrote', () => {
    expect(lostRace({ model: 'm', version: '3', alias: 'champion' }, { writes: [] })).toEqual({
      outcome: expect.objectContaining({ ok: false, kind: 'conflict', wrote: true }),
    });
  });

  it('the winner has not lost', () => {
    expect(lostRace(stageMove, { winner: '3', writes: [] })).toBeUndefined();
  });
});

describe('the history after a race the run won', () => {
  const stageMove = { model: 'm', version: '4', stage: 'Production', archiveExisting: true };
  const promoted = (version: string, previous: string[], at: string) => ({
    [recordKey('stage:Production')]: formatRecord({
      target: 'stage:Production',
      decision: 'promoted',
      previous,
      at,
      by: 'octocat',
    }),
  });
  const entry = (version: string, previous: string[], at: string) => ({
    version,
    decision: 'promoted',
    target: 'stage:Production',
    previous,
    at,
    by: 'octocat',
  });
  const ownHistory: RegistryOp = {
    kind: 'set-model-tag',
    model: 'm',
    key: LEDGER.history,
    value: JSON.stringify([entry('4', ['2'], 't4')]),
  };
  // v3 and v4 raced past v2: the cache another run wrote holds v3's promotion and not v4's.
  const view = {
    versions: [
      v('2', 'Archived', promoted('2', ['1'], 't2')),
      v('3', 'Production', promoted('3', ['2'], 't3')),
      v('4', 'Production', promoted('4', ['2'], 't4')),
    ],
    registered: {
      aliases: {},
      tags: { [LEDGER.history]: JSON.stringify([entry('3', ['2'], 't3'), entry('2', ['1'], 't2')]) },
    },
  };

  it("the winner rewrites the cache: its own entry in, the racers' promotions out", () => {
    const settled = settlement(stageMove, view);
    expect(settled.winner).toBe('4');
    const op = settledHistory(stageMove, view, settled, [ownHistory]);
    expect(op).toMatchObject({ kind: 'set-model-tag', model: 'm', key: LEDGER.history });
    expect(parseHistory((op as Extract<RegistryOp, { kind: 'set-model-tag' }>).value)).toEqual([
      entry('4', ['2'], 't4'),
      entry('2', ['1'], 't2'),
    ]);
  });

  it('no race (nothing archived), a lost race, or no history written: nothing to rewrite', () => {
    const alone = { ...view, versions: [view.versions[0]!, view.versions[2]!] };
    expect(settledHistory(stageMove, alone, settlement(stageMove, alone), [ownHistory])).toBeUndefined();
    const lower = { ...stageMove, version: '3' };
    expect(settledHistory(lower, view, settlement(lower, view), [ownHistory])).toBeUndefined();
    expect(settledHistory(stageMove, view, settlement(stageMove, view), [])).toBeUndefined();
  });
});

describe('the outcome of the writes', () => {
  const failure = failureOf(new Error('socket hang up'));

  it("a failure is the registry's unless it is a GateError of another kind", () => {
    expect(failure).toEqual({ message: 'socket hang up', kind: 'registry' });
    expect(failureOf(new GateError('conflict', 'x'))).toEqual({ message: 'x', kind: 'conflict' });
  });

  it('a failed write with every write in place after all: the decision stands', () => {
    const ops = [tag('3', 'a', '1')];
    expect(failedOutcome('promoted', failure, ops, [{ op: ops[0]! }])).toEqual({
      ok: true,
      decision: 'promoted',
      applied: ops,
      reasons: [],
    });
  });

  it('a failed write with nothing in place wrote nothing; with part in place it wrote, and says what is where', () => {
    const [a, b] = [tag('3', 'a', '1'), move('3')];
    expect(failedOutcome('promoted', failure, [a!], [{ op: a!, problem: 'tag a of m v3 is null' }])).toMatchObject({
      ok: false,
      kind: 'registry',
      wrote: false,
      message:
        'socket hang up. Read back, none of the writes is in place; missing: tag a of m v3 is null. Running the gate again is safe: it converges.',
    });
    expect(failedOutcome('promoted', failure, [a!, b!], [{ op: a! }, { op: b!, problem: 'not moved' }])).toMatchObject({
      ok: false,
      wrote: true,
      message: expect.stringContaining('Read back, in place: set tag a="1" on m v3; missing: not moved'),
    });
  });

  it('an unchecked write (the history) is no evidence that anything landed', () => {
    expect(
      failedOutcome(
        'promoted',
        failure,
        [history, move('3')],
        [
          { op: history, unchecked: true },
          { op: move('3'), problem: 'p' },
        ],
      ),
    ).toMatchObject({ wrote: false });
  });

  it('a read-back that fails: after a failed write nothing is known; after answered writes they are taken as written', () => {
    const unread = failureOf(new Error('reset'));
    expect(unreadOutcome(failure, unread, [tag('3', 'a', '1')])).toMatchObject({
      ok: false,
      kind: 'registry',
      wrote: true,
      message: expect.stringContaining(
        'Reading the registry back failed too (reset), so whether the other writes landed is unknown. Answered: set tag a="1" on m v3.',
      ),
    });
    expect(unreadOutcome(undefined, failureOf(new GateError('conflict', 'gone')), [])).toMatchObject({
      kind: 'conflict',
      wrote: true,
      message: expect.stringMatching(/^every write was answered, but reading them back failed: gone/),
    });
  });

  it('answered writes: done unless something other than the move is not in place (a conflict that wrote)', () => {
    const m = moveOf([move('3'), tag('3', 'a', '1')]);
    const checks = [
      { op: move('3'), problem: 'overtaken', holderNow: '4' },
      { op: tag('3', 'a', '1'), problem: 'tag a is null' },
    ];
    const others = otherProblems(m, checks);
    expect(others).toEqual([checks[1]]);
    expect(
      answeredOutcome('promoted', [move('3')], [], { winner: '3', writes: [move('2', 'Archived', false)] }),
    ).toEqual({
      ok: true,
      decision: 'promoted',
      applied: [move('3'), move('2', 'Archived', false)],
      reasons: [],
    });
    expect(answeredOutcome('promoted', [move('3')], others, undefined)).toMatchObject({
      ok: false,
      kind: 'conflict',
      wrote: true,
    });
  });
});

describe('the history merged after a clash', () => {
  const mine = history.kind === 'set-model-tag' ? history.value : '';
  const theirs = JSON.stringify([
    { version: '4', decision: 'promoted', target: 'stage:Production', previous: ['3'], at: 'u', by: 'b' },
  ]);

  it("this run's entry goes first on what another run wrote", () => {
    expect(parseHistory(mergedHistory(mine, theirs)).map((h) => h.version)).toEqual(['3', '4']);
  });

  it('nothing to write when the entry is there already, or the value held none', () => {
    expect(mergedHistory(mine, mine)).toBeUndefined();
    expect(mergedHistory('[]', theirs)).toBeUndefined();
  });
});

describe('the record phase stamped with the time it is written', () => {
  it("each decided record's at, and the history entry of the same version and target, become the write time; a begun record keeps none", () => {
    const promoted = recordOp('m', '3', {
      target: 'stage:Production',
      decision: 'promoted',
      previous: ['2'],
      at: 't-start',
      by: 'a',
    });
    const begun = recordOp('m', '4', { target: 'stage:Production', previous: [] }, { record: false });
    const cache: RegistryOp = {
      kind: 'set-model-tag',
      model: 'm',
      key: LEDGER.history,
      value: JSON.stringify([
        { version: '3', decision: 'promoted', target: 'stage:Production', previous: ['2'], at: 't-start', by: 'a' },
        { version: '2', decision: 'promoted', target: 'stage:Production', previous: [], at: 't-start', by: 'a' },
      ]),
    };
    const [r, b, h] = stampRecords([promoted, begun, cache], 't-written');
    expect(JSON.parse((r as Extract<RegistryOp, { kind: 'set-tag' }>).value)).toMatchObject({
      decision: 'promoted',
      at: 't-written',
    });
    expect(b).toBe(begun);
    // Only the entry of the record stamped: v2's older entry is another decision's.
    expect(
      parseHistory((h as Extract<RegistryOp, { kind: 'set-model-tag' }>).value).map((e) => [e.version, e.at]),
    ).toEqual([
      ['3', 't-written'],
      ['2', 't-start'],
    ]);
  });
});
