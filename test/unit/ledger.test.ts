import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, type GateState } from '../../src/core/decide.js';
import type { HistoryEntry } from '../../src/core/history.js';
import {
  completed,
  formatRecord,
  parseRecord,
  recordFor,
  recordKey,
  recordsOf,
  ruleHash,
  canonicalJson,
  type LedgerRecord,
} from '../../src/core/ledger.js';
import { LEDGER, LEGACY_LEDGER, MAX_RECORD_VALUE, RECORD_PREFIX } from '../../src/core/tags.js';
import { targetKey } from '../../src/core/target.js';
import { loadPolicy, loadPolicyFile } from '../../src/core/policy.js';
import type { ModelVersion } from '../../src/core/registry-model.js';
import { obs, recordsIn, recordTags, runData } from './builders.js';

const POLICY = 'model: m\nmetrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n';
const ctx = {
  now: '2026-11-26T10:00:00.000Z',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/models/actions/runs/42',
  sha: 'abc123',
};
const version = (v: string, stage = 'None', tags: Record<string, string> = {}): ModelVersion => ({
  name: 'm',
  version: v,
  stage,
  status: 'READY',
  runId: `r${v}`,
  tags,
  aliases: [],
});
const state = (over: Partial<GateState> = {}): GateState => ({
  policy: loadPolicy(POLICY, 'p.yml'),
  model: 'm',
  mode: 'promote',
  candidate: version('3'),
  holders: [version('2', 'Production')],
  modelAliases: {},
  run: runData({ accuracy: 0.95, f1: 0.9 }),
  observed: obs({ accuracy: 0.95, f1: 0.9 }),
  context: ctx,
  history: [],
  ...over,
});
const RULE = ruleHash(loadPolicy(POLICY, 'p.yml'));
const PROD = 'stage:Production';
const PROD_KEY = 'mlflow_gate.record.stage_Production';
const sha12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

describe('rule hash', () => {
  it('ignores comments, key order, formatting and the file name; changes with a rule', () => {
    const a = ruleHash(loadPolicy(POLICY, 'a.yml'));
    const b = ruleHash(
      loadPolicy('# reviewed by alice\nmetrics:\n  f1:   ">=0.88"   # f1\n  accuracy: ">= 0.9"\nmodel: m\n', 'b.yml'),
    );
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(b).toBe(a);
    expect(ruleHash(loadPolicy(POLICY.replace('0.90', '0.91'), 'a.yml'))).not.toBe(a);
  });

  it('is the same hash as ever: ledgers written by earlier releases hold these', () => {
    // Pinned from 1.0.0 (computed before canonicalJson was rewritten to allocate less): a change
    // here would make every audit report holders as promoted under other rules.
    expect(ruleHash(loadPolicy(POLICY, 'p.yml'))).toBe('sha256:9e44743cae2ffb62');
    const full = loadPolicyFile(readFileSync('examples/full-policy.yml', 'utf8'), 'examples/full-policy.yml');
    expect(ruleHash(full.resolve(full.model))).toBe('sha256:1b9e60d3abc4b800');
    const example = loadPolicyFile(
      readFileSync('examples/promotion-policy.yml', 'utf8'),
      'examples/promotion-policy.yml',
    );
    expect(ruleHash(example.resolve(example.model))).toBe('sha256:673ac27df0091026');
  });

  it('canonical JSON: keys sorted, undefined members dropped, array holes as Array.join leaves them', () => {
    expect(canonicalJson({ b: [1, undefined, null, { z: undefined, a: 'x' }], a: undefined, c: 'é\u2028"' })).toBe(
      '{"b":[1,,null,{"a":"x"}],"c":"é\u2028\\""}',
    );
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ only: undefined })).toBe('{}');
  });
});

describe('recordKey: one tag per target', () => {
  it('a stage, an alias, and both: `:` as `_`, `+` as `__`', () => {
    expect(recordKey(targetKey({ stage: 'Production' }))).toBe(PROD_KEY);
    expect(recordKey(targetKey({ stage: 'Staging' }))).toBe('mlflow_gate.record.stage_Staging');
    expect(recordKey(targetKey({ alias: 'champion' }))).toBe('mlflow_gate.record.alias_champion');
    expect(recordKey(targetKey({ alias: 'champion', stage: 'Production' }))).toBe(
      'mlflow_gate.record.alias_champion__stage_Production',
    );
  });

  it('a copy target whose model name has `/`, `.` or spaces: readable as far as it goes, made unique by a hash', () => {
    const slash = targetKey({ model: 'team/churn', alias: 'champion' });
    const spaces = targetKey({ model: 'churn model', alias: 'champion' });
    const uc = targetKey({ model: 'main.ml.churn', stage: 'Production' });
    expect(slash).toBe('model:team/churn+alias:champion');
    expect(recordKey(slash)).toBe(`mlflow_gate.record.model_team_churn__alias_champion_${sha12(slash)}`);
    expect(recordKey(spaces)).toBe(`mlflow_gate.record.model_churn_model__alias_champion_${sha12(spaces)}`);
    expect(recordKey(uc)).toBe(`mlflow_gate.record.model_main_ml_churn__stage_Production_${sha12(uc)}`);
  });

  it('distinct targets get distinct keys, even where their readable parts are the same', () => {
    const targets = [
      'stage:Production',
      'stage:Staging',
      'alias:champion',
      'alias:champion+stage:Production',
      'model:a b+alias:x',
      'model:a/b+alias:x',
      'model:a_b+alias:x',
      'alias:a+stage:Production',
      'alias:a__stage_Production', // an alias whose name holds `__`: would read like the combined key above
      'alias:a_stage_Production',
      `model:${'x'.repeat(300)}+alias:champion`,
      `model:${'x'.repeat(300)}+alias:challenger`,
    ];
    const keys = targets.map(recordKey);
    expect(new Set(keys).size).toBe(targets.length);
    expect(recordKey('alias:a__stage_Production')).not.toBe(recordKey('alias:a+stage:Production'));
    for (const key of keys) {
      expect(key.startsWith(RECORD_PREFIX)).toBe(true);
      expect(key.slice(RECORD_PREFIX.length)).toMatch(/^[\w-]+$/);
      // Within MLflow's tag key alphabet (no `+`, no `:`) and short.
      expect(key).toMatch(/^[/\w.\- ]*$/);
      expect(key.length).toBeLessThanOrEqual(RECORD_PREFIX.length + 100 + 1 + 12);
    }
  });
});

describe('formatRecord / parseRecord', () => {
  const whole: LedgerRecord = {
    target: PROD,
    decision: 'superseded',
    previous: ['1', '2'],
    at: ctx.now,
    by: 'octocat',
    runUrl: ctx.runUrl,
    commit: 'abc123',
    ruleHash: 'sha256:1',
    reason: 'raced',
    previousAlias: 'previous-champion',
    supersededBy: '4',
  };

  it('compact JSON in the documented field order, whatever the order of the object; absent fields omitted', () => {
    const shuffled = Object.fromEntries(Object.entries(whole).reverse()) as unknown as LedgerRecord;
    const text = formatRecord(shuffled);
    expect(text).toBe(
      '{"target":"stage:Production","decision":"superseded","previous":["1","2"],"at":"2026-11-26T10:00:00.000Z","by":"octocat","run_url":"https://github.com/acme/models/actions/runs/42","commit":"abc123","rule_hash":"sha256:1","reason":"raced","previous_alias":"previous-champion","superseded_by":"4"}',
    );
    expect(Object.keys(JSON.parse(text))).toEqual([
      'target',
      'decision',
      'previous',
      'at',
      'by',
      'run_url',
      'commit',
      'rule_hash',
      'reason',
      'previous_alias',
      'superseded_by',
    ]);
    expect(formatRecord({ target: PROD, previous: [], ruleHash: 'sha256:1' })).toBe(
      '{"target":"stage:Production","previous":[],"rule_hash":"sha256:1"}',
    );
    expect(parseRecord(text)).toEqual(whole);
  });

  it('at most 1,000 characters, even with a 5,000-character reason and 200 previous versions: the newest kept', () => {
    const previous = Array.from({ length: 200 }, (_, i) => String(i + 1));
    const text = formatRecord({ ...whole, reason: 'r'.repeat(5000), previous });
    expect(text.length).toBeLessThanOrEqual(MAX_RECORD_VALUE);
    const back = parseRecord(text)!;
    expect(back.target).toBe(PROD);
    expect(back.decision).toBe('superseded');
    expect(back.previous.length).toBeGreaterThan(0);
    expect(back.previous.length).toBeLessThanOrEqual(20);
    expect(back.previous).toEqual(previous.slice(-back.previous.length));
    expect(back.reason!.length).toBeGreaterThan(0);
    expect('r'.repeat(5000).startsWith(back.reason!)).toBe(true);
    expect(back).toMatchObject({ at: ctx.now, by: 'octocat', commit: 'abc123', supersededBy: '4' });
  });

  it('a target as long as a copy into a Unity Catalog model named with three 230-character parts still fits: no reason, the newest previous holder', () => {
    const target = `model:${['c'.repeat(230), 's'.repeat(230), 'm'.repeat(230)].join('.')}+alias:champion`;
    const previous = Array.from({ length: 30 }, (_, i) => String(i + 1));
    const text = formatRecord({ ...whole, target, reason: 'r'.repeat(5000), previous });
    expect(text.length).toBeLessThanOrEqual(MAX_RECORD_VALUE);
    const back = parseRecord(text)!;
    expect(back).toMatchObject({ target, decision: 'superseded', previous: ['30'], supersededBy: '4', at: ctx.now });
    expect(back.reason).toBeUndefined();
  });

  it('a damaged value, or one that is no record, reads as none', () => {
    for (const bad of [undefined, '', '{not json', 'null', '"promoted"', '[]', '42', '{"decision":"promoted"}'])
      expect(parseRecord(bad)).toBeUndefined();
    // Fields of the wrong type are dropped, not trusted; a decision this build does not know (a later
    // build's) is kept, so the record is never taken for a begun one and "completed" over.
    expect(parseRecord('{"target":"stage:Production","decision":"won","previous":["2",3],"at":5,"by":"me"}')).toEqual({
      target: PROD,
      decision: 'won',
      previous: ['2'],
      by: 'me',
    });
    expect(parseRecord('{"target":"stage:Production","decision":7}')).toEqual({ target: PROD, previous: [] });
  });
});

describe('reading the records of a version', () => {
  const legacy = {
    [LEGACY_LEDGER.decision]: 'promoted',
    [LEGACY_LEDGER.target]: PROD,
    [LEGACY_LEDGER.previous]: '1,2',
    [LEGACY_LEDGER.at]: 'earlier',
    [LEGACY_LEDGER.by]: 'someone',
    [LEGACY_LEDGER.runUrl]: 'https://github.com/acme/models/actions/runs/41',
    [LEGACY_LEDGER.commit]: 'def456',
    [LEGACY_LEDGER.ruleHash]: 'sha256:old',
  };

  it('the single-record layout of earlier releases reads as the record of the target it names', () => {
    const record: LedgerRecord = {
      target: PROD,
      decision: 'promoted',
      previous: ['1', '2'],
      at: 'earlier',
      by: 'someone',
      runUrl: 'https://github.com/acme/models/actions/runs/41',
      commit: 'def456',
      ruleHash: 'sha256:old',
      legacy: true,
    };
    expect(recordsOf(legacy)).toEqual([record]);
    expect(recordFor(legacy, PROD)).toEqual(record);
    expect(recordFor(legacy, 'stage:Staging')).toBeUndefined();
    expect(recordFor(legacy, 'alias:champion')).toBeUndefined();
    // Without the target it names, or with no known decision, it is no record.
    const { [LEGACY_LEDGER.target]: _t, ...noTarget } = legacy;
    expect(recordsOf(noTarget)).toEqual([]);
    expect(recordsOf({ ...legacy, [LEGACY_LEDGER.decision]: 'maybe' })).toEqual([]);
  });

  it('a record tag wins over the single-record layout for the same target; the legacy one stays for its own', () => {
    const tags = {
      ...legacy,
      ...recordTags({ target: PROD, decision: 'rolled-back', previous: ['2'], at: 'later', reason: 'bad' }),
    };
    expect(recordFor(tags, PROD)).toEqual({
      target: PROD,
      decision: 'rolled-back',
      previous: ['2'],
      at: 'later',
      reason: 'bad',
    });
    expect(recordsOf(tags)).toEqual([recordFor(tags, PROD)]);
    const other = {
      ...legacy,
      [LEGACY_LEDGER.target]: 'alias:champion',
      ...recordTags({ target: PROD, previous: [] }),
    };
    expect(
      recordsOf(other)
        .map((r) => `${r.target}:${r.decision ?? 'begun'}${r.legacy ? ':legacy' : ''}`)
        .sort(),
    ).toEqual(['alias:champion:promoted:legacy', 'stage:Production:begun']);
  });

  it('every target a version was decided for, one record each; a record under another target key is not read', () => {
    const tags = {
      validation: 'passed',
      ...recordTags(
        { target: 'stage:Staging', decision: 'promoted', previous: [], at: 't1' },
        { target: PROD, decision: 'promoted', previous: ['1'], at: 't2' },
        { target: 'alias:champion', decision: 'rejected', previous: ['5'], at: 't3' },
        { target: 'model:team/churn+alias:champion', previous: [] },
      ),
      // A record moved to a key that is not its target's (by hand, or damaged): not trusted.
      'mlflow_gate.record.stage_Staging_copy': formatRecord({
        target: 'stage:Staging',
        decision: 'rejected',
        previous: [],
      }),
      'mlflow_gate.record.broken': '{oops',
    };
    expect(
      recordsOf(tags)
        .map((r) => `${r.target}=${r.decision ?? 'begun'}`)
        .sort(),
    ).toEqual([
      'alias:champion=rejected',
      'model:team/churn+alias:champion=begun',
      'stage:Production=promoted',
      'stage:Staging=promoted',
    ]);
    expect(recordFor(tags, 'stage:Staging')?.decision).toBe('promoted');
    expect(recordFor(tags, 'model:team/churn+alias:champion')).toEqual({
      target: 'model:team/churn+alias:champion',
      previous: [],
    });
  });

  it('completed(): a begun record keeps every present field and takes only the absent ones', () => {
    const begun: LedgerRecord = { target: PROD, previous: ['2'], ruleHash: 'sha256:old', previousAlias: 'prev' };
    const whole: LedgerRecord = {
      target: PROD,
      decision: 'promoted',
      previous: ['9'],
      ruleHash: 'sha256:new',
      at: ctx.now,
      by: 'octocat',
      runUrl: ctx.runUrl,
      commit: 'abc123',
    };
    expect(completed(begun, whole)).toEqual({
      target: PROD,
      decision: 'promoted',
      previous: ['2'],
      ruleHash: 'sha256:old',
      previousAlias: 'prev',
      at: ctx.now,
      by: 'octocat',
      runUrl: ctx.runUrl,
      commit: 'abc123',
    });
    expect(completed({ ...begun, legacy: true }, whole)).not.toHaveProperty('legacy');
  });
});

describe('the ledger in the plan', () => {
  it('a promotion records who, when, where and what it replaced, after the move; begun with the evidence before it', () => {
    const d = decide(state());
    const kinds = d.plan.map((op) => (op.kind === 'set-tag' && op.record ? 'record' : op.kind));
    expect(kinds.indexOf('transition-stage')).toBeLessThan(kinds.indexOf('record'));
    const written = recordsIn(d.plan);
    expect(written.map((w) => [w.version, w.key, w.after])).toEqual([
      ['3', PROD_KEY, false],
      ['3', PROD_KEY, true],
    ]);
    // What it replaced and the rule are known before the move, so the record is begun with the
    // evidence: a record a run left half written is completed with them.
    const begun = d.plan.find((op) => op.kind === 'set-tag' && op.key === PROD_KEY && !op.record);
    expect(d.plan.indexOf(begun!)).toBeLessThan(kinds.indexOf('transition-stage'));
    expect(begun).toEqual({
      kind: 'set-tag',
      model: 'm',
      version: '3',
      key: PROD_KEY,
      value: `{"target":"stage:Production","previous":["2"],"rule_hash":"${RULE}"}`,
    });
    const after = d.plan.find((op) => op.kind === 'set-tag' && op.key === PROD_KEY && op.record);
    expect(after).toEqual({
      kind: 'set-tag',
      model: 'm',
      version: '3',
      key: PROD_KEY,
      record: true,
      value: `{"target":"stage:Production","decision":"promoted","previous":["2"],"at":"${ctx.now}","by":"octocat","run_url":"${ctx.runUrl}","commit":"abc123","rule_hash":"${RULE}"}`,
    });
    // The single-record layout is never written.
    for (const key of Object.values(LEGACY_LEDGER))
      expect(d.plan.some((op) => 'key' in op && op.key === key)).toBe(false);
    const history = d.plan.find((op) => op.kind === 'set-model-tag');
    expect(history).toMatchObject({ key: LEDGER.history });
    expect(history && JSON.parse(history.value)).toEqual([
      { version: '3', decision: 'promoted', target: PROD, previous: ['2'], at: ctx.now, by: 'octocat' },
    ]);
  });

  it('a record completed by a later run keeps what the version replaced; a new promotion overwrites an old supersession', () => {
    // The run moved v3 and stopped: only the begun record is there. v2 no longer holds the stage.
    const moved = version('3', 'Production', recordTags({ target: PROD, previous: ['2'], ruleHash: RULE }));
    const d = decide(state({ candidate: moved, holders: [moved] }));
    expect(d.decision).toBe('already-promoted');
    expect(recordsIn(d.plan).map((w) => w.record)).toEqual([
      {
        target: PROD,
        decision: 'promoted',
        previous: ['2'],
        ruleHash: RULE,
        at: ctx.now,
        by: 'octocat',
        runUrl: ctx.runUrl,
        commit: 'abc123',
      },
    ]);
    const stale = version(
      '3',
      'None',
      recordTags({ target: PROD, decision: 'superseded', previous: ['2'], supersededBy: '4', reason: 'raced' }),
    );
    const again = decide(state({ candidate: stale }));
    expect(again.decision).toBe('promoted');
    const records = recordsIn(again.plan).map((w) => w.record!);
    expect(records.map((r) => r.decision ?? 'begun')).toEqual(['begun', 'promoted']);
    for (const r of records) {
      expect(r).not.toHaveProperty('supersededBy');
      expect(r).not.toHaveProperty('reason');
    }
  });

  // The design changed: a holder with no record for the target is no run that died after the move
  // (the begun record is written before it), so nothing is written; mode audit reports it.
  it('a version already in the target with no record for it writes nothing, and says why', () => {
    const d = decide(state({ candidate: version('3', 'Production'), holders: [version('3', 'Production')] }));
    expect(d.decision).toBe('already-promoted');
    expect(d.plan).toEqual([]);
    expect(d.reasons).toEqual([
      'version 3 already holds stage Production; nothing to do',
      'the ledger has no record of the gate putting it there (moved by hand or by another tool): nothing is written, and mode audit reports it',
    ]);
  });

  it('with its record in place, nothing is written; a record a run left begun is completed, and the history with it', () => {
    const whole: LedgerRecord = {
      target: PROD,
      decision: 'promoted',
      previous: ['2'],
      at: 'earlier',
      by: 'someone',
      runUrl: 'https://github.com/acme/models/actions/runs/41',
      commit: 'def456',
      ruleHash: RULE,
    };
    const history: HistoryEntry[] = [
      { version: '3', decision: 'promoted', target: PROD, previous: ['2'], at: 'earlier', by: 'someone' },
    ];
    const rerun = (t: Record<string, string>, h = history) =>
      decide(state({ candidate: version('3', 'Production', t), holders: [version('3', 'Production', t)], history: h }));
    expect(rerun(recordTags(whole)).plan).toEqual([]);
    // Read from the single-record layout too: a first run after the upgrade writes nothing.
    const legacy = {
      [LEGACY_LEDGER.decision]: 'promoted',
      [LEGACY_LEDGER.target]: PROD,
      [LEGACY_LEDGER.previous]: '2',
      [LEGACY_LEDGER.at]: 'earlier',
    };
    expect(rerun(legacy).plan).toEqual([]);
    expect(rerun(legacy).decision).toBe('already-promoted');

    // The run that moved it stopped before its record was whole (found by the fault sweep).
    const d = rerun(recordTags({ target: PROD, previous: ['2'], ruleHash: RULE }), []);
    expect(d.decision).toBe('already-promoted');
    expect(d.plan.map((op) => op.kind)).toEqual(['set-tag', 'set-model-tag']);
    expect(d.plan[0]).toMatchObject({ key: PROD_KEY, record: true });
    expect(d.reasons).toContain(
      'an earlier run of this gate moved it but stopped before its ledger record was whole: completing that record',
    );
    expect(JSON.parse((d.plan[1] as { value: string }).value)).toEqual([
      { version: '3', decision: 'promoted', target: PROD, previous: ['2'], at: ctx.now, by: 'octocat' },
    ]);
    // With the history entry there already, only the record.
    const newest: HistoryEntry = { ...history[0]!, at: 'x' };
    expect(
      rerun(recordTags({ target: PROD, previous: ['2'], ruleHash: RULE }), [newest]).plan.map((op) => op.kind),
    ).toEqual(['set-tag']);
  });

  it('a rejection records the decision with the evidence; a rerun under the same rule writes nothing', () => {
    const bad = state({ observed: obs({ accuracy: 0.5, f1: 0.9 }) });
    const first = decide(bad);
    expect(first.decision).toBe('rejected');
    const written = recordsIn(first.plan);
    expect(written).toEqual([
      {
        version: '3',
        key: PROD_KEY,
        after: false,
        record: {
          target: PROD,
          decision: 'rejected',
          previous: ['2'],
          ruleHash: RULE,
          at: ctx.now,
          by: 'octocat',
          runUrl: ctx.runUrl,
          commit: 'abc123',
        },
      },
    ]);
    const tags = Object.fromEntries(first.plan.flatMap((op) => (op.kind === 'set-tag' ? [[op.key, op.value]] : [])));
    expect(decide({ ...bad, candidate: version('3', 'None', tags), context: { ...ctx, now: 'later' } }).plan).toEqual(
      [],
    );
    // A rejection in the single-record layout, same rule and holder: the first run after the upgrade writes nothing.
    const { [PROD_KEY]: _record, ...evidence } = tags;
    const legacy = {
      ...evidence,
      [LEGACY_LEDGER.decision]: 'rejected',
      [LEGACY_LEDGER.target]: PROD,
      [LEGACY_LEDGER.previous]: '2',
      [LEGACY_LEDGER.ruleHash]: RULE,
    };
    expect(decide({ ...bad, candidate: version('3', 'None', legacy) }).plan).toEqual([]);
    // Under another rule, or replacing another holder, the rejection is recorded again.
    const tighter = loadPolicy(POLICY.replace('0.88', '0.89'), 'p.yml');
    const underOther = decide({ ...bad, policy: tighter, candidate: version('3', 'None', tags) });
    expect(recordsIn(underOther.plan).map((w) => w.record?.ruleHash)).toEqual([ruleHash(tighter)]);
    const otherHolder = decide({
      ...bad,
      holders: [version('1', 'Production')],
      candidate: version('3', 'None', tags),
    });
    expect(recordsIn(otherHolder.plan).map((w) => w.record?.previous)).toEqual([['1']]);
    // A rejection for another target is not this target's.
    const { [PROD_KEY]: _own, ...noOwn } = tags;
    const elsewhere = version('3', 'None', {
      ...noOwn,
      ...recordTags({ target: 'stage:Staging', decision: 'rejected', previous: ['2'], ruleHash: RULE }),
    });
    expect(recordsIn(decide({ ...bad, candidate: elsewhere }).plan).map((w) => w.record?.target)).toEqual([PROD]);
  });
});
