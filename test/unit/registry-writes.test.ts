// The write protocol (src/registry-writes.ts over src/core/write-protocol.ts) over the in-memory
// registry, with a fault at each phase and racing runs: the decision and `wrote` are what the
// README promises (outputs, faults, races) and the registry ends as it says.
import { describe, expect, it } from 'vitest';
import { GateError } from '../../src/core/errors.js';
import { formatRecord, parseRecord, recordKey, type LedgerRecord } from '../../src/core/ledger.js';
import { LEDGER, RECORD_PREFIX } from '../../src/core/tags.js';
import { NEW_COPY, type RegistryOp } from '../../src/core/registry-model.js';
import { buildReport } from '../../src/core/report.js';
import { writeAndVerify } from '../../src/registry-writes.js';
import { writePhases as writePhasesOf } from '../../src/core/write-protocol.js';
import { MemoryRegistry, type MemoryState, type WriteFault } from '../support/memory-registry.js';
import { rejectionOf } from '../support/errors.js';
import { tagOp as tag, moveOp as move } from './builders.js';

/** v1 archived, v2 in Production with @champion, v3 the candidate, v4 another run's. */
const START: MemoryState = {
  m: {
    tags: {},
    aliases: { champion: '2' },
    versions: {
      '1': { stage: 'Archived', tags: {} },
      '2': { stage: 'Production', tags: { validation: 'passed' } },
      '3': { stage: 'None', tags: { 'mlflow_gate.failed_checks': 'old' } },
      '4': { stage: 'None', tags: {} },
    },
  },
};

const alias = (a: string, version: string): RegistryOp => ({ kind: 'set-alias', model: 'm', alias: a, version });
const HISTORY: RegistryOp = {
  kind: 'set-model-tag',
  model: 'm',
  key: LEDGER.history,
  value: JSON.stringify([{ version: '3', decision: 'promoted', target: 't', previous: ['2'], at: 'now', by: 'me' }]),
};

/** The target's key, as core/target.ts targetKey writes it. */
const keyOf = (target: { stage?: boolean; alias?: boolean }) =>
  [target.alias ? 'alias:champion' : '', target.stage ? 'stage:Production' : ''].filter(Boolean).join('+');
/** The record decide begins with the evidence (before the move). */
const begunOf = (target: { stage?: boolean; alias?: boolean }): LedgerRecord => ({
  target: keyOf(target),
  previous: ['2'],
  ruleHash: 'sha256:1',
  ...(target.alias ? { previousAlias: 'previous' } : {}),
});
/** The record tag of the combined target on v3. */
const RECORD = recordKey('alias:champion+stage:Production');
/** v3's record for the target, as the registry holds it. */
const recordOf = (state: MemoryState, key = RECORD) => parseRecord(state.m!.versions['3']!.tags[key]);

/** What decide plans for v3 to stage Production and @champion, keeping @previous on the old holder. */
function promotion(version = '3', target: { stage?: boolean; alias?: boolean } = { stage: true, alias: true }) {
  const begun = begunOf(target);
  return [
    tag(version, 'validation', 'passed'),
    tag(version, 'mlflow_gate.checks', 'accuracy=0.95 (>= 0.9) pass'),
    { kind: 'delete-tag', model: 'm', version, key: 'mlflow_gate.failed_checks' } as const,
    tag(version, recordKey(begun.target), formatRecord(begun)),
    ...(target.alias ? [alias('previous', '2'), alias('champion', version)] : []),
    ...(target.stage ? [move(version)] : []),
    tag(version, recordKey(begun.target), formatRecord({ ...begun, decision: 'promoted', at: 'now', by: 'me' }), true),
    HISTORY,
  ] satisfies RegistryOp[];
}

async function write(registry: MemoryRegistry, plan: RegistryOp[]) {
  const log: string[] = [];
  const written = await writeAndVerify(registry, 'promoted', plan, (m) => log.push(m));
  // `wrote` as the report (and the `wrote` output) computes it.
  const report = buildReport({
    mode: 'promote',
    model: 'm',
    version: '3',
    target: { stage: 'Production', alias: 'champion', archiveExisting: true } as never,
    policyFile: 'p.yml',
    result: {
      decision: written.decision,
      evaluation: { passed: true, checks: [], failed: [] },
      previousVersions: [],
      plan,
      reasons: [],
    },
    decision: written.decision,
    applied: written.applied,
  });
  return { ...written, wrote: report.wrote, log };
}

const failed = (p: Promise<unknown>) => rejectionOf(p, GateError);

/** The state a clean run leaves. */
async function clean(): Promise<MemoryState> {
  const registry = new MemoryRegistry(START);
  const { decision } = await write(registry, promotion());
  expect(decision).toBe('promoted');
  return registry.state();
}

const PHASES: Array<[string, (op: RegistryOp) => boolean]> = [
  ['an evidence tag', (op) => op.kind === 'set-tag' && op.key === 'validation'],
  ['the stale failure tag delete', (op) => op.kind === 'delete-tag'],
  ['the begun record', (op) => op.kind === 'set-tag' && !op.record && op.key.startsWith(RECORD_PREFIX)],
  ['the previous alias', (op) => op.kind === 'set-alias' && op.alias === 'previous'],
  ['the alias', (op) => op.kind === 'set-alias' && op.alias === 'champion'],
  ['the stage transition', (op) => op.kind === 'transition-stage'],
  ['the record tag', (op) => op.kind === 'set-tag' && op.record === true],
  ['the history', (op) => op.kind === 'set-model-tag'],
];

describe('a clean promotion', () => {
  it('moves the candidate (the old holder archived, with @previous), records it, and wrote', async () => {
    const registry = new MemoryRegistry(START);
    const result = await write(registry, promotion());
    expect(result).toMatchObject({ decision: 'promoted', wrote: true, reasons: [] });
    const m = registry.state().m!;
    expect(m.aliases).toEqual({ champion: '3', previous: '2' });
    expect([m.versions['2']!.stage, m.versions['3']!.stage]).toEqual(['Archived', 'Production']);
    expect(m.versions['3']!.tags.validation).toBe('passed');
    expect(recordOf(registry.state())).toEqual({
      target: 'alias:champion+stage:Production',
      decision: 'promoted',
      previous: ['2'],
      at: 'now',
      by: 'me',
      ruleHash: 'sha256:1',
      previousAlias: 'previous',
    });
    expect(m.versions['3']!.tags).not.toHaveProperty('mlflow_gate.failed_checks');
    expect(m.tags[LEDGER.history]).toBeDefined();
  });

  it('in phases: the evidence, the previous alias, the alias and the stage, then the record', async () => {
    const registry = new MemoryRegistry(START);
    await write(registry, promotion());
    const order = registry.writes.map(({ op }) =>
      op.kind === 'set-tag' ? (op.record ? 'record' : 'evidence') : op.kind,
    );
    expect(order).toEqual([
      'evidence',
      'evidence',
      'delete-tag',
      'evidence',
      'set-alias',
      'set-alias',
      'transition-stage',
      'record',
      'set-model-tag',
    ]);
  });
});

describe('a lost answer at each phase: the write landed, the run reads it back and goes on', () => {
  const lost: WriteFault[] = ['lose', 'error-after'];
  for (const fault of lost)
    it.each(PHASES)(`%s (${fault}): promoted, wrote, and the registry as after a clean run`, async (_name, match) => {
      const registry = new MemoryRegistry(START).failWrite(match, fault);
      const result = await write(registry, promotion());
      expect(result).toMatchObject({ decision: 'promoted', wrote: true });
      expect(registry.writes.some((w) => w.fault === fault)).toBe(true);
      expect(registry.state()).toEqual(await clean());
    });

  it('a lost answer whose own read-back fails too: the read-back of every write decides (all in place: promoted)', async () => {
    const registry = new MemoryRegistry(START)
      .failWrite((op) => op.kind === 'set-tag' && op.record === true, 'lose')
      .failRead('searchModelVersions');
    const result = await write(registry, promotion());
    expect(result).toMatchObject({ decision: 'promoted', wrote: true });
    expect(result.log).toContainEqual(expect.stringMatching(/^A write failed .* every write in place$/));
    expect(registry.state()).toEqual(await clean());
  });
});

describe('a refused write at each phase: the run stops, says what is in place, and `wrote` says whether anything is', () => {
  const cases: Array<
    [string, (op: RegistryOp) => boolean, { stage3: string; champion: string; missing: RegExp | string }]
  > = [
    [
      'an evidence tag',
      PHASES[0]![1],
      { stage3: 'None', champion: '2', missing: /missing: tag validation of m v3 is null/ },
    ],
    [
      'the begun record',
      PHASES[2]![1],
      { stage3: 'None', champion: '2', missing: `missing: tag ${RECORD} of m v3 is null` },
    ],
    [
      'the previous alias',
      PHASES[3]![1],
      { stage3: 'None', champion: '2', missing: /alias @previous of m points at nothing, not v2/ },
    ],
    [
      'the alias (the stage, sent with it, lands)',
      PHASES[4]![1],
      { stage3: 'Production', champion: '2', missing: /alias @champion of m points at v2, not v3/ },
    ],
    [
      'the stage (the alias, sent with it, lands)',
      PHASES[5]![1],
      { stage3: 'None', champion: '3', missing: /m v3 is in stage None, not Production/ },
    ],
    [
      'the record tag (the begun one stays)',
      PHASES[6]![1],
      {
        stage3: 'Production',
        champion: '3',
        missing: `missing: tag ${RECORD} of m v3 is ${JSON.stringify(formatRecord(begunOf({ stage: true, alias: true })))}`,
      },
    ],
  ];
  it.each(cases)('%s: error-kind registry, wrote', async (_name, match, expected) => {
    const registry = new MemoryRegistry(START).failWrite(match, 'refuse');
    const err = await failed(write(registry, promotion()));
    expect(err).toMatchObject({ kind: 'registry', wrote: true });
    expect(err.message).toMatch(/^refuse|answered 503\. Read back, in place: /);
    expect(err.message).toMatch(expected.missing);
    expect(err.message).toMatch(/Running the gate again is safe: it converges\.$/);
    const m = registry.state().m!;
    expect(m.versions['3']!.stage).toBe(expected.stage3);
    expect(m.aliases.champion).toBe(expected.champion);
    // The record is written whole last: a run that stopped before it left at most the begun one.
    expect(recordOf(registry.state())?.decision).toBeUndefined();
  });

  it('every evidence write refused: nothing changed, wrote=false, and nothing after it was sent', async () => {
    const registry = new MemoryRegistry(START).failWrite(
      (op) => op.kind === 'set-tag' || op.kind === 'delete-tag',
      'refuse',
      4,
    );
    expect(writePhasesOf(promotion()).evidence).toHaveLength(4);
    const err = await failed(write(registry, promotion()));
    expect(err).toMatchObject({ kind: 'registry', wrote: false });
    expect(err.message).toContain('none of the writes is in place');
    expect(registry.state()).toEqual(START);
    expect(registry.writes.every((w) => w.fault === 'refuse')).toBe(true);
  });

  it("the history refused, twice: the run goes on with a warning (the versions' ledger tags are the record)", async () => {
    const registry = new MemoryRegistry(START).failWrite((op) => op.kind === 'set-model-tag', 'refuse', 2);
    const result = await write(registry, promotion());
    expect(result).toMatchObject({ decision: 'promoted', wrote: true });
    expect(result.log).toContainEqual(expect.stringMatching(/^Warning: the history tag of m was not updated/));
    expect(recordOf(registry.state())?.decision).toBe('promoted');
  });

  it("the history clashing with another run's: this run's entry goes first on theirs", async () => {
    const registry = new MemoryRegistry(START).failWrite((op) => op.kind === 'set-model-tag', 'refuse');
    registry.land({
      kind: 'set-model-tag',
      model: 'm',
      key: LEDGER.history,
      value: '[{"version":"4","decision":"promoted","target":"t","previous":[],"at":"then","by":"you"}]',
    });
    await write(registry, promotion());
    expect(JSON.parse(registry.state().m!.tags[LEDGER.history]!).map((h: { version: string }) => h.version)).toEqual([
      '3',
      '4',
    ]);
  });

  it('the read-back made along with the record fails: it counts as a failure, and everything is read back again', async () => {
    // (So the "every write was answered, but reading them back failed" outcome is not reached from applyPlan.)
    const registry = new MemoryRegistry(START).failRead('searchModelVersions');
    const result = await write(registry, promotion());
    expect(result).toMatchObject({ decision: 'promoted', wrote: true });
    expect(registry.state()).toEqual(await clean());
  });

  it('both read-backs fail: whether the writes landed is unknown, so error-kind registry, wrote', async () => {
    const registry = new MemoryRegistry(START).failRead('searchModelVersions', 2);
    const err = await failed(write(registry, promotion()));
    expect(err).toMatchObject({ kind: 'registry', wrote: true });
    expect(err.message).toMatch(/Reading the registry back failed too/);
  });

  it('a refused write whose read-back fails too: whether the rest landed is unknown, so wrote', async () => {
    const registry = new MemoryRegistry(START).failWrite(PHASES[5]![1], 'refuse').failRead('searchModelVersions', 2);
    const err = await failed(write(registry, promotion()));
    expect(err).toMatchObject({ kind: 'registry', wrote: true });
    expect(err.message).toMatch(
      /Reading the registry back failed too .* so whether the other writes landed is unknown\. Answered: /,
    );
  });

  // KNOWN BUG (kept: this change moves the protocol without changing it): a failed copy-version
  // is checked as in place (checkWrites takes a copy's answer as its proof) and the moves of the
  // copy (NEW_COPY) are not among the writes that may have landed, so nothing is missing and the
  // run reports `promoted` with nothing moved. The fault sweep has no promotion by copy.
  it.each(['lose', 'refuse'] as const)(
    'promotion by copy: a copy-version that fails (%s) stops the run',
    async (fault) => {
      const registry = new MemoryRegistry(START).failWrite((op) => op.kind === 'copy-version', fault);
      const plan: RegistryOp[] = [
        { kind: 'create-model', model: 'd' },
        { kind: 'copy-version', model: 'd', source: 'models:/m/3', tags: { 'mlflow_gate.copied_from': 'models:/m/3' } },
        { kind: 'set-alias', model: 'd', alias: 'champion', version: NEW_COPY },
        { kind: 'transition-stage', model: 'd', version: NEW_COPY, stage: 'Production', archiveExisting: true },
      ];
      const err = await failed(write(registry, plan));
      expect(err).toMatchObject({ kind: 'registry', wrote: true });
      expect(err.message).toContain('in place: create the registered model d');
      expect(registry.state().d!.aliases).toEqual({});
    },
  );
});

describe('races: the read-back settles what slipped through', () => {
  /** Another run's writes, made just after this run's write that `when` matches lands. */
  const racer = (registry: MemoryRegistry, when: (op: RegistryOp) => boolean, ops: RegistryOp[]) => {
    let done = false;
    registry.afterWrite = (op, r) => {
      if (done || !when(op)) return;
      done = true;
      for (const o of ops) r.land(o);
    };
    return registry;
  };
  const ourMove = (op: RegistryOp) => op.kind === 'transition-stage' && op.version === '3';
  const stageOnly = () => promotion('3', { stage: true });

  it('two versions in the stage after the move: the highest (ours) wins and archives the other', async () => {
    const registry = racer(new MemoryRegistry(START), ourMove, [move('2', 'Production', false)]);
    const result = await write(registry, stageOnly());
    expect(result).toMatchObject({ decision: 'promoted', wrote: true });
    expect(result.applied).toContainEqual(move('2', 'Archived', false));
    const m = registry.state().m!;
    expect([m.versions['2']!.stage, m.versions['3']!.stage]).toEqual(['Archived', 'Production']);
  });

  it('two versions in the stage after the move: the lower (ours) archives itself and is superseded', async () => {
    const registry = racer(new MemoryRegistry(START), ourMove, [move('4', 'Production', false)]);
    const result = await write(registry, stageOnly());
    expect(result).toMatchObject({ decision: 'superseded', wrote: true });
    expect(result.reasons[0]).toMatch(/^m v3 was moved to stage Production, but when read back v4 held it/);
    const m = registry.state().m!;
    expect([m.versions['3']!.stage, m.versions['4']!.stage]).toEqual(['Archived', 'Production']);
    expect(recordOf(registry.state(), recordKey('stage:Production'))).toMatchObject({
      target: 'stage:Production',
      decision: 'superseded',
      supersededBy: '4',
      previous: ['2'],
      ruleHash: 'sha256:1',
    });
  });

  it("archived by a racer's move: superseded, the racer's version left in place", async () => {
    const registry = racer(new MemoryRegistry(START), ourMove, [move('4')]);
    const result = await write(registry, stageOnly());
    expect(result.decision).toBe('superseded');
    const m = registry.state().m!;
    expect([m.versions['3']!.stage, m.versions['4']!.stage]).toEqual(['Archived', 'Production']);
    expect(recordOf(registry.state(), recordKey('stage:Production'))?.supersededBy).toBe('4');
  });

  it('an alias target: the alias holder wins; overtaken, this run is superseded', async () => {
    const registry = racer(new MemoryRegistry(START), (op) => op.kind === 'set-alias' && op.alias === 'champion', [
      alias('champion', '4'),
    ]);
    const result = await write(registry, promotion('3', { alias: true }));
    expect(result.decision).toBe('superseded');
    const m = registry.state().m!;
    expect(m.aliases.champion).toBe('4');
    expect(recordOf(registry.state(), recordKey('alias:champion'))).toMatchObject({
      decision: 'superseded',
      supersededBy: '4',
      previousAlias: 'previous',
    });
  });

  it('stage and alias: holding the alias but archived by a racer, this run takes the stage back', async () => {
    const registry = racer(new MemoryRegistry(START), ourMove, [move('4')]);
    const result = await write(registry, promotion());
    expect(result).toMatchObject({ decision: 'promoted', wrote: true });
    expect(result.applied).toContainEqual(move('3'));
    const m = registry.state().m!;
    expect(m.aliases.champion).toBe('3');
    expect([m.versions['3']!.stage, m.versions['4']!.stage]).toEqual(['Production', 'Archived']);
  });

  it('stage and alias: a racer took the alias, so this run, the highest in the stage, archives itself', async () => {
    const registry = racer(new MemoryRegistry(START), ourMove, [
      alias('champion', '2'),
      move('2', 'Production', false),
    ]);
    const result = await write(registry, promotion());
    expect(result.decision).toBe('superseded');
    const m = registry.state().m!;
    expect([m.versions['2']!.stage, m.versions['3']!.stage]).toEqual(['Production', 'Archived']);
    expect(recordOf(registry.state())).toMatchObject({ decision: 'superseded', supersededBy: '2', previous: ['2'] });
  });

  it('a settling write refused: the run stops, error-kind registry, wrote', async () => {
    const registry = racer(new MemoryRegistry(START), ourMove, [move('2', 'Production', false)]).failWrite(
      (op) => op.kind === 'transition-stage' && op.version === '2',
      'refuse',
    );
    const err = await failed(write(registry, stageOnly()));
    expect(err).toMatchObject({ kind: 'registry', wrote: true });
    expect(err.message).toMatch(/^settling a race with another run failed/);
  });

  it('no race after a failed write: a move that is not in place may simply not have landed', async () => {
    const registry = new MemoryRegistry(START).failWrite(PHASES[5]![1], 'refuse');
    await failed(write(registry, stageOnly()));
    expect(registry.writes.filter((w) => w.op.kind === 'transition-stage')).toHaveLength(1);
    expect(registry.state().m!.versions['2']!.stage).toBe('Production');
  });
});
