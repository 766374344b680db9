// One version, several targets (issue 14), in pure form: decide's plans applied to a small
// in-memory world, gate after gate, with the ledger read per target.
import { describe, expect, it } from 'vitest';
import { threeGates } from '../support/ledger-policies.js';
import { auditHolder } from '../../src/core/audit.js';
import { decide, type GateState } from '../../src/core/decide.js';
import { cachedHistory, rebuildHistory, type HistoryEntry } from '../../src/core/history.js';
import { currentHolder, stageHolders } from '../../src/core/holders.js';
import { recordFor, recordKey, ruleHash, type LedgerRecord } from '../../src/core/ledger.js';
import { pendingVersions } from '../../src/core/pending.js';
import { loadPolicy, loadPolicyFile, type Policy } from '../../src/core/policy.js';
import type { ModelVersion, RegistryOp } from '../../src/core/registry-model.js';
import { planRollback } from '../../src/core/rollback.js';
import { LEDGER } from '../../src/core/tags.js';
import { obs, recordsIn, recordTags, runData, versionOf } from './builders.js';

const ctx = {
  now: '2026-11-26T10:00:00.000Z',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/models/actions/runs/42',
  sha: 'abc123',
};
const METRICS = 'metrics:\n  accuracy: ">= 0.90"\n';
const GATES = loadPolicyFile(`model: m\n${threeGates(METRICS)}`, 'p.yml');
const gate = (name: string) => GATES.resolve('m', name);

/** A registry as far as decide and audit read it. */
interface World {
  versions: ModelVersion[];
  aliases: Record<string, string>;
  modelTags: Record<string, string>;
}

/** The world after the plan's writes (MLflow's semantics: a stage move with archiving archives the stage's others). */
function apply(world: World, plan: RegistryOp[]): World {
  let versions = world.versions.map((v) => ({ ...v, tags: { ...v.tags } }));
  const aliases = { ...world.aliases };
  const modelTags = { ...world.modelTags };
  const find = (n: string) => versions.find((v) => v.version === n)!;
  for (const op of plan) {
    if (op.kind === 'set-tag') find(op.version).tags[op.key] = op.value;
    else if (op.kind === 'delete-tag') delete find(op.version).tags[op.key];
    else if (op.kind === 'set-model-tag') modelTags[op.key] = op.value;
    else if (op.kind === 'set-alias') aliases[op.alias] = op.version;
    else if (op.kind === 'delete-alias') delete aliases[op.alias];
    else if (op.kind === 'transition-stage') {
      versions = versions.map((v) =>
        v.version === op.version
          ? { ...v, stage: op.stage }
          : op.archiveExisting && v.stage === op.stage
            ? { ...v, stage: 'Archived' }
            : v,
      );
    } else throw new Error(`not simulated: ${op.kind}`);
  }
  return { versions, aliases, modelTags };
}

/** The state the gate reads for `candidate` under `policy`. */
function stateOf(world: World, policy: Policy, candidate: string, over: Partial<GateState> = {}): GateState {
  return {
    policy,
    model: 'm',
    mode: 'promote',
    candidate: world.versions.find((v) => v.version === candidate)!,
    holders: stageHolders(policy.target, world.versions),
    modelAliases: world.aliases,
    run: runData({ accuracy: 0.95 }),
    observed: obs({ accuracy: 0.95 }),
    context: ctx,
    history: cachedHistory(world.modelTags),
    versions: world.versions,
    ...over,
  };
}

const audit = (world: World, policy: Policy, rules?: string) => {
  const holder = currentHolder(policy.target, world.versions, world.aliases);
  return holder ? auditHolder(policy.target, holder, rules) : ['nothing holds the target'];
};

const START: World = { versions: [versionOf('1'), versionOf('2')], aliases: {}, modelTags: {} };

describe('the three-gate flow: staging, then production, then champion', () => {
  // Each gate's plan applied in turn.
  const steps: Array<{ gate: string; world: World; decision: string }> = [];
  let world = START;
  for (const name of ['staging', 'production', 'champion']) {
    const d = decide(stateOf(world, gate(name), '1'));
    world = apply(world, d.plan);
    steps.push({ gate: name, world, decision: d.decision });
  }
  const end = world;

  it('each gate promotes v1, and v1 ends with one record per target', () => {
    expect(steps.map((s) => s.decision)).toEqual(['promoted', 'promoted', 'promoted']);
    const v1 = end.versions.find((v) => v.version === '1')!;
    expect(v1.stage).toBe('Production');
    expect(end.aliases).toEqual({ champion: '1' });
    for (const [name, target] of [
      ['staging', 'stage:Staging'],
      ['production', 'stage:Production'],
      ['champion', 'alias:champion'],
    ] as const) {
      expect(recordFor(v1.tags, target)).toEqual({
        target,
        decision: 'promoted',
        previous: [],
        ruleHash: ruleHash(gate(name)),
        at: ctx.now,
        by: 'octocat',
        runUrl: ctx.runUrl,
        commit: 'abc123',
      });
    }
    expect(JSON.parse(end.modelTags[LEDGER.history]!).map((h: HistoryEntry) => h.target)).toEqual([
      'alias:champion',
      'stage:Production',
      'stage:Staging',
    ]);
  });

  it('after the staging gate, v1 is pending for the production gate (not decided for stage:Production)', () => {
    const staged = steps[0]!.world;
    expect(
      pendingVersions(staged.versions, gate('production').target, staged.aliases, false).map((v) => v.version),
    ).toEqual(['2', '1']);
    // For the staging gate, v1 is the holder: only v2, newer and never decided, is pending.
    expect(
      pendingVersions(staged.versions, gate('staging').target, staged.aliases, false).map((v) => v.version),
    ).toEqual(['2']);
    // v2, never in Staging, is not eligible for the production gate; v1 is.
    expect(decide(stateOf(staged, gate('production'), '2')).decision).toBe('skipped');
    expect(decide(stateOf(staged, gate('production'), '1')).decision).toBe('promoted');
  });

  it('the audits of production and champion pass; the staging audit finds nothing in Staging', () => {
    expect(audit(end, gate('production'))).toEqual([]);
    expect(audit(end, gate('champion'))).toEqual([]);
    expect(audit(end, gate('production'), ruleHash(gate('production')))).toEqual([]);
    expect(audit(end, gate('staging'))).toEqual(['nothing holds the target']);
  });

  it('a rerun of every gate on v1 plans nothing', () => {
    for (const name of ['production', 'champion']) {
      const d = decide(stateOf(end, gate(name), '1', { context: { ...ctx, now: 'later' } }));
      expect(d.decision, name).toBe('already-promoted');
      expect(d.plan, name).toEqual([]);
    }
    // The staging gate would take v1 out of Production: skipped, nothing written.
    const staging = decide(stateOf(end, gate('staging'), '1', { context: { ...ctx, now: 'later' } }));
    expect(staging.decision).toBe('skipped');
    expect(staging.plan).toEqual([]);
    // Reruns in any order converge: the world does not change.
    let again = end;
    for (const name of ['champion', 'production', 'staging', 'production'])
      again = apply(again, decide(stateOf(again, gate(name), '1', { context: { ...ctx, now: 'later' } })).plan);
    expect(again).toEqual(end);
  });

  it('rollback of stage:Production restores v1, which had also become champion, after v2 took Production', () => {
    let w = end;
    for (const name of ['staging', 'production']) w = apply(w, decide(stateOf(w, gate(name), '2')).plan);
    expect(w.versions.map((v) => `${v.version}:${v.stage}`)).toEqual(['1:Archived', '2:Production']);
    expect(w.aliases).toEqual({ champion: '1' });
    const p = planRollback({
      model: 'm',
      target: { stage: 'Production' },
      versions: w.versions,
      aliases: w.aliases,
      history: rebuildHistory(w.versions, cachedHistory(w.modelTags)),
      reason: 'bad predictions',
      force: false,
      context: { ...ctx, now: 'later' },
    });
    expect(p.restore.version).toBe('1');
    expect(p.plan.filter((op) => op.kind !== 'set-tag' && op.kind !== 'set-model-tag')).toEqual([
      { kind: 'transition-stage', model: 'm', version: '1', stage: 'Production', archiveExisting: true },
    ]);
    const after = apply(w, p.plan);
    expect(after.aliases).toEqual({ champion: '1' });
    const v1 = after.versions.find((v) => v.version === '1')!;
    // Its other records are untouched.
    expect(recordFor(v1.tags, 'alias:champion')?.decision).toBe('promoted');
    expect(recordFor(v1.tags, 'stage:Staging')?.decision).toBe('promoted');
    expect(recordFor(v1.tags, 'stage:Production')?.decision).toBe('restored');
    expect(audit(after, gate('production'))).toEqual([]);
    expect(audit(after, gate('champion'))).toEqual([]);
  });

  it('a version with only a stage:Staging record, moved into Production by hand, fails the production audit, named', () => {
    const staged = steps[0]!.world;
    const byHand = apply(staged, [
      { kind: 'transition-stage', model: 'm', version: '1', stage: 'Production', archiveExisting: true },
    ]);
    expect(audit(byHand, gate('production'))).toEqual([
      'v1, which holds stage:Production, has no ledger record of the gate putting it there (it has records only for stage:Staging: promoted): it was moved there by hand or by another tool',
    ]);
    // And the production gate, run on it, writes nothing: it says so.
    const d = decide(stateOf(byHand, gate('production'), '1'));
    expect(d.decision).toBe('already-promoted');
    expect(d.plan).toEqual([]);
    expect(d.reasons.at(-1)).toBe(
      'the ledger has no record of the gate putting it there (moved by hand or by another tool): nothing is written, and mode audit reports it',
    );
  });
});

describe('a rerun on the holder', () => {
  const PROD = 'stage:Production';
  const policy = loadPolicy(`model: m\n${METRICS}`, 'p.yml');
  const tighter = loadPolicy(`model: m\nmetrics:\n  accuracy: ">= 0.99"\n`, 'p.yml');
  const holderWith = (tags: Record<string, string>): World => ({
    versions: [versionOf('2', 'Archived'), versionOf('3', 'Production', tags)],
    aliases: {},
    modelTags: {},
  });

  it('a decided record under a changed policy: already-promoted, nothing written, and audit-rules flags it', () => {
    const record: LedgerRecord = {
      target: PROD,
      decision: 'promoted',
      previous: ['2'],
      at: 'earlier',
      by: 'someone',
      ruleHash: ruleHash(policy),
    };
    const world = holderWith(recordTags(record));
    const d = decide(stateOf(world, tighter, '3'));
    expect(d.decision).toBe('already-promoted');
    expect(d.plan).toEqual([]);
    expect(d.reasons).toEqual([
      'version 3 already holds stage Production; nothing to do',
      'note: it would not pass the policy now (accuracy = 0.95 fails >= 0.99 by 0.04)',
    ]);
    expect(audit(world, tighter, ruleHash(tighter))).toEqual([
      `v3, which holds stage:Production, was promoted under other rules (${ruleHash(policy)}) than the current policy's (${ruleHash(tighter)})`,
    ]);
  });

  it('a begun record under a tightened policy is completed: only its absent fields filled, its rule_hash kept', () => {
    const world = holderWith(recordTags({ target: PROD, previous: ['2'], ruleHash: ruleHash(policy) }));
    const d = decide(stateOf(world, tighter, '3'));
    expect(d.decision).toBe('already-promoted');
    expect(recordsIn(d.plan)).toEqual([
      {
        version: '3',
        key: recordKey(PROD),
        after: true,
        record: {
          target: PROD,
          decision: 'promoted',
          previous: ['2'],
          at: ctx.now,
          by: 'octocat',
          runUrl: ctx.runUrl,
          commit: 'abc123',
          ruleHash: ruleHash(policy),
        },
      },
    ]);
    expect(d.plan.filter((op) => op.kind !== 'set-tag').map((op) => op.kind)).toEqual(['set-model-tag']);
    expect(d.reasons).toContain(
      'an earlier run of this gate moved it but stopped before its ledger record was whole: completing that record',
    );
    // Once completed, the audit under the tightened rules flags it: the record keeps the rules it was promoted under.
    const after = apply(world, d.plan);
    expect(audit(after, tighter, ruleHash(tighter))[0]).toContain('was promoted under other rules');
    expect(decide(stateOf(after, tighter, '3')).plan).toEqual([]);
  });

  it('a holder without a record plans nothing, and says it was moved by hand or by another tool', () => {
    const d = decide(stateOf(holderWith({ validation: 'passed' }), policy, '3'));
    expect(d.decision).toBe('already-promoted');
    expect(d.plan).toEqual([]);
    expect(d.reasons.at(-1)).toContain('moved by hand or by another tool');
  });

  it('a holder whose record for the target is not a promotion plans nothing, and names the decision', () => {
    const d = decide(
      stateOf(holderWith(recordTags({ target: PROD, decision: 'rolled-back', previous: ['2'] })), policy, '3'),
    );
    expect(d.plan).toEqual([]);
    expect(d.reasons.at(-1)).toBe(
      'its ledger record for stage:Production says rolled-back: nothing is written, and mode audit reports it',
    );
  });
});

describe('a gate never moves a version down', () => {
  const staging = gate('staging');

  it('a candidate in Production under a Staging target is skipped, with nothing planned', () => {
    const world: World = { versions: [versionOf('1', 'Production')], aliases: {}, modelTags: {} };
    const d = decide(stateOf(world, staging, '1'));
    expect(d.decision).toBe('skipped');
    expect(d.plan).toEqual([]);
    expect(d.reasons).toEqual([
      'v1 holds stage:Production; this gate would take it out (a version has one stage, and Staging ranks below Production). Nothing was written; set allow-demotion: true to move it anyway',
    ]);
    // In evaluate mode too.
    expect(decide(stateOf(world, staging, '1', { mode: 'evaluate' })).decision).toBe('skipped');
  });

  it('with allow-demotion it moves, and the reasons say Production is left empty', () => {
    const world: World = { versions: [versionOf('1', 'Production')], aliases: {}, modelTags: {} };
    const d = decide(stateOf(world, staging, '1', { allowDemotion: true }));
    expect(d.decision).toBe('promoted');
    expect(d.plan.filter((op) => op.kind === 'transition-stage')).toEqual([
      { kind: 'transition-stage', model: 'm', version: '1', stage: 'Staging', archiveExisting: false },
    ]);
    expect(d.reasons).toContain(
      'allow-demotion: v1 moves down from Production to Staging, and stage Production is left empty',
    );
    expect(decide(stateOf(world, staging, '1', { allowDemotion: true, mode: 'evaluate' })).decision).toBe('passed');
  });

  it('with allow-demotion and another version in Production, the reasons say which it keeps', () => {
    const world: World = {
      versions: [versionOf('1', 'Production'), versionOf('2', 'Production'), versionOf('3', 'Staging')],
      aliases: {},
      modelTags: {},
    };
    const d = decide(stateOf(world, staging, '1', { allowDemotion: true }));
    expect(d.decision).toBe('promoted');
    expect(d.reasons).toContain('allow-demotion: v1 moves down from Production to Staging; stage Production keeps v2');
  });

  it('moving up, or sideways from None or Archived, is a promotion', () => {
    for (const from of ['None', 'Archived', 'Staging']) {
      const world: World = { versions: [versionOf('1', from)], aliases: {}, modelTags: {} };
      const policy = from === 'Staging' ? gate('production') : staging;
      expect(decide(stateOf(world, policy, '1')).decision, from).toBe('promoted');
    }
  });

  it('an alias-only target never moves the stage, whatever stage the candidate is in', () => {
    for (const from of ['Production', 'Staging', 'None']) {
      const world: World = {
        versions: [versionOf('1', from), versionOf('2', 'None')],
        aliases: { champion: '2' },
        modelTags: {},
      };
      const d = decide(stateOf(world, gate('champion'), '1'));
      expect(d.decision, from).toBe('promoted');
      expect(
        d.plan.some((op) => op.kind === 'transition-stage'),
        from,
      ).toBe(false);
      expect(apply(world, d.plan).versions.map((v) => v.stage)).toEqual([from, 'None']);
    }
  });

  it("promotion by copy never moves the source's stage, nor counts as a demotion", () => {
    const copy = loadPolicy(`model: m\n${METRICS}target: {model: prod, stage: Staging}\n`, 'p.yml');
    const source = versionOf('1', 'Production');
    const d = decide({
      ...stateOf({ versions: [source], aliases: {}, modelTags: {} }, copy, '1'),
      holders: [],
      modelAliases: {},
      destination: { model: 'prod', exists: true },
    });
    expect(d.decision).toBe('promoted');
    expect(d.plan.filter((op) => op.kind === 'transition-stage')).toEqual([
      { kind: 'transition-stage', model: 'prod', version: 'new copy', stage: 'Staging', archiveExisting: true },
    ]);
    expect(
      d.plan.some((op) => 'model' in op && op.model === 'm' && op.kind !== 'set-tag' && op.kind !== 'delete-tag'),
    ).toBe(false);
    // The copy carries the begun record, not the source.
    const made = d.plan.find((op) => op.kind === 'copy-version');
    expect(made && Object.keys(made.tags)).toContain(recordKey('model:prod+stage:Staging'));
    expect(recordsIn(d.plan, '1')).toEqual([]);
  });
});

describe('a move this gate began and did not finish (found by the fault sweep)', () => {
  // The production gate takes v2 from Staging to stage Production and alias champion; a run moved
  // the stage, but the alias write was lost: v2 is in Production with its record begun.
  const BOTH = loadPolicyFile(
    `model: m
${METRICS}gates:
  production:
    candidate: {from_stage: Staging}
    target: {stage: Production, alias: champion}
`,
    'p.yml',
  ).resolve('m', 'production');
  const staged: World = {
    versions: [versionOf('1', 'Production'), versionOf('2', 'Staging')],
    aliases: { champion: '1' },
    modelTags: {},
  };
  const full = decide(stateOf(staged, BOTH, '2'));
  const stageOnly = full.plan.filter((op) => op.kind !== 'set-alias' && !(op.kind === 'set-tag' && op.record));
  const half = apply(
    staged,
    stageOnly.filter((op) => op.kind !== 'set-model-tag'),
  );

  it('a rerun resumes it although the candidate has left the stage from_stage names, keeping what it replaces', () => {
    expect(half.versions.map((v) => v.stage)).toEqual(['Archived', 'Production']);
    const again = decide(stateOf(half, BOTH, '2'));
    expect(again.decision).toBe('promoted');
    expect(again.plan.filter((op) => op.kind === 'set-alias')).toEqual([
      { kind: 'set-alias', model: 'm', alias: 'champion', version: '2' },
    ]);
    const end = apply(half, again.plan);
    expect(end.aliases).toEqual({ champion: '2' });
    expect(recordFor(end.versions[1]!.tags, 'alias:champion+stage:Production')).toMatchObject({
      decision: 'promoted',
      previous: ['1'],
    });
    // Once done, a rerun plans nothing.
    expect(decide(stateOf(end, BOTH, '2')).plan).toEqual([]);
  });

  it('from_stage still holds for a version the gate never began to move', () => {
    const moved = apply(staged, [
      { kind: 'transition-stage', model: 'm', version: '2', stage: 'Production', archiveExisting: true },
    ]);
    expect(decide(stateOf(moved, BOTH, '2')).decision).toBe('skipped');
  });
});
